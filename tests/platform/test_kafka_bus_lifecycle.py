"""The Kafka bus leaves nothing open when it cannot start, and keeps to its prefix."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from debtflow_shared.bus.base import InboundMessage, OutboundMessage
from debtflow_shared.bus.kafka import KafkaBus
from debtflow_shared.service import build_bus
from debtflow_shared.settings import PlatformSettings
from tests.support.harness import Backend, eventually


async def _ignore(message: InboundMessage) -> None:
    return None


async def test_a_consumer_that_fails_to_start_is_closed_with_the_bus(
    infra: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped: list[AIOKafkaConsumer] = []
    real_stop = AIOKafkaConsumer.stop

    async def refuse(self: AIOKafkaConsumer) -> None:
        raise KafkaConnectionError("group coordinator unreachable")

    async def record_stop(self: AIOKafkaConsumer) -> None:
        stopped.append(self)
        await real_stop(self)

    monkeypatch.setattr(AIOKafkaConsumer, "start", refuse)
    monkeypatch.setattr(AIOKafkaConsumer, "stop", record_stop)
    bus = infra.bus()
    bus.subscribe("lifecycle", ["debtor.upserted"], _ignore)
    with pytest.raises(KafkaConnectionError):
        await bus.start()
    assert len(stopped) == 1
    assert not await bus.is_ready()


async def test_consumer_groups_carry_the_prefix_so_deployments_sharing_a_cluster_share_none(
    infra: Backend,
) -> None:
    bus = infra.bus()
    bus.subscribe("invoice-svc", ["debtor.upserted"], _ignore)
    await bus.start()
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        groups = {group for group, _protocol in await admin.list_consumer_groups()}
    finally:
        await admin.close()
        await bus.stop()
    assert f"{infra.prefix}.invoice-svc" in groups


@pytest.mark.parametrize("codec", ["lz4", "zstd", "none"])
async def test_every_compression_setting_publishes_what_consumers_read_back(
    infra: Backend, codec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DEBTFLOW_KAFKA_COMPRESSION reaches the producer, and its codec is installed."""
    monkeypatch.setenv("DEBTFLOW_BUS", "kafka")
    monkeypatch.setenv("DEBTFLOW_KAFKA_BOOTSTRAP_SERVERS", infra.kafka_bootstrap or "")
    monkeypatch.setenv("DEBTFLOW_KAFKA_TOPIC_PREFIX", f"{infra.prefix}.")
    monkeypatch.setenv("DEBTFLOW_KAFKA_COMPRESSION", codec)
    bus = build_bus(PlatformSettings(), f"{infra.prefix}-{codec}")
    assert isinstance(bus, KafkaBus)
    got: list[InboundMessage] = []

    async def keep(message: InboundMessage) -> None:
        got.append(message)

    bus.subscribe(f"codec-{codec}", ["debtor.upserted"], keep)
    await bus.start()
    try:
        value = b'{"payload": "' + b"compressible " * 200 + b'"}'
        await bus.publish([OutboundMessage("debtor.upserted", "t/d-1", value)])
        await eventually(lambda: len(got) == 1)
    finally:
        await bus.stop()
    assert got[0].value == value
