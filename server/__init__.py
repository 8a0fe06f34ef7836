"""HTTP face of the knowledge graph: the SPARQL 1.1 Protocol endpoint, linked-data pages, the query UI.

Installed as the package `xianan_kg.server` (see pyproject.toml); `create_app` is the Flask app factory.

    app.py            create_app(config): one app per published dataset (config.py: ServerConfig)
    dataset.py        the release artifacts, checked against manifest.json and opened in a store
    protocol.py       /sparql: reads a request (sparql_request.py), refuses updates, SERVICE and foreign
                      graphs (xianan_kg.query.guard), runs it in a query process that a time limit can kill
                      (execution.py) and writes the answer within the size limits (limits.py)
    descriptions.py   the Service Description and the VoID description
    linked_data.py    /id/…, /ontology, /.well-known/void, /dump; describe.py says what an IRI's page holds
    site.py           what every HTML page shares: header (search box, zh/en switch: i18n.py), CSP, ETag per language
    search.py         /search, /search.json over every name (labels.py); dashboard.py /dashboard (charts: svg.py);
                      source_text.py /source and the sentence around a quote; formatting.py numbers with units
    ui.py             / (placeholder start page, to be replaced by the query UI)
    negotiation.py    Accept with q-values for every route; headers.py CORS, Vary, ETag / 304;
                      errors.py text/plain errors and the 404 page
    command.py        `xianan-kg serve` (gunicorn_runner.py runs gunicorn in-process)
"""

from __future__ import annotations

__all__ = ["ServerConfig", "create_app"]


def __getattr__(name: str) -> object:
    """Import Flask only when the server is used: every `xianan-kg` command imports this package."""
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "ServerConfig":
        from .config import ServerConfig

        return ServerConfig
    raise AttributeError(name)
