"""Aging and KPIs from invoice-svc's events, on both backends: the worked example, any past
day, redelivery and arrival order."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date

import pytest

from tests.analytics_svc.analytics_world import Analytics, logged_events, running_analytics
from tests.analytics_svc.ledger_events import InvoiceStory, debtor_upserted, message, money
from tests.analytics_svc.worked_example import K, worked_example
from tests.support.harness import Backend, eventually

Q1 = {"currency": "GBP", "start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
async def analytics(backend: Backend) -> AsyncIterator[Analytics]:
    async with running_analytics(backend) as world:
        yield world


async def test_the_worked_example_sent_as_events_gives_the_product_kpis(
    analytics: Analytics,
) -> None:
    await analytics.send(*worked_example())
    kpis = await analytics.json("/v1/kpis", **Q1)
    assert (kpis["beginning_ar_minor"], kpis["ending_ar_minor"]) == (250 * K, 300 * K)
    assert (kpis["ending_current_ar_minor"], kpis["credit_sales_minor"]) == (200 * K, 900 * K)
    assert kpis["days"] == 90
    assert kpis["dso_days"] == "30.00"
    assert kpis["bpdso_days"] == "20.00"
    assert kpis["add_days"] == "10.00"
    assert kpis["cei_percent"] == "89.47"
    # March sold C (200,000, 31 days); February D (200,000, 28 days): 31 + 100/200 x 28.
    assert kpis["countback_dso_days"] == "45.00"


async def test_aging_is_reported_as_of_any_past_day_from_the_event_history(
    analytics: Analytics,
) -> None:
    await analytics.send(*worked_example())
    end_of_q1 = (await analytics.json("/v1/aging", as_of="2026-03-31"))["currencies"][0]
    assert end_of_q1["total"] == {
        "current": 200 * K,
        "1-30": 0,
        "31-60": 100 * K,  # B, due 9 Feb: 50 days past due on 31 Mar
        "61-90": 0,
        "90+": 0,
        "total": 300 * K,
    }
    by_debtor = {d["debtor_id"]: d for d in end_of_q1["debtors"]}
    assert set(by_debtor) == {"d-2", "d-3"}
    assert by_debtor["d-2"]["name"] == "Bravo Ltd"
    january = (await analytics.json("/v1/aging", as_of="2026-01-31"))["currencies"][0]
    # A was paid on 15 Jan; B (due 9 Feb) was open in full and not yet due.
    assert january["total"]["current"] == 500 * K
    assert january["total"]["total"] == 500 * K
    new_year = (await analytics.json("/v1/aging", as_of="2026-01-01"))["currencies"][0]
    assert new_year["total"]["1-30"] == 250 * K  # A, due 31 Dec


async def test_a_monthly_trend_reports_each_month_of_the_quarter(analytics: Analytics) -> None:
    await analytics.send(*worked_example())
    trend = await analytics.json(
        "/v1/kpis/monthly", currency="GBP", **{"from": "2026-01-01", "to": "2026-03-31"}
    )
    months = trend["months"]
    assert [(m["start"], m["end"], m["days"]) for m in months] == [
        ("2026-01-01", "2026-01-31", 31),
        ("2026-02-01", "2026-02-28", 28),
        ("2026-03-01", "2026-03-31", 31),
    ]
    assert [m["credit_sales_minor"] for m in months] == [500 * K, 200 * K, 200 * K]
    # January: AR 500,000 / sales 500,000 x 31 days.
    assert months[0]["dso_days"] == "31.00"


async def test_events_arriving_in_reverse_order_give_the_same_reports(
    analytics: Analytics,
) -> None:
    await analytics.send(*worked_example("tenant-a"))
    await analytics.send(*reversed(worked_example("tenant-b")))
    for path, params in (("/v1/kpis", Q1), ("/v1/aging", {"as_of": "2026-02-15"})):
        a = await analytics.get(path, tenant="tenant-a", **params)
        b = await analytics.get(path, tenant="tenant-b", **params)
        assert a.status_code == b.status_code == 200
        assert a.json() == b.json()


async def test_an_event_delivered_twice_is_logged_and_counted_once(
    analytics: Analytics,
) -> None:
    messages = worked_example()
    await analytics.send(*messages)
    before = await analytics.json("/v1/aging", as_of="2026-03-31")
    marker = debtor_upserted("d-9", "Marker Ltd")
    await analytics.backend.raw_publish([messages[4], messages[5], marker])

    async def marker_seen() -> bool:
        return await logged_events(analytics.runtime) >= len(messages) + 1

    await eventually(marker_seen)
    assert await logged_events(analytics.runtime) == len(messages) + 1
    assert await analytics.json("/v1/aging", as_of="2026-03-31") == before


async def test_aging_and_kpis_answer_csv_when_asked(analytics: Analytics) -> None:
    await analytics.send(*worked_example())
    aging = await analytics.get("/v1/aging", as_of="2026-03-31", format="csv")
    assert aging.status_code == 200
    assert aging.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(aging.text)))
    assert [(r["row"], r["debtor_id"], r["total"]) for r in rows] == [
        ("total", "", str(300 * K)),
        ("debtor", "d-2", str(100 * K)),
        ("debtor", "d-3", str(200 * K)),
    ]
    kpis = await analytics.get("/v1/kpis", format="csv", **Q1)
    (row,) = list(csv.DictReader(io.StringIO(kpis.text)))
    assert (row["dso_days"], row["cei_percent"]) == ("30.00", "89.47")


async def test_a_debtors_ledger_shows_its_invoices_and_payments_as_of_a_day(
    analytics: Analytics,
) -> None:
    await analytics.send(*worked_example())
    ledger = await analytics.json("/v1/debtors/d-2/ledger", as_of="2026-02-28")
    assert ledger["name"] == "Bravo Ltd"
    assert ledger["invoices"] == [
        {
            "invoice_id": "inv-b",
            "number": "INV-B",
            "currency": "GBP",
            "due_date": "2026-02-09",
            "principal_open_minor": 100 * K,
            "charges_open_minor": 0,
        }
    ]
    assert [e["kind"] for e in ledger["entries"]] == ["issued", "payment"]
    assert [p["payment_id"] for p in ledger["payments"]] == ["pay-b"]
    unknown = await analytics.get("/v1/debtors/d-404/ledger")
    assert unknown.status_code == 404


async def test_a_period_ending_before_it_starts_is_refused_naming_the_field(
    analytics: Analytics,
) -> None:
    response = await analytics.get("/v1/kpis", currency="GBP", start="2026-03-01", end="2026-02-01")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "end" in response.text


async def test_credit_spent_before_its_payment_arrives_is_redated_when_it_does(
    analytics: Analytics,
) -> None:
    story = InvoiceStory("inv-x", "d-1", 30_000, date(2026, 3, 10), date(2026, 4, 9))
    await analytics.send(story.issued(), story.credit_spent(5_000, "pay-0", date(2026, 3, 12)))

    async def credit_day() -> str:
        ledger = await analytics.json("/v1/debtors/d-1/ledger", as_of="2026-03-31")
        (entry,) = [e for e in ledger["entries"] if e["kind"] == "credit_spent"]
        return str(entry["on"])

    assert await credit_day() == "2026-03-12"  # the payment's day is not known yet
    payment = {
        "payment_id": "pay-0",
        "debtor_id": "d-1",
        "amount": money(5_000),
        "received_on": "2026-03-01",
        "allocations": [],
        "unapplied": money(5_000),
        "version": 1,
    }
    await analytics.send(message("payment.received", payment, debtor_id="d-1", at=date(2026, 3, 1)))
    assert await credit_day() == "2026-03-10"  # from the invoice's issue, the later day


async def test_an_older_debtor_version_arriving_late_does_not_replace_the_newer(
    analytics: Analytics,
) -> None:
    story = InvoiceStory("inv-y", "d-7", 30_000, date(2026, 3, 10), date(2026, 4, 9))
    await analytics.send(
        story.issued(),
        debtor_upserted("d-7", "Renamed Ltd", version=2),
        debtor_upserted("d-7", "Old Name Ltd", version=1),
    )
    ledger = await analytics.json("/v1/debtors/d-7/ledger", as_of="2026-03-31")
    assert ledger["name"] == "Renamed Ltd"


async def test_debtors_aging_comes_a_page_at_a_time_by_debtor_id(analytics: Analytics) -> None:
    await analytics.send(*worked_example())
    asked = {"currency": "GBP", "as_of": "2026-03-31", "limit": "1"}
    first = await analytics.json("/v1/aging/debtors", **asked)
    assert [d["debtor_id"] for d in first["items"]] == ["d-2"]
    assert first["items"][0]["buckets"]["31-60"] == 100 * K
    second = await analytics.json("/v1/aging/debtors", **asked, cursor=first["next_cursor"])
    assert [d["debtor_id"] for d in second["items"]] == ["d-3"]
    assert second["next_cursor"] is None
    tampered = await analytics.get("/v1/aging/debtors", **asked, cursor="A")
    assert tampered.status_code == 422
    assert "cursor" in tampered.text
