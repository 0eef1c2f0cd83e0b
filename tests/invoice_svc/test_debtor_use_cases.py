"""Registering debtors and keeping their credit hold, on in-memory repositories.

The use cases of ``service_layer/debtors.py`` and ``service_layer/credit_limit.py`` run
here with :class:`FakeUnitOfWork` and no database: the example of testing a use case on
its own (the API and consumer tests cover the same rules end to end on both backends).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from debtflow_shared.catalog.debtor import CreditPolicy
from debtflow_shared.catalog.money import Money
from debtflow_shared.clock import ControlledClock
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.service_layer.credit_limit import reassess_credit_limits
from invoice_svc.service_layer.debtors import update_debtor, upsert_debtor
from invoice_svc.service_layer.invoices import ErpIdConflict
from tests.invoice_svc.fakes import FakeRepositories
from tests.support.fake_unit_of_work import FakeUnitOfWork

TENANT = "tenant-a"


@pytest.fixture
def uow() -> FakeUnitOfWork[FakeRepositories]:
    clock = ControlledClock(datetime(2026, 3, 2, 9, tzinfo=UTC), frozen=True)
    return FakeUnitOfWork(FakeRepositories(), clock=clock, source="invoice-svc")


def profile(erp_id: str | None = "C-1", *, limit_minor: int | None = None) -> DebtorProfile:
    limit = Money(amount_minor=limit_minor, currency="EUR") if limit_minor is not None else None
    return DebtorProfile(
        name="Acme GmbH",
        country="DE",
        currency="EUR",
        erp_id=erp_id,
        credit_policy=CreditPolicy(credit_limit=limit),
    )


async def test_registering_a_debtor_announces_it_once_and_a_resend_changes_nothing(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    first = await upsert_debtor(uow, TENANT, profile())
    again = await upsert_debtor(uow, TENANT, profile())

    assert (first.created, again.created, again.changed) == (True, False, False)
    assert again.debtor.id == first.debtor.id
    assert uow.event_types == ["debtor.upserted"]
    assert uow.committed_events[0].tenantid == TENANT


async def test_a_changed_profile_is_a_new_version_of_the_same_debtor(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    first = await upsert_debtor(uow, TENANT, profile())
    changed = await upsert_debtor(uow, TENANT, profile(limit_minor=50_000))

    assert changed.debtor.id == first.debtor.id
    assert changed.debtor.version == 2
    stored = await uow.repos.debtors.get(TENANT, first.debtor.id)
    assert stored is not None
    assert stored.version == 2
    assert [e.data["version"] for e in uow.committed_events] == [1, 2]


async def test_the_same_erp_id_in_another_tenant_is_another_debtor(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    ours = await upsert_debtor(uow, TENANT, profile())
    theirs = await upsert_debtor(uow, "tenant-b", profile())

    assert theirs.created
    assert theirs.debtor.id != ours.debtor.id


async def test_a_lower_credit_limit_than_the_open_balance_puts_the_debtor_on_hold(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    debtor = (await upsert_debtor(uow, TENANT, profile())).debtor
    uow.repos.balances.open[(TENANT, debtor.id, "EUR")] = 120_000

    await upsert_debtor(uow, TENANT, profile(limit_minor=100_000))

    assert uow.event_types == ["debtor.upserted", "debtor.upserted", "debtor.credit_hold"]
    hold = uow.committed_events[-1].data
    assert hold["open_balance"] == {"amount_minor": 120_000, "currency": "EUR"}
    assert (await uow.repos.credit_states.get(TENANT, debtor.id)).on_hold


async def test_raising_the_limit_above_the_balance_releases_the_hold_once(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    debtor = (await upsert_debtor(uow, TENANT, profile())).debtor
    uow.repos.balances.open[(TENANT, debtor.id, "EUR")] = 120_000
    await upsert_debtor(uow, TENANT, profile(limit_minor=100_000))

    await upsert_debtor(uow, TENANT, profile(limit_minor=200_000))
    await upsert_debtor(uow, TENANT, profile(limit_minor=300_000))

    assert uow.event_types.count("debtor.credit_released") == 1
    assert not (await uow.repos.credit_states.get(TENANT, debtor.id)).on_hold


async def test_giving_a_debtor_another_debtors_erp_id_is_refused_naming_the_field(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    first = (await upsert_debtor(uow, TENANT, profile("C-1"))).debtor
    await upsert_debtor(uow, TENANT, profile("C-2"))
    announced = len(uow.committed_events)

    with pytest.raises(ErpIdConflict) as refused:
        await update_debtor(uow, TENANT, first.id, profile("C-2"))

    assert refused.value.field == "erp_id"
    assert len(uow.committed_events) == announced
    stored = await uow.repos.debtors.get(TENANT, first.id)
    assert stored is not None
    assert stored.profile.erp_id == "C-1"


async def test_updating_another_tenants_debtor_finds_nothing(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    theirs = (await upsert_debtor(uow, "tenant-b", profile())).debtor

    assert await update_debtor(uow, TENANT, theirs.id, profile("C-9")) is None


async def test_reassessing_many_debtors_holds_only_those_over_their_limit(
    uow: FakeUnitOfWork[FakeRepositories],
) -> None:
    over = (await upsert_debtor(uow, TENANT, profile("C-1", limit_minor=1_000))).debtor
    under = (await upsert_debtor(uow, TENANT, profile("C-2", limit_minor=1_000))).debtor
    unlimited = (await upsert_debtor(uow, TENANT, profile("C-3"))).debtor
    for debtor, balance in ((over, 1_001), (under, 1_000), (unlimited, 10**9)):
        uow.repos.balances.open[(TENANT, debtor.id, "EUR")] = balance

    async with uow:
        await reassess_credit_limits(uow, [over, under, unlimited])
        await uow.commit()

    holds = [e for e in uow.committed_events if e.type == "debtor.credit_hold"]
    assert [e.subject for e in holds] == [over.id]
