"""Delivering the outbox to other systems: signed JSON, at least once, in order per complaint.

Each endpoint has its own queue. A message is sent as a JSON POST signed with the
endpoint's secret (HMAC-SHA256 over the timestamp and the body), with a delivery id
that stays the same on every retry, so a receiver drops what it already has: the
desk delivers at least once, never exactly once. A failure (the receiver down, too
slow, or answering anything but 2xx) is tried again after a back-off that doubles
up to a ceiling; after the last attempt the message becomes a dead letter, which a
supervisor can read and replay. Time comes from an injectable clock, so retries
and back-off are tested without waiting.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from domain.personal_data import personal_fields

# Typed by people and kept outside personal_data.py for reasons of the desk's own (an
# escalation's reason feeds the credit rules), but nothing another system needs to be
# told in clear: an evidence file's name ("张三身份证.jpg"), why a case was escalated.
# The outbox leaves them out with the personal data; only an entitled endpoint gets them.
NOT_SENT: dict[str, frozenset[str]] = {"AttachmentAdded": frozenset({"filename"}),
                                       "Escalated": frozenset({"reason"})}

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Complaints-Signature"
TIMESTAMP_HEADER = "X-Complaints-Timestamp"
DELIVERY_HEADER = "X-Complaints-Delivery"


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    secret: str
    # Only an endpoint entitled to it (the national platform, say) gets the consumer's
    # particulars and free text; every other one gets the changes without them.
    personal_data: bool = False


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: float = 5.0  # seconds before the second attempt
    longest_delay: float = 3600.0
    max_attempts: int = 8
    timeout: float = 5.0  # seconds for the receiver to answer

    def next_attempt(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after `attempts` failures, or None: give up."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.first_delay * 2 ** (attempts - 1), self.longest_delay)
        return now + timedelta(seconds=delay)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver checks; the desk's own tests receive with it too."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


class Queue(Protocol):
    def enqueue(self, endpoint: str, now: datetime) -> int: ...
    def due(self, endpoint: str, now: datetime, limit: int) -> list[Any]: ...
    def delivered(self, endpoint: str, positions: list[int], now: datetime) -> None: ...
    def failed(self, endpoint: str, failures: list[tuple[int, int, str, datetime | None]],
               now: datetime) -> None: ...


# (url, body, headers, timeout) -> HTTP status; raises on no answer (down, timed out).
Post = Callable[[str, bytes, dict[str, str], float], int]


@dataclass
class PassResult:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


class Delivery:
    """One pass of delivery per call; `complaints outbox run` calls it in a loop."""

    def __init__(self, queue: Queue, post: Post, endpoints: list[Endpoint], *,
                 clock: Callable[[], datetime], policy: RetryPolicy | None = None,
                 personal: Callable[[UUID, int], dict[str, Any]] | None = None,
                 batch: int = 200, concurrency: int = 1) -> None:
        self.queue = queue
        self.post = post
        self.endpoints = endpoints
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.personal = personal
        self.batch = batch
        self.concurrency = concurrency

    def run_once(self) -> PassResult:
        """Queue what is new, then send what is due, endpoint by endpoint."""
        result = PassResult()
        for endpoint in self.endpoints:
            self.queue.enqueue(endpoint.name, self.clock())
            self._deliver(endpoint, result)
        return result

    def drain(self, max_passes: int = 10_000) -> PassResult:
        """Passes until nothing is due now (what is waiting for a back-off stays)."""
        total = PassResult()
        for _ in range(max_passes):
            result = self.run_once()
            total.delivered += result.delivered
            total.failed += result.failed
            total.dead += result.dead
            if result.delivered == 0 and result.failed == 0:
                break
        return total

    def run_until(self, stop: Any, *, poll: float = 1.0,
                  before: Callable[[], Any] | None = None) -> None:
        """Deliver until `stop` (a threading.Event) is set; idle passes wait `poll` seconds.
        A pass that fails outright (the database away) is logged and tried again."""
        while not stop.is_set():
            try:
                if before is not None:
                    before()
                result = self.run_once()
            except Exception:  # the worker outlives an outage; the next pass retries
                log.exception("outbox delivery pass failed")
                stop.wait(poll)
                continue
            if result.delivered == 0 and result.failed == 0:
                stop.wait(poll)

    def _deliver(self, endpoint: Endpoint, result: PassResult) -> None:
        delivered: list[int] = []
        failures: list[tuple[int, int, str, datetime | None]] = []
        # A batch holds at most one change per complaint (the next one it has to send),
        # so sending the batch side by side keeps every complaint's order.
        due = self.queue.due(endpoint.name, self.clock(), self.batch)
        if self.concurrency > 1 and len(due) > 1:
            with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
                errors = list(pool.map(lambda d: self._send(endpoint, d), due))
        else:
            errors = [self._send(endpoint, d) for d in due]
        for item, error in zip(due, errors, strict=True):
            if error is None:
                delivered.append(item.position)
                continue
            attempts = item.attempts + 1
            next_at = self.policy.next_attempt(attempts, self.clock())
            failures.append((item.position, attempts, error, next_at))
            result.failed += 1
            result.dead += next_at is None
        now = self.clock()
        self.queue.delivered(endpoint.name, delivered, now)
        self.queue.failed(endpoint.name, failures, now)
        result.delivered += len(delivered)

    def _send(self, endpoint: Endpoint, due: Any) -> str | None:
        """Post one change; None when the receiver took it, else what went wrong."""
        body = self._body(endpoint, due)
        timestamp = str(int(self.clock().timestamp()))
        headers = {"Content-Type": "application/json; charset=utf-8",
                   DELIVERY_HEADER: f"{endpoint.name}-{due.position}",
                   TIMESTAMP_HEADER: timestamp,
                   SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body)}
        try:
            status = self.post(endpoint.url, body, headers, self.policy.timeout)
        except Exception as problem:  # any failure to get an answer is retried
            return type(problem).__name__
        return None if 200 <= status < 300 else f"HTTP {status}"

    def _body(self, endpoint: Endpoint, due: Any) -> bytes:
        message = json.loads(due.body)
        message["delivery"] = f"{endpoint.name}-{due.position}"
        if endpoint.personal_data and self.personal is not None:
            message["personal_data"] = self.personal(UUID(due.complaint_id), due.version)
        return json.dumps(message, ensure_ascii=False, sort_keys=True).encode()


def personal_data_of(desk: Any) -> Callable[[UUID, int], dict[str, Any]]:
    """The personal fields of one stored event, unsealed: read when it is sent, never
    copied into the outbox (an erased complaint's read 已删除)."""

    def read(complaint_id: UUID, version: int) -> dict[str, Any]:
        for event in desk.events.get(complaint_id, gt=version - 1, lte=version):
            state = event.__dict__
            kind = type(event).__name__
            held_back = personal_fields(kind, state) + sorted(NOT_SENT.get(kind, ()))
            return {k: state[k] for k in held_back if k in state}
        return {}

    return read


class DeadLetterNotFound(Exception):
    """No dead letter at this endpoint and position (never one, or already replayed)."""

    def __init__(self, endpoint: str, position: int) -> None:
        super().__init__(f"no dead letter {position} for endpoint {endpoint!r}")
