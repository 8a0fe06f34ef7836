"""Quick author's check of data files: `python -m xianan_kg.validate.check [FILE …]`.

Loads the ontology and the given data files (all of data/ by default) and prints
quote, figure and label problems; the full SHACL validation is `xianan-kg validate`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from xianan_kg.rdf.errors import InputError
from xianan_kg.rdf.namespaces import BASE
from xianan_kg.source.load import load_sources
from xianan_kg.validate.figures import check_figures


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = [Path(a) for a in args] or None
    try:
        sources = load_sources(data_files=files)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    graph = sources.combined()
    problems = [str(p) for p in sources.quote_problems]
    problems += [str(p) for p in check_figures(graph)]
    for s in sorted(set(sources.data.subjects(RDF.type, None))):
        if not isinstance(s, URIRef) or not str(s).startswith(BASE) or "#" in str(s):
            continue
        for lang in ("zh", "en"):
            labels = [
                o
                for p in (RDFS.label, SKOS.prefLabel)
                for o in graph.objects(s, p)
                if getattr(o, "language", None) == lang
            ]
            if len(labels) != 1:
                problems.append(f"{s}: needs exactly one @{lang} label, has {len(labels)}")
        if not any(graph.objects(s, RDF.type)):
            problems.append(f"{s}: has no rdf:type")
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s); {len(sources.data)} triples", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
