"""Dunning policy use cases: create, revise (a new version), read, list, archive, validate.

A revision never changes a version cases run on: it adds the next version, which new cases
take. Validation at save refuses the whole policy, naming the step and field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from escalation_svc.domain.compliance_guard import GuardRules
from escalation_svc.domain.policy import (
    DEFAULT_POLICY_ID,
    ArrangementTerms,
    DefaultPolicyIsPermanent,
    Policy,
    PolicyExists,
    PolicyInvalid,
    PolicyNotFound,
    Step,
    validate_steps,
)
from escalation_svc.service_layer.collection import UnitOfWork


@dataclass(frozen=True)
class PolicyDraft:
    name: str
    steps: tuple[Step, ...]
    rules: GuardRules
    arrangements: ArrangementTerms = field(default_factory=ArrangementTerms)


def validate_policy(draft: PolicyDraft) -> None:
    """Raise :class:`PolicyInvalid` naming the first fault; return if it could be saved."""
    validate_steps(draft.steps)
    rules = draft.rules
    if rules.local_from >= rules.local_until:
        raise PolicyInvalid("local_from must be before local_until", field="rules.local_from")
    step = draft.arrangements.broken_promise_step
    if step is not None and not any(s.key == step for s in draft.steps):
        raise PolicyInvalid(
            f"no step {step!r} in the policy", field="arrangements.broken_promise_step"
        )


async def create_policy(
    uow: UnitOfWork, tenant_id: str, policy_id: str, draft: PolicyDraft
) -> Policy:
    validate_policy(draft)
    async with uow:
        if await uow.repos.policies.latest(tenant_id, policy_id) is not None:
            raise PolicyExists(f"policy {policy_id} exists: PUT a new version of it")
        policy = _version(tenant_id, policy_id, 1, draft, uow)
        if not await uow.repos.policies.add(policy):
            raise PolicyExists(f"policy {policy_id} exists: PUT a new version of it")
        await uow.commit()
        return policy


async def revise_policy(
    uow: UnitOfWork, tenant_id: str, policy_id: str, draft: PolicyDraft
) -> Policy:
    validate_policy(draft)
    async with uow:
        latest = await uow.repos.policies.latest(tenant_id, policy_id)
        if latest is None or latest.archived:
            raise PolicyNotFound(f"policy {policy_id} not found")
        policy = _version(tenant_id, policy_id, latest.version + 1, draft, uow)
        if not await uow.repos.policies.add(policy):
            from debtflow_shared.optimistic_lock import ConcurrentUpdate

            raise ConcurrentUpdate(f"policy {policy_id}")
        await uow.commit()
        return policy


async def get_policy(
    uow: UnitOfWork, tenant_id: str, policy_id: str, version: int | None = None
) -> Policy:
    async with uow:
        if version is None:
            policy = await uow.repos.policies.latest(tenant_id, policy_id)
        else:
            policy = await uow.repos.policies.get(tenant_id, policy_id, version)
    if policy is None or (version is None and policy.archived):
        raise PolicyNotFound(f"policy {policy_id} not found")
    return policy


async def list_policies(
    uow: UnitOfWork, tenant_id: str, *, after: str | None, limit: int
) -> list[Policy]:
    async with uow:
        return await uow.repos.policies.list_latest(tenant_id, after=after, limit=limit)


async def archive_policy(uow: UnitOfWork, tenant_id: str, policy_id: str) -> None:
    """New cases stop using it; running cases keep their version."""
    if policy_id == DEFAULT_POLICY_ID:
        raise DefaultPolicyIsPermanent("the default policy cannot be archived: revise it")
    async with uow:
        latest = await uow.repos.policies.latest(tenant_id, policy_id)
        if latest is None or latest.archived:
            raise PolicyNotFound(f"policy {policy_id} not found")
        await uow.repos.policies.archive(tenant_id, policy_id)
        await uow.commit()


def _version(
    tenant_id: str, policy_id: str, version: int, draft: PolicyDraft, uow: UnitOfWork
) -> Policy:
    return Policy(
        tenant_id=tenant_id,
        policy_id=policy_id,
        version=version,
        name=draft.name,
        steps=draft.steps,
        rules=draft.rules,
        arrangements=draft.arrangements,
        created_at=uow.clock.now(),
    )
