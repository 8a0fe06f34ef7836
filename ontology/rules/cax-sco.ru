# cax-sco (OWL 2 RL, Table 7): an instance of a class is an instance of its superclasses.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x rdf:type ?c2 }
WHERE { SELECT DISTINCT ?x ?c2 WHERE { ?c1 rdfs:subClassOf ?c2 . ?x rdf:type ?c1 } }
