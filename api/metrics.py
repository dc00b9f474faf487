"""Prometheus metrics: requests by route and status, latency, events appended, projection lag.

Each app has its own registry, so several apps in one process (tests) never collide.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from fastapi import Request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from api.bootstrap import Wiring
    from api.health import StoreState

disable_created_metrics()  # the *_created series only add noise to every scrape

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests", "HTTP requests answered, by route template and status",
            ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "http_request_duration_seconds", "Time to answer an HTTP request",
            ["method", "route"], buckets=BUCKETS, registry=self.registry)
        self.events = Counter(
            "complaints_events_appended",
            "Events this process appended to the store (one per command or filing)",
            registry=self.registry)
        self._store = _StoreCollector()
        self.registry.register(self._store)

    def watch(self, wiring: Wiring) -> None:
        """Count the desk's writes and report its store and views."""
        self._store.wiring = wiring
        wiring.desk.after_save(self._appended)

    def _appended(self, _last_notification_id: int) -> None:
        self.events.inc()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self, store: StoreState | None = None) -> bytes:
        """The text of a scrape; `store` is what the caller read from the store (off the
        event loop, with a time limit), so rendering itself never waits on the database."""
        with self._store.showing(store):
            return generate_latest(self.registry)


class _StoreCollector(Collector):
    """The store's head, how far each view trails it, and views stopped by a fault."""

    def __init__(self) -> None:
        self.wiring: Wiring | None = None
        self._lock = threading.Lock()
        self._state: StoreState | None = None

    @contextmanager
    def showing(self, state: StoreState | None) -> Iterator[None]:
        with self._lock:
            self._state = state
            try:
                yield
            finally:
                self._state = None

    def collect(self) -> Iterator[Metric]:
        state = self._state
        if state is None:
            return
        yield GaugeMetricFamily("complaints_database_up",
                                "1 when the store answered this scrape in time",
                                value=1 if state.up else 0)
        if not state.up:
            return
        yield GaugeMetricFamily("complaints_event_store_head",
                                "Highest notification id in the event store", value=state.head)
        lag = GaugeMetricFamily("complaints_projection_lag_events",
                                "Events in the store not yet applied to a view", labels=["view"])
        for view, behind in state.lag.items():
            lag.add_metric([view], behind)
        yield lag
        stopped = {fault["view"]: fault for fault in state.faults}
        faulted = GaugeMetricFamily(
            "complaints_projection_faulted",
            "1 when a view is stopped before an event it cannot apply", labels=["view"])
        stuck_at = GaugeMetricFamily(
            "complaints_projection_fault_event",
            "The notification id a stopped view cannot apply", labels=["view"])
        for view in state.positions:
            faulted.add_metric([view], 1 if view in stopped else 0)
            if view in stopped:
                stuck_at.add_metric([view], stopped[view]["event"]["notification_id"])
        yield faulted
        yield stuck_at


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def scraper_allowed(request: Request) -> bool:
    """The configured scraper: its bearer token when COMPLAINTS_METRICS_TOKEN is set;
    otherwise only a client on this machine (a loopback address)."""
    token: str | None = request.app.state.metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        scheme, _, value = sent.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.encode(), token.encode())
    client = request.client.host if request.client else ""
    return client in _LOOPBACK or client.startswith("127.")
