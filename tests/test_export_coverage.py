"""An independent check that reads only the exported N-Triples: are the review's names and numbers there?

It knows nothing of our Python model: it parses the export, collects Chinese
labels and stated numbers with the quotes they came from, and looks for every
name of tests/fixtures/names.txt (listed by reading the source alone) and every
number of the source text.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pytest
from rdflib import Graph, URIRef

from .conftest import DOCUMENTS, FIXTURES, per_document

LABEL = {
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
    URIRef("http://www.w3.org/2004/02/skos/core#altLabel"),
}
STATED = URIRef("https://xianan-kg.example.org/ontology#statedValue")
DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
SELECTOR = URIRef("http://www.w3.org/ns/oa#hasSelector")
EXACT = URIRef("http://www.w3.org/ns/oa#exact")
HAS_SOURCE = URIRef("http://www.w3.org/ns/oa#hasSource")


def names() -> list[tuple[str, str]]:
    group, out = "", []
    for line in (FIXTURES / "names.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#"):
            group = line
        elif line:
            out.append((group, line))
    return out


@pytest.fixture(scope="module")
def export(built) -> Graph:
    return Graph().parse(built.files["xianan-kg.nt"], format="nt")


@pytest.fixture(scope="module")
def zh_labels(export) -> list[str]:
    return [str(o) for s, p, o in export if p in LABEL and getattr(o, "language", None) == "zh"]


def test_names_list_is_substantial():
    assert len(names()) >= 150


@pytest.mark.parametrize(("group", "name"), [n for n in names() if "uncertain" not in n[0]], ids=lambda v: v)
def test_every_name_is_a_label(group, name, zh_labels):
    assert any(name in label for label in zh_labels), f"{name} ({group}) is in no Chinese label"


def test_at_least_95_percent_of_all_names_including_uncertain(zh_labels):
    all_names = [n for _, n in names()]
    found = [n for n in all_names if any(n in label for label in zh_labels)]
    assert len(found) / len(all_names) >= 0.95, sorted(set(all_names) - set(found))


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_number_is_a_stated_value_quoted_in_context(export, name):
    """Each source text's numbers against the quotes of that text (oa:hasSource), read from the export alone."""
    document = DOCUMENTS[name]
    text = document.text.text
    with open(per_document("numbers-not-figures.tsv", name), encoding="utf-8") as f:
        skip = {int(r[0]) for r in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t")}
    quoted: dict[Decimal, list[str]] = {}
    for fig, _, value in export.triples((None, STATED, None)):
        for quote in export.objects(fig, DERIVED):
            if (quote, HAS_SOURCE, document.iri) not in export:
                continue
            for sel in export.objects(quote, SELECTOR):
                quoted.setdefault(Decimal(str(value)), []).extend(str(e) for e in export.objects(sel, EXACT))
    missing = []
    for m in re.finditer(r"\d+(?:\.\d+)?", text):
        if m.start() in skip:
            continue
        context = "".join(text[max(0, m.start() - 2) : m.end() + 1].split())
        if not any(context in "".join(q.split()) or m.group() in q for q in quoted.get(Decimal(m.group()), [])):
            missing.append((m.start(), m.group()))
    assert missing == []
