"""Which host a response may name: the request's `Host` only when this deployment trusts it, else `--base-iri`.

A `Host` header is whatever the client wrote. Reflected into the VoID and service
descriptions or a redirect, it lets one client hand others links to any site — through
every cache that keys on the path alone (a proxy's, a browser's). So an absolute URL is
built from the request's host only when that host is loopback or the base IRI's own
(`ServerConfig.trusted_hosts`, `serve --trusted-host`); for any other host it is built
from the base IRI. Redirects that routing makes (a doubled slash, a missing one) are
sent relative, never with a host.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request, url_for

from .dataset import current_dataset

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
_HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")


def trusted_host(host: str, trusted: tuple[str, ...], base_iri: str) -> bool:
    """Whether `host` (a Host header, port allowed) names this deployment: one of `trusted` or the base IRI's."""
    m = _HOST.fullmatch(host)
    if m is None:
        return False
    name = m.group("name").lower().rstrip(".")
    base = urlsplit(base_iri).hostname or ""
    return name in {t.lower() for t in trusted} or name == base.lower() or f"[{base.lower()}]" == name


def public_root() -> str:
    """`scheme://host/` of this request when its host is trusted, else the base IRI (ends in /)."""
    config = current_dataset().config
    if trusted_host(request.host, config.trusted_hosts, config.base_iri):
        return request.host_url
    return config.base_iri


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of a route, on a host this deployment trusts."""
    return public_root() + url_for(endpoint, **values)[len(request.script_root) :].lstrip("/")


def this_url() -> str:
    """The absolute URL of this request's route (no query string), on a host this deployment trusts."""
    return public_root() + request.path.lstrip("/")


def register_host_hooks(app: Flask) -> None:
    @app.after_request
    def relative_redirects(response: Response) -> Response:
        """Werkzeug's routing redirects name the request's host; keep their path and query only."""
        location = response.headers.get("Location")
        if location and response.status_code in (301, 302, 307, 308):
            parts = urlsplit(location)
            if parts.netloc:
                path = "/" + parts.path.lstrip("/\\")  # never `//x` or `/\x`: a browser reads both as another host
                response.headers["Location"] = path + (f"?{parts.query}" if parts.query else "")
        return response
