"""Layer 3, links to other datasets: linksets with their evidence, the reconciler, Wikidata's query shapes."""
