"""A unit of work with no database: use-case tests on in-memory repositories.

It keeps what a SQL unit of work would have written: ``committed_events`` holds the events
of every commit, in order, so a test asserts what a use case announced. It has no nested
transactions: a savepoint's failure undoes the events collected in it (the shared logic)
but not writes to the in-memory repositories, which a test on savepoints should not use.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Generic, TypeVar

from debtflow_shared.clock import Clock
from debtflow_shared.envelope import Envelope
from debtflow_shared.unit_of_work import AbstractUnitOfWork

R = TypeVar("R")


class FakeUnitOfWork(AbstractUnitOfWork[R], Generic[R]):
    def __init__(self, repos: R, *, clock: Clock, source: str = "test") -> None:
        super().__init__(clock=clock, source=source)
        self._repos = repos
        self.committed_events: list[Envelope] = []
        self.commits = 0

    @property
    def repos(self) -> R:
        return self._repos

    @property
    def event_types(self) -> list[str]:
        return [event.type for event in self.committed_events]

    async def _begin(self) -> None:
        pass

    async def _end(self) -> None:
        pass

    async def _write(self, events: list[Envelope]) -> None:
        self.committed_events.extend(events)
        self.commits += 1

    async def _undo(self) -> None:
        pass

    def _nested(self) -> AbstractAsyncContextManager[object]:
        return nullcontext()
