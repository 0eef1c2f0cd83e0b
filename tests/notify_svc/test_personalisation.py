"""A template sees the debtor's history from notify's own copies: first reminder or repeat,
promises broken, days usually late, the last payment."""

from __future__ import annotations

from datetime import date
from typing import Any

from debtflow_shared.catalog.escalation import PromiseBroken
from debtflow_shared.catalog.invoice import InvoicePaid
from notify_svc.domain.history import DebtorHistory
from tests.notify_svc.notify_world import (
    Notify,
    creditor,
    debtor,
    invoice_state,
    issued,
    payment,
    running_notify,
)
from tests.support.harness import Backend, eventually

HISTORY_TEXT = (
    "{% if history.first_reminder %}first{% else %}repeat {{ history.messages_sent }}{% endif %}"
    "|broken {{ history.promises_broken }}"
    "|late {{ history.days_usually_late }}"
    "|{% if history.usually_pays_on_time %}this is unusual for you{% else %}as usual{% endif %}"
    "|{% if history.last_payment %}last {{ history.last_payment.amount }} on "
    "{{ history.last_payment.date }}{% else %}no payment{% endif %}"
)


def _preview(**extra: Any) -> dict[str, Any]:
    return {
        "key": "reminder.friendly",
        "locale": "en-GB",
        "tone": "friendly",
        "template": {"subject": "s {{ debtor.name }}", "html": "<p>x</p>", "text": HISTORY_TEXT},
    } | extra


def _paid_on_time(invoice_id: str, due: str, paid_on: str) -> InvoicePaid:
    state = invoice_state(invoice_id, open_minor=0, status="paid", version=2, due=due)
    return InvoicePaid(invoice=state, paid_on=date.fromisoformat(paid_on))


def _broken(promise_id: str) -> PromiseBroken:
    return PromiseBroken.model_validate(
        {
            "promise_id": promise_id,
            "case_id": "case-1",
            "debtor_id": "d-1",
            "version": 4,
            "promised_on": "2026-02-20",
            "paid": {"amount_minor": 0, "currency": "GBP"},
            "shortfall": {"amount_minor": 1000, "currency": "GBP"},
            "broken_on": "2026-02-24",
        }
    )


async def _text(notify: Notify) -> str:
    response = await notify.post("/v1/templates/preview", _preview(debtor_id="d-1"))
    assert response.status_code == 200, response.text
    text: str = response.json()["text"]
    return text


async def test_a_good_payers_first_reminder_can_say_it_is_unusual_for_them(
    backend: Backend,
) -> None:
    async with running_notify(backend) as notify:
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(
            issued(invoice_state("inv-0", due="2026-01-10")),
            _paid_on_time("inv-0", "2026-01-10", "2026-01-12"),  # two days late
            payment("inv-0"),
        )
        await eventually(lambda: _has(notify, "last £1,320.00"))
        text = await _text(notify)
    assert text == "first|broken 0|late 2|this is unusual for you|last £1,320.00 on 2 Mar 2026"


async def test_broken_promises_are_counted_once_each_and_a_late_payer_is_as_usual(
    backend: Backend,
) -> None:
    async with running_notify(backend) as notify:
        await notify.publish(debtor(), creditor(), issued(invoice_state()))
        await notify.publish(
            issued(invoice_state("inv-0", due="2026-01-10")),
            _paid_on_time("inv-0", "2026-01-10", "2026-02-09"),  # thirty days late
            _broken("prm-1"),
            _broken("prm-2"),
            _broken("prm-1"),  # a repeat of the same promise's event (another event id)
        )
        await eventually(lambda: _has(notify, "broken 2"))
        text = await _text(notify)
    assert text == "first|broken 2|late 30|as usual|no payment"


async def _has(notify: Notify, fragment: str) -> bool:
    # Until the debtor's copy arrives (topics deliver in any order) the preview is a 422.
    response = await notify.post("/v1/templates/preview", _preview(debtor_id="d-1"))
    return response.status_code == 200 and fragment in response.json()["text"]


def test_days_usually_late_is_the_median_with_early_payment_as_on_time() -> None:
    assert DebtorHistory().days_usually_late is None
    assert DebtorHistory(days_late=(-5, -3, 1)).days_usually_late == 0
    assert DebtorHistory(days_late=(2, 40, 3)).days_usually_late == 3
    assert DebtorHistory(days_late=(2, 40, 3)).usually_pays_on_time
    assert not DebtorHistory(days_late=(20, 40, 3)).usually_pays_on_time
    assert not DebtorHistory().usually_pays_on_time
