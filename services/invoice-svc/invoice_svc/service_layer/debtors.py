"""Registering and changing debtors."""

from __future__ import annotations

from dataclasses import dataclass

from debtflow_shared.envelope import new_event_id
from debtflow_shared.unit_of_work import AbstractUnitOfWork
from invoice_svc.adapters.debtor_repository import ErpIdTaken
from invoice_svc.domain.debtor import Debtor, DebtorProfile
from invoice_svc.domain.repositories import Debtors, Repositories
from invoice_svc.service_layer.credit_limit import reassess_credit_limit
from invoice_svc.service_layer.invoices import ErpIdConflict

Work = AbstractUnitOfWork[Repositories]


@dataclass(frozen=True)
class UpsertResult:
    debtor: Debtor
    created: bool
    changed: bool
    # A new limit can put a debtor on hold, or lift one, with no invoice moving.
    credit_limit_changed: bool = False


async def upsert_debtor(uow: Work, tenant_id: str, profile: DebtorProfile) -> UpsertResult:
    """Create a debtor, or update the one with the same ERP id; re-sending changes nothing."""
    async with uow:
        result = await upsert_debtor_in(uow, tenant_id, profile)
        await uow.commit()
    return result


async def upsert_debtor_in(uow: Work, tenant_id: str, profile: DebtorProfile) -> UpsertResult:
    """:func:`upsert_debtor` inside a unit of work that is already open (a consumer's)."""
    repository = uow.repos.debtors
    existing = await repository.get_by_erp_id(tenant_id, profile.erp_id) if profile.erp_id else None
    result = register_or_change(uow, tenant_id, existing, profile)
    if result.created and not await repository.add(result.debtor):
        # A concurrent request registered this ERP id and committed first: update its debtor.
        winner = await repository.get_by_erp_id(tenant_id, profile.erp_id or "")
        assert winner is not None, "read committed: the winner's row is visible now"
        result = register_or_change(uow, tenant_id, winner, profile)
    # Tracked first: the new profile is announced before the hold its new limit causes.
    uow.track(result.debtor)
    if not result.created:
        await _store_change(uow, repository, result)
    return result


def register_or_change(
    uow: Work, tenant_id: str, existing: Debtor | None, profile: DebtorProfile
) -> UpsertResult:
    """A new debtor with ``profile``, or ``existing`` (the one with its ERP id) changed to it.

    Nothing is written: the caller adds or saves the debtor and tracks it.
    """
    now = uow.clock.now()
    if existing is None:
        debtor = Debtor.register(
            debtor_id=str(new_event_id()), tenant_id=tenant_id, profile=profile, now=now
        )
        return UpsertResult(debtor, created=True, changed=True)
    limit_before = existing.profile.credit_policy.credit_limit
    changed = existing.change(profile, now)
    return UpsertResult(
        existing,
        created=False,
        changed=changed,
        credit_limit_changed=existing.profile.credit_policy.credit_limit != limit_before,
    )


async def _store_change(uow: Work, repository: Debtors, result: UpsertResult) -> None:
    """Save an existing debtor's change; a new credit limit re-decides its hold at once."""
    if result.changed:
        await repository.save(result.debtor)  # the update holds the debtor's row lock
    if result.credit_limit_changed:
        await reassess_credit_limit(uow, result.debtor)


async def update_debtor(
    uow: Work, tenant_id: str, debtor_id: str, profile: DebtorProfile
) -> Debtor | None:
    """Replace a debtor's profile; None when the tenant has no such debtor.

    An ERP id names one debtor of a tenant: giving this one another debtor's is refused
    (:class:`ErpIdConflict` naming ``erp_id``), also when a concurrent request takes it first.
    """
    async with uow:
        repository = uow.repos.debtors
        debtor = await repository.get(tenant_id, debtor_id)
        if debtor is None:
            return None
        erp_id = profile.erp_id
        if erp_id is not None and erp_id != debtor.profile.erp_id:
            holder = await repository.get_by_erp_id(tenant_id, erp_id)
            if holder is not None and holder.id != debtor.id:
                raise _erp_id_of_another_debtor(erp_id)
        uow.track(debtor)
        try:
            change = register_or_change(uow, tenant_id, debtor, profile)
            await _store_change(uow, repository, change)
        except ErpIdTaken:
            raise _erp_id_of_another_debtor(erp_id or "") from None
        await uow.commit()
    return debtor


def _erp_id_of_another_debtor(erp_id: str) -> ErpIdConflict:
    return ErpIdConflict(f"ERP id {erp_id!r} belongs to another debtor", field="erp_id")


async def get_debtor(uow: Work, tenant_id: str, debtor_id: str) -> Debtor | None:
    async with uow:
        return await uow.repos.debtors.get(tenant_id, debtor_id)


async def list_debtors(
    uow: Work, tenant_id: str, *, after: str | None, limit: int, erp_id: str | None = None
) -> list[Debtor]:
    async with uow:
        return await uow.repos.debtors.list(tenant_id, after=after, limit=limit, erp_id=erp_id)
