# prp-fp (OWL 2 RL, Table 5): two values of a functional property for one subject are the same.
# Two literals cannot be stated owl:sameAs in RDF 1.1, so for them this applies eq-rep-o at once, as owlrl
# does after stating it: whatever has one value as object gets the other too. (A literal and a resource
# as the two values, which owlrl also makes the same, are left alone.)
# idle: on the review no subject has two values of a functional property (the shapes' sh:maxCount 1);
# tests/test_reasoning_rules.py shows it on a subject with two.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?y1 owl:sameAs ?y2 }
WHERE { ?p rdf:type owl:FunctionalProperty . ?x ?p ?y1 . ?x ?p ?y2 FILTER(!sameTerm(?y1, ?y2) && !isLiteral(?y1) && !isLiteral(?y2)) } ;
INSERT { ?s ?q ?l2 }
WHERE {
  ?p rdf:type owl:FunctionalProperty . ?x ?p ?l1 . ?x ?p ?l2 FILTER(!sameTerm(?l1, ?l2) && isLiteral(?l1) && isLiteral(?l2))
  ?s ?q ?l1
}
