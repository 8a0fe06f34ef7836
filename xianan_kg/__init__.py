"""xianan-kg: the 2023 high-quality development review of Xian'an District as a knowledge graph."""

__version__ = "0.1.0"

# The notebook API (xianan_kg.api), imported on first use so that the command line starts fast.
__all__ = ["list_queries", "load_graph", "result_rows", "run_query", "to_dataframe"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'xianan_kg' has no attribute {name!r}")
