"""Slow clients cost a connection, not a worker: bounded time for the request, for the answer's reading.

`serve` runs gunicorn's gevent worker (command.py): each connection is a greenlet, so a
client that sends its request slowly, or reads its answer slowly, holds a socket and a
few kilobytes, never a thread or a query process (those are taken once the request is
read, and a query process is given back as soon as the answer is computed). gunicorn
bounds the request line and headers (`keepalive` seconds in all, then the connection is
closed); this module bounds the rest, under the gevent worker only:

- the body: all of it within `body_seconds` of the request's start, else 408 with
  `Connection: close` (a body trickled at a few bytes a second ends there);
- the answer: written in pieces of 64 KiB, each taken by the client within
  `write_seconds`, else the connection is closed (a client that stops reading releases
  the answer's memory).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask, Response

from .errors import plain

PIECE = 64 * 1024  # bytes of an answer written at a time: each within write_seconds

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BodyTimeout(Exception):
    """The client did not send its request body within the time allowed."""


class DeadlineInput:
    """`wsgi.input` whose reads all end by `deadline` (time.monotonic()), under gevent; BodyTimeout after it."""

    def __init__(self, stream: Any, deadline: float) -> None:
        self._stream, self._deadline = stream, deadline

    def _within(self, read: Callable[..., Any], *args: Any) -> Any:
        import gevent  # the gevent worker only: the middleware is installed there

        left = self._deadline - time.monotonic()
        if left <= 0:
            raise BodyTimeout()
        try:
            with gevent.Timeout(left):
                return read(*args)
        except gevent.Timeout:
            raise BodyTimeout() from None

    def read(self, *args: Any) -> bytes:
        return self._within(self._stream.read, *args)

    def readline(self, *args: Any) -> bytes:
        return self._within(self._stream.readline, *args)

    def readlines(self, *args: Any) -> list[bytes]:
        return self._within(self._stream.readlines, *args)

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


def _pieces(body: Iterable[bytes]) -> Iterator[bytes]:
    try:
        for chunk in body:
            for start in range(0, len(chunk), PIECE):
                yield chunk[start : start + PIECE]
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def bounded(app: WsgiApp, body_seconds: float, write_seconds: float) -> WsgiApp:
    """Wrap a WSGI app served by gunicorn's gevent worker: see the module's docstring."""

    def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        if sock is not None:
            sock.settimeout(write_seconds)  # each write (and each read) of this connection; reads: see below
        environ["wsgi.input"] = DeadlineInput(environ["wsgi.input"], time.monotonic() + body_seconds)
        body = app(environ, start_response)
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(wrapper, type) and isinstance(body, wrapper):
            return body  # a file: gunicorn sends it with sendfile, each send within the socket's timeout
        return _pieces(body)

    return middleware


def register_body_timeout(app: Flask, body_seconds: float) -> None:
    @app.errorhandler(BodyTimeout)
    def too_slow(exc: Exception) -> Response:
        return plain(
            408,
            f"Request Timeout: the request body did not arrive within {body_seconds:g} s",
            {"Connection": "close"},
        )
