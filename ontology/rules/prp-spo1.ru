# prp-spo1 (OWL 2 RL, Table 5): a statement with a subproperty holds with its superproperty.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x ?p2 ?y }
WHERE { SELECT DISTINCT ?x ?p2 ?y WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?x ?p1 ?y } }
