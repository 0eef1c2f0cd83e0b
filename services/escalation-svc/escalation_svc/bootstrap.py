"""escalation-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from debtflow_shared.service import ServiceDefinition
from escalation_svc import consumers
from escalation_svc.adapters.repositories import SqlRepositories
from escalation_svc.adapters.tables import metadata, platform
from escalation_svc.api import arrangements, cases, contact_restrictions, debtors, policies, tasks
from escalation_svc.service_layer.timer_scheduler import run_timer_scheduler

DEFINITION = ServiceDefinition(
    name="escalation-svc",
    short_name="escalation",
    description="Dunning policies, collection cases, durable timers, promises, payment plans, "
    "the compliance guard and hand-off to agencies.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
    routers=[
        debtors.router,
        policies.router,
        cases.router,
        contact_restrictions.router,
        arrangements.router,
        tasks.router,
    ],
    handlers=consumers.handlers,
    batch_handlers=consumers.batch_handlers,
    repositories=SqlRepositories,
    tags=[
        ("debtors", "escalation-svc's copy of each debtor, fed by debtor.upserted"),
        ("policies", "Dunning ladders: versioned steps and the compliance guard's rules"),
        ("cases", "Collection cases: state, invoices, timeline (why each thing happened)"),
        ("contact restrictions", "Opt-outs, do-not-contact and cease-contact per debtor"),
        ("arrangements", "Promises to pay, payment plans and settlement offers on a case"),
        ("tasks", "The collectors' task queue: calls, reviews, follow-ups and their outcomes"),
    ],
    background=[run_timer_scheduler],
)
