"""What works, from escalation-svc's and notify-svc's events joined to the ledger's payments,
on both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from debtflow_shared.bus.base import OutboundMessage
from tests.analytics_svc.analytics_world import Analytics, running_analytics
from tests.analytics_svc.collection_events import (
    notification_requested,
    notification_sent,
    step_executed,
)
from tests.analytics_svc.ledger_events import InvoiceStory
from tests.support.harness import Backend

STEP_DAY = date(2026, 3, 9)
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
async def analytics(backend: Backend) -> AsyncIterator[Analytics]:
    async with running_analytics(backend) as world:
        yield world


def cases(variant: str, count: int, paid: int, paid_after_days: int = 3) -> list[OutboundMessage]:
    """``count`` cases of ``variant`` whose step ran on STEP_DAY; the first ``paid`` pay."""
    messages: list[OutboundMessage] = []
    for n in range(count):
        name = f"{variant}-{n}"
        story = InvoiceStory(f"inv-{name}", f"d-{name}", 10_000, date(2026, 2, 1), date(2026, 3, 2))
        messages += [
            story.issued(),
            step_executed(
                f"case-{name}", story.debtor_id, story.invoice_id, STEP_DAY, variant=variant
            ),
        ]
        if n < paid:
            messages += story.paid(
                10_000, STEP_DAY + timedelta(days=paid_after_days), f"pay-{name}"
            )
    return messages


async def test_the_variant_comparison_finds_a_planted_difference(analytics: Analytics) -> None:
    await analytics.send(*cases("b", 30, 18), *cases("a", 30, 6))
    result = await analytics.json("/v1/effectiveness/variants", a="b", b="a", **MARCH)
    assert (result["a"]["touches"], result["a"]["paid_within"]) == (30, 18)
    assert (result["b"]["touches"], result["b"]["paid_within"]) == (30, 6)
    assert result["difference"] == "0.4000"
    assert result["significant"] is True
    assert float(result["interval_low"]) > 0
    by_step = await analytics.json("/v1/effectiveness", dimension="step", **MARCH)
    assert [(g["value"], g["touches"], g["paid_within"]) for g in by_step["groups"]] == [
        ("plus-7-firmer-reminder", 60, 24)
    ]
    assert by_step["groups"][0]["median_days_to_pay"] == "3.00"
    as_csv = await analytics.get("/v1/effectiveness/variants", a="b", b="a", format="csv", **MARCH)
    assert as_csv.text.splitlines()[1:4] == [
        "b,30,18,0.6000,3.00",
        "a,30,6,0.2000,3.00",
        "a-b,,,0.4000,",
    ]


async def test_the_variant_comparison_reports_no_difference_when_there_is_none(
    analytics: Analytics,
) -> None:
    # The same 12 of 30 paid in time under each variant.
    await analytics.send(*cases("a", 30, 12), *cases("b", 30, 12))
    result = await analytics.json("/v1/effectiveness/variants", a="a", b="b", **MARCH)
    assert result["difference"] == "0.0000"
    assert result["significant"] is False
    assert float(result["interval_low"]) < 0 < float(result["interval_high"])


async def test_money_after_the_window_does_not_count_as_paid_within_it(
    analytics: Analytics,
) -> None:
    await analytics.send(*cases("a", 4, 4, paid_after_days=20))
    (group,) = (
        await analytics.json("/v1/effectiveness", dimension="variant", within_days=14, **MARCH)
    )["groups"]
    assert (group["value"], group["touches"], group["paid_within"]) == ("a", 4, 0)
    (wider,) = (
        await analytics.json("/v1/effectiveness", dimension="variant", within_days=30, **MARCH)
    )["groups"]
    assert wider["paid_within"] == 4


async def test_messages_sent_are_grouped_by_channel_template_and_tone_in_any_arrival_order(
    analytics: Analytics,
) -> None:
    firm = InvoiceStory("inv-f", "d-f", 10_000, date(2026, 2, 1), date(2026, 3, 2))
    soft = InvoiceStory("inv-s", "d-s", 10_000, date(2026, 2, 1), date(2026, 3, 2))
    never = InvoiceStory("inv-n", "d-n", 10_000, date(2026, 2, 1), date(2026, 3, 2))
    sms = {"channel": "sms", "template_key": "reminder.soft"}
    await analytics.send(
        firm.issued(),
        soft.issued(),
        never.issued(),
        # The firm email: requested, then sent; it is paid two days later.
        notification_requested("case-f", "d-f", "inv-f", STEP_DAY),
        notification_sent("case-f", "d-f", "inv-f", STEP_DAY),
        *firm.paid(10_000, STEP_DAY + timedelta(days=2), "pay-f"),
        # The friendly SMS: its sent overtakes its request; never paid.
        notification_sent("case-s", "d-s", "inv-s", STEP_DAY, **sms),
        notification_requested("case-s", "d-s", "inv-s", STEP_DAY, tone="friendly", **sms),
        # Requested but never sent: reached no one, counted nowhere.
        notification_requested("case-n", "d-n", "inv-n", STEP_DAY, channel="letter"),
    )

    async def groups(dimension: str) -> list[tuple[str, int, int]]:
        report = await analytics.json("/v1/effectiveness", dimension=dimension, **MARCH)
        return [(g["value"], g["touches"], g["paid_within"]) for g in report["groups"]]

    assert await groups("channel") == [("email", 1, 1), ("sms", 1, 0)]
    assert await groups("template") == [("reminder.firm", 1, 1), ("reminder.soft", 1, 0)]
    assert await groups("tone") == [("firm", 1, 1), ("friendly", 1, 0)]
    csv = await analytics.get("/v1/effectiveness", dimension="tone", format="csv", **MARCH)
    assert csv.text.splitlines()[1] == "firm,1,1,1.0000,2.00"


async def test_many_messages_requested_and_sent_together_each_keep_what_both_said(
    analytics: Analytics,
) -> None:
    # Every touch must end with the tone only its request says and the day only its
    # sending says, whichever of the two topics was applied first.
    requested = [
        notification_requested(f"case-{n}", f"d-{n}", f"inv-{n}", STEP_DAY, tone="formal")
        for n in range(40)
    ]
    sent = [notification_sent(f"case-{n}", f"d-{n}", f"inv-{n}", STEP_DAY) for n in range(40)]
    await analytics.send(*[m for pair in zip(requested, sent, strict=True) for m in pair])
    report = await analytics.json("/v1/effectiveness", dimension="tone", **MARCH)
    assert [(g["value"], g["touches"]) for g in report["groups"]] == [("formal", 40)]
