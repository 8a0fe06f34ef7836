"""`xianan-kg serve`: the endpoint and linked-data pages on gunicorn, from the prebuilt release artifacts.

The artifacts are checked (every file against the manifest's sha256) and loaded once,
in the master process, before any worker starts: a missing or corrupt file stops the
command with its name and a non-zero exit, and nothing is reasoned again. Workers are
forked with the loaded store; each runs its queries in query processes of its own
(execution.py, --threads of them), so that a query past --query-timeout is killed.
A worker is gunicorn's gevent worker by default: every connection a greenlet, so that a
client that sends or reads slowly holds a socket, not a thread (slow_clients.py bounds
the time it may take); `--worker-class gthread` is the former thread per connection.
SIGTERM stops gracefully: workers finish their requests, and the running queries with them.
"""

from __future__ import annotations

import argparse
import gc
import math
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from xianan_kg.rdf import paths
from xianan_kg.rdf.errors import UserError
from xianan_kg.rdf.namespaces import BASE
from xianan_kg.store.choice import STORE_HELP, store_argument

REQUEST_THREADS = 8  # gthread: request threads per query process: a request waiting for a process holds a
# thread, and a well-behaved client must still reach the pool (and its priority queue) while greedy ones wait there
WORKER_CLASSES = ("gevent", "gthread")
HEAD_SECONDS = 5  # gevent: a request line and headers arrive within this, else the connection is closed


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommand to the `xianan-kg` parser."""
    p = sub.add_parser(
        "serve",
        help="serve the built graph over HTTP: SPARQL 1.1 endpoint, linked-data pages",
        description=(
            "Serve dist/ (run `xianan-kg build` first) with gunicorn: /sparql (SPARQL 1.1 Protocol, read-only), "
            "every IRI of the graph at its own path (/id/…), /ontology, /.well-known/void, /dump. "
            "Access log on standard output; stops cleanly on SIGTERM or Ctrl-C."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="TCP port; 0 picks a free one (default: %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default: %(default)s)")
    p.add_argument(
        "--threads",
        type=int,
        default=4,
        help="query processes per worker (gthread: with 8 request threads each) (default: %(default)s)",
    )
    p.add_argument(
        "--worker-class",
        choices=WORKER_CLASSES,
        default="gevent",
        help="gevent: every connection a greenlet, so slow clients hold a socket, not a thread (request head "
        f"within {HEAD_SECONDS} s, body within --client-timeout, each 64 KiB of an answer taken within it); "
        "gthread: a thread per connection, as before (default: %(default)s)",
    )
    p.add_argument(
        "--client-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="gevent: time a client has to send its request body (then 408), and to take each 64 KiB of an answer "
        "(then the connection is closed) (default: %(default)s)",
    )
    p.add_argument(
        "--connections",
        type=int,
        default=1000,
        metavar="N",
        help="gevent: connections a worker holds at once (each a greenlet); the next wait in the listen backlog. "
        "Each is a file descriptor: keep N x --workers under `ulimit -n` (default: %(default)s)",
    )
    p.add_argument("--store", type=store_argument, default="oxigraph", metavar="STORE", help=STORE_HELP)
    p.add_argument(
        "--cache",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep answers of repeated queries in memory, per worker (default: on)",
    )
    p.add_argument("--dist", default=str(paths.DIST_DIR), help="release artifacts to serve (default: %(default)s)")
    p.add_argument(
        "--query-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="a query still running after SECONDS is cancelled (its process killed) and answered 503 "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        default=100_000,
        metavar="N",
        help="an answer of more than N solutions or triples is refused with 400 (default: %(default)s)",
    )
    p.add_argument(
        "--base-iri",
        default=BASE,
        help="IRI prefix served at this server's paths: <BASE>X is at /X (default: %(default)s)",
    )
    p.add_argument(
        "--memory-budget",
        type=int,
        default=None,
        metavar="MIB",
        help="memory for the whole server: loaded data, workers, caches and query processes; each query process "
        "gets an equal share of what is left, and a query past it is answered 503 (default: half the machine's "
        "memory, at most 4096)",
    )
    p.add_argument(
        "--client-seconds",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="query time each client address may use per minute; beyond it, 429 with Retry-After "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--client-concurrency",
        type=int,
        default=3,
        metavar="N",
        help="queries one client address may run at once; one more is a 429 (default: %(default)s)",
    )
    p.add_argument(
        "--trusted-host",
        action="append",
        default=[],
        metavar="HOST",
        help="a Host header that links and descriptions may name (repeatable); loopback names and the base IRI's "
        "host are always trusted, any other host gets links under --base-iri",
    )
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from .app import create_app  # Flask and gunicorn are imported only when serving
    from .budget import machine_budget_mb, plan_memory, resident_mb
    from .config import ServerConfig
    from .dataset import open_dataset
    from .fairness import FairShare
    from .gunicorn_runner import GunicornServer, announce, worker_hooks
    from .slow_clients import bounded, register_body_timeout

    parts = urlsplit(args.base_iri)
    if parts.scheme not in ("http", "https") or not parts.netloc or not args.base_iri.endswith("/"):
        raise UserError(f"--base-iri {args.base_iri}: give an http(s) IRI ending in /, e.g. {BASE}")
    for name in ("workers", "threads", "connections"):
        if getattr(args, name) < 1:
            raise UserError(f"--{name} must be at least 1")
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port}: not a TCP port")
    if not 0 < args.query_timeout <= 3600 or args.max_rows < 1:
        raise UserError("--query-timeout must be between 0 and 3600 seconds, --max-rows at least 1")
    if not 0 < args.client_timeout <= 3600:
        raise UserError("--client-timeout must be between 0 and 3600 seconds")
    if not 0 < args.client_seconds <= 3600 or args.client_concurrency < 1:
        raise UserError("--client-seconds must be between 0 and 3600, --client-concurrency at least 1")
    limits = replace(
        ServerConfig.limits, timeout=args.query_timeout, max_rows=args.max_rows, max_concurrent=args.threads
    )
    config = ServerConfig(
        dist=Path(args.dist),
        store=args.store,
        base_iri=args.base_iri,
        cache=args.cache,
        limits=limits,
        trusted_hosts=(*ServerConfig.trusted_hosts, *args.trusted_host),
        fair_share=FairShare(seconds=args.client_seconds, concurrent=args.client_concurrency),
    )
    dataset = open_dataset(config)  # loaded first: the budget's share for queries is what the data leaves
    budget = machine_budget_mb() if args.memory_budget is None else args.memory_budget
    try:
        plan = plan_memory(
            budget, resident_mb(), args.workers, args.threads, config.cache_max_bytes if args.cache else 0
        )
    except ValueError as exc:
        raise UserError(f"--memory-budget {budget}: {exc}") from None
    dataset.config = config = replace(
        config, limits=replace(limits, memory_mb=plan.query_mb, server_memory=plan.describe())
    )
    app = create_app(config, dataset)
    if args.worker_class == "gevent":
        register_body_timeout(app, args.client_timeout)
        served = bounded(app, body_seconds=args.client_timeout, write_seconds=args.client_timeout)
        workers: dict[str, object] = {
            "worker_class": "gevent",
            "worker_connections": args.connections,
            "keepalive": HEAD_SECONDS,  # gunicorn's gevent worker reads every request head within keepalive s
        }
    else:
        served = app
        workers = {"worker_class": "gthread", "threads": args.threads * REQUEST_THREADS}  # waiters queue in the pool
    gc.freeze()  # the loaded store's objects are shared with every worker; the collector leaves them be
    host = f"[{args.host}]" if ":" in args.host else args.host
    options = {
        "bind": f"{host}:{args.port}",
        "workers": args.workers,
        **workers,
        "accesslog": "-",
        "errorlog": "-",
        "timeout": 120,
        "graceful_timeout": math.ceil(limits.timeout) + 5,  # a draining worker lets its running queries finish
        "limit_request_line": 8190,  # long GET queries; longer ones go by POST
        "proc_name": "xianan-kg",
        "control_socket_disable": True,  # gunicorn >= 25 would open a socket in $HOME otherwise
        "when_ready": announce(config),
        **worker_hooks(app),
    }
    GunicornServer(served, options).run()
    return 0
