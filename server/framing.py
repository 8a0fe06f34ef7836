"""Request framing the HTTP server let through: a `Transfer-Encoding` list, a chunked body that breaks off.

gunicorn reads a chunked body only when the application reads it, so a malformed chunk
surfaces as an exception inside the view (a 500 without this module), and it accepts
`Transfer-Encoding: identity, chunked`, a list that proxies and servers read differently
(the classic request-smuggling split). Both are a 400 here, with `Connection: close`: where
the next request would begin is no longer known (gunicorn drops that header and decides by
itself; it reads whatever follows as a new request, and answers garbage with its own 400).
"""

from __future__ import annotations

from flask import Flask, Response, request

from .errors import plain

try:  # the framing errors of the server that runs us; absent under another WSGI server
    from gunicorn.http.errors import NoMoreData, ParseException

    FRAMING_ERRORS: tuple[type[Exception], ...] = (ParseException, NoMoreData)
except ImportError:  # pragma: no cover - gunicorn is a dependency of `serve`
    FRAMING_ERRORS = ()

CLOSE = {"Connection": "close"}


def transfer_coding_problem(value: str | None) -> str | None:
    """Why a Transfer-Encoding header is refused, or None: only a single `chunked` is read."""
    if value is None or value.strip().lower() == "chunked":
        return None
    return (
        f"Bad Request: Transfer-Encoding {value.strip()!r} is not accepted; send the body with Content-Length "
        "or with Transfer-Encoding: chunked alone"
    )


def register_framing_checks(app: Flask) -> None:
    @app.before_request
    def one_transfer_coding() -> Response | None:
        problem = transfer_coding_problem(request.headers.get("Transfer-Encoding"))
        return plain(400, problem, CLOSE) if problem else None

    for error in FRAMING_ERRORS:

        @app.errorhandler(error)
        def broken_body(exc: Exception) -> Response:
            return plain(400, f"Bad Request: the request body is malformed ({type(exc).__name__}: {exc})", CLOSE)
