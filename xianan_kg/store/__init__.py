"""Layer 5, stores: the release opened in an engine (pyoxigraph, rdflib, a SPARQL endpoint), one interface."""
