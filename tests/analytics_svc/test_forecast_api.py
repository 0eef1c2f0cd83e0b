"""The forecast endpoint answers from a generated history's events, and its back-test
reports a WAPE within a stated bound; both backends."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from analytics_svc.domain.cash_forecast import backtest, backtest_days
from tests.analytics_svc.analytics_world import running_analytics
from tests.analytics_svc.payment_behaviour import generate, messages_of
from tests.support.harness import T0, Backend

WAPE_BOUND = Decimal("0.50")
"""40 debtors' weeks are lumpy (one invoice lands in one week); 120 do better (0.35 in
test_cash_forecast.py)."""


async def test_the_forecast_and_its_back_test_answer_from_a_generated_history(
    backend: Backend,
) -> None:
    today = T0.date()
    debtors = generate(40, 26, seed=3)
    async with running_analytics(backend) as analytics:
        await analytics.send(*messages_of(debtors, today))
        made = await analytics.json("/v1/forecast", currency="GBP")
        assert made["as_of"] == today.isoformat()
        assert len(made["weeks"]) == 13
        assert made["weeks"][0]["start"] == (today + timedelta(days=1)).isoformat()
        assert 0 < made["next_30_days_minor"] <= made["next_60_days_minor"]
        assert made["next_60_days_minor"] <= made["next_90_days_minor"] <= made["open_minor"]
        tested = await analytics.json(
            "/v1/forecast/backtest", currency="GBP", **{"from": "2024-07-01", "to": "2025-11-01"}
        )
        assert tested["forecasts"] == 18
        assert tested["actual_minor"] > 0
        assert Decimal(tested["wape"]) < WAPE_BOUND
        # The same back-test run on the generated history itself: the events lost nothing.
        invoices = [i for d in debtors for i in d.history(today).invoices]
        days = backtest_days(date(2024, 7, 1), date(2025, 11, 1), 28)
        assert tested["wape"] == str(backtest(invoices, days).wape)
        refused = await analytics.get(
            "/v1/forecast/backtest", currency="GBP", **{"from": "2025-01-01", "to": "2026-01-01"}
        )
        assert refused.status_code == 422
        assert "to" in refused.text
