"""Layer 2, the sources: the review's text, quotes anchored to it, the data and ontology files loaded."""
