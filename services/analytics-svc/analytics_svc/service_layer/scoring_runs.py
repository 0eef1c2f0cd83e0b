"""The daily scoring run as a background worker: for each tenant, once per UTC business
day, choose the model and rescore every debtor (``scoring.daily_scoring_in``); one
transaction per tenant, and a replica that finds the day's run done skips it."""

from __future__ import annotations

from analytics_svc.service_layer.scoring import ScoringPolicy, daily_scoring_in
from analytics_svc.settings import AnalyticsSettings
from debtflow_shared.periodic import run_periodically
from debtflow_shared.service import ServiceRuntime


def policy_of(settings: AnalyticsSettings) -> ScoringPolicy:
    return ScoringPolicy(
        min_training_examples=settings.scoring_min_training_examples,
        min_test_examples=settings.scoring_min_test_examples,
    )


def _settings(runtime: ServiceRuntime) -> AnalyticsSettings:
    settings = runtime.settings
    if not isinstance(settings, AnalyticsSettings):
        raise TypeError("analytics-svc runs on AnalyticsSettings")
    return settings


async def score_daily_once(runtime: ServiceRuntime, *, force: bool = False) -> int:
    """Run every tenant's scoring for today that has not run yet; returns how many ran."""
    policy = policy_of(_settings(runtime))
    today = runtime.clock.now().date()
    async with runtime.uow() as uow:
        tenants = await uow.repos.risk.tenants()
    ran = 0
    for tenant_id in tenants:
        async with runtime.uow() as uow:
            if await daily_scoring_in(uow, tenant_id, today, policy, force=force):
                ran += 1
            await uow.commit()
    return ran


async def run_daily_scoring(runtime: ServiceRuntime) -> None:
    """Look for the day's run every ``scoring_check_seconds``, and when the clock moves."""
    await run_periodically(
        lambda: score_daily_once(runtime),
        name="daily scoring",
        interval=_settings(runtime).scoring_check_seconds,
        clock=runtime.clock,
    )
