"""A local receiver for the outbox: a real HTTP server on 127.0.0.1 in a thread.

Faults are switched on by the test: `down()` closes the port (connection refused),
`mode = "500"` answers 500, `mode = "slow"` holds each answer until released (or a
limit), so the sender's own timeout fires. Every request is kept with its headers
and whether its signature checked out.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from application.delivery import (
    DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature,
)


@dataclass(frozen=True)
class Received:
    delivery: str
    body: dict[str, Any]
    raw: bytes
    signed: bool
    answered: int


class Receiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.mode = "ok"
        self.received: list[Received] = []
        self.release = threading.Event()
        self.slow_limit = 5.0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/changes"

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.mode == "slow":
                    receiver.release.wait(receiver.slow_limit)
                status = 500 if receiver.mode == "500" else 200
                signed = verify_signature(receiver.secret, self.headers.get(TIMESTAMP_HEADER, ""),
                                          raw, self.headers.get(SIGNATURE_HEADER, ""))
                with receiver._lock:
                    receiver.received.append(Received(
                        delivery=self.headers.get(DELIVERY_HEADER, ""), body=json.loads(raw),
                        raw=raw, signed=signed, answered=status))
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def close(self) -> None:
        self.release.set()
        self.down()

    def accepted(self) -> list[Received]:
        """What the receiver answered 2xx to, in arrival order."""
        with self._lock:
            return [r for r in self.received if r.answered == 200]

    def rate(self, n: int = 2000) -> float:
        """Requests a second this receiver takes from one keep-alive client (the anchor)."""
        import httpx

        body = json.dumps({"probe": True}).encode()
        with httpx.Client() as client:
            started = time.perf_counter()
            for _ in range(n):
                client.post(self.url, content=body)
            elapsed = time.perf_counter() - started
        with self._lock:
            self.received = [r for r in self.received if "probe" not in r.body]
        return n / elapsed
