"""An invoice's ledger entries from the states its events report, in any arrival order."""

from __future__ import annotations

import itertools
from datetime import date

from analytics_svc.domain.ledger import EntryKind, LedgerEntry, ledger_entries
from analytics_svc.domain.observations import Consumed, InvoiceObservation, facts_of
from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog import CATALOG
from debtflow_shared.envelope import Envelope
from tests.analytics_svc.ledger_events import InvoiceStory


def consumed(message: OutboundMessage) -> Consumed:
    envelope = Envelope.from_bytes(message.value)
    return Consumed(
        event_id=str(envelope.id),
        tenant_id=envelope.tenantid,
        topic=envelope.type,
        occurred_at=envelope.time,
        payload=CATALOG.parse(envelope),
    )


def observations(messages: list[OutboundMessage]) -> list[InvoiceObservation]:
    return facts_of([consumed(m) for m in messages]).invoices


def summary(entries: list[LedgerEntry]) -> list[tuple[int, str, date, int, int, int]]:
    return [
        (
            e.version,
            e.kind.value,
            e.on_date,
            e.principal_delta_minor,
            e.charges_delta_minor,
            e.sales_delta_minor,
        )
        for e in entries
    ]


def a_history() -> list[OutboundMessage]:
    story = InvoiceStory("inv-1", "d-1", 100_000, date(2026, 1, 10), date(2026, 2, 9))
    return [
        story.issued(),
        story.credited(10_000, date(2026, 1, 20)),
        story.charged(4_000, date(2026, 2, 20)),
        *story.paid(94_000, date(2026, 2, 25), "pay-1"),
    ]


def test_each_version_books_what_it_changed_on_its_business_day() -> None:
    entries = ledger_entries(observations(a_history()), {})
    assert summary(entries) == [
        (1, "issued", date(2026, 1, 10), 100_000, 0, 100_000),
        (2, "credit_note", date(2026, 1, 20), -10_000, 0, -10_000),
        (3, "charge", date(2026, 2, 20), 0, 4_000, 0),
        (4, "payment", date(2026, 2, 25), -90_000, -4_000, 0),
    ]


def test_any_arrival_order_gives_the_same_entries() -> None:
    history = a_history()
    expected = summary(ledger_entries(observations(history), {}))
    for order in itertools.permutations(history):
        assert summary(ledger_entries(observations(list(order)), {})) == expected


def test_a_missing_version_leaves_its_change_in_the_next_until_it_arrives() -> None:
    issued, _credited, charged, *paid = a_history()
    partial = ledger_entries(observations([issued, charged, *paid]), {})
    assert summary(partial)[1] == (3, "charge", date(2026, 2, 20), -10_000, 4_000, -10_000)
    assert sum(e.principal_delta_minor for e in partial) == 0  # the sums already agree


def test_without_the_issue_the_first_known_state_stands_for_it_on_its_issue_date() -> None:
    story = InvoiceStory("inv-2", "d-1", 50_000, date(2026, 3, 1), date(2026, 3, 31))
    story.issued()
    paid = story.paid(20_000, date(2026, 3, 5), "pay-2")
    entries = ledger_entries(observations(paid), {})
    assert summary(entries) == [
        (0, "issued", date(2026, 3, 1), 50_000, 0, 50_000),
        (2, "payment", date(2026, 3, 5), -20_000, 0, 0),
    ]


def test_a_cancelled_invoice_counts_as_credited_in_full_when_cancelled() -> None:
    story = InvoiceStory("inv-3", "d-1", 30_000, date(2026, 3, 1), date(2026, 3, 31))
    entries = ledger_entries(observations([story.issued(), story.cancelled(date(2026, 3, 9))]), {})
    assert summary(entries)[1] == (2, "cancelled", date(2026, 3, 9), -30_000, 0, -30_000)


def test_a_write_off_reduces_what_is_open_but_not_sales() -> None:
    story = InvoiceStory("inv-4", "d-1", 30_000, date(2026, 3, 1), date(2026, 3, 31))
    entries = ledger_entries(
        observations([story.issued(), story.written_off(date(2026, 6, 1))]), {}
    )
    assert summary(entries)[1] == (2, "write_off", date(2026, 6, 1), -30_000, 0, 0)


def test_an_overdue_notice_reporting_the_same_version_books_nothing_new() -> None:
    story = InvoiceStory("inv-5", "d-1", 30_000, date(2026, 3, 1), date(2026, 3, 31))
    messages = [story.issued(), story.overdue(date(2026, 4, 1))]
    entries = ledger_entries(observations(messages), {})
    assert [e.kind for e in entries] == [EntryKind.ISSUED]


def test_account_credit_spent_on_issue_counts_from_the_later_of_arrival_and_issue() -> None:
    story = InvoiceStory("inv-6", "d-1", 30_000, date(2026, 3, 10), date(2026, 4, 9))
    messages = [story.issued(), story.credit_spent(5_000, "pay-0", date(2026, 3, 12))]
    early = ledger_entries(observations(messages), {"pay-0": date(2026, 3, 1)})
    assert summary(early)[1] == (2, "credit_spent", date(2026, 3, 10), -5_000, 0, 0)
    late = ledger_entries(observations(messages), {"pay-0": date(2026, 3, 11)})
    assert late[1].on_date == date(2026, 3, 11)


def test_account_credit_spent_after_an_amendment_raised_the_amount_counts_from_it() -> None:
    story = InvoiceStory("inv-7", "d-1", 30_000, date(2026, 3, 10), date(2026, 4, 9))
    messages = [
        story.issued(),
        story.amended(40_000, date(2026, 3, 20)),
        story.credit_spent(10_000, "pay-0", date(2026, 3, 20)),
    ]
    entries = ledger_entries(observations(messages), {"pay-0": date(2026, 3, 1)})
    assert summary(entries)[1:] == [
        (2, "amendment", date(2026, 3, 20), 10_000, 0, 10_000),
        (3, "credit_spent", date(2026, 3, 20), -10_000, 0, 0),
    ]
