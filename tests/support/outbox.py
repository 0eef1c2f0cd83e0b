"""What a service wrote to its outbox: the exact events a change emitted, duplicates included.

"Emits exactly once" is checked here, not by waiting for one event on the bus and then
counting (a late duplicate would arrive after the count).
"""

from __future__ import annotations

from sqlalchemy import select

from debtflow_shared.envelope import Envelope
from debtflow_shared.platform_tables import PlatformTables
from debtflow_shared.service import ServiceRuntime


async def written(runtime: ServiceRuntime, tables: PlatformTables) -> list[Envelope]:
    """Every event the service wrote to its outbox, oldest first."""
    async with runtime.engine.connect() as connection:
        values = await connection.scalars(
            select(tables.outbox.c.value).order_by(tables.outbox.c.id)
        )
        return [Envelope.from_bytes(value) for value in values]


async def written_types(runtime: ServiceRuntime, tables: PlatformTables) -> list[str]:
    return [envelope.type for envelope in await written(runtime, tables)]
