"""pyshacl, the SHACL engine the project card names: the reference the compiled engine is proven against (tests)
and what `validate --reference` runs."""

from __future__ import annotations

import pyshacl
from rdflib import Graph

from xianan_kg.rdf.namespaces import SH
from xianan_kg.validate.report import Violation, result_violation


def shacl_violations(data: Graph, ontology: Graph, shapes: Graph) -> list[Violation]:
    """Run pyshacl without inference on data + ontology, so class targets see subclasses and concepts their types."""
    combined = Graph()
    for g in (ontology, data):
        for triple in g:
            combined.add(triple)
    _, results, _ = pyshacl.validate(
        combined,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    out = [
        result_violation(
            data,
            shapes,
            focus=results.value(result, SH.focusNode),
            path=results.value(result, SH.resultPath),
            message=results.value(result, SH.resultMessage),
            value=results.value(result, SH.value),
            shape=results.value(result, SH.sourceShape),
            severity=results.value(result, SH.resultSeverity),
        )
        for result in results.objects(None, SH.result)  # the report's results, not those nested in sh:detail
    ]
    return sorted(out)
