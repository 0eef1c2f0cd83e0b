"""A partition's ready messages are applied in one transaction, and still exactly once each.

Messages of one test share a key (``t:batch``), so on Kafka they land on one partition and
are fetched together; on the embedded bus one ``publish`` call is one batch.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError
from sqlalchemy import insert, select

from debtflow_shared import inbox
from debtflow_shared.bus.base import InboundMessage, OutboundMessage
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.catalog import payload_dict
from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.batch_probe_service import (
    BATCH_PROBE,
    SET_PROBE,
    applications,
    platform,
    set_call_sizes,
    times_applied,
)
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import T0, Backend, eventually

KEY = "t:batch"
TOPIC = DebtorUpserted.event_type


def _envelope(debtor_id: str, *, name: str = "Acme Ltd", version: int = 1) -> Envelope:
    return Envelope(
        type=TOPIC,
        source="test",
        subject=debtor_id,
        time=T0,
        tenantid="t",
        correlationid=f"corr-{debtor_id}",
        causationid=f"corr-{debtor_id}",
        data=payload_dict(debtor_event(debtor_id, version, name=name)),
    )


def _message(debtor_id: str, *, name: str = "Acme Ltd") -> OutboundMessage:
    return OutboundMessage(TOPIC, KEY, _envelope(debtor_id, name=name).to_bytes())


@contextlib.asynccontextmanager
async def _every_delivery(backend: Backend, topic: str) -> AsyncIterator[list[InboundMessage]]:
    """Every message on ``topic``, copies included (the harness's probe drops copies)."""
    seen: list[InboundMessage] = []

    async def keep(message: InboundMessage) -> None:
        seen.append(message)

    bus = backend.bus()
    bus.subscribe(f"all-{uuid.uuid4().hex[:6]}", [topic], keep)
    await backend.start_bus(bus)
    try:
        yield seen
    finally:
        if not isinstance(bus, EmbeddedBus):
            await bus.stop()


async def _all_applied_once(runtime: ServiceRuntime, debtor_ids: Sequence[str]) -> bool:
    return all([await times_applied(runtime, d) == 1 for d in debtor_ids])


def _consumed(runtime: ServiceRuntime, outcome: str) -> float:
    labels = {"service": runtime.definition.name, "group": runtime.definition.name}
    value = runtime.metrics.registry.get_sample_value(
        "debtflow_events_consumed_total", labels | {"topic": TOPIC, "outcome": outcome}
    )
    return value or 0.0


async def test_a_batch_with_a_malformed_and_an_always_failing_message_applies_the_rest_once(
    backend: Backend,
) -> None:
    good = [f"g-{n}" for n in range(6)]
    not_json = OutboundMessage(TOPIC, KEY, b"{not json")
    fails = _message("bad", name="FAIL")
    batch = [_message(d) for d in good[:2]] + [not_json, _message(good[2]), fails]
    batch += [_message(d) for d in good[3:]]  # behind the failure, with its key
    later_bad = OutboundMessage(TOPIC, KEY, b"marker, not json either")

    async with (
        _every_delivery(backend, f"{TOPIC}.dlq") as dead,
        backend.service(BATCH_PROBE) as probe,
    ):
        await backend.raw_publish(batch)
        await eventually(lambda: _all_applied_once(probe, good), within=30)
        await backend.raw_publish([_message("later"), later_bad])
        await eventually(lambda: times_applied(probe, "later"), within=30)
        await eventually(lambda: any(m.value == later_bad.value for m in dead), within=30)

        for debtor_id in [*good, "later"]:
            assert await times_applied(probe, debtor_id) == 1, debtor_id
        assert await times_applied(probe, "bad") == 0
    values = [m.value for m in dead]
    assert sorted(values) == sorted([not_json.value, fails.value, later_bad.value])
    reasons = {m.value: m.header("dlq.reason") for m in dead}
    assert reasons[not_json.value] == b"invalid"
    assert reasons[fails.value] == b"handler_failed"
    assert b"AlwaysFails" in (
        next(m for m in dead if m.value == fails.value).header("dlq.error") or b""
    )


async def test_a_batch_whose_transaction_fails_is_applied_one_by_one_and_dead_letters_once(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_release = inbox.release_many
    failures = iter([RuntimeError("deadlock detected (simulated)")])

    async def release_failing_once(*args: Any) -> None:
        if (error := next(failures, None)) is not None:
            raise error
        await real_release(*args)

    monkeypatch.setattr(inbox, "release_many", release_failing_once)
    not_json = OutboundMessage(TOPIC, KEY, b"{not json")
    good = ["w-1", "w-2", "w-3"]
    async with (
        _every_delivery(backend, f"{TOPIC}.dlq") as dead,
        backend.service(BATCH_PROBE) as probe,
    ):
        await backend.raw_publish([_message("w-1"), not_json, _message("w-2"), _message("w-3")])
        await eventually(lambda: _all_applied_once(probe, good), within=30)
        marker = OutboundMessage(TOPIC, KEY, b"marker")
        await backend.raw_publish([marker])
        await eventually(lambda: any(m.value == b"marker" for m in dead), within=30)
        for debtor_id in good:
            assert await times_applied(probe, debtor_id) == 1
    assert next(failures, None) is None, "the batch transaction never failed"
    assert [m.value for m in dead].count(not_json.value) == 1


async def test_a_batch_committed_before_its_offsets_is_applied_once_after_a_restart(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    debtors = [f"c-{n}" for n in range(5)]
    batch = [_message(d) for d in debtors]
    if backend.is_infra:
        # The process "dies" between the batch's commit and its offsets' commit: no offset of
        # this consumer's first life is ever committed.
        async def commit_lost(self: AIOKafkaConsumer, offsets: Any = None) -> None:
            raise KafkaError("offset commit lost (simulated crash)")

        monkeypatch.setattr(AIOKafkaConsumer, "commit", commit_lost)

    async with backend.service(BATCH_PROBE) as first_life:
        await backend.raw_publish(batch)
        await eventually(lambda: _all_applied_once(first_life, debtors), within=30)
    monkeypatch.undo()

    async with backend.service(BATCH_PROBE) as second_life:
        if not backend.is_infra:
            await backend.raw_publish(batch)  # what a relay that died before marking would do
        await backend.raw_publish([_message("c-marker")])
        await eventually(lambda: times_applied(second_life, "c-marker"), within=45)
        # The batch came again (no offset was committed), and the inbox dropped every copy.
        assert _consumed(second_life, "duplicate") == len(debtors)
        for debtor_id in debtors:
            assert await times_applied(second_life, debtor_id) == 1


DEBTORS = [f"o-{n}" for n in range(6)]
VERSIONS = 15


async def _emit_versions(invoice: ServiceRuntime, versions: range) -> None:
    for version in versions:  # each version commits after the previous one
        await emit_committed(invoice, "t", *(debtor_event(d, version) for d in DEBTORS))


async def test_each_debtors_order_holds_under_batching_with_two_replicas_and_a_rebalance(
    backend: Backend,
) -> None:
    async with (
        backend.service(INVOICE, InvoiceSettings) as invoice,
        backend.service(BATCH_PROBE) as first,
    ):
        await _emit_versions(invoice, range(1, 6))
        async with backend.service(BATCH_PROBE):  # joins the group: a rebalance
            await _emit_versions(invoice, range(6, 11))
        # it leaves the group at the end of the block: another rebalance
        await _emit_versions(invoice, range(11, VERSIONS + 1))

        async def all_applied() -> bool:
            return len(await applications(first)) >= len(DEBTORS) * VERSIONS

        await eventually(all_applied, within=90, message="events were lost in the rebalances")
        applied = await applications(first)
    assert len(applied) == len(DEBTORS) * VERSIONS, "an event was applied twice"
    for debtor in DEBTORS:
        versions = [version for d, version in applied if d == debtor]
        assert versions == list(range(1, VERSIONS + 1)), debtor


async def test_events_emitted_for_each_message_of_a_batch_carry_that_messages_ids(
    backend: Backend,
) -> None:
    sources = [_envelope(f"e-{n}", name="EMIT") for n in range(4)]
    async with (
        backend.probe("credit_hold.requested") as emitted,
        backend.service(BATCH_PROBE) as probe,
    ):
        await backend.raw_publish([OutboundMessage(TOPIC, KEY, s.to_bytes()) for s in sources])
        await eventually(lambda: len(emitted.messages) == 2 * len(sources), within=30)
        assert await _all_applied_once(probe, [s.subject for s in sources])
    by_debtor = {s.subject: s for s in sources}
    kinds = set()
    for envelope in emitted.envelopes():
        source = by_debtor[str(envelope.data["debtor_id"])]
        kinds.add(str(envelope.data["request_id"]).split("/")[1])
        assert envelope.correlationid == source.correlationid, envelope.data
        assert envelope.causationid == str(source.id), envelope.data
    assert kinds == {"tracked", "emitted"}


async def test_a_batch_handler_takes_the_fresh_events_and_falls_back_to_one_by_one(
    embedded: Backend,
) -> None:
    first = [_message(f"s-{n}") for n in range(3)]
    async with embedded.service(SET_PROBE) as probe:
        await embedded.raw_publish(first)
        await eventually(lambda: _all_applied_once(probe, ["s-0", "s-1", "s-2"]))
        assert await set_call_sizes(probe) == [3]

        # The copy of s-0 is not fresh; SETFAIL makes the set refuse, so each goes alone.
        second = [first[0], _message("s-3"), _message("s-4", name="SETFAIL"), _message("s-5")]
        await embedded.raw_publish(second)
        await eventually(lambda: _all_applied_once(probe, ["s-3", "s-4", "s-5"]))
        assert await set_call_sizes(probe) == [3]  # the refused call was undone with its savepoint
        assert await times_applied(probe, "s-0") == 1

        await embedded.raw_publish([first[1], _message("s-6"), _message("s-7")])
        await eventually(lambda: _all_applied_once(probe, ["s-6", "s-7"]))
        assert await set_call_sizes(probe) == [3, 2]  # the copy of s-1 was not handed to it
        assert await times_applied(probe, "s-1") == 1


async def test_a_sqlite_batch_past_its_time_bound_commits_and_goes_on_in_a_new_transaction(
    embedded: Backend,
) -> None:
    debtors = [f"b-{n}" for n in range(20)]
    async with embedded.service(BATCH_PROBE, consumer_batch_seconds_sqlite=1e-9) as probe:
        await embedded.raw_publish([_message(d) for d in debtors])
        await eventually(lambda: _all_applied_once(probe, debtors))
        assert [d for d, _ in await applications(probe)] == debtors


async def _inbox_ids(runtime: ServiceRuntime) -> set[str]:
    async with runtime.engine.connect() as connection:
        return set(await connection.scalars(select(platform.inbox.c.event_id)))


async def _claimed_at(runtime: ServiceRuntime, ages: dict[str, timedelta]) -> None:
    now = datetime.now(UTC)
    async with runtime.engine.begin() as connection:
        await connection.execute(
            insert(platform.inbox),
            [
                {"consumer": "c", "event_id": i, "topic": TOPIC, "processed_at": now - age}
                for i, age in ages.items()
            ],
        )


async def test_inbox_pruning_removes_only_ids_older_than_the_retention(backend: Backend) -> None:
    async with backend.service(BATCH_PROBE, relay=False) as probe:
        await _claimed_at(
            probe,
            {
                "old-1": timedelta(days=30),
                "old-2": timedelta(days=15),
                "old-3": timedelta(days=14, minutes=1),
                "recent": timedelta(days=13, hours=23),
                "new": timedelta(0),
            },
        )
        cutoff = datetime.now(UTC) - timedelta(days=14)
        deleted = await inbox.prune(probe.engine, platform, cutoff, batch_size=2)
        assert deleted == 3
        assert await _inbox_ids(probe) == {"recent", "new"}


async def test_a_running_service_prunes_its_inbox(backend: Backend) -> None:
    async with backend.service(BATCH_PROBE, inbox_retention_days=1) as probe:
        await _claimed_at(probe, {"stale": timedelta(days=2), "kept": timedelta(hours=1)})
        backend.clock.advance(timedelta(seconds=1))  # wakes the periodic work at once

        async def pruned() -> bool:
            return await _inbox_ids(probe) == {"kept"}

        await eventually(pruned, within=30)
