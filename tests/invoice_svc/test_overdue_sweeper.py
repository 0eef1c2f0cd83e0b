"""The overdue sweeper: due-soon and overdue announced once per transition, in the debtor's
time zone, safe with two replicas, across failed transactions and after downtime."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.tables import debtors, invoices, platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.domain.due_dates import due_soon_at, overdue_at
from invoice_svc.service_layer import overdue_sweeper
from invoice_svc.service_layer.overdue_sweeper import SweepResult, sweep_once
from invoice_svc.settings import InvoiceSettings
from tests.support.harness import T0, Backend, Recorder, eventually

OVERDUE, DUE_SOON = "invoice.overdue", "invoice.due_soon"
TENANT = "tenant-a"
# The relay runs, the background sweeper does not: these tests sweep by hand and count.
HAND_SWEPT = dataclasses.replace(INVOICE, background=())


async def add_debtor(runtime: ServiceRuntime, time_zone: str = "Europe/London") -> str:
    debtor_id = str(uuid.uuid4())
    async with runtime.engine.begin() as connection:
        await connection.execute(
            insert(debtors).values(
                id=debtor_id,
                tenant_id=TENANT,
                name=f"Debtor in {time_zone}",
                country="GB",
                currency="GBP",
                language="en",
                time_zone=time_zone,
                contacts="[]",
                tags="[]",
                credit_policy="{}",
                version=1,
                created_at=T0,
                updated_at=T0,
            )
        )
    return debtor_id


async def add_invoices(
    runtime: ServiceRuntime,
    debtor_id: str,
    due: date | list[date],
    *,
    time_zone: str = "Europe/London",
    status: str = "open",
    **columns: Any,
) -> list[str]:
    dues = due if isinstance(due, list) else [due]
    rows = [
        {
            "id": str(uuid.uuid4()),
            "tenant_id": TENANT,
            "debtor_id": debtor_id,
            "erp_id": None,
            "number": f"INV-{uuid.uuid4().hex[:8]}",
            "currency": "GBP",
            "issue_date": due_date - timedelta(days=30),
            "due_date": due_date,
            "amount_minor": 100_00,
            "principal_open_minor": 100_00 if status != "paid" else 0,
            "charges_open_minor": 0,
            "status": status,
            "version": 1,
            "overdue_at": overdue_at(due_date, time_zone),
            "due_soon_at": due_soon_at(due_date, time_zone),
            "created_at": T0,
            "updated_at": T0,
        }
        | columns
        for due_date in dues
    ]
    async with runtime.engine.begin() as connection:
        await connection.execute(insert(invoices), rows)
    return [row["id"] for row in rows]


async def written(runtime: ServiceRuntime, event_type: str) -> list[Envelope]:
    """What the sweeps wrote to the outbox: the source of truth for "exactly once"."""
    async with runtime.engine.connect() as connection:
        values = await connection.scalars(
            select(platform.outbox.c.value)
            .where(platform.outbox.c.topic == event_type)
            .order_by(platform.outbox.c.id)
        )
        return [Envelope.from_bytes(value) for value in values]


def invoice_ids(envelopes: list[Envelope]) -> Counter[str]:
    return Counter(envelope.data["invoice"]["invoice_id"] for envelope in envelopes)


async def published(seen: Recorder, event_type: str, expected: set[str]) -> None:
    """Wait until the probe saw ``expected`` (and nothing else) on ``event_type``."""

    def seen_ids() -> set[str]:
        return set(invoice_ids([e for e in seen.envelopes() if e.type == event_type]))

    await eventually(lambda: seen_ids() >= expected, message=f"{event_type} not published")
    assert seen_ids() == expected


def day(offset: int) -> date:
    return T0.date() + timedelta(days=offset)


async def test_overdue_invoice_is_announced_exactly_once_across_repeated_sweeps(
    backend: Backend,
) -> None:
    async with (
        backend.probe(OVERDUE) as seen,
        backend.service(HAND_SWEPT, InvoiceSettings) as invoice,
    ):
        debtor = await add_debtor(invoice)
        ids = await add_invoices(invoice, debtor, [day(-10), day(-3), day(-1)])

        assert (await sweep_once(invoice)).overdue == 3
        assert await sweep_once(invoice) == SweepResult()
        backend.clock.advance(timedelta(days=1))
        assert await sweep_once(invoice) == SweepResult()

        events = await written(invoice, OVERDUE)
        assert invoice_ids(events) == Counter(ids)
        assert {e.data["overdue_since"] for e in events} == {
            str(d + timedelta(days=1)) for d in (day(-10), day(-3), day(-1))
        }
        assert {e.data["invoice"]["status"] for e in events} == {"open"}
        assert {e.subject for e in events} == {debtor}
        await published(seen, OVERDUE, set(ids))


async def test_debtor_time_zone_decides_when_the_same_due_date_is_overdue(
    backend: Backend,
) -> None:
    due = date(2026, 3, 2)  # T0 is 2026-03-02 09:00 UTC
    async with backend.service(HAND_SWEPT, InvoiceSettings) as invoice:
        auckland = await add_debtor(invoice, "Pacific/Auckland")
        los_angeles = await add_debtor(invoice, "America/Los_Angeles")
        [in_auckland] = await add_invoices(invoice, auckland, due, time_zone="Pacific/Auckland")
        [in_la] = await add_invoices(invoice, los_angeles, due, time_zone="America/Los_Angeles")

        # 12:00 UTC: already 3 March 01:00 in Auckland, still 2 March 04:00 in Los Angeles.
        backend.clock.set(datetime.fromisoformat("2026-03-02T12:00:00+00:00"))
        assert await sweep_once(invoice) == SweepResult(due_soon=1, overdue=1)
        assert set(invoice_ids(await written(invoice, OVERDUE))) == {in_auckland}
        [due_soon] = await written(invoice, DUE_SOON)
        assert due_soon.data["invoice"]["invoice_id"] == in_la
        assert due_soon.data["days_until_due"] == 0  # it is due today, in Los Angeles

        # Midnight in Los Angeles (08:00 UTC on 3 March) makes it overdue there too.
        backend.clock.set(datetime.fromisoformat("2026-03-03T08:00:00+00:00"))
        assert await sweep_once(invoice) == SweepResult(overdue=1)
        assert invoice_ids(await written(invoice, OVERDUE)) == Counter([in_auckland, in_la])


async def test_due_soon_is_announced_before_overdue(backend: Backend) -> None:
    async with (
        backend.probe(OVERDUE, DUE_SOON) as seen,
        backend.service(HAND_SWEPT, InvoiceSettings) as invoice,
    ):
        debtor = await add_debtor(invoice)
        ids = await add_invoices(invoice, debtor, day(5))

        assert await sweep_once(invoice) == SweepResult()  # five days ahead: too early
        backend.clock.advance(timedelta(days=2))
        assert await sweep_once(invoice) == SweepResult(due_soon=1)
        backend.clock.advance(timedelta(days=4))
        assert await sweep_once(invoice) == SweepResult(overdue=1)

        [due_soon], [overdue] = await written(invoice, DUE_SOON), await written(invoice, OVERDUE)
        assert due_soon.data["days_until_due"] == 3
        assert due_soon.time < overdue.time
        await published(seen, DUE_SOON, set(ids))
        await published(seen, OVERDUE, set(ids))


async def test_invoice_first_seen_already_overdue_gets_no_due_soon(backend: Backend) -> None:
    async with backend.service(HAND_SWEPT, InvoiceSettings) as invoice:
        debtor = await add_debtor(invoice)
        [overdue_id] = await add_invoices(invoice, debtor, day(-1))

        assert await sweep_once(invoice) == SweepResult(overdue=1)
        assert await written(invoice, DUE_SOON) == []
        async with invoice.engine.connect() as connection:
            flags = (
                await connection.execute(
                    select(invoices.c.due_soon_announced, invoices.c.overdue_announced).where(
                        invoices.c.id == overdue_id
                    )
                )
            ).one()
        assert tuple(flags) == (True, True)  # marked, so no later sweep sends it either


async def test_paid_disputed_cancelled_and_written_off_invoices_are_never_announced(
    backend: Backend,
) -> None:
    async with backend.service(HAND_SWEPT, InvoiceSettings) as invoice:
        debtor = await add_debtor(invoice)
        for status in ("paid", "disputed", "cancelled", "written_off"):
            await add_invoices(invoice, debtor, [day(-5), day(2)], status=status)
        partly_paid = await add_invoices(invoice, debtor, day(-5), status="partially_paid")

        assert await sweep_once(invoice) == SweepResult(overdue=1)
        backend.clock.advance(timedelta(days=30))
        assert await sweep_once(invoice) == SweepResult()
        assert invoice_ids(await written(invoice, OVERDUE)) == Counter(partly_paid)
        assert await written(invoice, DUE_SOON) == []


async def test_invoice_reopened_after_payment_is_announced_overdue_again(
    backend: Backend,
) -> None:
    async with (
        backend.probe(OVERDUE) as seen,
        backend.service(HAND_SWEPT, InvoiceSettings) as invoice,
    ):
        debtor = await add_debtor(invoice)
        [reopened] = await add_invoices(invoice, debtor, day(-3))
        assert await sweep_once(invoice) == SweepResult(overdue=1)

        # What a payment and then its reversal do to the row (the reversal resets the flag).
        async with invoice.engine.begin() as connection:
            await connection.execute(
                update(invoices).where(invoices.c.id == reopened).values(status="paid", version=2)
            )
        assert await sweep_once(invoice) == SweepResult()
        async with invoice.engine.begin() as connection:
            await connection.execute(
                update(invoices)
                .where(invoices.c.id == reopened)
                .values(status="open", version=3, overdue_announced=False)
            )
        assert await sweep_once(invoice) == SweepResult(overdue=1)
        assert await sweep_once(invoice) == SweepResult()

        events = await written(invoice, OVERDUE)
        assert [e.data["invoice"]["version"] for e in events] == [1, 3]
        await eventually(lambda: len(seen.messages) == 2)


async def test_catch_up_after_downtime_announces_everything_once_in_batches(
    backend: Backend, monkeypatch: Any
) -> None:
    async with (
        backend.probe(OVERDUE, DUE_SOON) as seen,
        backend.service(HAND_SWEPT, InvoiceSettings) as invoice,
    ):
        ids: list[str] = []
        for zone in ("Europe/London", "Pacific/Auckland", "America/Los_Angeles"):
            debtor = await add_debtor(invoice, zone)
            ids += await add_invoices(
                invoice, debtor, [day(n % 9) for n in range(9)], time_zone=zone
            )
        commits = count_commits(invoice, monkeypatch)

        backend.clock.advance(timedelta(days=10))  # the service was down all this time
        assert await sweep_once(invoice, batch_size=4) == SweepResult(overdue=27)
        # 27 rows, at most 4 per transaction: 7 due-soon claims (silent) and 7 overdue claims.
        assert len(commits) == 14
        assert max(commits) <= 4
        assert await sweep_once(invoice, batch_size=4) == SweepResult()

        assert invoice_ids(await written(invoice, OVERDUE)) == Counter(ids)
        assert await written(invoice, DUE_SOON) == []
        await published(seen, OVERDUE, set(ids))


async def test_sweep_failing_before_commit_emits_nothing_and_the_next_sweep_catches_up(
    backend: Backend, monkeypatch: Any
) -> None:
    async with (
        backend.probe(OVERDUE) as seen,
        backend.service(HAND_SWEPT, InvoiceSettings) as invoice,
    ):
        debtor = await add_debtor(invoice)
        ids = await add_invoices(invoice, debtor, [day(-2)] * 12, due_soon_announced=True)
        # Commit 1 is the (empty) due-soon claim, 2 the first overdue batch; 3 crashes.
        fail_commit(invoice, monkeypatch, number=3)

        with pytest.raises(ConnectionError):
            await sweep_once(invoice, batch_size=5)
        assert len(await written(invoice, OVERDUE)) == 5

        monkeypatch.undo()
        assert await sweep_once(invoice, batch_size=5) == SweepResult(overdue=7)
        assert invoice_ids(await written(invoice, OVERDUE)) == Counter(ids)
        await published(seen, OVERDUE, set(ids))


async def test_two_concurrent_sweepers_announce_each_invoice_once(infra: Backend) -> None:
    async with (
        infra.probe(OVERDUE) as seen,
        infra.service(HAND_SWEPT, InvoiceSettings, relay_id="replica-a") as replica_a,
        infra.service(HAND_SWEPT, InvoiceSettings, relay_id="replica-b") as replica_b,
    ):
        ids: list[str] = []
        for _ in range(6):
            debtor = await add_debtor(replica_a)
            ids += await add_invoices(replica_a, debtor, [day(-1 - n % 20) for n in range(50)])

        a, b = await asyncio.gather(
            sweep_once(replica_a, batch_size=25), sweep_once(replica_b, batch_size=25)
        )
        assert a.overdue + b.overdue == 300
        # Both replicas took a share: they really did sweep at the same time.
        assert a.overdue > 0
        assert b.overdue > 0
        assert a.due_soon + b.due_soon == 0
        assert await sweep_once(replica_b, batch_size=25) == SweepResult()
        assert invoice_ids(await written(replica_a, OVERDUE)) == Counter(ids)
        await published(seen, OVERDUE, set(ids))


async def test_background_sweeper_reacts_to_the_clock_moving_before_its_interval(
    backend: Backend,
) -> None:
    async with (
        backend.probe(OVERDUE) as seen,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        debtor = await add_debtor(invoice)
        ids = await add_invoices(invoice, debtor, day(1))
        await asyncio.sleep(0.2)  # the first sweep (at start) has nothing overdue to find
        assert await written(invoice, OVERDUE) == []

        backend.clock.advance(timedelta(days=3))
        # Far less than the 60-second interval: the clock move woke the sweeper.
        await eventually(lambda: len(seen.messages) == 1, within=10)
        assert set(invoice_ids(seen.envelopes())) == set(ids)


async def test_background_sweeper_retries_after_a_failed_sweep(
    backend: Backend, monkeypatch: Any
) -> None:
    real_sweep = overdue_sweeper.sweep_once
    calls = 0

    async def failing_once(runtime: ServiceRuntime) -> SweepResult:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database went away")
        return await real_sweep(runtime)

    monkeypatch.setattr(overdue_sweeper, "sweep_once", failing_once)
    async with (
        backend.probe(OVERDUE) as seen,
        backend.service(INVOICE, InvoiceSettings) as invoice,
    ):
        debtor = await add_debtor(invoice)
        ids = await add_invoices(invoice, debtor, day(-1))
        await eventually(lambda: len(seen.messages) == 1, within=15)
        assert set(invoice_ids(seen.envelopes())) == set(ids)
        assert calls >= 2


def count_commits(runtime: ServiceRuntime, monkeypatch: Any) -> list[int]:
    """Record, per committed unit of work, how many events it wrote."""
    sizes: list[int] = []
    make_uow = runtime.uow

    def counting_uow() -> UnitOfWork:
        uow = make_uow()
        commit = uow.commit

        async def counted() -> None:
            pending = len(uow._pending)
            await commit()
            sizes.append(pending)

        uow.commit = counted  # type: ignore[method-assign]
        return uow

    monkeypatch.setattr(runtime, "uow", counting_uow)
    return sizes


def fail_commit(runtime: ServiceRuntime, monkeypatch: Any, *, number: int) -> None:
    """Make the ``number``-th unit of work die at commit, after its UPDATE ran."""
    make_uow = runtime.uow
    made = 0

    def failing_uow() -> UnitOfWork:
        nonlocal made
        made += 1
        uow = make_uow()
        if made == number:

            async def crash() -> None:
                raise ConnectionError("connection lost before COMMIT")

            uow.commit = crash  # type: ignore[method-assign]
        return uow

    monkeypatch.setattr(runtime, "uow", failing_uow)
