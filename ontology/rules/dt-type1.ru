# dt-type1 (OWL 2 RL, Table 8): every datatype of the OWL 2 RL datatype map is an rdfs:Datatype.
# once: an axiom, stated before the fixpoint.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
INSERT { ?dt rdf:type rdfs:Datatype }
WHERE {
  VALUES ?dt {
    xsd:integer xsd:decimal xsd:nonNegativeInteger xsd:nonPositiveInteger xsd:negativeInteger
    xsd:positiveInteger xsd:long xsd:int xsd:short xsd:byte xsd:unsignedLong xsd:unsignedInt
    xsd:unsignedShort xsd:unsignedByte xsd:float xsd:double xsd:string xsd:normalizedString xsd:token
    xsd:language xsd:Name xsd:NCName xsd:NMTOKEN xsd:boolean xsd:hexBinary xsd:base64Binary xsd:anyURI
    xsd:dateTimeStamp xsd:dateTime xsd:time xsd:date rdfs:Literal rdf:XMLLiteral rdf:HTML rdf:langString
    rdf:PlainLiteral
  }
}
