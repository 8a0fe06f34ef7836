# scm-spo (OWL 2 RL, Table 9): rdfs:subPropertyOf is transitive.
# idle: the ontology has no chain of two subproperties yet; tests/test_reasoning_rules.py shows it on one.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?p1 rdfs:subPropertyOf ?p3 }
WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3 }
