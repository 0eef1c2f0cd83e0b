"""notify-svc's repositories over one SQL session: what ``uow.repos`` is at run time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.adapters.copy_repository import CopyRepository
from notify_svc.adapters.history_repository import HistoryRepository
from notify_svc.adapters.notification_repository import NotificationRepository
from notify_svc.adapters.suppression_repository import RestrictionRepository, SuppressionRepository
from notify_svc.adapters.template_repository import TemplateRepository


class SqlRepositories:
    """Implements :class:`notify_svc.domain.repositories.Repositories`."""

    def __init__(self, session: AsyncSession) -> None:
        self.copies = CopyRepository(session)
        self.suppressions = SuppressionRepository(session)
        self.restrictions = RestrictionRepository(session)
        self.notifications = NotificationRepository(session)
        self.templates = TemplateRepository(session)
        self.history = HistoryRepository(session)
