"""The `xianan-kg` command. Every failure is one clear line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Dataset, URIRef

from xianan_kg import __version__
from xianan_kg.assemble.pipeline import BuildError, build
from xianan_kg.cli import link as link_command
from xianan_kg.cli import query as query_command
from xianan_kg.propose import command as propose_command
from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError, UserError
from xianan_kg.rdf.release import GRAPH_INFERRED, GRAPH_LINKSETS, GRAPH_ONTOLOGY, NQUADS, data_graphs
from xianan_kg.rdf.serialize import FORMATS, QUAD_FORMATS, serialize_dataset, serialize_graph, union
from xianan_kg.reason.keep import InconsistencyError
from xianan_kg.server import command as serve_command
from xianan_kg.source.load import load_sources
from xianan_kg.store import push as push_command
from xianan_kg.validate.report import described_in
from xianan_kg.validate.validator import load_shapes, validate

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2

# Further subcommands live in their own modules, each with `register(subparsers)`.
COMMAND_MODULES = (serve_command, query_command, link_command, push_command, propose_command)


def cmd_build(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.data] or None
    result = build(Path(args.dist), files, reference=args.reference, lean=args.lean)
    validator, reasoner = ("pyshacl", "owlrl") if args.reference else ("SHACL compiled to SPARQL", "SPARQL rules")
    steps = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in result.timings.items())
    texts = [d.text for d in result.documents.values()] if result.documents else [result.source]
    for text in texts:  # the review's first
        print(f"source   {text.path.name} sha256 {text.sha256[:12]}…")
    sizes = ", ".join(f"{name.rsplit('/', 1)[-1]} {n}" for name, n in result.graphs.items())
    print(f"graphs   {sizes} triples")
    print(f"valid    SHACL conforms ({validator})")
    print(f"reasoned OWL 2 RL ({reasoner}), {result.inference.summary()}")
    print(f"timings  {steps}")
    print(f"wrote    {len(result.files)} files to {args.dist}:")
    for name in sorted(result.files):
        print(f"  {name}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """The named files are checked with the rest of data/ beside them (what they refer to is there), and only what
    they describe is reported; with no file, all of data/."""
    named = [Path(f) for f in args.files]
    for path in named:
        if not path.is_file():
            raise InputError(f"{path}: file not found")
    data = paths.data_files()
    known = {p.resolve() for p in data}
    sources = load_sources(data_files=data + [p for p in named if p.resolve() not in known])
    report = validate(sources, load_shapes(Path(args.shapes)), reference=args.reference)
    if named:
        report = report.about(described_in(named, sources.data))
    print(report.text())
    return EXIT_OK if report.conforms else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    """The built release in another format: read from dist/'s N-Quads, never validated or reasoned again."""
    nquads = Path(args.dist) / NQUADS
    if not nquads.is_file():
        raise UserError(f"{nquads}: not built yet; run `xianan-kg build`")
    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    if args.linksets:  # the linksets alone, each with its VoID, as the release publishes them
        wanted = sorted(str(g.identifier) for g in dataset.graphs() if str(g.identifier).startswith(GRAPH_LINKSETS))
    else:
        names = [str(g.identifier) for g in dataset.graphs()]
        wanted = [GRAPH_ONTOLOGY, *data_graphs(names), *([GRAPH_INFERRED] if args.inferred else [])]
    graphs = {name: dataset.graph(URIRef(name)) for name in wanted}
    if args.format in QUAD_FORMATS:
        data = serialize_dataset(graphs, args.format)
    else:
        data = serialize_graph(union(*graphs.values()), args.format)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(args.output).write_bytes(data)
        print(f"wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xianan-kg",
        description="The 2023 review of Xian'an District as a knowledge graph: build, validate, export, serve.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="validate, reason (OWL 2 RL) and write release artifacts to dist/")
    b.add_argument("--dist", default=str(paths.DIST_DIR), help="output directory (default: %(default)s)")
    b.add_argument(
        "--reference",
        action="store_true",
        help="validate with pyshacl and reason with owlrl (the reference engines; same release, slower) "
        "instead of SHACL compiled to SPARQL and the OWL 2 RL rules in ontology/rules/ run on Oxigraph",
    )
    b.add_argument(
        "--lean",
        action="store_true",
        help="write only what serve needs (N-Quads, store directory, manifest): no Turtle, JSON-LD, TriG or "
        "ontology documentation, for data far larger than the review",
    )
    b.add_argument(
        "--data",
        nargs="+",
        default=[],
        metavar="FILE",
        help="data files to build from instead of data/*.ttl (Turtle or N-Triples)",
    )
    b.set_defaults(func=cmd_build)

    v = sub.add_parser(
        "validate",
        help="check the data against the SHACL shapes",
        description="Exit 0 when the data conforms, 1 with a report when not, 2 when a file is missing or unparsable.",
    )
    v.add_argument(
        "files", nargs="*", help="data files to check, with the rest of data/ beside them (default: all of data/)"
    )
    v.add_argument("--shapes", default=str(paths.SHAPES_FILE), help="SHACL shapes file (default: %(default)s)")
    v.add_argument(
        "--reference", action="store_true", help="run pyshacl instead of the compiled SHACL (same report, slower)"
    )
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("export", help="write the built graph (ontology + data) in another RDF format")
    e.add_argument("--format", "-f", choices=sorted(FORMATS), default="turtle", help="RDF format (default: turtle)")
    e.add_argument("--inferred", action="store_true", help="include the OWL 2 RL entailments")
    e.add_argument(
        "--linksets",
        action="store_true",
        help="only the linksets of data/links/ with their VoID (quad formats: one named graph each)",
    )
    e.add_argument("-o", "--output", help="file to write (default: standard output)")
    e.add_argument("--dist", default=str(paths.DIST_DIR), help="the built release (default: %(default)s)")
    e.set_defaults(func=cmd_export)

    for module in COMMAND_MODULES:
        module.register(sub)
    return p


def run(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BuildError as exc:
        print(exc.report.text(), file=sys.stderr)
        print("error: the data does not conform to the shapes; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except InconsistencyError as exc:
        print(f"error: the ontology and data are inconsistent under OWL 2 RL: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_INPUT


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(argv))
