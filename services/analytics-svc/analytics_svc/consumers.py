"""The topics analytics-svc consumes: every one the catalog names it a subscriber of.

Each goes to the same use case, which keeps a copy of the event and projects it
(``service_layer/projection.py``); batches take the set-based path.
"""

from __future__ import annotations

from analytics_svc.service_layer.projection import on_event, on_events
from debtflow_shared.catalog.subscriptions import ANALYTICS, SUBSCRIBERS
from debtflow_shared.event_consumer import BatchEventHandler, EventHandler
from debtflow_shared.service import HandlerMap, ServiceRuntime

TOPICS = sorted(topic for topic, who in SUBSCRIBERS.items() if ANALYTICS in who)
HANDLERS: dict[str, EventHandler] = dict.fromkeys(TOPICS, on_event)
BATCH_HANDLERS: dict[str, BatchEventHandler] = dict.fromkeys(TOPICS, on_events)


def handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return HANDLERS
