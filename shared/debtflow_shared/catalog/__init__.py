"""The typed, versioned catalog of every topic's payload.

Importing this package registers every payload; look them up through :data:`CATALOG`.
"""

from debtflow_shared.catalog import analytics as analytics
from debtflow_shared.catalog import debtor as debtor
from debtflow_shared.catalog import erp as erp
from debtflow_shared.catalog import escalation as escalation
from debtflow_shared.catalog import escalation_commands as escalation_commands
from debtflow_shared.catalog import invoice as invoice
from debtflow_shared.catalog import notification as notification
from debtflow_shared.catalog.registry import (
    CATALOG,
    Catalog,
    EventPayload,
    EventSpec,
    UnknownEventType,
    event,
    payload_dict,
)

__all__ = [
    "CATALOG",
    "Catalog",
    "EventPayload",
    "EventSpec",
    "UnknownEventType",
    "event",
    "payload_dict",
]
