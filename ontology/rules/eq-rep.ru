# eq-rep-s, eq-rep-p, eq-rep-o (OWL 2 RL, Table 4): what holds of a resource holds of whatever is the same
# as it, in every position. With eq-sym this also makes owl:sameAs transitive (eq-trans).
# idle: the review states no owl:sameAs and entails none; tests/test_reasoning_rules.py shows it on one.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?s2 ?p ?o } WHERE { ?s owl:sameAs ?s2 . ?s ?p ?o } ;
INSERT { ?s ?p2 ?o } WHERE { ?p owl:sameAs ?p2 . ?s ?p ?o } ;
INSERT { ?s ?p ?o2 } WHERE { ?o owl:sameAs ?o2 . ?s ?p ?o }
