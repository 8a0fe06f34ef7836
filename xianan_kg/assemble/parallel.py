"""Run one pure, CPU-bound step of the build on the other core while the main process goes on.

The build's documentation (pyLODE) needs only the ontology and takes as long as
validation, reasoning and serialisation together; a forked child does it beside
them. A fork, not a spawn: the child starts with the graphs already in memory and
nothing is re-imported or pickled on the way in; only the result comes back.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The step raised in the child; the message carries its traceback."""


class Background(Generic[T]):
    """`Background(step).result()` returns what `step()` returned, computed in a forked child if forking works."""

    def __init__(self, step: Callable[[], T]) -> None:
        self._value: T | None = None
        self._process = None
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform: run in line, now, on the state the child would see
            self._value = step()
            return
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(step, send), daemon=True)
        self._process.start()
        send.close()

    def cancel(self) -> None:
        """Stop the child: the build failed and will not ask for the result."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()

    def result(self) -> T:
        if self._process is None:
            return cast(T, self._value)  # no child: the step ran here and set it
        try:
            ok, value = self._receive.recv()
        except EOFError:
            ok, value = False, "the child process died without an answer"
        finally:
            self._process.join()
            self._receive.close()
        if not ok:
            raise ChildFailed(value)
        return value


def _run(step: Callable[[], object], send: Connection) -> None:
    try:
        send.send((True, step()))
    except BaseException:  # everything goes back to the parent, which raises it
        send.send((False, traceback.format_exc()))
    finally:
        send.close()
