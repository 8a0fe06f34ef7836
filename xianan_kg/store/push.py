"""`xianan-kg load`: put the built graph (asserted + inferred, in its named graphs) into an external SPARQL 1.1 store.

For a deployment that outgrows the embedded store: Virtuoso, Fuseki, GraphDB, QLever,
Oxigraph server. Two standard ways in, no store-specific code:

- the SPARQL 1.1 Graph Store HTTP Protocol (`--graph-store URL`): each graph is emptied
  by a DELETE, then filled by POSTs of its parts;
- SPARQL 1.1 Update (the default, sent to the --store URL or --update URL): DROP SILENT
  GRAPH, then INSERT DATA in parts.

Emptying a graph sends no data, so wrong credentials are refused before a large body is
on the wire.

A blank node is scoped to one request, so every triple with a blank node goes in the
graph's first part. Afterwards the store is asked how many triples each graph holds,
and the load fails unless they are exactly the build's (`manifest.json`); `serve --store
URL` makes the same check before it answers anything.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import InputError, UserError
from xianan_kg.rdf.release import ARTIFACT_STEM
from xianan_kg.store.base import LocalStore
from xianan_kg.store.choice import is_endpoint, open_store
from xianan_kg.store.remote import USER_AGENT

PASSWORD_VARIABLE = "XIANAN_KG_STORE_PASSWORD"
GRAPH_STORE_PART = 10_000  # triples per request
UPDATE_PART = 1_000  # a store compiles an update: Virtuoso 7 refuses an INSERT DATA of a few thousand triples
COUNT_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class LoadError(UserError):
    """The store refused the data, or does not hold what the build wrote."""


def check_loaded(store: LocalStore, expected: Mapping[str, int]) -> dict[str, int]:
    """Triples per graph in the store; raises LoadError unless they are `expected` (the manifest's counts)."""
    rows = store.execute(COUNT_QUERY, default_graphs=[], named_graphs=list(expected)).to_result().rows
    found = {str(r["g"]): int(r["n"]) for r in rows}  # type: ignore[call-overload]  # rdflib types a term as Node; this one is a literal, which int() reads
    wrong = [
        f"<{g}> holds {found.get(g, 0)} triples, the build {n}"
        for g, n in sorted(expected.items())
        if found.get(g, 0) != n
    ]
    if wrong:
        raise LoadError(
            f"the store behind {getattr(store, 'url', store.name)} does not hold this build: {'; '.join(wrong)}. "
            f"Run `xianan-kg load --store URL` after `xianan-kg build`"
        )
    return found


@dataclass
class GraphParts:
    """One graph's triples as N-Triples lines, cut into parts; triples with blank nodes all go first."""

    with_blank_nodes: list[str] = field(default_factory=list)
    sent_parts: int = 0
    triples: int = 0


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


class Loader:
    """Sends graphs to a store over HTTP, by the Graph Store Protocol or by SPARQL Update."""

    def __init__(
        self,
        update_url: str | None,
        graph_store_url: str | None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 300.0,
    ) -> None:
        self.update_url, self.graph_store_url, self.timeout = update_url, graph_store_url, timeout
        handlers: list[urllib.request.BaseHandler] = []
        if user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (update_url, graph_store_url):
                if url:
                    manager.add_password(None, url, user, password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
        self._opener = urllib.request.build_opener(*handlers)

    def _send(self, method: str, url: str, body: bytes, content_type: str, allow: tuple[int, ...] = ()) -> None:
        request = urllib.request.Request(
            url, data=body, method=method, headers={"Content-Type": content_type, "User-Agent": USER_AGENT}
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in allow:
                return
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise LoadError(f"{method} {url} answered {exc.code}: {detail[0] if detail else exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise LoadError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None

    def _update(self, text: str) -> None:
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        assert self.update_url is not None  # `send` updates only a store given an update endpoint
        self._send("POST", self.update_url, body, "application/x-www-form-urlencoded")

    def clear(self, graph: str) -> None:
        """Empty one graph by a request without data.

        It goes before any of the graph's data, so a store that refuses the credentials
        answers 401 to a small request; answering a large PUT early, a server may reset
        the connection before the client has read the answer."""
        if self.graph_store_url:
            url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"
            self._send("DELETE", url, b"", "text/turtle; charset=utf-8", allow=(404,))
        else:
            self._update(f"DROP SILENT GRAPH <{graph}>")

    def send(self, graph: str, lines: list[str], first: bool, blank_nodes: bool = False) -> None:
        """One part of a graph; the first part replaces whatever the graph held.

        By Update, a part with blank nodes goes as INSERT … WHERE {} (one solution: one set
        of fresh blank nodes); some stores (Virtuoso) refuse blank nodes in INSERT DATA."""
        if first:
            self.clear(graph)
        if not lines:
            return
        data = "\n".join(lines) + "\n"
        if self.graph_store_url:
            url = f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': graph})}"
            self._send("POST", url, data.encode("utf-8"), "text/turtle; charset=utf-8")
        elif blank_nodes:
            self._update(f"INSERT {{ GRAPH <{graph}> {{\n{data}}} }} WHERE {{}}")
        else:
            self._update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{data}}} }}")


def quads_by_graph(nquads: Path) -> Iterator[tuple[str, ox.Quad]]:
    try:
        for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.graph_name, ox.NamedNode):
                yield quad.graph_name.value, quad
    except SyntaxError as exc:
        raise InputError(f"{nquads}: corrupt artifact ({exc}); run `xianan-kg build` again") from None


def load_build(loader: Loader, dist: Path, part_size: int = 10_000) -> dict[str, int]:
    """Send every named graph of dist/xianan-kg.nq; triples sent per graph."""
    graphs: dict[str, GraphParts] = {}
    pending: dict[str, list[str]] = {}
    for graph, quad in quads_by_graph(dist / f"{ARTIFACT_STEM}.nq"):
        parts = graphs.setdefault(graph, GraphParts())
        parts.triples += 1
        line = f"{quad.triple} ."
        if _has_blank_node(quad):
            parts.with_blank_nodes.append(line)
            continue
        batch = pending.setdefault(graph, [])
        batch.append(line)
        if len(batch) >= part_size:
            loader.send(graph, batch, first=parts.sent_parts == 0)
            parts.sent_parts += 1
            pending[graph] = []
    for graph, parts in graphs.items():
        if parts.with_blank_nodes or parts.sent_parts == 0:
            loader.send(graph, parts.with_blank_nodes, first=parts.sent_parts == 0, blank_nodes=True)
            parts.sent_parts += 1
        if pending.get(graph):
            loader.send(graph, pending[graph], first=False)
    return {graph: parts.triples for graph, parts in graphs.items()}


def read_graph_counts(dist: Path) -> dict[str, int]:
    try:
        manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
        return {name: int(n) for name, n in manifest["graphs"].items()}
    except FileNotFoundError:
        raise InputError(f"{dist / 'manifest.json'}: not found; run `xianan-kg build` first") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{dist / 'manifest.json'}: corrupt manifest ({exc}); run `xianan-kg build` again") from None


def register(sub: argparse._SubParsersAction) -> None:
    """Add `load` to the `xianan-kg` parser."""
    p = sub.add_parser(
        "load",
        help="put the built graph (asserted + inferred, named graphs) into a SPARQL 1.1 store",
        description=(
            "Send dist/xianan-kg.nq, graph by graph, to an external store by SPARQL 1.1 Update (default) or the "
            "Graph Store Protocol (--graph-store), then check that every graph holds exactly the build's triples. "
            f"A password for --user is read from ${PASSWORD_VARIABLE}, never from the command line."
        ),
        epilog=(
            "Virtuoso: xianan-kg load --store http://127.0.0.1:8890/sparql "
            "--graph-store http://127.0.0.1:8890/sparql-graph-crud-auth --user dba"
        ),
    )
    p.add_argument("--store", required=True, metavar="URL", help="the store's SPARQL query endpoint")
    p.add_argument("--update", metavar="URL", help="its SPARQL Update endpoint (default: the --store URL)")
    p.add_argument("--graph-store", metavar="URL", help="use the Graph Store Protocol at this URL instead of Update")
    p.add_argument("--user", help=f"HTTP user (digest or basic); password in ${PASSWORD_VARIABLE}")
    p.add_argument("--dist", default=str(paths.DIST_DIR), help="built artifacts (default: %(default)s)")
    p.add_argument(
        "--part-size",
        type=int,
        metavar="N",
        help=f"triples per request (default: {GRAPH_STORE_PART} by the Graph Store Protocol, {UPDATE_PART} by Update)",
    )
    p.set_defaults(func=cmd_load)


def cmd_load(args: argparse.Namespace) -> int:
    for url in (args.store, args.update, args.graph_store):
        if url is not None and not is_endpoint(url):
            raise UserError(f"{url}: give an http:// or https:// URL")
    part_size = args.part_size or (GRAPH_STORE_PART if args.graph_store else UPDATE_PART)
    if part_size < 1:
        raise UserError("--part-size must be at least 1")
    dist = Path(args.dist)
    expected = read_graph_counts(dist)
    loader = Loader(
        None if args.graph_store else (args.update or args.store),
        args.graph_store,
        args.user,
        os.environ.get(PASSWORD_VARIABLE),
    )
    sent = load_build(loader, dist, part_size)
    found = check_loaded(open_store(args.store, dist), expected)
    for graph in sorted(sent):
        print(f"loaded   <{graph}>  {found[graph]} triples")
    print(f"checked  {sum(found.values())} triples in {len(found)} graphs at {args.store}, as built")
    return 0
