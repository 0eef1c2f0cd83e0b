"""escalation-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from debtflow_shared.service import ServiceDefinition
from escalation_svc import consumers
from escalation_svc.adapters.tables import metadata, platform
from escalation_svc.api import debtors

DEFINITION = ServiceDefinition(
    name="escalation-svc",
    short_name="escalation",
    description="Dunning policies, collection cases, durable timers, promises, payment plans, "
    "the compliance guard and hand-off to agencies.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
    routers=[debtors.router],
    handlers=consumers.handlers,
    batch_handlers=consumers.batch_handlers,
    tags=[("debtors", "escalation-svc's copy of each debtor, fed by debtor.upserted")],
)
