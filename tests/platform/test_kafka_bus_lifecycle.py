"""The Kafka bus leaves nothing open when it cannot start, and keeps to its prefix."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError

from debtflow_shared.bus.base import InboundMessage
from tests.support.harness import Backend


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
