"""How many messages a topic holds: what "until every event is on the topic" waits for.

On Kafka the sum of the partitions' end offsets (no consumer group, nothing read); on the
embedded bus a subscription that counts what it is handed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition

from debtflow_shared.bus.base import InboundMessage
from debtflow_shared.bus.embedded import EmbeddedBus

TIMEOUT_SECONDS = 1800.0


class TopicCount:
    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def count(self) -> int:
        raise NotImplementedError


class KafkaTopicCount(TopicCount):
    def __init__(self, bootstrap: str, physical_topic: str, partitions: int) -> None:
        self._topic = physical_topic
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
        self._partitions = [TopicPartition(physical_topic, p) for p in range(partitions)]

    async def start(self) -> None:
        await self._consumer.start()
        deadline = time.monotonic() + 30
        # A topic just created reaches every broker's metadata a moment later.
        while self._topic not in await self._consumer.topics():
            if time.monotonic() > deadline:
                raise RuntimeError(f"topic {self._topic} does not exist (create it first)")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        await self._consumer.stop()

    async def count(self) -> int:
        ends = await self._consumer.end_offsets(self._partitions)
        return int(sum(ends.values()))


class EmbeddedTopicCount(TopicCount):
    def __init__(self, bus: EmbeddedBus, topic: str) -> None:
        self._count = 0
        bus.subscribe(f"bench-count-{topic}", [topic], self._seen)

    async def _seen(self, _message: InboundMessage) -> None:
        self._count += 1

    async def count(self) -> int:
        return self._count


async def until(
    condition: Callable[[], Awaitable[bool]], interval: float = 0.02, what: str = "condition"
) -> None:
    """Poll ``condition`` every ``interval`` seconds until it holds (or fail after a timeout)."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"benchmark waited {TIMEOUT_SECONDS:.0f} s for {what}")
        await asyncio.sleep(interval)
