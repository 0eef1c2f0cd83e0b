"""Aging: what is open as of a day, by how many days past its due date.

Buckets are the product's: current (not yet due, or due that day), 1-30, 31-60, 61-90 and
90+ days past due. An item is aged by the due date its invoice had on the day asked about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

BUCKETS: tuple[tuple[str, int], ...] = (
    ("current", 0),
    ("1-30", 1),
    ("31-60", 31),
    ("61-90", 61),
    ("90+", 91),
)
BUCKET_NAMES = tuple(name for name, _ in BUCKETS)


def bucket_of(days_past_due: int) -> str:
    """The bucket of an item ``days_past_due`` days past due (zero or less: current)."""
    days = max(days_past_due, 0)
    return next(name for name, low in reversed(BUCKETS) if days >= low)


@dataclass(frozen=True)
class OpenItem:
    """One invoice's open amounts as of a day (minor units) and its due date then."""

    debtor_id: str
    invoice_id: str
    due_date: date
    principal_minor: int
    charges_minor: int

    def owed(self, include_charges: bool) -> int:
        return self.principal_minor + (self.charges_minor if include_charges else 0)


@dataclass
class Buckets:
    amounts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKET_NAMES, 0))

    def add(self, name: str, minor: int) -> None:
        self.amounts[name] += minor

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


@dataclass(frozen=True)
class Aging:
    as_of: date
    total: Buckets
    by_debtor: dict[str, Buckets]


def age(items: Iterable[OpenItem], as_of: date, *, include_charges: bool) -> Aging:
    """Age ``items`` as of ``as_of``; debtors owing nothing then are left out."""
    total = Buckets()
    by_debtor: dict[str, Buckets] = {}
    for item in items:
        owed = item.owed(include_charges)
        if owed == 0:
            continue
        name = bucket_of((as_of - item.due_date).days)
        total.add(name, owed)
        by_debtor.setdefault(item.debtor_id, Buckets()).add(name, owed)
    return Aging(as_of, total, dict(sorted(by_debtor.items())))


def current_ar(items: Iterable[OpenItem], as_of: date, *, include_charges: bool) -> int:
    """What is open and not yet due as of ``as_of`` (the "current" bucket)."""
    return sum(item.owed(include_charges) for item in items if item.due_date >= as_of)


def total_ar(items: Iterable[OpenItem], *, include_charges: bool) -> int:
    return sum(item.owed(include_charges) for item in items)
