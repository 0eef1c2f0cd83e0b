"""analytics-svc's repositories over one SQL session: what ``uow.repos`` is at run time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from analytics_svc.adapters.event_log_repository import EventLogRepository
from analytics_svc.adapters.ledger_repository import LedgerRepository
from analytics_svc.adapters.lifecycle_repository import LifecycleRepository
from analytics_svc.adapters.risk_repository import RiskRepository
from analytics_svc.adapters.touch_repository import TouchRepository


class SqlRepositories:
    """Implements :class:`analytics_svc.domain.repositories.Repositories`."""

    def __init__(self, session: AsyncSession) -> None:
        self.events = EventLogRepository(session)
        self.ledger = LedgerRepository(session)
        self.touches = TouchRepository(session)
        self.lifecycles = LifecycleRepository(session)
        self.risk = RiskRepository(session)
