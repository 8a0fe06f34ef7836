"""gunicorn run in-process on an app object built by `xianan-kg serve` (no import string, no config file)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

from .config import ServerConfig
from .execution import execution_slot
from .fairness import ledger_of


class GunicornServer(BaseApplication):
    def __init__(self, app: Callable[..., Any], options: dict[str, object]) -> None:  # a WSGI application
        self._app, self._options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        return self._app


def worker_hooks(app: Flask) -> dict[str, Callable]:
    """gunicorn hooks that start a worker's query processes before it serves (while it has one thread) and
    stop them when it exits; the listening sockets are closed in them. The forker of query processes starts
    right after the worker's fork, before gevent's worker patches the standard library. The master gives a
    dead worker's running queries back to the client ledger, or a killed worker's clients would be refused
    for queries that no longer run."""
    slot = execution_slot(app)
    ledger = ledger_of(app)

    def post_fork(server: Arbiter, worker: Worker) -> None:
        ledger.claim(os.getpid())
        slot.prefork(close_fds=[listener.fileno() for listener in worker.sockets])

    def child_exit(server: Arbiter, worker: Worker) -> None:
        given = ledger.release(worker.pid)
        if given:
            server.log.info(
                "xianan-kg: worker %s ended with %d queries running; they are no longer counted", worker.pid, given
            )

    def post_worker_init(worker: Worker) -> None:
        slot.start(close_fds=[listener.fileno() for listener in worker.sockets])

    def worker_exit(server: Arbiter, worker: Worker) -> None:
        slot.stop()
        sys.unraisablehook = quiet_logging_teardown

    return {
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
        "child_exit": child_exit,
    }


def quiet_logging_teardown(unraisable: Any) -> None:
    """Drop the one error gevent's patched threading makes as a worker's interpreter ends: logging's weakref
    callback asks for a thread id after gevent's module is torn down (a TypeError printed with a traceback,
    though nothing failed). Any other is reported as usual."""
    if getattr(unraisable.object, "__name__", "") == "_removeHandlerRef" and unraisable.exc_type is TypeError:
        return
    sys.__unraisablehook__(unraisable)


def announce(config: ServerConfig) -> Callable[[Arbiter], None]:
    """A `when_ready` hook that logs where the endpoint answers (useful with --port 0)."""

    def when_ready(arbiter: Arbiter) -> None:
        for listener in arbiter.LISTENERS:
            url = str(listener) if "://" in str(listener) else f"http://{listener}"
            arbiter.log.info("xianan-kg: SPARQL endpoint %s/sparql, pages %s/id/..., serving %s", url, url, config.dist)

    return when_ready
