"""``debtflow dlq`` against Kafka: read from the .dlq topics, replayed on the original topic."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer
from typer.testing import CliRunner, Result

from debtflow_cli.main import app
from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.bus.kafka import KafkaBus
from debtflow_shared.dead_letters import DeadLetterReason, dead_letter
from debtflow_shared.logging import configure_logging
from tests.support.harness import Backend, eventually


async def dlq(infra: Backend, *args: str) -> Result:
    platform = infra.platform()
    env = {
        "DEBTFLOW_BUS": "kafka",
        "DEBTFLOW_KAFKA_BOOTSTRAP_SERVERS": platform.kafka_bootstrap_servers,
        "DEBTFLOW_KAFKA_TOPIC_PREFIX": platform.kafka_topic_prefix,
        "DEBTFLOW_LOG_LEVEL": "WARNING",
        "DEBTFLOW_LOG_JSON": "false",
        "COLUMNS": "200",
    }
    # The command runs its own event loop: give it a thread of its own.
    result = await asyncio.to_thread(CliRunner().invoke, app, ["dlq", *args], env=env)
    configure_logging("WARNING", json=False)  # as tests/conftest.py left it
    assert result.exit_code == 0, result.output
    return result


async def original_topic(infra: Backend, topic: str) -> list[Any]:
    """Every message on ``topic`` so far (no group, nothing committed)."""
    consumer = AIOKafkaConsumer(
        f"{infra.prefix}.{topic}",
        bootstrap_servers=infra.kafka_bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=1000)
        return [record for records in batches.values() for record in records]
    finally:
        await consumer.stop()


async def test_a_kafka_dead_letter_is_listed_shown_and_replayed_on_its_topic_without_dlq_headers(
    infra: Backend,
) -> None:
    value = json.dumps({"not": "an envelope", "n": uuid.uuid4().hex}).encode()
    letter = dead_letter(
        topic="erp.payment",
        key="tenant-a:CUST-7",
        value=value,
        reason=DeadLetterReason.INVALID,
        error="ValidationError: id is required",
        group="invoice-svc",
        headers=(("traceparent", b"00-abc-def-01"),),
        partition=1,
        offset=5,
    )
    bus = infra.bus()
    assert isinstance(bus, KafkaBus)
    await infra.start_bus(bus)
    try:
        await bus.ensure_topics({"erp.payment", "erp.payment.dlq"})
        await bus.publish([OutboundMessage(letter.topic, letter.key, letter.value, letter.headers)])
    finally:
        await bus.stop()

    [row] = json.loads((await dlq(infra, "list", "--json", "--topic", "erp.payment")).stdout)
    assert row["reason"] == "invalid"
    assert row["id"].startswith("erp.payment.dlq:")
    shown = (await dlq(infra, "show", row["id"])).stdout
    assert "ValidationError: id is required" in shown
    assert "traceparent" in shown

    dry = await dlq(infra, "replay", "--topic", "erp.payment")
    assert "would replay 1" in dry.output
    assert await original_topic(infra, "erp.payment") == []

    await dlq(infra, "replay", "--topic", "erp.payment", "--yes")

    async def replayed() -> list[Any]:
        return await original_topic(infra, "erp.payment")

    await eventually(replayed, message="the replay never reached erp.payment")
    [record] = await replayed()
    assert record.value == value
    headers = dict(record.headers)
    assert headers["traceparent"] == b"00-abc-def-01"
    assert headers["replay.from"] == row["id"].encode()
    assert not [name for name in headers if name.startswith("dlq.")]
