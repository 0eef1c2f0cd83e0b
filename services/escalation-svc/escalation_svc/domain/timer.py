"""A debtor's durable timer: when its collection is next looked at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Timer:
    tenant_id: str
    debtor_id: str
    due_at: datetime | None
    overdue_reported: bool
    reopened_by_reversal: bool
    failures: int = 0
