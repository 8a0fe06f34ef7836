"""HTTP face of the knowledge graph: the SPARQL 1.1 Protocol endpoint, linked-data pages, the query UI.

Installed as the package `xianan_kg.server` (see pyproject.toml); `create_app` is the Flask app factory.
"""
