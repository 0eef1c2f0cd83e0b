"""Case use cases for collectors: list, read, timeline, case file, pause and resume."""

from __future__ import annotations

from typing import Any

from debtflow_shared.catalog.escalation import PauseReason
from escalation_svc.domain.case import (
    Case,
    CaseFilter,
    CaseNotFound,
    Pause,
    TimelineEntry,
)
from escalation_svc.domain.policy import PolicyNotFound
from escalation_svc.domain.tracked_invoice import TrackedInvoice
from escalation_svc.service_layer.collection import Note, UnitOfWork, advance_in


async def list_cases(
    uow: UnitOfWork, tenant_id: str, where: CaseFilter, *, after: str | None, limit: int
) -> list[Case]:
    async with uow:
        return await uow.repos.cases.find(tenant_id, where, after=after, limit=limit)


async def get_case(
    uow: UnitOfWork, tenant_id: str, case_id: str
) -> tuple[Case, list[TrackedInvoice]]:
    async with uow:
        case = await uow.repos.cases.get(tenant_id, case_id)
        if case is None:
            raise CaseNotFound(f"case {case_id} not found")
        return case, await uow.repos.invoices.of_case(tenant_id, case_id)


async def case_timeline(
    uow: UnitOfWork, tenant_id: str, case_id: str, *, after: int | None, limit: int
) -> list[tuple[int, TimelineEntry]]:
    async with uow:
        if await uow.repos.cases.get(tenant_id, case_id) is None:
            raise CaseNotFound(f"case {case_id} not found")
        return await uow.repos.cases.timeline(tenant_id, case_id, after=after, limit=limit)


async def case_file(uow: UnitOfWork, tenant_id: str, case_id: str) -> dict[str, Any]:
    async with uow:
        case = await uow.repos.cases.get(tenant_id, case_id)
        if case is None or case.case_file is None:
            raise CaseNotFound(f"case {case_id} has no case file (not handed off)")
        return case.case_file


async def pause_case(
    uow: UnitOfWork, tenant_id: str, case_id: str, *, note: str | None, actor: str
) -> Case:
    """A collector's pause: no step runs, and requested notifications are cancelled."""
    async with uow:
        case = await _active(uow, tenant_id, case_id)
        await uow.repos.timers.lock(tenant_id, case.debtor_id)
        case = await _active(uow, tenant_id, case_id)
        case.pause(Pause(PauseReason.MANUAL, note=note, since=uow.clock.now()), now=uow.clock.now())
        case.note(uow.clock.now(), "decision", f"paused by {actor}", actor=actor)
        await uow.repos.cases.save(case)
        uow.track(case)
        result = await advance_in(uow, tenant_id, case.debtor_id)
        await uow.commit()
        return result or case


async def resume_case(
    uow: UnitOfWork, tenant_id: str, case_id: str, *, note: str | None, actor: str
) -> Case:
    async with uow:
        case = await _active(uow, tenant_id, case_id)
        await uow.repos.timers.lock(tenant_id, case.debtor_id)
        case = await _active(uow, tenant_id, case_id)
        case.resume(PauseReason.MANUAL, now=uow.clock.now(), note=note)
        await uow.repos.cases.save(case)
        uow.track(case)
        result = await advance_in(
            uow, tenant_id, case.debtor_id, notes=[Note("decision", f"resumed by {actor}")]
        )
        await uow.commit()
        return result or case


async def move_case_policy(
    uow: UnitOfWork, tenant_id: str, case_id: str, *, policy_id: str, version: int, actor: str
) -> Case:
    """Move a running case to another policy version, explicitly (it never moves by itself).

    The case keeps its place: the new ladder's steps at or before the offset of the last
    step it ran count as done (a case never moves back a step, nor repeats one).
    """
    async with uow:
        case = await _active(uow, tenant_id, case_id)
        await uow.repos.timers.lock(tenant_id, case.debtor_id)
        case = await _active(uow, tenant_id, case_id)
        target = await uow.repos.policies.get(tenant_id, policy_id, version)
        if target is None:
            raise PolicyNotFound(f"policy {policy_id} v{version} not found")
        old = await uow.repos.policies.get(tenant_id, case.policy_id, case.policy_version)
        reached = old.steps[case.stage - 1].offset_days if old and case.stage else None
        now = uow.clock.now()
        case.note(
            now,
            "decision",
            f"moved by {actor} from policy {case.policy_id} v{case.policy_version} "
            f"to {policy_id} v{version}",
            actor=actor,
        )
        case.move_to(
            policy_id,
            version,
            stage=0
            if reached is None
            else sum(1 for s in target.steps if s.offset_days <= reached),
        )
        await uow.repos.cases.save(case)
        result = await advance_in(uow, tenant_id, case.debtor_id)
        await uow.commit()
        return result or case


async def _active(uow: UnitOfWork, tenant_id: str, case_id: str) -> Case:
    case = await uow.repos.cases.get(tenant_id, case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} not found")
    return case
