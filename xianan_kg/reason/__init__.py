"""Layer 3, reasoning: OWL 2 RL as SPARQL Update rules in semi-naive rounds (owlrl as the reference), and the
one policy of which entailments the release keeps."""
