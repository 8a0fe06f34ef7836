"""The namespaces of the graph, bound once so every serialisation uses the same prefixes."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, QB, RDF, RDFS, SKOS, XSD

BASE = "https://xianan-kg.example.org/"

XK = Namespace(BASE + "ontology#")
XKSH = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
XKC = Namespace(BASE + "id/concept/")
XKP = Namespace(BASE + "id/place/")
XKO = Namespace(BASE + "id/org/")
XKJ = Namespace(BASE + "id/project/")
XKF = Namespace(BASE + "id/facility/")
XKH = Namespace(BASE + "id/honour/")
XKI = Namespace(BASE + "id/initiative/")
XKFIG = Namespace(BASE + "id/figure/")
XKIND = Namespace(BASE + "id/indicator/")
XKQ = Namespace(BASE + "id/quote/")

ONTOLOGY_IRI = BASE + "ontology"
SOURCE_IRI = ID["source/xianan-2023-review"]
REVIEW_IRI = ID["review/xianan-2023"]
DATASET_IRI = ID["dataset/xianan-kg"]

# Declared here: rdflib 7.6.0's WGS and SDO constants do not match the IRIs we publish.
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
VOID = Namespace("http://rdfs.org/ns/void#")
VANN = Namespace("http://purl.org/vocab/vann/")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
CUR = Namespace("http://qudt.org/vocab/currency/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

PREFIXES: dict[str, Namespace] = {
    "xk": XK,
    "xksh": XKSH,
    "xkd": ID,
    "xkc": XKC,
    "xkp": XKP,
    "xko": XKO,
    "xkj": XKJ,
    "xkf": XKF,
    "xkh": XKH,
    "xki": XKI,
    "xkfig": XKFIG,
    "xkind": XKIND,
    "xkq": XKQ,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "dcat": Namespace(str(DCAT)),
    "prov": Namespace(str(PROV)),
    "qb": Namespace(str(QB)),
    "foaf": Namespace(str(FOAF)),
    "schema": SCHEMA,
    "org": ORG,
    "oa": OA,
    "void": VOID,
    "vann": VANN,
    "sdmx-dimension": SDMX_DIM,
    "sdmx-attribute": SDMX_ATTR,
    "sdmx-measure": SDMX_MEASURE,
    "cur": CUR,
    "unit": UNIT,
    "qudt": QUDT,
    "sd": SD,
    "sh": SH,
    "wd": WD,
    "wdt": WDT,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind our prefixes, replacing rdflib's defaults so output is stable across versions."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def sparql_prologue() -> str:
    """PREFIX lines for every namespace, for queries written by hand or by tests."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
