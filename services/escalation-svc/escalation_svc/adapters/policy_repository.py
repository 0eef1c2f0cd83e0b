"""Dunning policies, every version kept; the shipped default stands in until a tenant saves
its own ``default``."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import time
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.escalation import HandOffPartner, StepAction, TaskKind
from debtflow_shared.catalog.escalation_commands import RequestedCharge
from debtflow_shared.catalog.notification import NotificationChannel, Tone
from debtflow_shared.db import insert_if_absent
from escalation_svc.adapters.tables import policies
from escalation_svc.domain.compliance_guard import GuardRules
from escalation_svc.domain.policy import (
    DEFAULT_POLICY_ID,
    ArrangementTerms,
    Policy,
    Step,
    shipped_default,
)


def steps_json(steps: tuple[Step, ...]) -> str:
    return json.dumps([_step_dict(s) for s in steps])


def _step_dict(step: Step) -> dict[str, Any]:
    data = asdict(step)
    data["channels"] = [c.value for c in step.channels]
    data["charges"] = [c.value for c in step.charges]
    return data


def steps_from_json(text: str) -> tuple[Step, ...]:
    return tuple(
        Step(
            key=d["key"],
            offset_days=d["offset_days"],
            action=StepAction(d["action"]),
            channels=tuple(NotificationChannel(c) for c in d["channels"]),
            template_key=d["template_key"],
            tone=Tone(d["tone"]) if d["tone"] else None,
            charges=tuple(RequestedCharge(c) for c in d["charges"]),
            partner=HandOffPartner(d["partner"]) if d["partner"] else None,
            partner_name=d["partner_name"],
            task_kind=TaskKind(d.get("task_kind", "call")),
        )
        for d in json.loads(text)
    )


def rules_json(rules: GuardRules) -> str:
    data = asdict(rules)
    data["local_from"] = rules.local_from.isoformat()
    data["local_until"] = rules.local_until.isoformat()
    return json.dumps(data)


def rules_from_json(text: str) -> GuardRules:
    data = json.loads(text)
    data["local_from"] = time.fromisoformat(data["local_from"])
    data["local_until"] = time.fromisoformat(data["local_until"])
    return GuardRules(**data)


def arrangements_json(terms: ArrangementTerms) -> str:
    return json.dumps(asdict(terms))


def arrangements_from_json(text: str | None) -> ArrangementTerms:
    # Versions saved before arrangements existed take the defaults.
    return ArrangementTerms(**json.loads(text)) if text else ArrangementTerms()


def _policy(row: Any) -> Policy:
    return Policy(
        tenant_id=row["tenant_id"],
        policy_id=row["policy_id"],
        version=row["version"],
        name=row["name"],
        steps=steps_from_json(row["steps"]),
        rules=rules_from_json(row["rules"]),
        arrangements=arrangements_from_json(row["arrangements"]),
        created_at=row["created_at"],
        archived=row["archived"],
    )


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def latest(self, tenant_id: str, policy_id: str) -> Policy | None:
        row = (
            (
                await self._session.execute(
                    select(policies)
                    .where(policies.c.tenant_id == tenant_id, policies.c.policy_id == policy_id)
                    .order_by(policies.c.version.desc())
                    .limit(1)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return shipped_default(tenant_id) if policy_id == DEFAULT_POLICY_ID else None
        return _policy(row)

    async def get(self, tenant_id: str, policy_id: str, version: int) -> Policy | None:
        row = (
            (
                await self._session.execute(
                    select(policies).where(
                        policies.c.tenant_id == tenant_id,
                        policies.c.policy_id == policy_id,
                        policies.c.version == version,
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            shipped = shipped_default(tenant_id)
            if policy_id == DEFAULT_POLICY_ID and version == shipped.version:
                return shipped
            return None
        return _policy(row)

    async def list_latest(self, tenant_id: str, *, after: str | None, limit: int) -> list[Policy]:
        newest = (
            select(policies.c.policy_id, func.max(policies.c.version).label("version"))
            .where(policies.c.tenant_id == tenant_id)
            .group_by(policies.c.policy_id)
            .subquery()
        )
        statement = (
            select(policies)
            .join(
                newest,
                (policies.c.policy_id == newest.c.policy_id)
                & (policies.c.version == newest.c.version),
            )
            .where(policies.c.tenant_id == tenant_id, policies.c.archived.is_(False))
            .order_by(policies.c.policy_id)
        )
        found = [_policy(r) for r in (await self._session.execute(statement)).mappings()]
        if not any(p.policy_id == DEFAULT_POLICY_ID for p in found):
            found.append(shipped_default(tenant_id))
        found.sort(key=lambda p: p.policy_id)
        return [p for p in found if after is None or p.policy_id > after][:limit]

    async def add(self, policy: Policy) -> bool:
        """Store a new version; False when that version exists already (a concurrent save)."""
        return await insert_if_absent(
            self._session,
            policies,
            {
                "tenant_id": policy.tenant_id,
                "policy_id": policy.policy_id,
                "version": policy.version,
                "name": policy.name,
                "steps": steps_json(policy.steps),
                "rules": rules_json(policy.rules),
                "arrangements": arrangements_json(policy.arrangements),
                "archived": policy.archived,
                "created_at": policy.created_at,
            },
        )

    async def archive(self, tenant_id: str, policy_id: str) -> None:
        await self._session.execute(
            update(policies)
            .where(policies.c.tenant_id == tenant_id, policies.c.policy_id == policy_id)
            .values(archived=True)
        )
