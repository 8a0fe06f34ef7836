"""Layer 1, RDF basics: namespaces, the one rdflib⇄Oxigraph term codec, canonical literals, serialisation,
the release's constants (graph IRIs, artifact names), paths and error types. Imports nothing of ours."""
