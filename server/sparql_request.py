"""Reading a SPARQL 1.1 Protocol request (§2.1, §2.2) into its operation and dataset, strictly.

The traps this module exists to avoid:
- a form body is percent-decoded exactly once (`100%2541` arrives as `100%41` and stays so);
- a body without a Content-Type, or of a type we do not read, is a 415, never guessed at;
- SPARQL text is UTF-8 (`charset=UTF-16` is a 415, undecodable bytes a 400), never a 500;
  a byte-order mark in front of the query is its encoding's signature, not text, and is dropped;
- two `query` parameters are a 400: which one would we run?
Parameters of the URL and of a form body are read together, as the W3C tests do.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request

from .errors import HttpProblem

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
UTF8 = ("utf-8", "utf8")
BOM = "\ufeff"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    is_update: bool  # an update was sent (as `update=` or application/sparql-update); the endpoint is read-only
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = "; it looks like UTF-16: send UTF-8" if data[:2] in UTF16_BOMS else ""
        raise HttpProblem(400, f"Bad Request: {what} is not valid UTF-8 (byte {exc.start}){hint}") from None


def _params(data: bytes, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(_decode(data, what), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HttpProblem(400, f"Bad Request: a percent-encoded value in {what} is not UTF-8") from None


def _check_charset(req: Request) -> None:
    charset = req.mimetype_params.get("charset")
    if charset and charset.lower() not in UTF8:
        raise HttpProblem(415, f"Unsupported Media Type: charset={charset}; SPARQL requests must be UTF-8")


def read_sparql_request(req: Request) -> SparqlRequest:
    params = _params(req.query_string, "the query string")
    if req.method == "POST":
        mimetype = req.mimetype
        if not mimetype:
            raise HttpProblem(
                415,
                f"Unsupported Media Type: the POST body has no Content-Type; send {FORM} (query=…) "
                f"or {SPARQL_QUERY} (the query itself)",
            )
        if mimetype == SPARQL_UPDATE:
            return SparqlRequest(None, True, (), ())
        _check_charset(req)
        body = req.get_data(cache=False)
        if mimetype == FORM:
            params += _params(body, "the form body")
        elif mimetype == SPARQL_QUERY:
            params.append(("query", _decode(body, "the query")))
        else:
            raise HttpProblem(415, f"Unsupported Media Type: {mimetype}; a query is POSTed as {FORM} or {SPARQL_QUERY}")
    queries = [v for k, v in params if k == "query"]
    is_update = any(k == "update" for k, _ in params)
    if len(queries) > 1 and not is_update:
        raise HttpProblem(400, f"Bad Request: {len(queries)} queries in one request; send exactly one")
    return SparqlRequest(
        query=queries[0].removeprefix(BOM) if queries else None,
        is_update=is_update,
        default_graphs=tuple(v for k, v in params if k == "default-graph-uri"),
        named_graphs=tuple(v for k, v in params if k == "named-graph-uri"),
    )
