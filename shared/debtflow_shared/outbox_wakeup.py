"""How a relay learns that new outbox rows committed, without polling for each event."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Protocol

import asyncpg
from sqlalchemy.engine import make_url

from debtflow_shared.logging import get_logger
from debtflow_shared.outbox import LOCAL_WAKEUPS

log = get_logger(__name__)


class Wakeup(Protocol):
    event: asyncio.Event

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class LocalWakeup:
    """Woken by units of work in this process (SQLite has no LISTEN/NOTIFY)."""

    def __init__(self, channel: str) -> None:
        self._channel = channel
        self.event = asyncio.Event()

    async def start(self) -> None:
        self.event = LOCAL_WAKEUPS.listen(self._channel)
        self.event.set()  # rows may have committed before we listened

    async def stop(self) -> None:
        LOCAL_WAKEUPS.forget(self._channel, self.event)


class PostgresNotifyWakeup:
    """A dedicated connection that LISTENs on the service's outbox channel.

    If the connection drops, notifications may have been missed: it reconnects and wakes
    the relay once so it drains whatever committed meanwhile.
    """

    def __init__(self, database_url: str, channel: str, reconnect_seconds: float = 2.0) -> None:
        url = make_url(database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._channel = channel
        self._reconnect_seconds = reconnect_seconds
        self.event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name=f"listen-{self._channel}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen(self) -> None:
        while True:
            connection: Any = None
            try:
                connection = await asyncpg.connect(self._dsn)
                lost = asyncio.Event()
                connection.add_termination_listener(_setter(lost))
                await connection.add_listener(self._channel, self._on_notify)
                self.event.set()
                await lost.wait()
                log.warning("outbox LISTEN connection lost; reconnecting", channel=self._channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox LISTEN failed; retrying", channel=self._channel)
            finally:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close()
            await asyncio.sleep(self._reconnect_seconds)

    def _on_notify(self, *_args: object) -> None:
        self.event.set()


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    return lambda _connection: event.set()
