# scm-rng1, scm-rng2 (OWL 2 RL, Table 9): a property's range widens to the range's superclasses, and a
# subproperty inherits its superproperty's range.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?p rdfs:range ?c2 }
WHERE { ?p rdfs:range ?c1 . ?c1 rdfs:subClassOf ?c2 } ;
INSERT { ?p rdfs:range ?c2 }
WHERE { ?p rdfs:subPropertyOf ?p2 . ?p2 rdfs:range ?c2 }
