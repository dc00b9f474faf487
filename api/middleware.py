"""The outermost layer: caps request bodies, times, counts and logs every request, and
answers whatever escaped the error handlers without a traceback reaching the client."""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import parse_qsl
from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.breaker import Breaker, means_unreachable
from api.logging import log_request
from api.metrics import Metrics
from domain.evidence import MAX_CASE_BYTES

MAX_BODY = 1024 * 1024  # 1 MiB
# Where evidence files are uploaded the body may carry them: up to a case's worth
# (the per-file and per-case limits themselves answer 413 naming the limit).
UPLOAD_BODY = MAX_CASE_BYTES + MAX_BODY
_UPLOADS = re.compile(r"/api/v1/complaints/[^/]+/attachments|/cases/[^/]+/attachments|/intake")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


# Served without the database: never held back while it is away.
_WITHOUT_STORE = ("/static/", "/healthz", "/metrics", "/docs", "/openapi.json", "/lang/")


class RequestGuard:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body: int = MAX_BODY,
                 breaker: Breaker | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body
        self.breaker = breaker or Breaker()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = perf_counter()
        headers = dict(scope["headers"])
        request_id = _request_id(headers.get(b"x-request-id"))
        status = 500
        response_started = False
        extra_headers = [(b"x-request-id", request_id.encode())]
        if scope["path"].startswith("/api/"):
            extra_headers.append((b"cache-control", b"no-store"))  # answers may hold personal data

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", []), *extra_headers]
            await send(message)

        try:
            if self.breaker.is_open() and not scope["path"].startswith(_WITHOUT_STORE):
                await errors.unavailable()(scope, receive, send_with_headers)
                return
            refusal = _nul_in_address(scope)
            if scope["method"] in _BODY_METHODS and refusal is None:
                limit = UPLOAD_BODY if _UPLOADS.fullmatch(scope["path"]) else self.max_body
                body = await self._read_body(headers, receive, limit)
                if body is None:
                    too_large = errors.problem(
                        413, f"the request body is over {limit} bytes", slug="too-large")
                    await too_large(scope, receive, send_with_headers)
                    return
                refusal = _unreadable_body(headers, body)
                receive = _replay(body, receive)
            if refusal is not None:
                await refusal(scope, receive, send_with_headers)
                return
            await self.app(scope, receive, send_with_headers)
        except Exception as error:  # noqa: BLE001 - the last resort, logged by `unexpected`
            if means_unreachable(error):
                self.breaker.trip()
            if response_started:
                raise
            await errors.unexpected(error)(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            seconds = perf_counter() - started_at
            self.metrics.observe(scope["method"], template, status, seconds)
            state: dict[str, Any] = scope.get("state") or {}
            complaint_id = (scope.get("path_params") or {}).get("complaint_id")
            log_request(method=scope["method"], route=template, status=status, seconds=seconds,
                        request_id=request_id, username=state.get("username"),
                        complaint_id=str(complaint_id) if complaint_id else None)

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive,
                         limit: int) -> bytes | None:
        """The whole body, or None as soon as it is known to be over the limit."""
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


# A NUL character is never part of anything the desk stores or searches, and
# PostgreSQL text cannot hold one: refused up front, naming where it was.
_JSON_NUL = re.compile(rb'(?<!\\)(?:\\\\)*\\u0000')


def _nul(field: str) -> errors.ProblemResponse:
    return errors.problem(422, f"{field}: contains a NUL character", slug="invalid-field",
                          field=field, errors=[{"field": field,
                                                "message": "contains a NUL character"}])


def _nul_in_address(scope: Scope) -> errors.ProblemResponse | None:
    if "\x00" in scope["path"]:
        return _nul("path")
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return _nul(name.replace("\x00", "") or "query")
    return None


def _unreadable_body(headers: dict[bytes, bytes], body: bytes) -> errors.ProblemResponse | None:
    """JSON must be UTF-8 (RFC 8259): a UTF-16 or UTF-32 body, which the JSON parser would
    quietly accept, is refused as malformed (400); so is a NUL character in a JSON or form body (files
    uploaded as multipart may hold any bytes)."""
    media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if media == b"application/json" or media.endswith(b"+json"):
        charset = _charset(headers.get(b"content-type", b""))
        if charset not in (None, "utf-8", "utf8") or body[:2] in (b"\xff\xfe", b"\xfe\xff") \
                or (len(body) > 1 and (body[0] == 0 or body[1] == 0)):
            return errors.problem(400, "a JSON body must be UTF-8 (RFC 8259)",
                                  slug="malformed-json", title="Malformed request")
        if b"\x00" in body or _JSON_NUL.search(body):
            return _nul(_where_nul(body))
    elif media == b"application/x-www-form-urlencoded" and (b"\x00" in body or b"%00" in body):
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return _nul(name.replace("\x00", "") or "body")
    return None


def _where_nul(body: bytes) -> str:
    """The dotted path of the first value holding a NUL character ("body" if unreadable)."""
    try:
        document = json.loads(body)
    except ValueError:
        return "body"
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        path, value = stack.pop(0)
        if isinstance(value, str) and "\x00" in value:
            return path or "body"
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in str(key):
                    return path or "body"
                stack.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]" if path else f"[{i}]", item)
                         for i, item in enumerate(value))
    return "body"


def _charset(content_type: bytes) -> str | None:
    for part in content_type.decode("latin-1").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _request_id(raw: bytes | None) -> str:
    if raw:
        text = raw.decode("latin-1")
        if _REQUEST_ID.fullmatch(text):
            return text
    return uuid.uuid4().hex[:16]
