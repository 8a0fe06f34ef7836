"""Ontology documentation, written by pyLODE at build time: one HTML document per language, plus the shapes.

pyLODE (OntPub profile) documents every class and property of the ontology files
(`ontology/xianan.ttl`, `schemes.ttl`, `alignments.ttl`) with its label, definition, super-terms, domain, range
and its alignments to other vocabularies (the SKOS mapping properties are added to
the rows pyLODE shows). pyLODE knows one label per term, so each language gets its
own document: `ontology.html` (English) and `ontology.zh.html` (Chinese), where the
other language's label is shown as an alternative label. After pyLODE's sections
come two of ours, generated from the same files: the concept schemes and their
concepts (kept from pyLODE, which would take a scheme's name for the document's
title) and what each SHACL shape requires (`ontology/shapes.ttl`).

The documents are self-contained (no script, no inline style, nothing fetched; the
stylesheet `ontology.css` sits beside them) and byte-identical from one build to
the next. Text from the ontology is escaped before pyLODE sees it, because pyLODE
passes definitions through Markdown, which would keep raw HTML.
"""

from __future__ import annotations

import html
import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from dominate.tags import a, code, dd, div, dl, dt, h2, h3, li, link, meta, p, section, table, td, th, tr, ul
from pypinyin import Style, lazy_pinyin
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from xianan_kg.rdf import paths
from xianan_kg.rdf.namespaces import PREFIXES, SH, bind_prefixes
from xianan_kg.rdf.release import STYLESHEET, document_name

DOC_LANGUAGES = ("en", "zh")
STYLESHEET_SOURCE = Path(__file__).with_name("docs.css")
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
ESCAPED = (RDFS.comment, SKOS.definition, DCTERMS.description, SKOS.note, SKOS.scopeNote, SKOS.example)
BODY_START, BODY_END = "<body", "</body>"
ID_ATTRIBUTE = re.compile(r' id="([^"]*)"')

# pyLODE writes its headings in English; the Chinese document translates them.
HEADINGS_ZH = {
    "Metadata": "元数据",
    "Classes": "类",
    "Object Properties": "对象属性",
    "Datatype Properties": "数据属性",
    "Annotation Properties": "注释属性",
    "Functional Properties": "函数型属性",
    "Namespaces": "命名空间",
    "Legend": "图例",
    "Table of Contents": "目录",
}
TEXT = {
    "en": {
        "schemes": "Concept schemes",
        "schemes_intro": "The controlled values of the ontology (ontology/schemes.ttl): SKOS concepts, each in its scheme.",
        "shapes": "Shapes: what the data must satisfy",
        "shapes_intro": "Each SHACL shape of ontology/shapes.ttl, the class it applies to and what it requires of every "
        "instance; the build refuses data that violates one.",
        "applies_to": "Applies to",
        "path": "Property",
        "requires": "Requires",
        "message": "Message when violated",
        "sparql": "SPARQL check",
        "alt_label": "Label in Chinese",
        "generated": "Generated at build time by pyLODE (OntPub profile) and xianan-kg from ",
        "node_itself": "the node itself",
    },
    "zh": {
        "schemes": "概念体系",
        "schemes_intro": "本体的受控取值(ontology/schemes.ttl):SKOS概念及其所属体系。",
        "shapes": "约束形状:数据必须满足的条件",
        "shapes_intro": "ontology/shapes.ttl 中的每个SHACL形状、其适用的类以及对每个实例的要求;违反约束的数据不能通过构建。",
        "applies_to": "适用于",
        "path": "属性",
        "requires": "要求",
        "message": "违反时的提示",
        "sparql": "SPARQL检查",
        "alt_label": "英文标签",
        "generated": "构建时由 pyLODE(OntPub 配置)和 xianan-kg 生成,来源:",
        "node_itself": "节点本身",
    },
}


def documentation_files(ontology: Graph, shapes_file: Path = paths.SHAPES_FILE) -> dict[str, bytes]:
    """Every documentation file for dist/ by name; a pure function of the ontology graph and the shapes."""
    documented, schemes = split_schemes(ontology)
    shapes = _parse([shapes_file])
    out = {STYLESHEET: STYLESHEET_SOURCE.read_bytes()}
    for lang in DOC_LANGUAGES:
        out[document_name(lang)] = render_documentation(documented, schemes, shapes, ontology, lang).encode("utf-8")
    return out


def _ontpub_class() -> type:
    """pyLODE's OntPub, imported only by the build; pyLODE configures the root logger at DEBUG when imported
    (pylode/profiles/supermodel/loader.py), which would flood the build's output: undo that."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    from pylode.profiles.ontpub import OntPub

    root.handlers[:] = handlers
    root.setLevel(level)
    return OntPub


def render_documentation(documented: Graph, schemes: Graph, shapes: Graph, vocabulary: Graph, lang: str) -> str:
    OntPub = _ontpub_class()  # noqa: N806 - a class

    class Documentation(OntPub):  # type: ignore[valid-type,misc]  # pyLODE's class, imported lazily and untyped
        """pyLODE's OntPub with a head that loads nothing but our stylesheet, and our two sections added."""

        def _make_head(self, schema_org: Graph, include_css: bool = True, destination: Path | None = None) -> None:
            with self.doc.head:
                meta(charset="utf-8")
                meta(name="viewport", content="width=device-width, initial-scale=1")
                link(rel="stylesheet", href=STYLESHEET)
                link(rel="alternate", type="text/turtle", href="ontology.ttl")

        def _make_namespaces(self) -> None:
            """The namespaces some term or literal of the ontology starts with: pyLODE lists the same, but asks
            the graph for its bindings once per triple position, a third of the build's documentation time."""
            texts = {str(node) for triple in self.ont for node in triple}
            used = {prefix: str(ns) for prefix, ns in self.ont.namespaces() if any(t.startswith(ns) for t in texts)}
            entries = self.toc.setdefault("namespaces", [])
            with self.content, div(id="namespaces"):
                h2("Namespaces")
                with dl():
                    for prefix, ns in sorted(used.items()):
                        dt(prefix or ":", id=prefix or ":")
                        dd(code(ns))
                        entries.append(("#" + prefix, prefix))

        def _make_toc(self) -> None:
            """The contents in the reader's order: Chinese names by their pinyin, not by the English IRIs."""
            for key, entries in self.toc.items():
                if key != "namespaces" and isinstance(entries, list):
                    entries.sort(key=lambda entry: reading_key(str(entry[1]), lang))
            super()._make_toc()

        def _make_body(self) -> None:
            self.doc.body["class"] = "ontology-doc"
            super()._make_body()
            self.content.appendChild(concept_schemes_section(schemes, vocabulary, lang))
            self.content.appendChild(shapes_section(shapes, vocabulary, lang))
            self.content.appendChild(p(TEXT[lang]["generated"], ", ".join(_source_names()), _class="generated"))

    with _mapping_rows(), _shared_background():
        doc = Documentation(monolingual(documented, lang), sort_subjects=True)
        doc.fids.update(_fragment_ids(documented))  # anchors are the terms' own fragments: /ontology#Figure
        _order_background(doc)
        _label_mapping_rows(doc)
        doc.doc["lang"] = lang
        rendered = doc.make_html()
    if lang == "zh":
        for english, chinese in HEADINGS_ZH.items():
            rendered = rendered.replace(f">{english}</", f">{chinese}</")
    return unique_ids(rendered)


def unique_ids(document: str) -> str:
    """pyLODE lists a functional property twice (as object or datatype property and as functional property)
    under one id; later copies get `-2`, `-3` … so the page stays valid and `#term` finds the first. An empty id
    is dropped."""
    seen: dict[str, int] = defaultdict(int)

    def rename(match: re.Match) -> str:
        name = match.group(1)
        if not name:  # pyLODE gives a term outside our namespace (schema:brand) an empty id: none is valid
            return ""
        seen[name] += 1
        return match.group(0) if seen[name] == 1 else f' id="{name}-{seen[name]}"'

    return ID_ATTRIBUTE.sub(rename, document)


def _source_names() -> list[str]:
    return [f"ontology/{name}" for name in (*paths.ONTOLOGY_FILES, paths.SHAPES_FILE.name)]


def split_schemes(graph: Graph) -> tuple[Graph, Graph]:
    """(the OWL terms, the SKOS concept schemes and concepts): pyLODE documents the first, we the second."""
    concepts = set(graph.subjects(RDF.type, SKOS.ConceptScheme)) | set(graph.subjects(RDF.type, SKOS.Concept))
    concepts |= set(graph.subjects(SKOS.inScheme, None))
    terms, schemes = bind_prefixes(Graph()), bind_prefixes(Graph())
    for triple in graph:
        (schemes if triple[0] in concepts else terms).add(triple)
    return terms, schemes


def _parse(files: list[Path]) -> Graph:
    graph = bind_prefixes(Graph())
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def monolingual(graph: Graph, lang: str) -> Graph:
    """A copy for one language: of each subject's values of a property, those in `lang` where there are any.

    Labels in other languages become skos:altLabel, so the document still shows both names.
    Descriptive text is HTML-escaped, because pyLODE renders it as Markdown (which passes HTML through)."""
    values: dict[tuple[Node, Node], list[Node]] = defaultdict(list)
    for subject, predicate, obj in graph:
        values[(subject, predicate)].append(obj)
    out = bind_prefixes(Graph())
    for (subject, predicate), objects in values.items():
        tagged = [o for o in objects if isinstance(o, Literal) and o.language]
        chosen = [o for o in tagged if o.language == lang]
        for o in objects:
            if o in tagged and chosen and o not in chosen:
                if predicate == RDFS.label:
                    out.add((subject, SKOS.altLabel, o))
                continue
            if predicate in ESCAPED and isinstance(o, Literal):
                o = Literal(html.escape(str(o), quote=False), lang=o.language, datatype=o.datatype)
            out.add((subject, predicate, o))
    return out


def _fragment_ids(graph: Graph) -> dict[str, str]:
    own = str(PREFIXES["xk"])
    return {str(s): str(s)[len(own) :] for s in set(graph.subjects()) if str(s).startswith(own) and str(s) != own}


@contextmanager
def _mapping_rows() -> Iterator[None]:
    """Have pyLODE show alignments and alternative labels: it lists only the properties in its row lists."""
    from pylode.rdf_elements import CLASS_PROPS, PROP_PROPS

    extra = [SKOS.altLabel, OWL.equivalentProperty, *MAPPINGS]
    added = {id(rows): [t for t in extra if t not in rows] for rows in (CLASS_PROPS, PROP_PROPS)}
    for rows in (CLASS_PROPS, PROP_PROPS):
        rows.extend(added[id(rows)])
    try:
        yield
    finally:
        for rows in (CLASS_PROPS, PROP_PROPS):
            for term in added[id(rows)]:
                rows.remove(term)


@contextmanager
def _shared_background() -> Iterator[None]:
    """pyLODE unpickles its copies of the standard vocabularies for every document; hand it the sorted copy we
    keep (the same triples) so the two languages, and `_order_background`, share one."""
    from pylode.profiles import ontpub

    original = ontpub.load_background_onts, ontpub.back_onts_label_props
    ontpub.load_background_onts = lambda: _ordered_background()[0]
    ontpub.back_onts_label_props = lambda _graph: _ordered_background()[1]
    try:
        yield
    finally:
        ontpub.load_background_onts, ontpub.back_onts_label_props = original


def _order_background(doc: Any) -> None:  # pyLODE's untyped OntPub
    """pyLODE's own copies of the standard vocabularies, re-inserted in sorted order: where a term has several
    titles pyLODE keeps the last it meets, and the order it parsed its files in is the file system's."""
    doc.back_onts, doc.props_labeled = _ordered_background()


@lru_cache(maxsize=1)
def _ordered_background() -> tuple[Graph, dict]:
    from pylode.utils import back_onts_label_props, load_background_onts

    ordered = Graph()
    for triple in sorted(load_background_onts(), key=lambda t: tuple(map(str, t))):
        ordered.add(triple)
    return ordered, back_onts_label_props(ordered)


def _label_mapping_rows(doc: Any) -> None:  # pyLODE's untyped OntPub
    """Row headings for the rows we added, from pyLODE's own copy of SKOS and OWL."""
    for prop in (SKOS.altLabel, OWL.equivalentProperty, *MAPPINGS):
        title = doc.back_onts.value(prop, DCTERMS.title) or prop.fragment
        description = doc.back_onts.value(prop, DCTERMS.description) or ""
        ontology = "SKOS" if str(prop).startswith(str(SKOS)) else "OWL"
        doc.props_labeled.setdefault(prop, {"title": title, "description": description, "ont_title": ontology})


def _name(graph: Graph, term: Node, lang: str) -> str:
    """A term's label in `lang` (else any label), or its prefixed name."""
    labels = [o for p in (RDFS.label, SKOS.prefLabel) for o in graph.objects(term, p) if isinstance(o, Literal)]
    for wanted in (lang, None):
        for label in sorted(labels):
            if wanted is None or label.language == wanted:
                return str(label)
    try:
        return graph.namespace_manager.normalizeUri(cast(URIRef, term)).strip("<>")  # rdflib types it as Node
    except (ValueError, KeyError):
        return str(term)


def _term(graph: Graph, term: Node, lang: str) -> a | code:
    """A link to a term: our own terms to their anchor in this document, others to their IRI."""
    if not isinstance(term, URIRef):
        return code(str(term))
    own = str(PREFIXES["xk"])
    href = "#" + str(term)[len(own) :] if str(term).startswith(own) else str(term)
    return a(_name(graph, term, lang), href=href, title=str(term))


def concept_schemes_section(schemes: Graph, vocabulary: Graph, lang: str) -> section:
    sec = section(h2(TEXT[lang]["schemes"]), p(TEXT[lang]["schemes_intro"]), id="schemes", _class="section")
    members: dict[Node, list[Node]] = defaultdict(list)
    for concept, scheme in schemes.subject_objects(SKOS.inScheme):
        members[scheme].append(concept)
    for scheme in sorted(schemes.subjects(RDF.type, SKOS.ConceptScheme)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        entry = div(h3(_name(schemes, scheme, lang)), p(code(str(scheme))), _class="entity scheme")
        concepts = sorted(members[scheme], key=lambda c: reading_key(_name(schemes, c, lang), lang))
        entry.appendChild(ul([li(_name(schemes, c, lang), " ", code(_short(schemes, c))) for c in concepts]))
        sec.appendChild(entry)
    return sec


def reading_key(name: str, lang: str) -> tuple[str, str]:
    """How a reader of `lang` expects names ordered: Chinese by pinyin, tone after syllable (as a dictionary)."""
    if lang != "zh":
        return name.casefold(), name
    return " ".join(lazy_pinyin(name, style=Style.TONE3)).casefold(), name


def _short(graph: Graph, term: Node) -> str:
    try:
        return graph.namespace_manager.normalizeUri(cast(URIRef, term)).strip("<>")  # rdflib types it as Node
    except (ValueError, KeyError):
        return str(term)


def shapes_section(shapes: Graph, vocabulary: Graph, lang: str) -> section:
    """For every node shape: the classes it targets and, per property, what it requires (from the SHACL terms)."""
    text = TEXT[lang]
    sec = section(h2(text["shapes"]), p(text["shapes_intro"]), id="shapes", _class="section")
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        fragment = str(shape).rsplit("#", 1)[-1]
        entry = div(h3(fragment), id=f"shape-{fragment}", _class="entity shape")
        targets = sorted(shapes.objects(shape, SH.targetClass)) + sorted(shapes.objects(shape, SH["class"]))  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
        facts = dl()
        if targets:
            facts.add(dt(text["applies_to"]), dd([_term(vocabulary, t, lang) for t in targets], _class="targets"))
        entry.appendChild(facts)
        rows = table(
            tr(th(text["path"], scope="col"), th(text["requires"], scope="col"), th(text["message"], scope="col"))
        )
        own_rules = _requirements(shapes, shape, vocabulary, lang)
        if own_rules:
            rows.add(tr(td(text["node_itself"]), td(ul([li(r) for r in own_rules])), td()))
        for prop in sorted(shapes.objects(shape, SH.property), key=lambda n: _sort_path(shapes, n)):
            path = shapes.value(prop, SH.path)
            rules = _requirements(shapes, prop, vocabulary, lang)
            message = " ".join(str(m) for m in shapes.objects(prop, SH.message))
            rows.add(tr(td(_term(vocabulary, path, lang) if path else ""), td(ul([li(r) for r in rules])), td(message)))
        entry.appendChild(rows)
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=lambda n: str(shapes.value(n, SH.message))):
            entry.appendChild(p(text["sparql"], ": ", str(shapes.value(constraint, SH.message) or ""), _class="sparql"))
        sec.appendChild(entry)
    return sec


def _sort_path(shapes: Graph, prop: Node) -> str:
    return str(shapes.value(prop, SH.path) or "")


def _requirements(shapes: Graph, node: Node, vocabulary: Graph, lang: str) -> list[str]:
    """Each SHACL constraint of a shape in words (English terms of SHACL; the values are the shape's own)."""
    words: list[str] = []
    get = lambda p: shapes.value(node, p)  # noqa: E731 - a local shorthand
    low, high = get(SH.minCount), get(SH.maxCount)
    if low is not None or high is not None:
        if low is not None and high is not None and int(low) == int(high):
            words.append(f"exactly {low} value(s)" if lang == "en" else f"恰好 {low} 个值")
        else:
            if low is not None:
                words.append(f"at least {low} value(s)" if lang == "en" else f"至少 {low} 个值")
            if high is not None:
                words.append(f"at most {high} value(s)" if lang == "en" else f"至多 {high} 个值")
    for prop, en, zh in (
        (SH.datatype, "datatype", "数据类型"),
        (SH["class"], "instance of", "类型为"),
        (SH.nodeKind, "node kind", "节点种类"),
        (SH.hasValue, "has the value", "取值为"),
        (SH.pattern, "matches", "符合正则"),
        (SH.minInclusive, "≥", "≥"),
        (SH.minExclusive, ">", ">"),
        (SH.minLength, "length at least", "最短长度"),
        (SH.lessThan, "less than the value of", "小于"),
        (SH.uniqueLang, "one value per language", "每种语言一个值"),
        (SH.qualifiedMinCount, "at least this many matching", "至少匹配数"),
        (SH.qualifiedMaxCount, "at most this many matching", "至多匹配数"),
    ):
        for value in sorted(shapes.objects(node, prop)):  # type: ignore[type-var]  # rdflib types terms as Node, which declares no order; its terms all have one
            shown = _name(vocabulary, value, lang) if isinstance(value, URIRef) else str(value)
            words.append(
                f"{en if lang == 'en' else zh}: {shown}" if prop != SH.uniqueLang else (en if lang == "en" else zh)
            )
    for value in shapes.objects(node, SH.languageIn):
        tags = ", ".join(str(t) for t in Collection(shapes, value))
        words.append(f"languages: {tags}" if lang == "en" else f"语言:{tags}")
    qualified = get(SH.qualifiedValueShape)
    if qualified is not None:
        words.append(("conforming to " if lang == "en" else "符合 ") + str(qualified).rsplit("#", 1)[-1])
    return words
