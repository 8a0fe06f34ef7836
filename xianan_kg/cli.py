"""The `xianan-kg` command. Every failure is one clear line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from rdflib import Graph

from . import __version__, paths
from .build import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, BuildError, build
from .errors import UserError
from .load import load_sources
from .reason import InconsistencyError
from .rules import reason_with_rules
from .serialize import FORMATS, QUAD_FORMATS, serialize_dataset, serialize_graph
from .validate import load_shapes, validate

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2

# Further subcommands live in their own modules, each with `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = (
    "xianan_kg.server.command",
    "xianan_kg.query_cli",
    "xianan_kg.link",
    "xianan_kg.load_store",
)


def cmd_build(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.data] or None
    if args.large:
        if args.reference:
            raise UserError("--large runs the fast engines only; the reference engines need `build --reference`")
        return _build_large(Path(args.dist), files)
    result = build(
        Path(args.dist), sources=None if files is None else load_sources(data_files=files), reference=args.reference
    )
    s = result.sources
    print(f"source   {s.source.path.name} sha256 {s.source.sha256[:12]}…")
    print(f"loaded   ontology {len(s.ontology)} triples, data {len(s.data)} triples ({result.timings['load']:.2f} s)")
    validator, reasoner = ("pyshacl", "owlrl") if args.reference else ("pyrudof + SPARQL", "SPARQL rules")
    print(f"valid    SHACL conforms, {validator} ({result.timings['validate']:.2f} s)")
    print(f"reasoned OWL 2 RL, {reasoner} ({result.timings['reason']:.2f} s), {result.inference.summary()}")
    print(
        f"beside   documentation (pyLODE) and the asserted graph's files, in a forked process "
        f"beside the steps above ({result.timings['beside']:.2f} s)"
    )
    print(f"wrote    {len(result.files)} files to {args.dist} ({result.timings['write']:.2f} s):")
    for name in sorted(result.files):
        print(f"  {name}")
    return EXIT_OK


def _build_large(dist: Path, files: list[Path] | None) -> int:
    from .build_large import build_large  # noqa: PLC0415 - only this command needs it

    result = build_large(dist, files)
    steps = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in result.timings.items())
    print(f"built    {sum(result.graphs.values())} quads: {result.graphs}")
    print("valid    SHACL conforms (SHACL core as SPARQL on Oxigraph, the SPARQL constraints beside)")
    print(f"reasoned OWL 2 RL, SPARQL rules, {sum(result.inferred_by_kind.values())} kept entailments")
    print(f"timings  {steps}")
    print(f"wrote    {len(result.files)} artifacts to {dist}:")
    for name in sorted(result.files):
        print(f"  {name}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    files = [Path(f) for f in args.files] or None
    sources = load_sources(data_files=files)
    report = validate(sources, load_shapes(Path(args.shapes)), reference=args.reference)
    print(report.text())
    return EXIT_OK if report.conforms else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    sources = load_sources()
    report = validate(sources)
    if not report.conforms:
        print(report.text(), file=sys.stderr)
        print("error: the data does not conform; fix it before exporting", file=sys.stderr)
        return EXIT_INVALID
    graphs = {GRAPH_ONTOLOGY: sources.ontology, GRAPH_DATA: sources.data}
    if args.inferred:
        graphs[GRAPH_INFERRED] = reason_with_rules(sources.combined()).graph
    if args.linksets:  # the linksets alone, checked as the build checks them, each with its VoID
        from .linkset import linkset_graphs

        graphs = linkset_graphs(paths.LINKS_DIR, sources.data)
        merged = Graph()
        for graph in graphs.values():
            merged += graph
        data = (
            serialize_dataset(graphs, args.format)
            if args.format in QUAD_FORMATS
            else serialize_graph(merged, args.format)
        )
    elif args.format in QUAD_FORMATS:
        data = serialize_dataset(graphs, args.format)
    else:
        merged = sources.combined()
        for triple in graphs.get(GRAPH_INFERRED, ()):
            merged.add(triple)
        data = serialize_graph(merged, args.format)
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
        "instead of pyrudof and the OWL 2 RL rules in ontology/rules/ run on Oxigraph",
    )
    b.add_argument(
        "--large",
        action="store_true",
        help="for data far larger than the review: parse, validate and reason in Oxigraph, write only what "
        "serve needs (N-Quads, manifest, store directory); the same N-Quads as a full build",
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
    v.add_argument("files", nargs="*", help="data files to check (default: every .ttl under data/)")
    v.add_argument("--shapes", default=str(paths.SHAPES_FILE), help="SHACL shapes file (default: %(default)s)")
    v.add_argument("--reference", action="store_true", help="run pyshacl instead of pyrudof (same report, slower)")
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("export", help="write the whole graph (ontology + data) in an RDF format")
    e.add_argument("--format", "-f", choices=sorted(FORMATS), default="turtle", help="RDF format (default: turtle)")
    e.add_argument("--inferred", action="store_true", help="include the OWL 2 RL entailments")
    e.add_argument(
        "--linksets",
        action="store_true",
        help="only the linksets of data/links/ with their VoID (quad formats: one named graph each)",
    )
    e.add_argument("-o", "--output", help="file to write (default: standard output)")
    e.set_defaults(func=cmd_export)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
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
