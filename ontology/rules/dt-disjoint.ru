# dt-disjoint (no name in the OWL 2 RL tables: the datatype axioms of section 4.3, as owlrl states them):
# the primitive datatypes are pairwise disjoint. Like owlrl, a pair is stated only when the graph uses both:
# a datatype is used when a literal has it or a datatype derived from it (xsd:nonNegativeInteger ->
# xsd:integer -> xsd:decimal), or when a node is typed with it. xianan_kg.rules stores a typed literal under
# <urn:xianan-kg:rules:typed:DATATYPE-IRI> so that Oxigraph keeps it as written; plain and language-tagged
# strings have no datatype in rdflib, so owlrl does not count xsd:string for them, and neither does this.
# once: owlrl computes it from the asserted graph, before the fixpoint. The primitives in use are noted in
# a scratch graph, dropped at the end.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
INSERT { GRAPH <urn:xianan-kg:rules:scratch> { ?primitive rdf:type rdfs:Datatype } }
WHERE {
  { ?s ?p ?v FILTER(isLiteral(?v) && STRSTARTS(STR(DATATYPE(?v)), "urn:xianan-kg:rules:typed:"))
    BIND(IRI(STRAFTER(STR(DATATYPE(?v)), "urn:xianan-kg:rules:typed:")) AS ?d) }
  UNION { ?s rdf:type ?d }
  VALUES (?d ?primitive) {
    (xsd:anyURI xsd:anyURI) (xsd:base64Binary xsd:base64Binary) (xsd:boolean xsd:boolean)
    (xsd:dateTime xsd:dateTime) (xsd:dateTimeStamp xsd:dateTime) (xsd:double xsd:double)
    (xsd:float xsd:float) (xsd:hexBinary xsd:hexBinary) (rdf:PlainLiteral rdf:PlainLiteral)
    (rdf:XMLLiteral rdf:XMLLiteral) (xsd:decimal xsd:decimal) (xsd:integer xsd:decimal)
    (xsd:nonNegativeInteger xsd:decimal) (xsd:nonPositiveInteger xsd:decimal)
    (xsd:negativeInteger xsd:decimal) (xsd:positiveInteger xsd:decimal) (xsd:long xsd:decimal)
    (xsd:int xsd:decimal) (xsd:short xsd:decimal) (xsd:byte xsd:decimal) (xsd:unsignedLong xsd:decimal)
    (xsd:unsignedInt xsd:decimal) (xsd:unsignedShort xsd:decimal) (xsd:unsignedByte xsd:decimal)
    (xsd:string xsd:string) (xsd:normalizedString xsd:string) (xsd:token xsd:string)
    (xsd:language xsd:string) (xsd:Name xsd:string) (xsd:NCName xsd:string) (xsd:NMTOKEN xsd:string)
  }
} ;
INSERT { ?a owl:disjointWith ?b }
WHERE {
  GRAPH <urn:xianan-kg:rules:scratch> { ?a rdf:type rdfs:Datatype . ?b rdf:type rdfs:Datatype }
  VALUES (?a ?b) {
    (xsd:anyURI xsd:base64Binary)
    (xsd:anyURI xsd:boolean)
    (xsd:anyURI xsd:dateTime)
    (xsd:anyURI xsd:decimal)
    (xsd:anyURI xsd:double)
    (xsd:anyURI xsd:float)
    (xsd:anyURI xsd:hexBinary)
    (xsd:anyURI xsd:string)
    (xsd:anyURI rdf:PlainLiteral)
    (xsd:anyURI rdf:XMLLiteral)
    (xsd:base64Binary xsd:boolean)
    (xsd:base64Binary xsd:dateTime)
    (xsd:base64Binary xsd:decimal)
    (xsd:base64Binary xsd:double)
    (xsd:base64Binary xsd:float)
    (xsd:base64Binary xsd:hexBinary)
    (xsd:base64Binary xsd:string)
    (xsd:base64Binary rdf:PlainLiteral)
    (xsd:base64Binary rdf:XMLLiteral)
    (xsd:boolean xsd:dateTime)
    (xsd:boolean xsd:decimal)
    (xsd:boolean xsd:double)
    (xsd:boolean xsd:float)
    (xsd:boolean xsd:hexBinary)
    (xsd:boolean xsd:string)
    (xsd:boolean rdf:PlainLiteral)
    (xsd:boolean rdf:XMLLiteral)
    (xsd:dateTime xsd:decimal)
    (xsd:dateTime xsd:double)
    (xsd:dateTime xsd:float)
    (xsd:dateTime xsd:hexBinary)
    (xsd:dateTime xsd:string)
    (xsd:dateTime rdf:PlainLiteral)
    (xsd:dateTime rdf:XMLLiteral)
    (xsd:decimal xsd:double)
    (xsd:decimal xsd:float)
    (xsd:decimal xsd:hexBinary)
    (xsd:decimal xsd:string)
    (xsd:decimal rdf:PlainLiteral)
    (xsd:decimal rdf:XMLLiteral)
    (xsd:double xsd:float)
    (xsd:double xsd:hexBinary)
    (xsd:double xsd:string)
    (xsd:double rdf:PlainLiteral)
    (xsd:double rdf:XMLLiteral)
    (xsd:float xsd:hexBinary)
    (xsd:float xsd:string)
    (xsd:float rdf:PlainLiteral)
    (xsd:float rdf:XMLLiteral)
    (xsd:hexBinary xsd:string)
    (xsd:hexBinary rdf:PlainLiteral)
    (xsd:hexBinary rdf:XMLLiteral)
    (xsd:string rdf:XMLLiteral)
  }
} ;
DROP SILENT GRAPH <urn:xianan-kg:rules:scratch>
