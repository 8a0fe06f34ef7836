# prp-ap (OWL 2 RL, Table 4): the built-in annotation properties are owl:AnnotationProperty.
# once: an axiom, stated before the fixpoint.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT DATA {
  rdfs:label rdf:type owl:AnnotationProperty .
  rdfs:comment rdf:type owl:AnnotationProperty .
  rdfs:seeAlso rdf:type owl:AnnotationProperty .
  rdfs:isDefinedBy rdf:type owl:AnnotationProperty .
  owl:deprecated rdf:type owl:AnnotationProperty .
  owl:versionInfo rdf:type owl:AnnotationProperty .
  owl:priorVersion rdf:type owl:AnnotationProperty .
  owl:backwardCompatibleWith rdf:type owl:AnnotationProperty .
  owl:incompatibleWith rdf:type owl:AnnotationProperty .
}
