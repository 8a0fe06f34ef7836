"""Every error is a short text/plain message with the right status; never a traceback, never an HTML 500.

A browser asking for a page that does not exist gets a readable HTML 404 instead.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .negotiation import NotAcceptable, prefers

log = logging.getLogger(__name__)
TEXT = "text/plain; charset=utf-8"


class HttpProblem(Exception):
    """A request we refuse, with the status and the sentence that tells the client why."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message.rstrip("\n") + "\n", status=status, content_type=TEXT, headers=headers)


def not_found_response(message: str) -> Response:
    if prefers(request.headers.get("Accept"), "text/html", [TEXT.split(";")[0]]):
        return Response(render_template("not_found.html", path=request.path, message=message), 404)
    return plain(404, message)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HttpProblem)
    def problem(exc: HttpProblem) -> Response:
        if exc.status == 404:
            return not_found_response(exc.message)
        return plain(exc.status, exc.message, exc.headers)

    @app.errorhandler(NotAcceptable)
    def not_acceptable(exc: NotAcceptable) -> Response:
        return plain(406, f"Not Acceptable: {exc}. Ask for one of them in the Accept header.")

    @app.errorhandler(HTTPException)
    def http_exception(exc: HTTPException) -> Response:
        if exc.code == 404:
            return not_found_response(f"Not Found: nothing is served at {request.path}")
        headers = {}
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(sorted(exc.valid_methods))
            return plain(405, f"Method Not Allowed: {request.method} {request.path}; use {headers['Allow']}", headers)
        return plain(exc.code or 500, f"{exc.name}: {exc.description}")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return plain(500, "Internal Server Error: the server failed on this request; the error is in its log.")
