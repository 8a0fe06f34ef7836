# eq-sym (OWL 2 RL, Table 4): owl:sameAs is symmetric.
# idle: the review states no owl:sameAs and entails none; tests/test_reasoning_rules.py shows it on one.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?y owl:sameAs ?x }
WHERE { ?x owl:sameAs ?y }
