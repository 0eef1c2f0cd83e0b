"""The Apache Kafka bus (aiokafka).

Producer: idempotent, ``acks=all``, so a publish that returns is on every in-sync replica
and a key's messages keep their order; it batches per partition (``linger_ms``,
``max_batch_bytes``) and compresses (``compression``, lz4 by default through ``cramjam``).
Consumers: no auto-commit; a message's offset is committed only after its handler has
committed its effects (or dead-lettered it). Partitions are handled concurrently, each
partition strictly in order.

A handler that takes batches (:class:`~debtflow_shared.bus.base.BatchConsumer`) is handed
each partition's records of one ``getmany`` (up to its ``max_messages`` per assigned
partition) as one batch; the partition's offset is committed once the
batch handler returns, i.e. after the batch's transaction committed. A crash between the
two redelivers the batch, whose effects the inbox already holds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from debtflow_shared.bus.base import (
    BatchConsumer,
    BatchLimits,
    ConsumerStopping,
    InboundMessage,
    MessageHandler,
    OutboundMessage,
    dead_letter_topic,
)
from debtflow_shared.logging import get_logger
from debtflow_shared.timeouts import within

log = get_logger(__name__)


@dataclass(frozen=True)
class KafkaOptions:
    bootstrap_servers: str
    client_id: str
    topic_prefix: str = ""
    topic_partitions: int = 6
    ensure_topics: bool = True
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 1_000
    max_poll_records: int = 200
    # Producer batching: wait up to linger_ms for a batch to fill, up to max_batch_bytes per
    # partition, compressed (lz4 by default: cheap on CPU, ~3x smaller envelopes on the wire).
    linger_ms: int = 5
    max_batch_bytes: int = 512 * 1024
    compression: str | None = "lz4"
    retry_backoff_seconds: float = 1.0
    # No broker call may hang start-up or shutdown forever.
    operation_timeout_seconds: float = 30.0


@dataclass
class _Subscription:
    group: str
    topics: tuple[str, ...]
    handler: MessageHandler
    consumer: AIOKafkaConsumer | None = None
    task: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class KafkaBus:
    def __init__(self, options: KafkaOptions) -> None:
        self._options = options
        self._producer: AIOKafkaProducer | None = None
        self._subscriptions: list[_Subscription] = []
        self._stopping = asyncio.Event()

    # -- naming ---------------------------------------------------------------------------
    def physical(self, topic: str) -> str:
        return f"{self._options.topic_prefix}{topic}"

    def group_id(self, group: str) -> str:
        """The consumer group on the broker: prefixed too, so deployments sharing a cluster
        never share (and split the partitions of) a group."""
        return f"{self._options.topic_prefix}{group}"

    def logical(self, topic: str) -> str:
        prefix = self._options.topic_prefix
        return topic[len(prefix) :] if prefix and topic.startswith(prefix) else topic

    # -- life cycle -----------------------------------------------------------------------
    def subscribe(self, group: str, topics: Sequence[str], handler: MessageHandler) -> None:
        self._subscriptions.append(_Subscription(group, tuple(topics), handler))

    def unsubscribe(self, handler: MessageHandler) -> None:
        # Nothing to do before stop(): a Kafka bus serves one service, and its stop() (which
        # the service's owner calls next) lets the message in hand finish and leaves the group.
        return None

    async def start(self) -> None:
        """Connect; on failure leave nothing half-started, so the caller can retry."""
        self._stopping.clear()
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        if self._options.ensure_topics:
            topics = {t for s in self._subscriptions for t in s.topics}
            dead_letters = {dead_letter_topic(t) for t in topics if not t.endswith(".dlq")}
            await self.ensure_topics(topics | dead_letters)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._options.bootstrap_servers,
            client_id=f"{self._options.client_id}-producer",
            enable_idempotence=True,
            acks="all",
            linger_ms=self._options.linger_ms,
            max_batch_size=self._options.max_batch_bytes,
            compression_type=self._options.compression,
        )
        await within(self._options.operation_timeout_seconds, self._producer.start())
        for subscription in self._subscriptions:
            await self._start_consumer(subscription)

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Finish the message in hand, commit, leave the group; cancel only past the grace."""
        self._stopping.set()
        for subscription in self._subscriptions:
            if subscription.task is not None:
                done, _ = await asyncio.wait({subscription.task}, timeout=grace_seconds)
                if not done:
                    subscription.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await subscription.task
            subscription.task = None
            if subscription.consumer is not None:
                await self._bounded("consumer stop", subscription.consumer.stop())
                subscription.consumer = None
        if self._producer is not None:
            await self._bounded("producer stop", self._producer.stop())
            self._producer = None

    async def _bounded(self, what: str, operation: Awaitable[None]) -> None:
        try:
            await within(self._options.operation_timeout_seconds, operation)
        except Exception:
            log.exception("kafka shutdown step failed; going on", step=what)

    async def is_ready(self) -> bool:
        if self._producer is None:
            return False
        try:
            await within(3, self._producer.client.fetch_all_metadata())
        except (KafkaError, TimeoutError, OSError):
            return False
        return True

    async def ensure_topics(self, topics: set[str]) -> None:
        """Create missing topics (and their ``.dlq``) with the configured partition count."""
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._options.bootstrap_servers,
            client_id=f"{self._options.client_id}-admin",
        )
        await within(self._options.operation_timeout_seconds, admin.start())
        try:
            existing = set(await admin.list_topics())
            missing = [
                NewTopic(self.physical(t), self._options.topic_partitions, 1)
                for t in sorted(topics)
                if self.physical(t) not in existing
            ]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await within(
                        self._options.operation_timeout_seconds, admin.create_topics(missing)
                    )
        finally:
            await admin.close()

    # -- publishing -----------------------------------------------------------------------
    async def publish(self, messages: Sequence[OutboundMessage]) -> None:
        if self._producer is None:
            raise RuntimeError("the Kafka bus is not started")
        # Queue every message first (the producer batches them), then wait for all acks.
        pending = [
            await self._producer.send(
                self.physical(message.topic),
                value=message.value,
                key=message.key.encode(),
                headers=list(message.headers),
            )
            for message in messages
        ]
        if pending:
            await asyncio.gather(*pending)

    # -- consuming ------------------------------------------------------------------------
    async def _start_consumer(self, subscription: _Subscription) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._options.bootstrap_servers,
            client_id=f"{self._options.client_id}-{subscription.group}",
            group_id=self.group_id(subscription.group),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self._options.session_timeout_ms,
            heartbeat_interval_ms=self._options.heartbeat_interval_ms,
            max_poll_records=self._batch_limits(subscription).max_messages,
        )
        consumer.subscribe(
            [self.physical(t) for t in subscription.topics],
            listener=_DrainOnRevoke(subscription),
        )
        try:
            await within(self._options.operation_timeout_seconds, consumer.start())
        except BaseException:
            # Not yet the subscription's, so stop() would not close it: close it here.
            await self._bounded("consumer stop", consumer.stop())
            raise
        subscription.consumer = consumer
        subscription.task = asyncio.create_task(
            self._consume(subscription), name=f"kafka-consume-{subscription.group}"
        )

    def _batch_limits(self, subscription: _Subscription) -> BatchLimits:
        """A batch handler's own limits; one-by-one handlers keep the options' poll size."""
        if isinstance(subscription.handler, BatchConsumer):
            return subscription.handler.batch_limits
        return BatchLimits(self._options.max_poll_records, wait_ms=500)

    async def _consume(self, subscription: _Subscription) -> None:
        consumer = subscription.consumer
        assert consumer is not None
        limits = self._batch_limits(subscription)
        while not self._stopping.is_set():
            try:
                # max_records bounds the whole poll: allow each assigned partition a full
                # batch, or a busy partition's batches shrink with the partition count.
                partitions = max(1, len(consumer.assignment()))
                batches = await consumer.getmany(
                    timeout_ms=limits.wait_ms, max_records=limits.max_messages * partitions
                )
                if not batches:
                    continue
                # The lock lets a rebalance wait until in-flight messages are committed.
                async with subscription.lock:
                    await asyncio.gather(
                        *(
                            self._consume_partition(subscription, tp, records)
                            for tp, records in batches.items()
                        )
                    )
            except asyncio.CancelledError:
                raise
            except Exception:  # keep consuming: one bad poll must not stop the group
                log.exception("kafka consume loop failed", group=subscription.group)
                await asyncio.sleep(self._options.retry_backoff_seconds)

    async def _consume_partition(
        self, subscription: _Subscription, tp: TopicPartition, records: list[Any]
    ) -> None:
        if isinstance(subscription.handler, BatchConsumer):
            await self._consume_partition_batch(subscription.handler, subscription, tp, records)
        else:
            await self._consume_partition_one_by_one(subscription, tp, records)

    async def _consume_partition_batch(
        self,
        handler: BatchConsumer,
        subscription: _Subscription,
        tp: TopicPartition,
        records: list[Any],
    ) -> None:
        consumer = subscription.consumer
        assert consumer is not None
        if self._stopping.is_set() or tp not in consumer.assignment():
            return  # the next owner (or life) resumes from the last commit
        messages = [_inbound(record, self.logical(record.topic)) for record in records]
        try:
            await handler.handle_batch(messages)
        except asyncio.CancelledError:
            raise
        except ConsumerStopping:
            # Stopping: what is not done stays uncommitted, for the next owner (or life).
            log.debug("batch left to redelivery: stopping", group=subscription.group)
            return
        except Exception:
            # Not handled (e.g. the service is stopping): come back to the batch after a
            # pause; what of it was committed is dropped by the inbox then.
            log.exception(
                "batch left unhandled; will retry",
                group=subscription.group,
                topic=messages[0].topic,
                partition=tp.partition,
                offset=messages[0].offset,
            )
            consumer.seek(tp, messages[0].offset)
            await asyncio.sleep(self._options.retry_backoff_seconds)
            return
        try:
            await consumer.commit({tp: messages[-1].offset + 1})
        except asyncio.CancelledError:
            raise
        except Exception:
            # The effects are durable; a later commit covers these offsets, and a new owner
            # that redelivers them finds every id in the inbox.
            log.exception(
                "offset commit failed after the batch committed",
                group=subscription.group,
                partition=tp.partition,
                offset=messages[-1].offset,
            )

    async def _consume_partition_one_by_one(
        self, subscription: _Subscription, tp: TopicPartition, records: list[Any]
    ) -> None:
        consumer = subscription.consumer
        assert consumer is not None
        last_done: int | None = None
        for record in records:
            if self._stopping.is_set():
                break  # shutting down: commit what is done, leave the rest to the next owner
            if tp not in consumer.assignment():
                break  # revoked meanwhile: the new owner resumes from the last commit
            message = _inbound(record, self.logical(record.topic))
            try:
                await subscription.handler(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Not handled: come back to this message after a pause.
                log.exception(
                    "message left unhandled; will retry",
                    group=subscription.group,
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                )
                consumer.seek(tp, message.offset)
                await asyncio.sleep(self._options.retry_backoff_seconds)
                break
            last_done = message.offset
        if last_done is not None:
            # One commit per partition batch; a crash before it only redelivers messages
            # whose effects the inbox already holds.
            await consumer.commit({tp: last_done + 1})


def _inbound(record: Any, topic: str) -> InboundMessage:
    return InboundMessage(
        topic=topic,
        key=record.key.decode() if record.key is not None else None,
        value=record.value or b"",
        headers=tuple(record.headers or ()),
        partition=record.partition,
        offset=record.offset,
    )


class _DrainOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Wait for in-flight messages and batches (and their offset commits) before giving
    partitions up."""

    def __init__(self, subscription: _Subscription) -> None:
        self._subscription = subscription

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self._subscription.lock:
            pass

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        return None
