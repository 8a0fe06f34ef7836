"""xianan-kg: the 2023 high-quality development review of Xian'an District as a knowledge graph."""

from xianan_kg.rdf.release import VERSION as __version__  # noqa: F401 - the package's version

# The notebook API (xianan_kg.query.api), imported on first use so that the command line starts fast.
__all__ = ["list_queries", "load_graph", "result_rows", "run_query", "to_dataframe"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from xianan_kg.query import api

        return getattr(api, name)
    raise AttributeError(f"module 'xianan_kg' has no attribute {name!r}")
