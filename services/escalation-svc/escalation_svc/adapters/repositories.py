"""escalation-svc's repositories over one SQL session: what ``uow.repos`` is at run time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from escalation_svc.adapters.arrangement_repository import ArrangementRepository
from escalation_svc.adapters.case_repository import CaseRepository
from escalation_svc.adapters.contact_repository import ContactRepository
from escalation_svc.adapters.debtor_profile_repository import DebtorProfileRepository
from escalation_svc.adapters.notification_repository import NotificationRepository
from escalation_svc.adapters.policy_repository import PolicyRepository
from escalation_svc.adapters.task_repository import TaskRepository
from escalation_svc.adapters.timer_repository import TimerRepository
from escalation_svc.adapters.tracked_invoice_repository import TrackedInvoiceRepository


class SqlRepositories:
    """Implements :class:`escalation_svc.domain.repositories.Repositories`."""

    def __init__(self, session: AsyncSession) -> None:
        self.profiles = DebtorProfileRepository(session)
        self.policies = PolicyRepository(session)
        self.invoices = TrackedInvoiceRepository(session)
        self.cases = CaseRepository(session)
        self.notifications = NotificationRepository(session)
        self.contacts = ContactRepository(session)
        self.timers = TimerRepository(session)
        self.arrangements = ArrangementRepository(session)
        self.tasks = TaskRepository(session)
