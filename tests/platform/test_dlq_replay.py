"""Dead letters listed, shown and replayed (debtflow_shared.dlq), on both backends.

On the embedded backend a replay runs the service's consumer and relay in a runtime of its
own, beside the one already running (as ``debtflow dlq replay`` runs beside
``debtflow run``); on Kafka it publishes and the running service consumes.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.bus.kafka import KafkaBus, KafkaOptions
from debtflow_shared.catalog import payload_dict
from debtflow_shared.dlq.embedded_replay import EmbeddedReplay
from debtflow_shared.dlq.embedded_store import EmbeddedDeadLetters
from debtflow_shared.dlq.kafka_reader import KafkaDeadLetters
from debtflow_shared.dlq.letter import (
    REPLAYED_FROM,
    DeadLetter,
    DeadLetterFilter,
    DeadLetterSource,
)
from debtflow_shared.dlq.replay import plan_replay, replay
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.settings import ServiceSettings
from tests.support.events import debtor_event
from tests.support.harness import T0, Backend, eventually
from tests.support.outage_service import (
    OUTAGE,
    SEEN,
    end_outage,
    start_outage,
    times_handled,
)
from tests.support.outbox import written

TOPIC = "debtor.upserted"
ON_TOPIC = DeadLetterFilter(topic=TOPIC)


def debtor_message(debtor_id: str, subject: str = "d-1") -> OutboundMessage:
    envelope = Envelope(
        type=TOPIC,
        source="test",
        subject=subject,
        time=T0,
        tenantid="t",
        correlationid="c-1",
        causationid="c-1",
        data=payload_dict(debtor_event(debtor_id)),
    )
    return OutboundMessage(TOPIC, envelope.key, envelope.to_bytes())


@dataclass
class DeadLetterTool:
    """What ``debtflow dlq`` does, pointed at one test's backend."""

    backend: Backend

    def kafka_options(self) -> KafkaOptions:
        platform = self.backend.platform()
        return KafkaOptions(
            bootstrap_servers=platform.kafka_bootstrap_servers,
            client_id=f"dlq-{uuid.uuid4().hex[:6]}",
            topic_prefix=platform.kafka_topic_prefix,
            ensure_topics=False,
        )

    @asynccontextmanager
    async def source(self) -> AsyncIterator[DeadLetterSource]:
        now = datetime.now(UTC)
        source: DeadLetterSource
        if self.backend.is_infra:
            source = KafkaDeadLetters(self.kafka_options(), now, poll_ms=200)
        else:
            source = EmbeddedDeadLetters(self.backend.tmp_path / "dead-letters.sqlite", now)
        try:
            yield source
        finally:
            await source.close()

    async def find(self, criteria: DeadLetterFilter = ON_TOPIC) -> list[DeadLetter]:
        async with self.source() as source:
            return await source.find(criteria)

    async def replay(self, criteria: DeadLetterFilter = ON_TOPIC, *, again: bool = False) -> int:
        """Replay what ``criteria`` selects (leaving out what was replayed, unless again)."""
        async with self.source() as source:
            plan = plan_replay(await source.find(criteria), again=again)
            if self.backend.is_infra:
                bus = KafkaBus(self.kafka_options())
                await bus.start()
                try:
                    return await replay(plan.to_replay, source=source, publish=bus.publish)
                finally:
                    await bus.stop()
            bus_here = EmbeddedBus(self.backend.tmp_path / "dead-letters.sqlite")
            runtime = ServiceRuntime(
                OUTAGE,
                self.backend.settings(ServiceSettings, OUTAGE.short_name),
                bus=bus_here,
                clock=self.backend.clock,
                verifier=self.backend.verifier(),
            )
            target = EmbeddedReplay(bus_here, [runtime])
            async with target:
                count = await replay(plan.to_replay, source=source, publish=target.publish)
            assert target.unpublished == 0, "the replay stopped before its outbox was drained"
            return count


async def acknowledgements(runtime: ServiceRuntime, debtor_id: str) -> int:
    return sum(1 for e in await written(runtime, OUTAGE.tables) if e.data["debtor_id"] == debtor_id)


async def test_a_dead_letter_whose_cause_is_fixed_is_replayed_and_applied_exactly_once(
    backend: Backend,
) -> None:
    tool = DeadLetterTool(backend)
    message = debtor_message("d-1")
    async with (
        backend.probe(f"{TOPIC}.dlq") as dead,
        backend.service(OUTAGE) as service,
    ):
        await start_outage(service)
        await backend.raw_publish([message])
        await eventually(lambda: len(dead.messages) == 1)

        [letter] = await tool.find()
        assert letter.reason == "handler_failed"
        assert letter.group == "outage-svc"
        assert letter.topic == TOPIC
        assert "DependencyDown" in (letter.error or "")
        assert letter.value == message.value
        assert letter.envelope() == Envelope.from_bytes(message.value)
        async with tool.source() as source:
            assert await source.get(letter.id) == letter
        assert plan_replay([letter]).to_replay == [letter]  # what a dry run prints
        assert await times_handled(service, "d-1") == 0

        await end_outage(service)
        assert await tool.replay() == 1
        await eventually(lambda: times_handled(service, "d-1"), message="replay not applied")

        # Replayed again: the embedded store skips it, unless asked, and the inbox drops it.
        if not backend.is_infra:
            [marked] = await tool.find()
            assert marked.replayed_at is not None
            assert await tool.replay() == 0
        assert await tool.replay(again=True) == 1
        # A later message on the same key is handled after the second replay's copy.
        await backend.raw_publish([debtor_message("d-1-marker", subject="d-1")])
        await eventually(lambda: times_handled(service, "d-1-marker"))

        assert await times_handled(service, "d-1") == 1
        assert await acknowledgements(service, f"d-1{SEEN}") == 1


async def test_a_dry_run_of_the_plan_changes_nothing(backend: Backend) -> None:
    tool = DeadLetterTool(backend)
    async with (
        backend.probe(f"{TOPIC}.dlq") as dead,
        backend.service(OUTAGE) as service,
    ):
        await start_outage(service)
        await backend.raw_publish([debtor_message("d-1")])
        await eventually(lambda: len(dead.messages) == 1)
        await end_outage(service)

        before = await tool.find()
        plan = plan_replay(before)
        after = await tool.find()
        assert [letter.id for letter in plan.to_replay] == [letter.id for letter in before]
        assert after == before
        assert after[0].replayed_at is None
        assert await times_handled(service, "d-1") == 0


async def test_a_malformed_message_replayed_is_dead_lettered_again_not_lost(
    backend: Backend,
) -> None:
    tool = DeadLetterTool(backend)
    not_json = OutboundMessage(TOPIC, "t:d-1", b"{not json")
    async with (
        backend.probe(f"{TOPIC}.dlq") as dead,
        backend.service(OUTAGE),
    ):
        await backend.raw_publish([not_json])
        await eventually(lambda: len(dead.messages) == 1)
        [original] = await tool.find()
        assert original.reason == "invalid"
        assert original.envelope() is None

        assert await tool.replay() == 1

        async def dead_again() -> list[DeadLetter]:
            return [
                letter
                for letter in await tool.find()
                if letter.header(REPLAYED_FROM) == original.id
            ]

        await eventually(dead_again, message="the replayed malformed message was lost")
        [again] = await dead_again()
    assert again.reason == "invalid"
    assert again.value == not_json.value
    assert again.topic == TOPIC
    assert again.id != original.id


async def test_list_filters_by_reason_and_tenant(backend: Backend) -> None:
    tool = DeadLetterTool(backend)
    async with (
        backend.probe(f"{TOPIC}.dlq") as dead,
        backend.service(OUTAGE) as service,
    ):
        await start_outage(service)
        await backend.raw_publish(
            [debtor_message("d-1"), OutboundMessage(TOPIC, "t:d-1", b"{not json")]
        )
        await eventually(lambda: len(dead.messages) == 2)

        failed = await tool.find(DeadLetterFilter(topic=f"{TOPIC}.dlq", reason="handler_failed"))
        of_tenant = await tool.find(DeadLetterFilter(tenant="t"))
        of_other = await tool.find(DeadLetterFilter(tenant="someone-else"))
        nothing_old = await tool.find(DeadLetterFilter(older_than=T0 - T0.replace(year=2000)))
    assert [letter.reason for letter in failed] == ["handler_failed"]
    assert [letter.reason for letter in of_tenant] == ["handler_failed"]
    assert of_other == []
    assert nothing_old == []
