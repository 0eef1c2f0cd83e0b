"""analytics-svc's composition root."""

from __future__ import annotations

from pathlib import Path

from analytics_svc import consumers
from analytics_svc.adapters.repositories import SqlRepositories
from analytics_svc.adapters.tables import metadata, platform
from analytics_svc.api import (
    aging,
    debtor_ledger,
    effectiveness,
    forecast,
    kpis,
    outcomes,
    risk,
)
from analytics_svc.service_layer.scoring_runs import run_daily_scoring
from debtflow_shared.service import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="analytics-svc",
    short_name="analytics",
    description="Aging, DSO and CEI, collection effectiveness, risk scoring, worklists and "
    "forecasts.",
    metadata=metadata,
    tables=platform,
    migrations=Path(__file__).parent / "migrations",
    routers=[
        aging.router,
        kpis.router,
        effectiveness.router,
        outcomes.router,
        debtor_ledger.router,
        risk.debtor_router,
        risk.router,
        forecast.router,
    ],
    repositories=SqlRepositories,
    handlers=consumers.handlers,
    batch_handlers=consumers.BATCH_HANDLERS,
    tags=[
        ("aging", "What is open as of any day, by days past due, per debtor and in total"),
        ("kpis", "DSO (standard and countback), BPDSO, ADD and CEI over a period or by month"),
        (
            "effectiveness",
            "What works: payment after each step, channel, template, tone and A/B variant",
        ),
        ("outcomes", "Promise-kept, plan completion, settlement, dispute and cure rates"),
        ("ledger", "One debtor's invoices, payments, credit notes and charges, from events"),
        ("risk", "Propensity-to-pay scores with reasons, expected recovery, the model in force"),
        ("forecast", "Expected collections for 30/60/90 days by week, and its back-test (WAPE)"),
    ],
    background=[run_daily_scoring],
)
