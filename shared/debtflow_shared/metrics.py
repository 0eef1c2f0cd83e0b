"""Prometheus metrics, one registry per service (several services may share a process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.events_out = Counter(
            "debtflow_events_published_total",
            "Events the outbox relay published",
            ["service", "topic"],
            registry=self.registry,
        )
        self.events_in = Counter(
            "debtflow_events_consumed_total",
            "Events consumed, by outcome (processed, duplicate, dead_lettered)",
            ["service", "group", "topic", "outcome"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "debtflow_handler_seconds",
            "Time to handle one event, retries included",
            ["service", "group", "topic"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "debtflow_outbox_backlog",
            "Outbox rows not yet published (as last seen by the relay)",
            ["service"],
            registry=self.registry,
        )
        self.dead_letters = Counter(
            "debtflow_dead_letters_total",
            "Messages sent to a .dlq topic",
            ["service", "group", "topic"],
            registry=self.registry,
        )
        self.batch_fallbacks = Counter(
            "debtflow_consumer_batch_fallbacks_total",
            "Batch work that failed and was applied again another way: a whole transaction "
            "(then one by one), one message (then alone) or a batch handler's set (then per "
            "event)",
            ["service", "group", "failed"],
            registry=self.registry,
        )
        self.http_requests = Counter(
            "debtflow_http_requests_total",
            "HTTP requests by route and status",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
