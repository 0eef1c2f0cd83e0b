"""Touches: the moments collection reached a debtor about some invoices.

A *step* touch is a dunning step that ran (``escalation.step_executed``: its policy step,
action and A/B variant, on the debtor-local day it ran for). A *notification* touch is a
message sent (``notification.sent``, on the UTC day it was sent), with the step, template,
tone and variant of the ``notification.requested`` it answered; a message requested but
never sent reached no one and counts in no report. The two events of one notification
(same dedup key) may arrive in either order: each brings the fields it knows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class TouchKind(StrEnum):
    STEP = "step"
    NOTIFICATION = "notification"


@dataclass(frozen=True)
class TouchFact:
    tenant_id: str
    touch_key: str  # "step:<case id>:<version>" or "notification:<dedup key>"
    kind: TouchKind
    debtor_id: str
    case_id: str
    invoice_ids: tuple[str, ...]
    touched_on: date | None = None  # None: a notification not known to be sent yet
    step: str | None = None
    action: str | None = None
    channel: str | None = None
    template_key: str | None = None
    tone: str | None = None
    variant: str | None = None


def merge_touch(stored: TouchFact | None, new: TouchFact) -> TouchFact:
    """One touch from what each of its events said (a field once known stays known)."""
    if stored is None:
        return new
    fields = ("touched_on", "step", "action", "channel", "template_key", "tone", "variant")
    known = {
        f: getattr(new, f) if getattr(new, f) is not None else getattr(stored, f) for f in fields
    }
    return replace(
        stored,
        invoice_ids=tuple(sorted(set(stored.invoice_ids) | set(new.invoice_ids))),
        **known,
    )
