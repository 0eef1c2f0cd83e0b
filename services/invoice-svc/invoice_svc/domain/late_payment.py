"""Late-payment interest and fixed compensation, statutory (UK Act 1998, EU Directive
2011/7/EU as transposed) and contractual. Pure arithmetic on integer minor units.

Conventions, which a debtor-facing statement should repeat:

- Day count: actual days / 365, in leap years too (29 February accrues like any other day).
- Interest for day D accrues on the principal outstanding on D (``principal_history``: a
  payment stops interest on what it paid from the day it arrives), once D is fully past
  due. A quote covers ``from_day`` to ``to_day`` inclusive; the next charge starts at
  ``to_day + 1`` (``InterestQuote.next_from_day``), so no day is charged twice. Interest runs
  on ``interest_start(due_date)``, the day after the due date; a debt paid during day P
  accrues through P - 1.
- Rounding: the exact amount of every day is summed in ``Decimal`` (minor units), with no
  rounding on the way, then rounded once, half up, to a whole minor unit.
- Every quote rounds once, so separate charges (days 1-10, then 11-30) may differ from one
  charge for days 1-30 by a minor unit per charge. A ledger that must match the one-shot
  figure exactly charges ``quote(interest_start..D).amount_minor - already_charged``.
- Exact amounts (``InterestPeriod.amount_minor_exact``) are carried to
  ``EXACT_PLACES`` decimal places of a minor unit, rounded half up, for display; the total is
  summed from exact numerators, never from those rounded figures.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import Enum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from debtflow_shared.catalog.money import iso_currencies, minor_unit_digits
from invoice_svc.domain.principal_history import PrincipalHistory
from invoice_svc.domain.reference_rates import (
    BANK_OF_ENGLAND,
    ECB_MAIN_REFINANCING,
    GERMAN_BASE_RATE,
    ReferenceRate,
    ReferenceRateTable,
)

DAYS_IN_YEAR = 365
# Wide enough that principal x rate x days is exact and the one division cannot move the
# half-up decision: n / 36500 either terminates or repeats with period 8 (1/73).
_PRECISION = 60
# Decimal places of a minor unit an exact (unrounded) amount is shown with.
EXACT_PLACES = 6
_EXACT = Decimal(1).scaleb(-EXACT_PLACES)


class LatePaymentError(ValueError):
    """Bad input to a late-payment calculation; nothing was computed."""


class NegativePrincipal(LatePaymentError):
    pass


class NegativeRate(LatePaymentError):
    pass


class UnknownCurrency(LatePaymentError):
    pass


class UnknownJurisdiction(LatePaymentError):
    pass


class InvalidInterestPeriod(LatePaymentError):
    """``to_day`` is before ``from_day``: a quote covers at least one day."""


class InterestNotRunning(InvalidInterestPeriod):
    """The period starts before interest starts to run."""


class MissingDueDate(LatePaymentError):
    pass


class RateFixing(Enum):
    """Whether the reference rate is re-read each half-year or fixed once for the debt."""

    FIXED_WHEN_INTEREST_STARTS = "fixed_when_interest_starts"
    RESET_EACH_HALF_YEAR = "reset_each_half_year"


class ReferenceDay(Enum):
    """Which day of (or before) a half-year the reference rate is read on."""

    LAST_DAY_OF_PREVIOUS_HALF_YEAR = "last_day_of_previous_half_year"  # UK: 30 Jun / 31 Dec
    FIRST_DAY_OF_HALF_YEAR = "first_day_of_half_year"  # Directive: 1 Jan / 1 Jul


@dataclass(frozen=True)
class CompensationBand:
    """A fixed sum owed while the debt is below ``debt_below_minor`` (None: no upper bound)."""

    amount_minor: int
    debt_below_minor: int | None = None


@dataclass(frozen=True)
class Jurisdiction:
    """Statutory late-payment rules of one jurisdiction, as data."""

    code: str
    law: str
    reference_series: str
    margin_points: Decimal
    reference_day: ReferenceDay
    rate_fixing: RateFixing
    compensation_currency: str
    compensation_bands: tuple[CompensationBand, ...]
    # With no agreed date, the last day to pay is this many days after the later of receiving
    # the invoice and the goods or services.
    deemed_due_after_days: int


def _minor(currency: str, major: int) -> int:
    return int(Decimal(major).scaleb(minor_unit_digits(currency)))


def _eu_member(
    code: str,
    law: str,
    *,
    margin: str = "8",
    series: str = ECB_MAIN_REFINANCING,
    fixing: RateFixing = RateFixing.RESET_EACH_HALF_YEAR,
    bands: tuple[CompensationBand, ...] | None = None,
) -> Jurisdiction:
    return Jurisdiction(
        code=code,
        law=law,
        reference_series=series,
        margin_points=Decimal(margin),
        reference_day=ReferenceDay.FIRST_DAY_OF_HALF_YEAR,
        rate_fixing=fixing,
        compensation_currency="EUR",
        # Art. 6: "a fixed sum of a minimum of EUR 40"; states may grant more (see IE).
        compensation_bands=bands or (CompensationBand(_minor("EUR", 40)),),
        # Art. 3(3)(b): "30 calendar days following" receipt, so the receipt day is not counted.
        deemed_due_after_days=30,
    )


JURISDICTIONS: Mapping[str, Jurisdiction] = MappingProxyType(
    {
        "GB": Jurisdiction(
            code="GB",
            law="Late Payment of Commercial Debts (Interest) Act 1998",
            reference_series=BANK_OF_ENGLAND,
            margin_points=Decimal("8"),
            reference_day=ReferenceDay.LAST_DAY_OF_PREVIOUS_HALF_YEAR,
            rate_fixing=RateFixing.FIXED_WHEN_INTEREST_STARTS,
            compensation_currency="GBP",
            # s. 5A: under £1,000 -> £40; £1,000 to under £10,000 -> £70; £10,000 or more -> £100.
            compensation_bands=(
                CompensationBand(_minor("GBP", 40), debt_below_minor=_minor("GBP", 1_000)),
                CompensationBand(_minor("GBP", 70), debt_below_minor=_minor("GBP", 10_000)),
                CompensationBand(_minor("GBP", 100)),
            ),
            # s. 4: "the period of 30 days starting with" that day, so the day itself counts.
            deemed_due_after_days=29,
        ),
        "EU": _eu_member("EU", "Directive 2011/7/EU (minimum: ECB MRO rate + 8 points)"),
        # § 288(2) BGB: 9 points over the Basiszinssatz (§ 247 BGB), not over the ECB rate.
        # Contracts made before 29 July 2014 carry 8 points; pass a custom Jurisdiction.
        "DE": _eu_member("DE", "BGB § 288(2), (5)", margin="9", series=GERMAN_BASE_RATE),
        # Code de commerce L441-10: ECB rate + 10 points unless the terms set another rate
        # (never below 3x the taux d'intérêt légal); D441-5: EUR 40 indemnité forfaitaire.
        "FR": _eu_member("FR", "Code de commerce L441-10, D441-5", margin="10"),
        # Art. 6:119b BW. Unsure/not modelled: art. 6:119(2) adds unpaid interest to the
        # principal each year, so quotes over more than a year understate a Dutch claim.
        "NL": _eu_member("NL", "Burgerlijk Wetboek art. 6:119b, 6:96"),
        # S.I. 580/2012. Government guidance: one rate per late payment, the ECB rate of the
        # half-year in which payment became overdue (fixed, not reset). Schedule: not
        # exceeding €1,000 -> €40; over €1,000 up to €10,000 -> €70; over €10,000 -> €100.
        "IE": _eu_member(
            "IE",
            "European Communities (Late Payment in Commercial Transactions) Regs 2012",
            fixing=RateFixing.FIXED_WHEN_INTEREST_STARTS,
            bands=(
                CompensationBand(_minor("EUR", 40), debt_below_minor=_minor("EUR", 1_000) + 1),
                CompensationBand(_minor("EUR", 70), debt_below_minor=_minor("EUR", 10_000) + 1),
                CompensationBand(_minor("EUR", 100)),
            ),
        ),
        "ES": _eu_member("ES", "Ley 3/2004, arts. 7-8"),
        "IT": _eu_member("IT", "D.Lgs. 231/2002, arts. 5-6"),
    }
)


def jurisdiction_for(code: str) -> Jurisdiction:
    try:
        return JURISDICTIONS[code]
    except KeyError:
        known = ", ".join(sorted(JURISDICTIONS))
        raise UnknownJurisdiction(f"no late-payment rules for {code!r} (known: {known})") from None


@dataclass(frozen=True)
class InterestPeriod:
    """Consecutive days charged at one annual rate, with what a statement needs to explain it."""

    first_day: date
    last_day: date
    days: int
    principal_minor: int
    annual_rate_percent: Decimal
    amount_minor_unrounded: Decimal  # exact (up to the working precision); see amount_minor_exact
    # Statutory interest only: which reference entry was read, on which day, plus what margin.
    reference_rate: ReferenceRate | None = None
    reference_date: date | None = None
    margin_points: Decimal | None = None

    @property
    def amount_minor_exact(self) -> Decimal:
        """The period's amount to ``EXACT_PLACES`` decimal places of a minor unit."""
        with localcontext(prec=_PRECISION):
            return self.amount_minor_unrounded.quantize(_EXACT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class InterestQuote:
    basis: str
    principal_minor: int  # outstanding on the quote's last day
    currency: str
    periods: tuple[InterestPeriod, ...]
    amount_minor: int

    @property
    def first_day(self) -> date:
        return self.periods[0].first_day

    @property
    def last_day(self) -> date:
        return self.periods[-1].last_day

    @property
    def next_from_day(self) -> date:
        """Where the next charge for the same debt starts."""
        return self.last_day + timedelta(days=1)

    @property
    def days(self) -> int:
        return sum(p.days for p in self.periods)

    @property
    def amount(self) -> Decimal:
        """The rounded amount in major units (108.90), for display."""
        return Decimal(self.amount_minor).scaleb(-minor_unit_digits(self.currency))


Principal = int | PrincipalHistory
"""One figure for the whole period, or what was outstanding day by day."""


def statutory_interest(
    principal: Principal,
    currency: str,
    jurisdiction: Jurisdiction | str,
    *,
    interest_starts: date,
    from_day: date,
    to_day: date,
    rates: ReferenceRateTable,
) -> InterestQuote:
    """Statutory interest for ``from_day``..``to_day`` inclusive, on the principal outstanding
    each day.

    Rate = reference rate + the jurisdiction's margin. Fixed jurisdictions (GB, IE) read the
    reference once, for the half-year in which ``interest_starts`` falls; resetting ones
    re-read it for every half-year, so the period is split at 1 January and 1 July (and,
    with a history, wherever the principal changed).
    """
    rules = _rules(jurisdiction)
    history = _history(principal, from_day)
    _check_currency(currency)
    _check_period(from_day, to_day)
    if from_day < interest_starts:
        raise InterestNotRunning(
            f"interest starts to run on {interest_starts.isoformat()}, not {from_day.isoformat()}"
        )
    if rules.rate_fixing is RateFixing.FIXED_WHEN_INTEREST_STARTS:
        spans = [(from_day, to_day, _reference_date(rules.reference_day, interest_starts))]
    else:
        spans = [
            (first, last, _reference_date(rules.reference_day, first))
            for first, last in _half_years(from_day, to_day)
        ]
    periods = []
    for first, last, read_on in spans:
        reference = rates.rate_on(rules.reference_series, read_on)
        annual = reference.rate_percent + rules.margin_points
        read = (reference, read_on, rules.margin_points)
        periods += _periods(history, first, last, annual, read)
    return _quote(f"statutory:{rules.code}", history.on(to_day), currency, tuple(periods))


def contractual_interest(
    principal: Principal,
    currency: str,
    annual_rate_percent: Decimal,
    *,
    from_day: date,
    to_day: date,
) -> InterestQuote:
    """Simple interest at an agreed rate: principal x rate x days / 365, days inclusive."""
    history = _history(principal, from_day)
    _check_currency(currency)
    _check_period(from_day, to_day)
    if not isinstance(annual_rate_percent, Decimal) or not annual_rate_percent.is_finite():
        raise TypeError(f"annual_rate_percent must be a finite Decimal: {annual_rate_percent!r}")
    periods = _periods(history, from_day, to_day, annual_rate_percent)
    return _quote("contractual", history.on(to_day), currency, tuple(periods))


@dataclass(frozen=True)
class FixedCompensation:
    jurisdiction: str
    law: str
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class CompensationNotApplicable:
    jurisdiction: str
    currency: str
    reason: str


def fixed_compensation(
    principal_minor: int, currency: str, jurisdiction: Jurisdiction | str
) -> FixedCompensation | CompensationNotApplicable:
    """The statutory fixed sum per invoice once interest runs, by the size of the debt.

    ``principal_minor`` is the debt when interest started to run (what fell due and was
    unpaid at the end of the due date), not what is left after later part-payments.

    The law states the sum in one currency (GBP, EUR). A debt in another currency gets
    ``CompensationNotApplicable`` rather than a converted sum: which exchange rate and day
    would apply is a legal question we do not answer; the creditor may still claim its
    actual recovery costs.
    """
    rules = _rules(jurisdiction)
    _check_currency(currency)
    _check_principal(principal_minor)
    if currency != rules.compensation_currency:
        return CompensationNotApplicable(
            rules.code,
            currency,
            f"{rules.law} sets the fixed sum in {rules.compensation_currency}; "
            f"a {currency} debt is not converted",
        )
    if principal_minor == 0:
        return CompensationNotApplicable(rules.code, currency, "nothing is owed")
    for band in rules.compensation_bands:
        if band.debt_below_minor is None or principal_minor < band.debt_below_minor:
            return FixedCompensation(rules.code, rules.law, band.amount_minor, currency)
    raise AssertionError(f"{rules.code}: compensation bands must end with an unbounded one")


def interest_start(
    due_date: date | None = None,
    *,
    jurisdiction: Jurisdiction | str | None = None,
    invoice_received: date | None = None,
    goods_or_services_received: date | None = None,
) -> date:
    """The first day that carries interest: the day after the agreed due date.

    With no agreed date, the statutory default applies: the due date is the last day of a
    30-day period from the later of the invoice and the goods or services reaching the
    buyer (GB counts that day as day 1; the Directive starts counting the day after).
    """
    if due_date is not None:
        return due_date + timedelta(days=1)
    if jurisdiction is None or invoice_received is None:
        raise MissingDueDate(
            "with no agreed due date, give the jurisdiction and the day the invoice was received"
        )
    rules = _rules(jurisdiction)
    start = max(invoice_received, goods_or_services_received or invoice_received)
    return start + timedelta(days=rules.deemed_due_after_days + 1)


def last_accrued_day(now: datetime, time_zone: ZoneInfo) -> date:
    """The last day fully past at ``now`` in ``time_zone``: a charge made now ends here."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(time_zone).date() - timedelta(days=1)


def _rules(jurisdiction: Jurisdiction | str) -> Jurisdiction:
    return (
        jurisdiction if isinstance(jurisdiction, Jurisdiction) else jurisdiction_for(jurisdiction)
    )


def _check_currency(currency: str) -> None:
    if currency not in iso_currencies():
        raise UnknownCurrency(f"{currency!r} is not an ISO 4217 currency code")


def _check_principal(principal_minor: int) -> None:
    if principal_minor < 0:
        raise NegativePrincipal(f"principal must not be negative: {principal_minor}")


def _history(principal: Principal, from_day: date) -> PrincipalHistory:
    if isinstance(principal, PrincipalHistory):
        return principal
    _check_principal(principal)
    return PrincipalHistory.constant(principal, since=from_day)


def _check_period(from_day: date, to_day: date) -> None:
    if to_day < from_day:
        raise InvalidInterestPeriod(
            f"to_day {to_day.isoformat()} is before from_day {from_day.isoformat()}"
        )


def _half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _reference_date(rule: ReferenceDay, day: date) -> date:
    start = _half_year_start(day)
    if rule is ReferenceDay.FIRST_DAY_OF_HALF_YEAR:
        return start
    return start - timedelta(days=1)


def _half_years(first: date, last: date) -> Iterator[tuple[date, date]]:
    start = first
    while start <= last:
        next_start = date(start.year, 7, 1) if start.month <= 6 else date(start.year + 1, 1, 1)
        yield start, min(last, next_start - timedelta(days=1))
        start = next_start


def _numerator(principal_minor: int, annual_rate_percent: Decimal, days: int) -> Decimal:
    """principal x rate x days, exact; the amount in minor units is this / (100 x 365)."""
    with localcontext(prec=_PRECISION):
        return Decimal(principal_minor) * annual_rate_percent * days


def _in_minor_units(numerator: Decimal) -> Decimal:
    with localcontext(prec=_PRECISION):
        return numerator / (100 * DAYS_IN_YEAR)


def _periods(
    history: PrincipalHistory,
    first: date,
    last: date,
    annual_rate_percent: Decimal,
    reference: tuple[ReferenceRate, date, Decimal] | None = None,
) -> list[InterestPeriod]:
    """``first``..``last`` at one rate, one period per stretch of unchanged principal."""
    if annual_rate_percent < 0:
        raise NegativeRate(f"annual rate {annual_rate_percent}% for {first}..{last}")
    reference_rate, reference_date, margin = reference or (None, None, None)
    periods = []
    for span in history.spans(first, last):
        _check_principal(span.principal_minor)
        days = (span.last_day - span.first_day).days + 1
        periods.append(
            InterestPeriod(
                first_day=span.first_day,
                last_day=span.last_day,
                days=days,
                principal_minor=span.principal_minor,
                annual_rate_percent=annual_rate_percent,
                amount_minor_unrounded=_in_minor_units(
                    _numerator(span.principal_minor, annual_rate_percent, days)
                ),
                reference_rate=reference_rate,
                reference_date=reference_date,
                margin_points=margin,
            )
        )
    return periods


def _quote(
    basis: str, principal_minor: int, currency: str, periods: tuple[InterestPeriod, ...]
) -> InterestQuote:
    # Sum the exact numerators (every day of a period earns the same), divide once, round once.
    with localcontext(prec=_PRECISION):
        total = sum(
            (_numerator(p.principal_minor, p.annual_rate_percent, p.days) for p in periods),
            Decimal(0),
        )
        rounded = int(_in_minor_units(total).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return InterestQuote(basis, principal_minor, currency, periods, rounded)
