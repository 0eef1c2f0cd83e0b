"""The send-time check as a pure function: restrictions, expiry, what is still owed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.catalog.notification import (
    ContactRules,
    FailureReason,
    NotificationChannel,
    RestrictionKind,
    Tone,
)
from notify_svc.domain.copies import CreditorCopy, DebtorCopy, EmailAddress, InvoiceCopy
from notify_svc.domain.notification import Notification, Status
from notify_svc.domain.restrictions import ContactRestriction
from notify_svc.domain.send_check import Drop, Facts, SendNow, Wait, decide

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
RECHECK = timedelta(hours=1)
RULES = ContactRules(
    local_from=time(8),
    local_until=time(21),
    weekends=True,
    holidays_country=None,
    min_gap_minutes=0,
)


def notification(tone: Tone = Tone.FIRM, expires_at: datetime | None = None) -> Notification:
    return Notification(
        id="n-1",
        tenant_id="t",
        dedup_key="ntf-" + "0" * 32,
        case_id="c",
        debtor_id="d",
        step="s",
        channel=NotificationChannel.EMAIL,
        template_key="reminder.firm",
        tone=tone,
        variant=None,
        locale="en-GB",
        invoice_ids=("i-1", "i-2"),
        contact_rules=RULES,
        requested_at=NOW,
        expires_at=expires_at,
        status=Status.REQUESTED,
        next_attempt_at=NOW,
        created_at=NOW,
        updated_at=NOW,
    )


def invoice(invoice_id: str, status: InvoiceStatus, open_minor: int = 1_000) -> InvoiceCopy:
    return InvoiceCopy(
        "t",
        invoice_id,
        "d",
        invoice_id.upper(),
        date(2026, 1, 1),
        date(2026, 2, 1),
        "GBP",
        1_000,
        open_minor,
        0,
        status,
        1,
    )


def facts(**changes: object) -> Facts:
    values: dict[str, object] = {
        "debtor": DebtorCopy(
            "t",
            "d",
            1,
            "Acme",
            "en",
            "Europe/London",
            "GB",
            "GBP",
            emails=(EmailAddress("a@acme.example", True),),
        ),
        "creditor": CreditorCopy("t", 1, "Northwind", ("1 Mill Lane",), None, "Leeds", "GB"),
        "invoices": {
            "i-1": invoice("i-1", InvoiceStatus.OPEN),
            "i-2": invoice("i-2", InvoiceStatus.OPEN),
        },
        "suppressed": set(),
        "restrictions": (),
        "last_sent_at": None,
    }
    return Facts(**(values | changes))  # type: ignore[arg-type]


def restriction(kind: RestrictionKind, channel: str | None = None) -> ContactRestriction:
    return ContactRestriction(
        "t", "d", 1, kind, channel, "solicitor wrote", NOW - timedelta(days=1), None
    )


def test_only_the_invoices_still_owed_are_sent_about() -> None:
    paid = facts(
        invoices={
            "i-1": invoice("i-1", InvoiceStatus.PAID, 0),
            "i-2": invoice("i-2", InvoiceStatus.OPEN),
        }
    )
    decision = decide(notification(), paid, NOW, RECHECK)
    assert isinstance(decision, SendNow)
    assert [i.invoice_id for i in decision.invoices] == ["i-2"]


def test_nothing_is_sent_when_every_invoice_is_paid_disputed_or_written_off() -> None:
    closed = facts(
        invoices={
            "i-1": invoice("i-1", InvoiceStatus.DISPUTED),
            "i-2": invoice("i-2", InvoiceStatus.WRITTEN_OFF),
        }
    )
    decision = decide(notification(), closed, NOW, RECHECK)
    assert isinstance(decision, Drop)
    assert decision.reason_code is FailureReason.NOTHING_OWED


def test_do_not_contact_on_the_channel_stops_the_message() -> None:
    restricted = facts(restrictions=(restriction(RestrictionKind.DO_NOT_CONTACT, "email"),))
    decision = decide(notification(), restricted, NOW, RECHECK)
    assert isinstance(decision, Drop)
    assert decision.reason_code is FailureReason.CONTACT_RESTRICTED


def test_do_not_contact_on_another_channel_does_not() -> None:
    restricted = facts(restrictions=(restriction(RestrictionKind.DO_NOT_CONTACT, "sms"),))
    assert isinstance(decide(notification(), restricted, NOW, RECHECK), SendNow)


def test_cease_contact_still_lets_a_formal_legal_notice_go() -> None:
    ceased = facts(restrictions=(restriction(RestrictionKind.CEASE_CONTACT),))
    assert isinstance(decide(notification(Tone.FIRM), ceased, NOW, RECHECK), Drop)
    assert isinstance(decide(notification(Tone.FORMAL), ceased, NOW, RECHECK), SendNow)


def test_an_expired_request_is_dropped() -> None:
    decision = decide(notification(expires_at=NOW), facts(), NOW, RECHECK)
    assert isinstance(decision, Drop)
    assert decision.reason_code is FailureReason.EXPIRED


def test_a_request_whose_next_lawful_moment_is_after_it_expires_is_dropped() -> None:
    evening = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    decision = decide(
        notification(expires_at=evening + timedelta(hours=2)), facts(), evening, RECHECK
    )
    assert isinstance(decision, Drop)
    assert decision.reason_code is FailureReason.EXPIRED


def test_an_invoice_not_known_yet_waits_for_its_copy() -> None:
    decision = decide(notification(), facts(invoices={}), NOW, RECHECK)
    assert isinstance(decision, Wait)
    assert decision.until == NOW + RECHECK
    assert decision.reason == "invoice i-1 not known yet"


def test_addresses_that_are_suppressed_are_skipped_for_the_next_usable_one() -> None:
    two = facts(
        debtor=DebtorCopy(
            "t",
            "d",
            1,
            "Acme",
            "en",
            "Europe/London",
            "GB",
            "GBP",
            emails=(
                EmailAddress("Old@acme.example", True),
                EmailAddress("gone@acme.example", False),
                EmailAddress("ap@acme.example", True),
            ),
        ),
        suppressed={"old@acme.example"},
    )
    decision = decide(notification(), two, NOW, RECHECK)
    assert isinstance(decision, SendNow)
    assert decision.address == "ap@acme.example"
