# prp-trp (OWL 2 RL, Table 5): a transitive property links x to z when it links x to y and y to z.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x ?p ?z }
WHERE { SELECT DISTINCT ?x ?p ?z WHERE { ?p rdf:type owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z } }
