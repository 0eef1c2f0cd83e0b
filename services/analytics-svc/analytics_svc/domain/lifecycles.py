"""Collection outcomes: promises, plans, settlements, disputes, cases and hand-offs, each
from the events that open and close it, merged in whichever order they arrive.

A :class:`Lifecycle` is one promise (or plan, ...) with the day it opened, the day it was
due (promises), the day and way it ended, and its amount. An event brings the fields it
knows; a field once known stays known. Instants are taken on their UTC day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from debtflow_shared.catalog.escalation import (
    CaseHandedOff,
    CaseOpened,
    CaseResolved,
    PlanCompleted,
    PlanCreated,
    PlanDefaulted,
    PromiseBroken,
    PromiseKept,
    PromiseMade,
    SettlementAccepted,
    SettlementLapsed,
    SettlementOffered,
)
from debtflow_shared.catalog.invoice import InvoiceDisputed, InvoiceDisputeResolved


class LifecycleKind(StrEnum):
    PROMISE = "promise"
    PLAN = "plan"
    SETTLEMENT = "settlement"
    DISPUTE = "dispute"
    CASE = "case"
    HAND_OFF = "hand_off"


@dataclass(frozen=True)
class Lifecycle:
    tenant_id: str
    kind: LifecycleKind
    item_id: str
    subject_id: str | None = None  # a dispute's invoice
    opened_on: date | None = None
    due_on: date | None = None
    closed_on: date | None = None
    outcome: str | None = None
    currency: str | None = None
    amount_minor: int | None = None
    debtor_id: str | None = None  # whose it is (scoring reads a debtor's promises, disputes)


def merge_lifecycle(stored: Lifecycle | None, new: Lifecycle) -> Lifecycle:
    if stored is None:
        return new
    fields = (
        "subject_id",
        "opened_on",
        "due_on",
        "closed_on",
        "outcome",
        "currency",
        "amount_minor",
        "debtor_id",
    )
    known = {
        f: getattr(new, f) if getattr(new, f) is not None else getattr(stored, f) for f in fields
    }
    return replace(stored, **known)


def lifecycles_of(tenant_id: str, payload: Any, day: date) -> list[Lifecycle]:
    """What ``payload`` (recorded on UTC ``day``) says of a lifecycle (most say nothing)."""
    found = _lifecycles_of(tenant_id, payload, day)
    debtor_id = getattr(payload, "debtor_id", None)
    if isinstance(payload, InvoiceDisputed | InvoiceDisputeResolved):
        debtor_id = payload.invoice.debtor_id
    return [replace(item, debtor_id=debtor_id) for item in found]


def _lifecycles_of(tenant_id: str, payload: Any, day: date) -> list[Lifecycle]:
    t, k = tenant_id, LifecycleKind
    match payload:
        case PromiseMade():
            return [
                Lifecycle(
                    t,
                    k.PROMISE,
                    payload.promise_id,
                    opened_on=payload.made_at.date(),
                    due_on=payload.promised_on,
                    currency=payload.amount.currency,
                    amount_minor=payload.amount.amount_minor,
                )
            ]
        case PromiseKept():
            return [
                Lifecycle(
                    t, k.PROMISE, payload.promise_id, closed_on=payload.kept_on, outcome="kept"
                )
            ]
        case PromiseBroken():
            return [
                Lifecycle(
                    t,
                    k.PROMISE,
                    payload.promise_id,
                    due_on=payload.promised_on,
                    closed_on=payload.broken_on,
                    outcome="broken",
                )
            ]
        case PlanCreated():
            return [
                Lifecycle(
                    t,
                    k.PLAN,
                    payload.plan_id,
                    opened_on=payload.created_at.date(),
                    currency=payload.total.currency,
                    amount_minor=payload.total.amount_minor,
                )
            ]
        case PlanCompleted():
            return [
                Lifecycle(
                    t, k.PLAN, payload.plan_id, closed_on=payload.completed_on, outcome="completed"
                )
            ]
        case PlanDefaulted():
            return [
                Lifecycle(
                    t, k.PLAN, payload.plan_id, closed_on=payload.defaulted_on, outcome="defaulted"
                )
            ]
        case SettlementOffered():
            return [
                Lifecycle(
                    t,
                    k.SETTLEMENT,
                    payload.settlement_id,
                    opened_on=payload.offered_at.date(),
                    currency=payload.amount.currency,
                    amount_minor=payload.amount.amount_minor,
                )
            ]
        case SettlementAccepted():
            return [
                Lifecycle(
                    t,
                    k.SETTLEMENT,
                    payload.settlement_id,
                    closed_on=payload.accepted_on,
                    outcome="accepted",
                )
            ]
        case SettlementLapsed():
            return [
                Lifecycle(
                    t,
                    k.SETTLEMENT,
                    payload.settlement_id,
                    closed_on=payload.lapsed_on,
                    outcome="lapsed",
                )
            ]
        case CaseOpened():
            return [Lifecycle(t, k.CASE, payload.case_id, opened_on=payload.opened_at.date())]
        case CaseResolved():
            return [
                Lifecycle(
                    t,
                    k.CASE,
                    payload.case_id,
                    closed_on=payload.resolved_at.date(),
                    outcome=payload.outcome.value,
                )
            ]
        case CaseHandedOff():
            return [
                Lifecycle(
                    t,
                    k.HAND_OFF,
                    f"{payload.case_id}:{owed.currency}",
                    subject_id=payload.case_id,
                    opened_on=payload.handed_off_at.date(),
                    outcome=payload.partner.value,
                    currency=owed.currency,
                    amount_minor=owed.amount_minor,
                )
                for owed in payload.case_file.outstanding
            ]
        case InvoiceDisputed():
            return [
                Lifecycle(
                    t,
                    k.DISPUTE,
                    payload.dispute_id,
                    subject_id=payload.invoice.invoice_id,
                    opened_on=day,
                    currency=payload.disputed_amount.currency,
                    amount_minor=payload.disputed_amount.amount_minor,
                )
            ]
        case InvoiceDisputeResolved():
            return [
                Lifecycle(
                    t,
                    k.DISPUTE,
                    payload.dispute_id,
                    subject_id=payload.invoice.invoice_id,
                    closed_on=day,
                    outcome=payload.outcome.value,
                )
            ]
    return []
