"""The cash forecast spreads what is open over the days each debtor's record says it will
be paid, and its back-test over a generated history reports a WAPE within a stated bound,
from forecasts that read only what was known on their day."""

from __future__ import annotations

from datetime import date, timedelta

from analytics_svc.domain.cash_forecast import (
    Backtest,
    BacktestPoint,
    backtest,
    backtest_days,
    forecast,
)
from analytics_svc.domain.ledger import EntryKind
from analytics_svc.domain.payment_history import Change, InvoiceHistory
from tests.analytics_svc.payment_behaviour import generate

TODAY = date(2026, 6, 1)
WAPE_BOUND = 0.35


def invoice(n: int, due: date, amount: int, paid_days_late: int | None) -> InvoiceHistory:
    changes = [Change(due - timedelta(days=30), EntryKind.ISSUED, amount)]
    if paid_days_late is not None:
        changes.append(Change(due + timedelta(days=paid_days_late), EntryKind.PAYMENT, -amount))
    return InvoiceHistory(f"inv-{n}", "d-1", "GBP", due - timedelta(days=30), due, tuple(changes))


def generated_invoices(known_through: date) -> list[InvoiceHistory]:
    return [i for d in generate(120, 30, seed=11) for i in d.history(known_through).invoices]


def test_a_debtor_who_always_pays_ten_days_late_is_expected_ten_days_after_due() -> None:
    history = [invoice(n, date(2025, 9 + n, 1), 1000, 10) for n in range(3)]
    open_one = invoice(9, date(2026, 1, 20), 5000, None)
    made = forecast([*history, open_one], date(2026, 1, 15))
    # Due on the 20th, paid on the 30th: the third week after the 15th (30th to 5th).
    assert [w.expected_minor for w in made.weeks[:3]] == [0, 0, 5000]
    assert made.weeks[2].start == date(2026, 1, 30)
    assert made.totals == {30: 5000, 60: 5000, 90: 5000}
    assert made.open_minor == 5000


def test_an_invoice_past_its_usual_delay_is_expected_only_from_the_longer_delays() -> None:
    history = [invoice(n, date(2025, 6 + n, 1), 1000, late) for n, late in enumerate((5, 5, 40))]
    overdue = invoice(9, date(2026, 1, 1), 3000, None)
    made = forecast([*history, overdue], date(2026, 1, 20))  # 19 days overdue
    # Only the 40-day delay is still possible: paid on 10 February, the third week's end.
    assert [w.expected_minor for w in made.weeks[:4]] == [0, 0, 3000, 0]
    assert made.weeks[2].end == date(2026, 2, 10)


def test_a_forecast_reads_only_what_was_known_on_its_day() -> None:
    day = date(2025, 6, 1)
    full = forecast(generated_invoices(TODAY), day)
    as_known = forecast(generated_invoices(day), day)
    assert full == as_known


def test_the_back_test_over_a_generated_history_reports_its_wape_within_the_bound() -> None:
    days = backtest_days(date(2025, 1, 1), date(2026, 2, 1), 28)
    result = backtest(generated_invoices(TODAY), days)
    assert len(result.points) == 15
    assert result.wape is not None
    assert float(result.wape) < WAPE_BOUND
    assert result.actual_minor > 0
    # Each forecast holds what it expects over 13 weeks; none is an empty guess.
    assert all(sum(p.forecast) > 0 for p in result.points)


def test_wape_weights_each_weeks_error_by_what_came_in_and_is_null_when_nothing_did() -> None:
    point = BacktestPoint(date(2026, 1, 1), (100, 0) + (0,) * 11, (50, 150) + (0,) * 11)
    assert str(Backtest((point,)).wape) == "1.0000"  # (50 + 150) / 200
    nothing = BacktestPoint(date(2026, 1, 1), (100,) + (0,) * 12, (0,) * 13)
    assert Backtest((nothing,)).wape is None
