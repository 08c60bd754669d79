"""``GET /v1/metrics`` in Prometheus' text format: requests answered (by method, route and
status), their latencies, webhook events received and finished, and the events waiting in the
journal (the queue's depth, read from the database when scraped, so it is the same whichever
server answers).

With ``--workers N`` each process counts its own requests; they are added up through
prometheus_client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, which ``playbook serve``
sets to a fresh folder before it starts the workers).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    Metric,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("playbook_http_requests", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("playbook_http_request_duration_seconds",
                    "time from a request's arrival to its answer", ["method", "route"],
                    buckets=BUCKETS)
HOOKS_RECEIVED = Counter("playbook_hook_events_received",
                         "webhook events stored, by CRM", ["crm"])
HOOKS_FINISHED = Counter("playbook_hook_events_finished",
                         "webhook events a worker finished, by CRM and outcome "
                         "(done, duplicate, retrying, failed)", ["crm", "status"])


def exposition(queue: Mapping[str, int] | None) -> bytes:
    """The metrics text: this process's (or all workers') counters, and the queue's depth."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    text = generate_latest(registry)
    if queue is not None:
        depth = CollectorRegistry()
        depth.register(_Queue(queue))
        text += generate_latest(depth)
    return text


class _Queue(Collector):
    """The queue's depth as read at this scrape (no value kept between scrapes)."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily("playbook_hook_events",
                                   "webhook events in the journal, by status", labels=["status"])
        for status, count in self.counts.items():
            family.add_metric([status], count)
        yield family
