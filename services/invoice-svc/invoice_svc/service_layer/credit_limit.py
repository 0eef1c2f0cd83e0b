"""Keeping a debtor's credit hold in step with its open balance."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from debtflow_shared.catalog.money import Money
from debtflow_shared.context import TraceContext
from debtflow_shared.unit_of_work import AbstractUnitOfWork
from invoice_svc.domain.credit_limit import CreditState
from invoice_svc.domain.debtor import Debtor
from invoice_svc.domain.repositories import CreditStates, Repositories

Work = AbstractUnitOfWork[Repositories]


async def reassess_credit_limit(uow: Work, debtor: Debtor) -> None:
    """After a change that moved the debtor's open balance (the caller holds the debtor lock).

    The balance counts collectible invoices in the credit limit's currency.
    """
    states = uow.repos.credit_states
    state = await states.get(debtor.tenant_id, debtor.id)
    if not _watched(debtor, state):
        return
    balance = await uow.repos.balances.open_balance(
        debtor.tenant_id, debtor.id, _balance_currency(debtor)
    )
    await _decide(uow, states, state, debtor, balance)


async def reassess_credit_limits(
    uow: Work,
    debtors: Collection[Debtor],
    traces: Mapping[str, TraceContext | None] | None = None,
) -> None:
    """:func:`reassess_credit_limit` for many debtors of one tenant, in id order.

    Two queries whatever their number (states, then balances), so a batch can reassess
    every debtor it touched once, after its rows, instead of once per row. ``traces``: by
    debtor id, the trace a hold or release carries (the message that last moved the
    balance, in a batch of messages); else the current one.
    """
    if not debtors:
        return
    tenant_id = next(iter(debtors)).tenant_id
    states = uow.repos.credit_states
    state_of = await states.get_many(tenant_id, [d.id for d in debtors])
    watched = [d for d in sorted(debtors, key=lambda d: d.id) if _watched(d, state_of[d.id])]
    balances = await uow.repos.balances.open_balances(tenant_id, [d.id for d in watched])
    for debtor in watched:
        balance = balances.get((debtor.id, _balance_currency(debtor)), 0)
        trace = traces.get(debtor.id) if traces else None
        await _decide(uow, states, state_of[debtor.id], debtor, balance, trace)


def _watched(debtor: Debtor, state: CreditState) -> bool:
    """Whether the balance matters: a limit to exceed, or a hold for one to lift."""
    return debtor.profile.credit_policy.credit_limit is not None or state.held_for_limit


def _balance_currency(debtor: Debtor) -> str:
    limit = debtor.profile.credit_policy.credit_limit
    return limit.currency if limit else debtor.profile.currency


async def _decide(
    uow: Work,
    states: CreditStates,
    state: CreditState,
    debtor: Debtor,
    balance_minor: int,
    trace: TraceContext | None = None,
) -> None:
    balance = Money(amount_minor=balance_minor, currency=_balance_currency(debtor))
    limit = debtor.profile.credit_policy.credit_limit
    if state.reassess(balance, limit, uow.clock.now()):
        await states.save(state)
        uow.track(state, trace=trace)
