"""One debtor's events on one topic are consumed in the order they were produced."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from debtflow_shared.catalog.debtor import DebtorUpserted
from debtflow_shared.service import ServiceRuntime
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, Recorder, eventually

DEBTORS = [f"d-{n}" for n in range(6)]
VERSIONS = 15


async def _produce_interleaved(writers: list[ServiceRuntime]) -> None:
    """Each version of each debtor commits after the previous one, from alternating writers."""
    for version in range(1, VERSIONS + 1):
        writer = writers[version % len(writers)]
        await asyncio.gather(
            *(emit_committed(writer, "t", debtor_event(debtor, version)) for debtor in DEBTORS)
        )


def _versions_by_debtor(seen: Recorder) -> dict[str, list[int]]:
    firsts: dict[str, list[int]] = defaultdict(list)
    ids: set[str] = set()
    for envelope in seen.envelopes():
        if str(envelope.id) in ids:
            continue  # a redelivered duplicate; consumers drop it through their inbox
        ids.add(str(envelope.id))
        firsts[envelope.subject].append(int(envelope.data["version"]))
    return firsts


async def test_each_debtors_events_arrive_in_commit_order(backend: Backend) -> None:
    async with (
        backend.probe(DebtorUpserted.event_type) as seen,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        await _produce_interleaved([invoice])
        await eventually(
            lambda: (
                len(_versions_by_debtor(seen)) == len(DEBTORS)
                and all(len(v) == VERSIONS for v in _versions_by_debtor(seen).values())
            ),
            within=60,
        )
    for debtor, versions in _versions_by_debtor(seen).items():
        assert versions == list(range(1, VERSIONS + 1)), debtor


async def test_order_holds_with_several_partitions_and_two_relay_replicas(
    infra: Backend,
) -> None:
    async with (
        infra.probe(DebtorUpserted.event_type) as seen,
        infra.service(INVOICE, InvoiceSettings, relay_id="relay-a") as replica_a,
        infra.service(INVOICE, InvoiceSettings, relay_id="relay-b") as replica_b,
    ):
        await eventually(
            lambda: (
                replica_a.relay.owned
                and replica_b.relay.owned
                and not (replica_a.relay.owned & replica_b.relay.owned)
            ),
            message="the two relays never shared the outbox partitions",
        )
        await _produce_interleaved([replica_a, replica_b])
        await eventually(
            lambda: all(len(_versions_by_debtor(seen).get(d, [])) == VERSIONS for d in DEBTORS),
            within=60,
        )
        assert replica_a.relay.owned | replica_b.relay.owned == set(range(8))
    partitions = {m.partition for m in seen.messages}
    assert len(partitions) > 1, "all debtors landed on one Kafka partition"
    for debtor, versions in _versions_by_debtor(seen).items():
        assert versions == list(range(1, VERSIONS + 1)), debtor
