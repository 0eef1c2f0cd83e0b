"""The unit of work notify's use cases are written against."""

from debtflow_shared.unit_of_work import AbstractUnitOfWork
from notify_svc.domain.repositories import Repositories

Work = AbstractUnitOfWork[Repositories]
