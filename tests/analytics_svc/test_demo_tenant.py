"""The demo tenant `debtflow run` seeds shows in analytics-svc's aging and KPIs, with the
same open balances and buckets invoice-svc's statements report, on both backends."""

from __future__ import annotations

from collections import Counter
from typing import Any

from debtflow_cli.demo import DEMO_TENANT, seed_demo
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.analytics_svc.analytics_world import running_analytics
from tests.support.api import api_client, bearer
from tests.support.harness import Backend, eventually


async def test_the_demo_tenants_aging_matches_invoice_svcs_statements(backend: Backend) -> None:
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        running_analytics(backend) as analytics,
        api_client(invoice) as ledger,
    ):
        await seed_demo(invoice)
        as_of = invoice.clock.now().date().isoformat()
        reader = bearer(backend.token(DEMO_TENANT, "debtors:read", "invoices:read"))
        debtors = (await ledger.get("/v1/debtors", headers=reader)).json()["items"]
        expected: dict[str, Counter[str]] = {}
        for debtor in debtors:
            statement = await ledger.get(
                f"/v1/debtors/{debtor['id']}/statement", params={"as_of": as_of}, headers=reader
            )
            for totals in statement.json()["totals"]:
                expected.setdefault(totals["currency"], Counter()).update(totals["buckets"])

        async def aging() -> dict[str, Counter[str]]:
            response = await analytics.get("/v1/aging", tenant=DEMO_TENANT, as_of=as_of)
            report: dict[str, Any] = response.json()
            return {
                section["currency"]: Counter(
                    {k: v for k, v in section["total"].items() if k != "total" and v}
                )
                for section in report["currencies"]
            }

        async def agrees() -> bool:
            return await aging() == {c: +buckets for c, buckets in expected.items()}

        await eventually(agrees, message="analytics-svc's aging never matched the statements")
        assert len(expected) >= 2  # the demo has several currencies
        kpis = await analytics.get(
            "/v1/kpis",
            tenant=DEMO_TENANT,
            currency="GBP",
            start="2025-12-01",
            end=as_of,
        )
        assert kpis.status_code == 200, kpis.text
        assert kpis.json()["ending_ar_minor"] == sum(expected["GBP"].values())


async def test_the_demo_debtors_have_scores_with_reasons_and_the_forecast_answers(
    backend: Backend,
) -> None:
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        running_analytics(backend) as analytics,
        api_client(invoice) as ledger,
    ):
        await seed_demo(invoice)
        reader = bearer(backend.token(DEMO_TENANT, "debtors:read"))
        debtors = (await ledger.get("/v1/debtors", headers=reader)).json()["items"]

        async def all_scored() -> bool:
            for debtor in debtors:
                answer = await analytics.get(f"/v1/debtors/{debtor['id']}/risk", DEMO_TENANT)
                if answer.status_code != 200:
                    return False
            return True

        await eventually(all_scored, message="not every demo debtor was scored")
        for debtor in debtors:
            risk = (await analytics.get(f"/v1/debtors/{debtor['id']}/risk", DEMO_TENANT)).json()
            assert risk["name"] == debtor["name"]
            assert risk["top_factors"], risk
            assert all(f["factor"] for f in risk["top_factors"])
        forecast = await analytics.get("/v1/forecast", DEMO_TENANT, currency="GBP")
        assert forecast.status_code == 200, forecast.text
        assert len(forecast.json()["weeks"]) == 13
        assert forecast.json()["open_minor"] > 0
