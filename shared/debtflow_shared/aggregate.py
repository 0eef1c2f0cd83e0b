"""Aggregates raise events; the unit of work collects them at commit (see ``unit_of_work``).

Pure: no database here, so domain modules can depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from debtflow_shared.catalog import EventPayload

PendingEvent = tuple[EventPayload, str, str]
"""An event an aggregate raised, with the tenant and debtor it is about (its message key)."""


class EmitsEvents(Protocol):
    """An aggregate that collects the events its changes cause."""

    def pull_events(self) -> list[PendingEvent]:
        """Return and forget pending ``(payload, tenant_id, debtor_id)`` triples."""
        ...


@dataclass
class EventRecorder:
    """Base for dataclass aggregates: keeps raised events until the unit of work pulls them."""

    _events: list[PendingEvent] = field(default_factory=list, init=False, repr=False, compare=False)

    def pull_events(self) -> list[PendingEvent]:
        events, self._events = self._events, []
        return events
