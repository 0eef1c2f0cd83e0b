"""Each score's reasons in a collector's words: what a feature says of this debtor, and
whether it raised or lowered the score (the sign of its contribution to the log-odds)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision

from analytics_svc.domain.risk_features import RiskFeatures

MIN_CONTRIBUTION = 0.01
"""A contribution smaller than this (in log-odds) is no reason worth telling."""


@dataclass(frozen=True)
class Factor:
    feature: str
    words: str
    contribution: float  # log-odds; positive raises the score

    @property
    def raises(self) -> bool:
        return self.contribution > 0


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def money_words(minor: int, currency: str) -> str:
    amount = Decimal(minor).scaleb(-get_currency_precision(currency))
    return str(format_currency(amount, currency, locale="en"))


def _age(days: int) -> str:
    if days >= 730:
        return f"{days // 365} years"
    if days >= 60:
        return f"{days // 30} months"
    return _plural(days, "day")


def words_for(feature: str, f: RiskFeatures, currency: str | None) -> str:
    """What ``feature`` says of the debtor, in words."""
    paid = _plural(f.invoices_paid, "invoice")
    match feature:
        case "avg_days_late" if f.avg_days_late < 1:
            return f"pays on time: {paid} paid, on average by the due date"
        case "avg_days_late" if f.avg_days_late <= 5:
            days = f"{f.avg_days_late:.0f} days late on average"
            return f"pays on time or soon after: {days} ({paid} paid)"
        case "avg_days_late":
            return f"pays {f.avg_days_late:.0f} days late on average ({paid} paid)"
        case "days_late_trend" if f.days_late_trend >= 0:
            return f"the last 3 payments came {f.days_late_trend:.0f} days later than before"
        case "days_late_trend":
            return f"the last 3 payments came {-f.days_late_trend:.0f} days sooner than before"
        case "share_paid_late":
            return f"paid {f.invoices_paid_late} of {paid} after the due date"
        case "promises_broken":
            return f"broke {_plural(f.promises_broken, 'promise')} to pay"
        case "promises_kept":
            return f"kept {_plural(f.promises_kept, 'promise')} to pay"
        case "disputes":
            return f"raised {_plural(f.disputes, 'dispute')}"
        case "open_balance" if currency:
            return f"owes {money_words(f.open_balance_minor, currency)}"
        case "open_balance":
            return "owes nothing"
        case "overdue_days" if f.overdue_days > 0:
            return f"has an invoice {_plural(f.overdue_days, 'day')} overdue"
        case "overdue_days":
            return "has nothing overdue"
        case "exposure" if f.exposure is not None:
            return f"owes {f.exposure * 100:.0f}% of the credit limit"
        case "exposure":
            return "has no credit limit"
        case "relationship_age":
            return f"a customer for {_age(f.relationship_days)}"
    raise ValueError(f"no words for feature {feature!r}")


def top_factors(
    contributions: Mapping[str, float],
    features: RiskFeatures,
    currency: str | None,
    *,
    limit: int,
) -> list[Factor]:
    """The ``limit`` largest contributions, largest first, each in words."""
    ranked = sorted(
        ((name, c) for name, c in contributions.items() if abs(c) >= MIN_CONTRIBUTION),
        key=lambda item: (-abs(item[1]), item[0]),
    )
    return [Factor(name, words_for(name, features, currency), c) for name, c in ranked[:limit]]
