"""notify-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from debtflow_shared.service import ServiceDefinition
from notify_svc import consumers
from notify_svc.adapters.repositories import SqlRepositories
from notify_svc.adapters.tables import metadata, platform
from notify_svc.api import (
    bounces,
    notifications,
    provider_receipts,
    suppressions,
    templates,
    unsubscribe,
)
from notify_svc.service_layer.dispatcher import run_dispatcher

DEFINITION = ServiceDefinition(
    name="notify-svc",
    short_name="notify",
    description="Templates and channels (email, SMS, webhook, PDF letters); every message "
    "sent once, at a lawful hour.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
    routers=[
        templates.router,
        notifications.router,
        suppressions.router,
        unsubscribe.router,
        bounces.router,
        bounces.deliveries,
        provider_receipts.router,
    ],
    tags=[
        ("templates", "Message templates per locale and tone: versions, checks, previews"),
        ("notifications", "Every message asked for: its state, what was sent, each attempt"),
        ("suppressions", "Addresses never used again: opt-outs and refused recipients"),
        ("unsubscribe", "The signed one-click unsubscribe link in every email (no login)"),
        ("bounces", "Providers' signed reports: a sent message delivered, bounced, opted out"),
    ],
    repositories=SqlRepositories,
    handlers=consumers.handlers,
    background=[run_dispatcher],
)
