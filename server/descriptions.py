"""The endpoint describing itself: a SPARQL 1.1 Service Description and the dataset's VoID description.

Both name the endpoint by the URL the client reached it at (the host it runs on),
while the data keeps its own IRIs (`void:uriSpace`).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from xianan_kg.rdf.namespaces import DATASET_IRI, SD, VOID, bind_prefixes
from xianan_kg.store.base import GRAPH_MEDIA_TYPES, SOLUTION_MEDIA_TYPES

from .dataset import PublishedDataset

FORMATS = Namespace("http://www.w3.org/ns/formats/")
FORMAT_IRIS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/n-quads": FORMATS["N-Quads"],
    "application/trig": FORMATS.TriG,
}
DATASET = URIRef(DATASET_IRI)
# The linksets (each in its graph/links/… graph), their targets and the division code list, as the build
# described them: VoID and DCAT, with their counts and licences.
PUBLISHED_DATASETS = """
CONSTRUCT { ?s ?p ?o } WHERE {
  GRAPH ?g {
    VALUES ?type { <http://rdfs.org/ns/void#Linkset> <http://rdfs.org/ns/void#Dataset>
                   <http://www.w3.org/ns/dcat#Dataset> <http://www.w3.org/ns/dcat#Distribution> }
    ?s a ?type ; ?p ?o .
  }
}"""

# What a query without dataset parameters sees; the library's expected answers are its answers.
DEFAULT_GRAPH_TEXT = (
    "The default graph is the RDF merge of the named graphs below: the ontology and the data as asserted "
    "plus the OWL 2 RL entailments and the linksets; the build stores each triple in one "
    "graph only, so each triple is in the default graph once. Direct relations (xk:locatedIn, xk:contains, "
    "xk:partOf, xk:hasPart) are not transitive; their transitive closures are xk:locatedInTransitive, "
    "xk:containsTransitive, xk:partOfTransitive and xk:hasPartTransitive. The NBS division code list "
    "(<https://xianan-kg.example.org/graph/divisions>) is a named graph beside them, outside the default graph: "
    "ask it with GRAPH or FROM."
)


def _count(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def service_description(dataset: PublishedDataset, endpoint: str, void_url: str) -> Graph:
    g = bind_prefixes(Graph())
    g.bind("formats", FORMATS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for media_type in (*SOLUTION_MEDIA_TYPES, *GRAPH_MEDIA_TYPES):
        g.add((service, SD.resultFormat, FORMAT_IRIS[media_type]))
    g.add((service, SD.defaultDataset, DATASET))
    g.add((service, DCTERMS.description, Literal(policy_text(dataset), lang="en")))
    g.add((service, FOAF.page, URIRef(void_url)))

    g.add((DATASET, RDF.type, SD.Dataset))
    g.add((DATASET, RDF.type, VOID.Dataset))
    g.add((DATASET, VOID.sparqlEndpoint, service))
    default = BNode()
    g.add((DATASET, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, _count(dataset.triples_in_union)))
    g.add((default, DCTERMS.description, Literal(DEFAULT_GRAPH_TEXT, lang="en")))
    for name in dataset.graph_names:
        named, graph = BNode(), BNode()
        g.add((DATASET, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        if name in dataset.triples_per_graph:
            g.add((graph, VOID.triples, _count(dataset.triples_per_graph[name])))
    return g


def policy_text(dataset: PublishedDataset) -> str:
    config = dataset.config
    return (
        f"Read-only SPARQL 1.1 Query endpoint. {DEFAULT_GRAPH_TEXT} Named graphs: "
        f"{', '.join(dataset.graph_names)}; default-graph-uri, named-graph-uri, FROM and FROM NAMED "
        "may select among these graphs only, and no remote document is ever fetched. "
        "SPARQL Update, LOAD and SERVICE are refused. "
        f"Relative IRIs in a query resolve against <{config.query_base_iri}>. {config.limits.describe()} "
        f"{config.fair_share.describe()}"
    )


def void_description(dataset: PublishedDataset, document: str, endpoint: str, dump: str) -> Graph:
    """The dataset's own DCAT/VoID metadata from the data, plus where to query and download it here."""
    g = bind_prefixes(Graph())
    described = dataset.store.execute(
        "CONSTRUCT { ?this ?p ?o } WHERE { ?this ?p ?o }", bindings={"this": DATASET}
    ).to_result()
    for triple in described.graph or ():
        g.add(triple)
    for triple in dataset.store.execute(PUBLISHED_DATASETS).to_result().graph or ():
        g.add(triple)
    doc = URIRef(document)
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, FOAF.primaryTopic, DATASET))
    g.add((DATASET, RDF.type, VOID.Dataset))
    g.add((DATASET, VOID.uriSpace, Literal(dataset.config.id_space)))
    g.add((DATASET, VOID.sparqlEndpoint, URIRef(endpoint)))
    g.add((DATASET, VOID.dataDump, URIRef(dump)))
    g.add((DATASET, VOID.triples, _count(dataset.triples_in_union)))
    return g
