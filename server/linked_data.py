"""Linked data: every IRI `{base}X` of the graph is looked up at path `/X` on this server, whatever its host.

Things named under `/id/` are not documents ("Cool URIs for the Semantic Web", the
303 pattern): `GET /id/place/xianan` answers 303 See Other to the document in the
format the client prefers — `/id/place/xianan.html`, `.ttl`, `.jsonld`, `.nt` or
`.rdf` — and each of those documents can be linked to and cached on its own.
The ontology uses hash IRIs (`/ontology#Figure`), so `/ontology` is a document and
is served directly by content negotiation, naming the variant in Content-Location.
`/.well-known/void` describes the dataset; `/dump` is the whole graph in Turtle.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, request, send_file, url_for
from markupsafe import Markup
from rdflib import Graph, URIRef

from xianan_kg.rdf.namespaces import bind_prefixes
from xianan_kg.rdf.release import ARTIFACT_STEM, STYLESHEET, document_name
from xianan_kg.store.base import asserted_graphs

from .dataset import current_dataset
from .describe import Describer
from .descriptions import void_description
from .errors import HttpProblem
from .headers import dataset_response
from .hosts import external_url, this_url
from .i18n import current_language
from .labels import NameIndex
from .negotiation import negotiate
from .results import DOCUMENT_MEDIA_TYPES, GRAPH_ALIASES, content_type, document_response
from .site import per_dataset, render_page
from .source_text import published_documents, published_source

bp = Blueprint("linked_data", __name__)

# document suffix -> media type; the first is what a client that accepts anything gets
DOCUMENT_SUFFIXES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}
SUFFIX_OF = {media_type: suffix for suffix, media_type in DOCUMENT_SUFFIXES.items()}
PAGE_TYPES = ["text/html", *DOCUMENT_MEDIA_TYPES]
IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`]')
ONTOLOGY_QUERY = """SELECT ?ontology ?s ?p ?o WHERE { ?s ?p ?o
  FILTER(STR(?s) = STR(?ontology) || STRSTARTS(STR(?s), CONCAT(STR(?ontology), "#"))) }"""


def body_of(document: str) -> str:
    """The inside of a built document's <body>, to place in a page of ours."""
    start = document.index(">", document.index("<body")) + 1
    return document[start : document.rindex("</body>")]


def names() -> NameIndex:
    """Every name of the published graph, loaded once per dataset version."""
    return per_dataset("names", lambda: NameIndex.load(current_dataset().store))


def _describer() -> Describer:
    dataset = current_dataset()
    return Describer(dataset.store, dataset.config, names(), published_source(), published_documents())


def _negotiate_page() -> str:
    return negotiate(request.headers.get("Accept"), PAGE_TYPES, GRAPH_ALIASES)


def _known(iri: str) -> bool:
    """Whether a well-formed IRI occurs in the dataset; anything else is a 404, never an error."""
    if IRI_UNSAFE.search(iri) or not iri.isprintable():
        return False
    try:
        return _describer().exists(iri)
    except ValueError:  # not an IRI the engine accepts (e.g. U+FFFD from undecodable percent-escapes)
        return False


def _document(iri: str, media_type: str) -> Response:
    describer = _describer()
    graph = describer.graph(iri)
    if media_type == "text/html":
        page = describer.page(iri, graph, current_language())
        path = current_dataset().config.local_path(iri) or request.path
        alternates = [(suffix, mt, f"{path}.{suffix}") for suffix, mt in DOCUMENT_SUFFIXES.items() if suffix != "html"]
        response = render_page("entity.html", page=page, alternates=alternates, path=path)
    else:
        response = dataset_response(document_response(graph, media_type))
    response.headers["Link"] = f'<{iri}>; rel="describes"'
    return response


@bp.route("/id/<path:rest>", methods=["GET"])
def entity(rest: str) -> Response:
    """303 from the thing to its document; or the document itself when a suffix names the format."""
    config = current_dataset().config
    iri = config.id_space + rest
    if _known(iri):
        suffix = SUFFIX_OF[_negotiate_page()]
        response = Response(status=303)
        response.headers["Location"] = url_for("linked_data.entity", rest=f"{rest}.{suffix}")
        return response
    stem, dot, suffix = rest.rpartition(".")
    if dot and suffix in DOCUMENT_SUFFIXES and _known(config.id_space + stem):
        return _document(config.id_space + stem, DOCUMENT_SUFFIXES[suffix])
    raise HttpProblem(404, f"Not Found: <{iri}> is not in this dataset")


def _ontology_graph(iri: str) -> Graph:
    """The ontology's own triples (its IRI and its #terms), whichever graph holds them."""
    result = current_dataset().store.execute(ONTOLOGY_QUERY, bindings={"ontology": URIRef(iri)})
    graph = bind_prefixes(Graph())
    for row in result.to_result().rows:
        graph.add((row["s"], row["p"], row["o"]))
    return graph


@bp.route("/ontology", methods=["GET"], defaults={"suffix": None})
@bp.route("/ontology.<suffix>", methods=["GET"])
def ontology(suffix: str | None) -> Response:
    """HTML: the documentation pyLODE wrote at build time, in the reader's language; RDF: the ontology's triples."""
    if suffix == "css":
        return _ontology_stylesheet()
    if suffix is None:
        media_type = _negotiate_page()
    elif suffix in DOCUMENT_SUFFIXES:
        media_type = DOCUMENT_SUFFIXES[suffix]
    else:
        raise HttpProblem(404, f"Not Found: no ontology document in format .{suffix}")
    iri = current_dataset().config.ontology_iri
    if media_type == "text/html":
        response = render_page(
            "ontology.html", documentation=_documentation(current_language()), suffixes=DOCUMENT_SUFFIXES
        )
    else:
        graph = _ontology_graph(iri)
        if not len(graph):
            raise HttpProblem(404, f"Not Found: this dataset has no ontology <{iri}>")
        response = dataset_response(document_response(graph, media_type))
    if suffix is None:
        response.headers["Content-Location"] = url_for("linked_data.ontology", suffix=SUFFIX_OF[media_type])
    return response


def _documentation(lang: str) -> Markup:
    """The body of dist/ontology[.zh].html: generated by our build (pyLODE, every text escaped), so trusted."""

    def load() -> Markup:
        path = current_dataset().artifact(document_name(lang))
        if path is None:
            raise HttpProblem(404, "Not Found: this build has no ontology documentation; run `xianan-kg build`")
        return Markup(body_of(path.read_text(encoding="utf-8")))  # noqa: S704 - our own build artifact

    return per_dataset(f"ontology-doc-{lang}", load)


def _ontology_stylesheet() -> Response:
    path = current_dataset().artifact(STYLESHEET)
    if path is None:
        raise HttpProblem(404, "Not Found: this build has no ontology stylesheet")
    response = send_file(path, mimetype="text/css", conditional=False)
    response.headers["Content-Type"] = content_type("text/css")
    return dataset_response(response)


@bp.route("/.well-known/void", methods=["GET"])
def void() -> Response:
    media_type = negotiate(request.headers.get("Accept"), DOCUMENT_MEDIA_TYPES, GRAPH_ALIASES)
    graph = void_description(
        current_dataset(),
        document=this_url(),
        endpoint=external_url("protocol.endpoint"),
        dump=external_url("linked_data.dump"),
    )
    return dataset_response(document_response(graph, media_type))


@bp.route("/dump", methods=["GET"])
def dump() -> Response:
    """The asserted graph as built (dist/xianan-kg.ttl); `?inferred=true` adds the OWL 2 RL entailments.

    Linksets, kept in a graph of their own, are not part of the dump; they are queryable at /sparql."""
    negotiate(request.headers.get("Accept"), ["text/turtle"], GRAPH_ALIASES)
    dataset = current_dataset()
    inferred = request.args.get("inferred", "false").lower()
    if inferred not in ("true", "false"):
        raise HttpProblem(400, "Bad Request: inferred must be true or false")
    if inferred == "false":
        path = dataset.artifact(f"{ARTIFACT_STEM}.ttl")
        if path is None:
            raise HttpProblem(404, "Not Found: this build has no Turtle export")
        response = send_file(path, mimetype="text/turtle", conditional=False)
        response.headers["Content-Type"] = content_type("text/turtle")
    else:
        closure = [g for g in asserted_graphs(True, dataset.graph_names) if g in dataset.graph_names]
        answer = dataset.store.execute("CONSTRUCT WHERE { ?s ?p ?o }", default_graphs=closure)
        response = Response(answer.serialize("text/turtle"), content_type=content_type("text/turtle"))
    return dataset_response(response)
