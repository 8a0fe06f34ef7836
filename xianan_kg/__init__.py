"""xianan-kg: the 2023 high-quality development review of Xian'an District as a knowledge graph."""

__version__ = "0.1.0"
