"""escalation-svc's and notify-svc's events as analytics-svc receives them (for its tests),
built from each payload's own catalog example."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, time
from typing import Any

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog.escalation import EscalationStepExecuted
from debtflow_shared.catalog.examples import examples_of
from debtflow_shared.catalog.notification import (
    NotificationRequested,
    NotificationSent,
    notification_dedup_key,
)
from tests.analytics_svc.ledger_events import TENANT, message


def _example(model: type[Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(examples_of(model)[0]))


def step_executed(
    case_id: str,
    debtor_id: str,
    invoice_id: str,
    on: date,
    *,
    step: str = "plus-7-firmer-reminder",
    variant: str | None = None,
    version: int = 2,
    tenant: str = TENANT,
) -> OutboundMessage:
    data = _example(EscalationStepExecuted) | {
        "case_id": case_id,
        "debtor_id": debtor_id,
        "version": version,
        "step": step,
        "variant": variant,
        "commands": [],
        "executed_at": datetime.combine(on, time(8), tzinfo=UTC).isoformat(),
    }
    data["inputs"] |= {"business_date": on.isoformat(), "invoice_ids": [invoice_id]}
    return message("escalation.step_executed", data, debtor_id=debtor_id, at=on, tenant=tenant)


def notification_requested(
    case_id: str,
    debtor_id: str,
    invoice_id: str,
    on: date,
    *,
    step: str = "plus-7-firmer-reminder",
    channel: str = "email",
    template_key: str = "reminder.firm",
    tone: str = "firm",
    variant: str | None = None,
) -> OutboundMessage:
    data = _example(NotificationRequested) | {
        "dedup_key": notification_dedup_key(case_id, step, channel),
        "case_id": case_id,
        "debtor_id": debtor_id,
        "step": step,
        "channel": channel,
        "template_key": template_key,
        "tone": tone,
        "variant": variant,
        "invoice_ids": [invoice_id],
        "requested_at": datetime.combine(on, time(8), tzinfo=UTC).isoformat(),
        "expires_at": None,
    }
    return message("notification.requested", data, debtor_id=debtor_id, at=on)


def notification_sent(
    case_id: str,
    debtor_id: str,
    invoice_id: str,
    on: date,
    *,
    step: str = "plus-7-firmer-reminder",
    channel: str = "email",
    template_key: str = "reminder.firm",
    variant: str | None = None,
) -> OutboundMessage:
    data = _example(NotificationSent)
    shown = data["invoices"][0] | {"invoice_id": invoice_id}
    data |= {
        "dedup_key": notification_dedup_key(case_id, step, channel),
        "case_id": case_id,
        "debtor_id": debtor_id,
        "channel": channel,
        "template_key": template_key,
        "variant": variant,
        "invoices": [shown],
        "sent_at": datetime.combine(on, time(9), tzinfo=UTC).isoformat(),
    }
    return message("notification.sent", data, debtor_id=debtor_id, at=on)


def escalation_event(
    model: type[Any], on: date, debtor_id: str = "d-1", **fields: Any
) -> OutboundMessage:
    """``model``'s catalog example with ``fields`` replaced, recorded on ``on``."""
    data = _example(model) | {"debtor_id": debtor_id} | fields
    return message(model.event_type, data, debtor_id=debtor_id, at=on)


def instant(on: date) -> str:
    return datetime.combine(on, time(10), tzinfo=UTC).isoformat()
