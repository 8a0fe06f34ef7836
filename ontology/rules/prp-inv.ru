# prp-inv1, prp-inv2 (OWL 2 RL, Table 5): a statement with one of two inverse properties holds, reversed,
# with the other. A literal object would become a literal subject: skipped.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?y ?q ?x }
WHERE { SELECT DISTINCT ?y ?q ?x WHERE { ?p owl:inverseOf ?q . ?x ?p ?y FILTER(!isLiteral(?y)) } } ;
INSERT { ?y ?q ?x }
WHERE { SELECT DISTINCT ?y ?q ?x WHERE { ?q owl:inverseOf ?p . ?x ?p ?y FILTER(!isLiteral(?y)) } }
