"""A generated payment history from a behaviour model with noise, for scoring tests.

Each debtor gets a hidden habit (prompt, steady late, chronic, getting worse, getting
better) and an invoice a month; each invoice's delay is drawn from the habit's distribution
with noise, larger invoices come later, a dispute delays payment, and late debtors promise
and often break the promise. The history is built from these draws, never from the
features a score reads, so a score that ranks it well has learnt something true.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from analytics_svc.domain.ledger import EntryKind
from analytics_svc.domain.payment_history import Change, DebtorHistory, InvoiceHistory, Promise
from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog.escalation import PromiseBroken, PromiseKept, PromiseMade
from tests.analytics_svc.collection_events import escalation_event, instant
from tests.analytics_svc.ledger_events import InvoiceStory, debtor_upserted

TENANT = "tenant-a"
START = date(2024, 1, 1)
TERMS = 30


class Habit(StrEnum):
    PROMPT = "prompt"
    STEADY_LATE = "steady_late"
    CHRONIC = "chronic"
    WORSENING = "worsening"
    IMPROVING = "improving"


HABITS = (
    (Habit.PROMPT, 0.30),
    (Habit.STEADY_LATE, 0.25),
    (Habit.CHRONIC, 0.25),
    (Habit.WORSENING, 0.10),
    (Habit.IMPROVING, 0.10),
)


@dataclass(frozen=True)
class Paid:
    """One invoice as it happened: issued, due, paid (None: never), disputed."""

    invoice_id: str
    issue_date: date
    due_date: date
    amount_minor: int
    paid_on: date | None
    disputed_on: date | None


@dataclass
class GeneratedDebtor:
    debtor_id: str
    habit: Habit
    invoices: list[Paid]
    promises: list[Promise]
    credit_limit_minor: int

    def history(self, known_through: date, tenant: str = TENANT) -> DebtorHistory:
        """What a ledger would hold of this debtor by the end of ``known_through``."""
        invoices = []
        for p in self.invoices:
            if p.issue_date > known_through:
                continue
            changes = [Change(p.issue_date, EntryKind.ISSUED, p.amount_minor)]
            if p.paid_on is not None and p.paid_on <= known_through:
                changes.append(Change(p.paid_on, EntryKind.PAYMENT, -p.amount_minor))
            invoices.append(
                InvoiceHistory(
                    p.invoice_id, self.debtor_id, "GBP", p.issue_date, p.due_date, tuple(changes)
                )
            )
        return DebtorHistory(
            tenant_id=tenant,
            debtor_id=self.debtor_id,
            currency="GBP",
            credit_limit_minor=self.credit_limit_minor,
            invoices=invoices,
            promises=[p for p in self.promises if p.made_on and p.made_on <= known_through],
            disputes_opened=[
                p.disputed_on
                for p in self.invoices
                if p.disputed_on is not None and p.disputed_on <= known_through
            ],
        )


def _mean_delay(habit: Habit, progress: float) -> float:
    match habit:
        case Habit.PROMPT:
            return -3.0
        case Habit.STEADY_LATE:
            return 22.0
        case Habit.CHRONIC:
            return 55.0
        case Habit.WORSENING:
            return -2.0 + 75.0 * progress
        case Habit.IMPROVING:
            return 60.0 - 60.0 * progress
    raise ValueError(habit)


def generate(debtors: int, months: int, *, seed: int = 7) -> list[GeneratedDebtor]:
    """``debtors`` debtors, each invoiced monthly for ``months`` months from :data:`START`."""
    rng = random.Random(seed)
    habits = [h for h, _ in HABITS]
    weights = [w for _, w in HABITS]
    generated = []
    for n in range(debtors):
        habit = rng.choices(habits, weights)[0]
        typical = rng.choice((50_000, 120_000, 400_000))
        debtor = GeneratedDebtor(f"d-{n:04d}", habit, [], [], credit_limit_minor=typical * 3)
        first = rng.randrange(0, 6)
        for m in range(first, months):
            issue = START + timedelta(days=30 * m + rng.randrange(0, 5))
            due = issue + timedelta(days=TERMS)
            amount = max(1000, int(typical * rng.lognormvariate(0, 0.5)))
            delay = rng.gauss(_mean_delay(habit, m / max(months - 1, 1)), 9.0)
            delay += 12.0 if amount > 2 * typical else 0.0  # big bills wait for cash
            disputed = None
            if rng.random() < (0.12 if habit is Habit.CHRONIC else 0.03):
                disputed = due + timedelta(days=rng.randrange(1, 10))
                delay += 20.0
            never = habit is Habit.CHRONIC and rng.random() < 0.12
            paid_on = None if never else due + timedelta(days=max(int(delay), -10))
            if delay > 25 and rng.random() < 0.5:
                made = due + timedelta(days=15)
                promised = due + timedelta(days=25)
                kept = paid_on is not None and paid_on <= promised + timedelta(days=3)
                closed = paid_on if kept else promised + timedelta(days=3)
                debtor.promises.append(Promise(made, closed, "kept" if kept else "broken"))
            debtor.invoices.append(
                Paid(f"inv-{n:04d}-{m:02d}", issue, due, amount, paid_on, disputed)
            )
        generated.append(debtor)
    return generated


def messages_of(debtors: list[GeneratedDebtor], known_through: date) -> list[OutboundMessage]:
    """The events invoice-svc and escalation-svc would have published of ``debtors`` by the
    end of ``known_through`` (a dispute opens and is rejected the same day)."""
    found: list[OutboundMessage] = []
    for debtor in debtors:
        found.append(debtor_upserted(debtor.debtor_id, f"Debtor {debtor.debtor_id}"))
        for p in debtor.invoices:
            if p.issue_date > known_through:
                continue
            story = InvoiceStory(
                p.invoice_id, debtor.debtor_id, p.amount_minor, p.issue_date, p.due_date
            )
            found.append(story.issued())
            if p.disputed_on is not None and p.disputed_on <= known_through:
                dispute = f"dsp-{p.invoice_id}"
                found.append(story.disputed(p.disputed_on, dispute))
                found.append(story.dispute_rejected(p.disputed_on, dispute))
            if p.paid_on is not None and p.paid_on <= known_through:
                found.extend(story.paid(p.amount_minor, p.paid_on, f"pay-{p.invoice_id}"))
        for n, promise in enumerate(debtor.promises):
            if promise.made_on is None or promise.made_on > known_through:
                continue
            found.append(
                promise_made(debtor.debtor_id, f"prm-{debtor.debtor_id}-{n}", promise.made_on)
            )
            if promise.closed_on is not None and promise.closed_on <= known_through:
                found.append(
                    promise_closed(debtor.debtor_id, f"prm-{debtor.debtor_id}-{n}", promise)
                )
    return found


def promise_made(debtor_id: str, promise_id: str, on: date) -> OutboundMessage:
    return escalation_event(
        PromiseMade,
        on,
        debtor_id,
        promise_id=promise_id,
        made_at=instant(on),
        promised_on=(on + timedelta(days=10)).isoformat(),
    )


def promise_closed(debtor_id: str, promise_id: str, promise: Promise) -> OutboundMessage:
    assert promise.closed_on is not None
    on = promise.closed_on
    if promise.outcome == "kept":
        return escalation_event(
            PromiseKept, on, debtor_id, promise_id=promise_id, kept_on=on.isoformat()
        )
    return escalation_event(
        PromiseBroken, on, debtor_id, promise_id=promise_id, broken_on=on.isoformat()
    )
