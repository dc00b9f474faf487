"""The outermost layer: caps request bodies, times, counts and logs every request, and
answers whatever escaped the error handlers without a traceback reaching the client."""

from __future__ import annotations

import re
import uuid
from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.breaker import Breaker, means_unreachable
from api.logging import log_request
from api.metrics import Metrics

MAX_BODY = 1024 * 1024  # 1 MiB
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
            if scope["method"] in _BODY_METHODS:
                body = await self._read_body(headers, receive)
                if body is None:
                    too_large = errors.problem(
                        413, f"the request body is over {self.max_body} bytes", slug="too-large")
                    await too_large(scope, receive, send_with_headers)
                    return
                receive = _replay(body, receive)
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

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is known to be over the limit."""
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


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
