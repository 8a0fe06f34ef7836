"""Layer 3, validation: SHACL (compiled to SPARQL on Oxigraph; pyshacl as the reference), quotes, figures."""
