# prp-rng (OWL 2 RL, Table 5): the object of a property is an instance of the property's range.
# A literal object would be a literal subject, which RDF 1.1 and the build do not keep: skipped.
# idle: on the review every node is typed as the shapes require, so cax-sco entails all this does;
# tests/test_reasoning_rules.py shows it at work on untyped nodes.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?y rdf:type ?c }
WHERE { SELECT DISTINCT ?y ?c WHERE { ?p rdfs:range ?c . ?x ?p ?y FILTER(!isLiteral(?y)) } }
