"""Headers every response needs: CORS (public data is read from other sites' pages), Vary, caching, safety.

Responses computed from the dataset carry a strong ETag — the dataset version and a
digest of the very bytes sent, so equal tags mean byte-identical bodies (RFC 9110
§8.8.1) whichever replica or backend answered — and the build time as
Last-Modified; a client that sends the ETag back gets a 304.

Every response says `nosniff` (a browser must not run a Turtle document as a script);
every HTML page also gets the site's Content-Security-Policy — scripts, styles and
requests to this server only, no inline script or style, no framing — and keeps its
URL (which may hold a query) from other sites through Referrer-Policy.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request

from .dataset import current_dataset

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
PREFLIGHT_MAX_AGE = "86400"
HTML_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HTML_HEADERS = {
    "Content-Security-Policy": HTML_CSP,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Referrer-Policy": "same-origin",
}


def strong_etag(response: Response, version: str) -> str:
    """The dataset version plus a digest of the body; a file sent as it was built is fixed by the version itself."""
    if response.direct_passthrough or response.is_streamed:
        body = (response.content_type or "").encode("utf-8")  # send_file of a dist/ artifact: bytes fixed per build
    else:
        body = response.get_data()
    return f"{version[:16]}-{hashlib.sha256(body).hexdigest()[:16]}"


def dataset_response(response: Response) -> Response:
    """Mark a GET/HEAD response as a representation of this dataset version; answer 304 when it is unchanged."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    dataset = current_dataset()
    response.set_etag(strong_etag(response, dataset.version))
    response.last_modified = dataset.last_modified
    response.headers["Cache-Control"] = "public, no-cache"  # store, but revalidate: a rebuild changes the data
    return response.make_conditional(request)  # type: ignore[return-value]  # werkzeug types it as its base Response; it returns this one


def register_header_hooks(app: Flask) -> None:
    @app.before_request
    def preflight() -> Response | None:
        if request.method != "OPTIONS":
            return None
        response = Response(status=204)
        response.headers["Allow"] = ALLOWED_METHODS
        if request.headers.get("Access-Control-Request-Method"):
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Accept, Content-Type, If-None-Match"
            )
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response

    @app.after_request
    def common_headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Location, Content-Location, Link"
        response.vary.add("Accept")
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":
            response.headers.update(HTML_HEADERS)
        return response
