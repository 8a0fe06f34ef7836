# scm-cls (OWL 2 RL, Table 9): every class is a subclass of owl:Thing and a superclass of owl:Nothing
# (and equivalent to and a subclass of itself, which the build drops as trivial: not stated here).
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?c rdfs:subClassOf owl:Thing . owl:Nothing rdfs:subClassOf ?c }
WHERE { ?c rdf:type owl:Class }
