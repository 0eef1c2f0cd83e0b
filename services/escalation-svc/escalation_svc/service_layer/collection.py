"""Bringing a debtor's collection up to date: the one path every change goes through.

Consumers (invoice facts, payments, charge answers, notification outcomes, debtor
profiles), API calls (pause, resume, restrictions) and the timer scheduler all end in
:func:`advance_in`, inside their own transaction: it locks the debtor's timer row, reads
the debtor's situation, lets :func:`run_ladder` decide, stores the case, its timeline and
the commands it sent (outbox), and sets the timer to the next instant something is due.
Whatever the order in which things arrive, the same situation gives the same decisions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from debtflow_shared.catalog.notification import NotificationChannel
from debtflow_shared.envelope import new_event_id
from debtflow_shared.logging import get_logger
from debtflow_shared.unit_of_work import AbstractUnitOfWork
from escalation_svc.domain.case import Case, CaseStatus
from escalation_svc.domain.compliance_guard import ContactHistory, GuardRules
from escalation_svc.domain.contact_channels import Reachability, addresses_from_profile
from escalation_svc.domain.contact_restriction import ALL_CHANNELS, Restriction
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.domain.ladder_run import Situation, run_ladder
from escalation_svc.domain.policy import DEFAULT_POLICY_ID, Policy
from escalation_svc.domain.repositories import Repositories

log = get_logger(__name__)

UnitOfWork = AbstractUnitOfWork[Repositories]
RETRY_SOON = timedelta(minutes=1)


@dataclass(frozen=True)
class Note:
    """Something that happened to the debtor, for the case's timeline."""

    kind: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


async def advance_in(
    uow: UnitOfWork,
    tenant_id: str,
    debtor_id: str,
    *,
    notes: Sequence[Note] = (),
    answered: Collection[str] = (),
) -> Case | None:
    """Run the debtor's ladder up to now (in an open unit of work); the case, if any."""
    repos = uow.repos
    timer = await repos.timers.lock(tenant_id, debtor_id)
    now = uow.clock.now()
    profile = await repos.profiles.get(tenant_id, debtor_id)
    if profile is None:
        # Facts may overtake the debtor's profile: debtor.upserted advances it on arrival.
        await repos.timers.set(tenant_id, debtor_id, None)
        return None
    case = await repos.cases.active_for(tenant_id, debtor_id)
    policy, inherited = await _policy_for(
        repos, case, tenant_id, debtor_id, timer.reopened_by_reversal
    )
    if case is not None:
        for note in notes:
            case.note(now, note.kind, note.summary, **note.details)
        _answer_charges(case, answered)
    outcome = run_ladder(
        Situation(
            now=now,
            profile=profile,
            invoices=tuple(await repos.invoices.of_debtor(tenant_id, debtor_id)),
            case=case,
            policy=policy,
            rules=policy.rules,
            reach=await _reachability(repos, profile, now),
            history=await _history(repos, tenant_id, debtor_id, now, policy.rules),
            notifications=tuple(
                await repos.notifications.unsettled(tenant_id, case.case_id) if case else ()
            ),
            new_case_id=lambda: str(new_event_id()),
            overdue_reported=timer.overdue_reported,
            reopened_by_reversal=timer.reopened_by_reversal,
            inherited_stage=inherited,
        )
    )
    result = outcome.case
    if result is not None:
        await repos.invoices.join_case(tenant_id, outcome.joined, result.case_id)
        await repos.notifications.add_many(tenant_id, debtor_id, outcome.new_notifications)
        for key, status in outcome.settled.items():
            await repos.notifications.set_status(
                tenant_id, key, status, fallback_done=status == "failed"
            )
        if outcome.hand_off:
            result.case_file = await _case_file(repos, profile, result)
        if result.status is CaseStatus.RESOLVED:
            await repos.invoices.leave_case(tenant_id, result.case_id)
        await repos.cases.save(result)
        uow.track(result)
    wake = outcome.wake_at
    if wake is not None and wake <= now:
        log.warning("ladder asked to wake in the past", debtor_id=debtor_id, wake=wake)
        wake = now + RETRY_SOON
    opened = result is not None and result.active
    await repos.timers.set(tenant_id, debtor_id, wake, clear_flags=opened)
    return result


def _answer_charges(case: Case, answered: Collection[str]) -> None:
    awaiting = case.awaiting
    if awaiting is None or not answered:
        return
    hit = [r for r in awaiting.pending if r in answered]
    if hit:
        case.await_charges(
            replace(
                awaiting,
                pending=tuple(r for r in awaiting.pending if r not in hit),
                answered=(*awaiting.answered, *hit),
            )
        )


async def _policy_for(
    repos: Repositories, case: Case | None, tenant_id: str, debtor_id: str, reversal: bool
) -> tuple[Policy, int]:
    if case is not None:
        policy = await repos.policies.get(tenant_id, case.policy_id, case.policy_version)
        if policy is None:
            raise LookupError(f"policy {case.policy_id} v{case.policy_version} is missing")
        return policy, 0
    latest = await repos.policies.latest(tenant_id, DEFAULT_POLICY_ID)
    assert latest is not None  # the shipped default stands in
    inherited = 0
    if reversal:
        last = await repos.cases.last_closed_for(tenant_id, debtor_id)
        inherited = last.stage if last is not None else 0
    return latest, inherited


async def _reachability(repos: Repositories, profile: DebtorProfile, now: datetime) -> Reachability:
    restrictions = await repos.contacts.restrictions(profile.tenant_id, profile.debtor_id)
    return Reachability(
        addresses=addresses_from_profile(
            profile.contacts_json, has_postal_address=profile.postal_address_json is not None
        ),
        blocked=frozenset(_blocked(restrictions, now)),
        failed_addresses=frozenset(
            await repos.contacts.failed_addresses(profile.tenant_id, profile.debtor_id)
        ),
    )


def _blocked(restrictions: list[Restriction], now: datetime) -> set[NotificationChannel]:
    blocked: set[NotificationChannel] = set()
    channels = {c.value: c for c in NotificationChannel}
    for restriction in restrictions:
        if not restriction.in_force(now):
            continue
        if restriction.channel == ALL_CHANNELS:
            blocked.update(NotificationChannel)
        elif restriction.channel in channels:
            blocked.add(channels[restriction.channel])
    return blocked


async def _history(
    repos: Repositories, tenant_id: str, debtor_id: str, now: datetime, rules: GuardRules
) -> ContactHistory:
    span = max(rules.window_days, rules.call_block_days + 1, rules.min_gap_minutes // 1440 + 1)
    attempts = await repos.contacts.attempts_since(tenant_id, debtor_id, now - timedelta(days=span))
    spoken = [at for at, conversation in attempts if conversation]
    return ContactHistory(
        attempts=tuple(at for at, _ in attempts),
        last_conversation_at=max(spoken) if spoken else None,
    )


async def _case_file(repos: Repositories, profile: DebtorProfile, case: Case) -> dict[str, Any]:
    """What an agency or lawyer receives: the debtor, invoices, charges, contacts, disputes
    and the whole timeline, as JSON."""
    tenant_id = case.tenant_id
    invoices = await repos.invoices.of_case(tenant_id, case.case_id)
    timeline = await repos.cases.timeline(tenant_id, case.case_id, after=None, limit=100_000)
    entries = [
        {
            "at": e.at.isoformat(),
            "kind": e.kind,
            "step": e.step,
            "summary": e.summary,
            "details": e.details,
        }
        for _, e in timeline
    ] + [
        {
            "at": e.at.isoformat(),
            "kind": e.kind,
            "step": e.step,
            "summary": e.summary,
            "details": e.details,
        }
        for e in case.timeline
    ]
    return {
        "case_id": case.case_id,
        "policy": {"policy_id": case.policy_id, "version": case.policy_version},
        "debtor": {
            "debtor_id": profile.debtor_id,
            "name": profile.name,
            "country": profile.country,
            "time_zone": profile.time_zone,
            "language": profile.language,
            "contacts": profile.contacts_json,
            "postal_address": profile.postal_address_json,
        },
        "invoices": [
            {
                "invoice_id": i.invoice_id,
                "number": i.number,
                "due_date": i.due_date.isoformat(),
                "open": {"amount_minor": i.open_minor, "currency": i.currency},
                "status": i.status.value,
            }
            for i in invoices
        ],
        "charges": [e for e in entries if e["kind"] in {"charge_applied", "charge_declined"}],
        "contact_history": [
            {"at": a["at"].isoformat(), "channel": a["channel"], "id": a["attempt_id"]}
            for a in await repos.contacts.all_attempts(tenant_id, profile.debtor_id)
        ],
        "notifications": [
            {
                "dedup_key": n.dedup_key,
                "step": n.step,
                "channel": n.channel.value,
                "status": n.status,
            }
            for n in await repos.notifications.of_case(tenant_id, case.case_id)
        ],
        "disputes": [e for e in entries if e["kind"] in {"invoice_disputed", "dispute_resolved"}],
        "timeline": entries,
    }
