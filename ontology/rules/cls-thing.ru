# cls-thing, cls-nothing1 (OWL 2 RL, Table 6): owl:Thing and owl:Nothing are classes.
# once: an axiom, stated before the fixpoint.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT DATA { owl:Thing rdf:type owl:Class . owl:Nothing rdf:type owl:Class . }
