"""Prometheus metrics: requests by route and status, latency, events appended, projection lag.

Each app has its own registry, so several apps in one process (tests) never collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from api.bootstrap import Wiring

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

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _StoreCollector(Collector):
    """Read at scrape time: the store's head and how far each view trails it."""

    def __init__(self) -> None:
        self.wiring: Wiring | None = None

    def collect(self) -> Iterator[Metric]:
        if self.wiring is None:
            return
        try:
            projections = self.wiring.projections
            head = projections.head()
            positions = projections.positions()
        except Exception:  # a scrape must not fail because the database is slow
            return
        yield GaugeMetricFamily("complaints_event_store_head",
                                "Highest notification id in the event store", value=head)
        lag = GaugeMetricFamily("complaints_projection_lag_events",
                                "Events in the store not yet applied to a view", labels=["view"])
        for view, position in positions.items():
            lag.add_metric([view], max(head - position, 0))
        yield lag
