"""The principal outstanding each day, read from an invoice's dated changes (pure)."""

from __future__ import annotations

from datetime import date

from invoice_svc.domain.principal_history import (
    ChangeKind,
    PrincipalChange,
    PrincipalHistory,
    PrincipalSpan,
)

ISSUED = date(2026, 1, 1)


def history(*changes: PrincipalChange) -> PrincipalHistory:
    return PrincipalHistory(
        [PrincipalChange(ChangeKind.ISSUED, 1_000, ISSUED), *changes], issue_date=ISSUED
    )


def test_a_payment_counts_from_the_day_it_arrived() -> None:
    paid = history(PrincipalChange(ChangeKind.PAID, -400, date(2026, 2, 10), payment_id="p"))
    assert paid.on(date(2026, 2, 9)) == 1_000
    assert paid.on(date(2026, 2, 10)) == 600


def test_a_reversal_removes_its_payment_from_every_day() -> None:
    bounced = history(
        PrincipalChange(ChangeKind.PAID, -400, date(2026, 2, 10), payment_id="p"),
        PrincipalChange(ChangeKind.CREDIT_SPENT, -100, date(2026, 2, 12), payment_id="p"),
        PrincipalChange(ChangeKind.PAID, -50, date(2026, 2, 11), payment_id="q"),
        PrincipalChange(ChangeKind.REVERSED, 500, date(2026, 3, 1), payment_id="p"),
    )
    assert bounced.on(date(2026, 2, 10)) == 1_000
    assert bounced.on(date(2026, 3, 31)) == 950


def test_a_credit_note_counts_from_the_issue_date_whenever_it_was_raised() -> None:
    credited = history(PrincipalChange(ChangeKind.CREDITED, -300, date(2026, 5, 1)))
    assert credited.on(ISSUED) == 700


def test_spans_are_cut_where_the_principal_changes() -> None:
    changed = history(
        PrincipalChange(ChangeKind.PAID, -400, date(2026, 2, 10), payment_id="p"),
        PrincipalChange(ChangeKind.AMENDED, 200, date(2026, 2, 20)),
    )
    assert changed.spans(date(2026, 2, 1), date(2026, 2, 28)) == [
        PrincipalSpan(date(2026, 2, 1), date(2026, 2, 9), 1_000),
        PrincipalSpan(date(2026, 2, 10), date(2026, 2, 19), 600),
        PrincipalSpan(date(2026, 2, 20), date(2026, 2, 28), 800),
    ]
