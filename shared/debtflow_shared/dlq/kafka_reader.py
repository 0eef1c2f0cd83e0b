"""Kafka's dead letters: the ``<topic>.dlq`` topics, read from the beginning, never committed.

The reader joins no consumer group (``group_id=None``): it assigns itself every partition,
reads up to the end offsets of the moment it was asked, and commits nothing, so it neither
disturbs a service nor remembers what it read. Filtering happens here, in the client. A dead
letter is named ``<dlq topic>:<partition>:<offset>`` (the topic without the deployment's
prefix), which stays true for as long as the broker keeps the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from debtflow_shared.bus.kafka import KafkaOptions
from debtflow_shared.dlq.letter import DLQ_SUFFIX, DeadLetter, DeadLetterFilter
from debtflow_shared.timeouts import within


def kafka_letter_id(dlq_topic: str, partition: int, offset: int) -> str:
    return f"{dlq_topic}:{partition}:{offset}"


def parse_kafka_letter_id(letter_id: str) -> tuple[str, int, int] | None:
    topic, _, rest = letter_id.partition(":")
    partition, _, offset = rest.partition(":")
    if not topic.endswith(DLQ_SUFFIX) or not partition.isdigit() or not offset.isdigit():
        return None
    return topic, int(partition), int(offset)


class KafkaDeadLetters:
    """List and get the dead letters of one deployment (its topic prefix) on a cluster."""

    def __init__(self, options: KafkaOptions, now: datetime, poll_ms: int = 500) -> None:
        self._options = options
        self._now = now
        self._poll_ms = poll_ms
        # `show` gives up on a message the broker does not hand back within this many polls.
        self._fetch_attempts = max(1, int(options.operation_timeout_seconds * 1000 / poll_ms))

    def _physical(self, topic: str) -> str:
        return f"{self._options.topic_prefix}{topic}"

    def _logical(self, topic: str) -> str:
        return topic.removeprefix(self._options.topic_prefix)

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self._options.bootstrap_servers,
            client_id=f"{self._options.client_id}-dlq-reader",
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )

    async def find(self, criteria: DeadLetterFilter) -> list[DeadLetter]:
        only = criteria.dlq_topic()
        partitions = await self._dlq_partitions(None if only is None else self._physical(only))
        if not partitions:
            return []
        consumer = self._consumer()
        await within(self._options.operation_timeout_seconds, consumer.start())
        try:
            letters = await self._read_to_end(consumer, partitions)
        finally:
            await consumer.stop()
        letters.sort(key=lambda letter: (letter.stored_at or self._now, letter.id))
        return [letter for letter in letters if criteria.matches(letter, self._now)]

    async def get(self, letter_id: str) -> DeadLetter | None:
        parsed = parse_kafka_letter_id(letter_id)
        if parsed is None:
            return None
        topic, partition, offset = parsed
        tp = TopicPartition(self._physical(topic), partition)
        if tp not in await self._dlq_partitions(tp.topic):
            return None
        consumer = self._consumer()
        await within(self._options.operation_timeout_seconds, consumer.start())
        try:
            consumer.assign([tp])
            end = (await consumer.end_offsets([tp]))[tp]
            start = (await consumer.beginning_offsets([tp]))[tp]
            if not start <= offset < end:
                return None
            consumer.seek(tp, offset)
            for _attempt in range(self._fetch_attempts):
                batch = await consumer.getmany(tp, timeout_ms=self._poll_ms, max_records=1)
                for record in batch.get(tp, ()):
                    return self._letter(record) if record.offset == offset else None
            return None
        finally:
            await consumer.stop()

    async def mark_replayed(self, letter: DeadLetter, at: datetime) -> None:
        return None  # a topic is append-only; the consumers' inboxes make a replay idempotent

    async def close(self) -> None:
        return None

    async def _dlq_partitions(self, only: str | None) -> list[TopicPartition]:
        """Every partition of this deployment's ``.dlq`` topics (or of ``only``)."""
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._options.bootstrap_servers,
            client_id=f"{self._options.client_id}-dlq-admin",
        )
        await within(self._options.operation_timeout_seconds, admin.start())
        try:
            prefix = self._options.topic_prefix
            topics = sorted(
                topic
                for topic in await admin.list_topics()
                if topic.startswith(prefix)
                and topic.endswith(DLQ_SUFFIX)
                and (only is None or topic == only)
            )
            described = await admin.describe_topics(topics) if topics else []
        finally:
            await admin.close()
        return [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            for partition in sorted(topic["partitions"], key=lambda p: int(p["partition"]))
        ]

    async def _read_to_end(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> list[DeadLetter]:
        consumer.assign(list(partitions))
        end = await consumer.end_offsets(list(partitions))
        remaining = {tp for tp in partitions if end[tp] > 0}
        if remaining:
            await consumer.seek_to_beginning(*remaining)
        letters: list[DeadLetter] = []
        while remaining:
            # Done with a partition once its position reached the end of the moment we began
            # (retention may have removed its start, so the position, not a count, decides).
            for tp in list(remaining):
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
            if not remaining:
                break
            batches = await consumer.getmany(*remaining, timeout_ms=self._poll_ms)
            for tp, records in batches.items():
                letters.extend(self._letter(r) for r in records if r.offset < end[tp])
        return letters

    def _letter(self, record: Any) -> DeadLetter:
        topic = self._logical(record.topic)
        return DeadLetter(
            id=kafka_letter_id(topic, record.partition, record.offset),
            dlq_topic=topic,
            key=record.key.decode(errors="replace") if record.key is not None else "",
            value=record.value or b"",
            headers=tuple(record.headers or ()),
            stored_at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
        )
