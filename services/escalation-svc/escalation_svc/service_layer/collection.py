"""Bringing a debtor's collection up to date: the one path every change goes through.

Consumers (invoice facts, payments, charge answers, notification outcomes, debtor
profiles), API calls (pause, resume, restrictions) and the timer scheduler all end in
:func:`advance_in`, inside their own transaction: it locks the debtor's timer row, reads
the debtor's situation, lets :func:`run_ladder` decide, stores the case, its timeline and
the commands it sent (outbox), and sets the timer to the next instant something is due.
Whatever the order in which things arrive, the same situation gives the same decisions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from debtflow_shared.catalog.escalation import PauseReason
from debtflow_shared.catalog.notification import NotificationChannel
from debtflow_shared.envelope import new_event_id
from debtflow_shared.logging import get_logger
from debtflow_shared.unit_of_work import AbstractUnitOfWork
from escalation_svc.domain.arrangements import Arrangement
from escalation_svc.domain.case import Case, CaseStatus
from escalation_svc.domain.compliance_guard import ContactHistory, GuardRules
from escalation_svc.domain.contact_channels import Reachability, addresses_from_profile
from escalation_svc.domain.contact_restriction import ALL_CHANNELS, Restriction
from escalation_svc.domain.debtor_profile import DebtorProfile
from escalation_svc.domain.ladder_run import Notification, Situation, run_ladder
from escalation_svc.domain.policy import DEFAULT_POLICY_ID, Policy
from escalation_svc.domain.repositories import Repositories
from escalation_svc.domain.task import Task
from escalation_svc.domain.timer import Timer

log = get_logger(__name__)

UnitOfWork = AbstractUnitOfWork[Repositories]
RETRY_SOON = timedelta(minutes=1)
_ARRANGED = frozenset({PauseReason.PROMISE, PauseReason.PLAN, PauseReason.SETTLEMENT})


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
    timer = await uow.repos.timers.lock(tenant_id, debtor_id)
    ran = await advance_batch(uow, tenant_id, [timer], notes={debtor_id: notes}, answered=answered)
    return ran.get(debtor_id)


async def advance_batch(
    uow: UnitOfWork,
    tenant_id: str,
    locked: Sequence[Timer],
    *,
    notes: Mapping[str, Sequence[Note]] | None = None,
    answered: Collection[str] = (),
) -> dict[str, Case | None]:
    """Run the ladders of one tenant's debtors whose timer rows this transaction holds.

    Set-based: each kind of row is read for all the debtors in one statement, each ladder
    is decided in memory, and each kind of write is one statement, so the scheduler's cost
    per debtor stays a few rows, not a few round trips.
    """
    if not locked:
        return {}
    repos = uow.repos
    now = uow.clock.now()
    ids = [t.debtor_id for t in locked]
    profiles = await repos.profiles.get_many(tenant_id, ids)
    ids = [d for d in ids if d in profiles]
    if not ids:
        # Facts may overtake the debtor's profile: debtor.upserted advances it on arrival.
        await repos.timers.set_many(tenant_id, {t.debtor_id: None for t in locked})
        return {}
    current = await repos.cases.current_for_many(tenant_id, ids)
    invoices = await repos.invoices.of_debtors(tenant_id, ids)
    unsettled = await repos.notifications.unsettled_for_cases(
        tenant_id, [c.case_id for c in current.values()]
    )
    restrictions = await repos.contacts.restrictions_many(tenant_id, ids)
    failed = await repos.contacts.failed_addresses_many(tenant_id, ids)
    arranged = await repos.arrangements.in_force_for_cases(
        tenant_id,
        [c.case_id for c in current.values() if any(p.reason in _ARRANGED for p in c.pauses)],
    )
    policies = _Policies(repos, tenant_id)
    default = await policies.default()
    attempts = await repos.contacts.attempts_since_many(
        tenant_id, ids, now - timedelta(days=_history_days(default.rules))
    )
    results: dict[str, Case | None] = {}
    changed: list[Case] = []
    joined: list[tuple[str, str]] = []
    requested: list[tuple[str, Notification]] = []
    settled: dict[str, str] = {}
    due: dict[str, datetime | None] = {t.debtor_id: None for t in locked}
    opened: list[str] = []
    new_tasks: list[Task] = []
    changed_arrangements: list[Arrangement] = []
    for timer in locked:
        debtor_id = timer.debtor_id
        profile = profiles.get(debtor_id)
        if profile is None:
            continue
        case = current.get(debtor_id)
        if case is not None:
            policy, inherited = await policies.of(case), 0
            for note in (notes or {}).get(debtor_id, ()):
                case.note(now, note.kind, note.summary, **note.details)
            _answer_charges(case, answered)
        else:
            policy, inherited = default, 0
            if timer.reopened_by_reversal:
                last = await repos.cases.last_closed_for(tenant_id, debtor_id)
                inherited = last.stage if last is not None else 0
        outcome = run_ladder(
            Situation(
                now=now,
                profile=profile,
                invoices=tuple(invoices.get(debtor_id, ())),
                case=case,
                policy=policy,
                rules=policy.rules,
                reach=_reachability(profile, restrictions.get(debtor_id, []), failed, now),
                history=_history(attempts.get(debtor_id, [])),
                notifications=tuple(unsettled.get(case.case_id, ()) if case else ()),
                new_case_id=lambda: str(new_event_id()),
                overdue_reported=timer.overdue_reported,
                reopened_by_reversal=timer.reopened_by_reversal,
                inherited_stage=inherited,
                arrangement=arranged.get(case.case_id) if case else None,
                new_task_id=lambda: str(new_event_id()),
            )
        )
        result = outcome.case
        results[debtor_id] = result
        if result is not None:
            joined.extend((invoice_id, result.case_id) for invoice_id in outcome.joined)
            requested.extend((debtor_id, n) for n in outcome.new_notifications)
            settled.update(outcome.settled)
            new_tasks.extend(outcome.new_tasks)
            if outcome.arrangement is not None:
                changed_arrangements.append(outcome.arrangement)
            if outcome.hand_off:
                result.case_file = await _case_file(repos, profile, result)
            if result.status is CaseStatus.RESOLVED:
                await repos.invoices.leave_case(tenant_id, result.case_id)
            changed.append(result)
            uow.track(result)
            if result.active:
                opened.append(debtor_id)
        wake = outcome.wake_at
        if wake is not None and wake <= now:
            log.warning("ladder asked to wake in the past", debtor_id=debtor_id, wake=wake)
            wake = now + RETRY_SOON
        due[debtor_id] = wake
    await repos.invoices.join_cases(tenant_id, joined)
    await repos.notifications.add_many(tenant_id, requested)
    await repos.notifications.settle_many(tenant_id, settled)
    await repos.cases.save_many(changed)
    await repos.tasks.add_many(new_tasks)
    await repos.arrangements.put_many(changed_arrangements)
    await repos.timers.set_many(tenant_id, due, cleared=opened)
    return results


class _Policies:
    """The policy versions a batch's cases run on, each read once."""

    def __init__(self, repos: Repositories, tenant_id: str) -> None:
        self._repos, self._tenant_id = repos, tenant_id
        self._known: dict[tuple[str, int], Policy] = {}

    async def default(self) -> Policy:
        latest = await self._repos.policies.latest(self._tenant_id, DEFAULT_POLICY_ID)
        assert latest is not None  # the shipped default stands in
        self._known[(latest.policy_id, latest.version)] = latest
        return latest

    async def of(self, case: Case) -> Policy:
        key = (case.policy_id, case.policy_version)
        if key not in self._known:
            policy = await self._repos.policies.get(self._tenant_id, *key)
            if policy is None:
                raise LookupError(f"policy {key[0]} v{key[1]} is missing")
            self._known[key] = policy
        return self._known[key]


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


def _reachability(
    profile: DebtorProfile,
    restrictions: list[Restriction],
    failed: Mapping[str, set[tuple[str, str]]],
    now: datetime,
) -> Reachability:
    return Reachability(
        addresses=addresses_from_profile(
            profile.contacts_json, has_postal_address=profile.postal_address_json is not None
        ),
        blocked=frozenset(_blocked(restrictions, now)),
        failed_addresses=frozenset(failed.get(profile.debtor_id, set())),
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


HISTORY_DAYS = 62
"""How far back contact attempts are read: past every window a policy may set (60 days)."""


def _history_days(rules: GuardRules) -> int:
    return max(HISTORY_DAYS, rules.window_days, rules.call_block_days + 1)


async def contact_history(
    uow: UnitOfWork, tenant_id: str, debtor_id: str, rules: GuardRules
) -> ContactHistory:
    """What the guard counts for one debtor now (attempts, the last conversation)."""
    since = uow.clock.now() - timedelta(days=_history_days(rules))
    return _history(await uow.repos.contacts.attempts_since(tenant_id, debtor_id, since))


def _history(attempts: list[tuple[datetime, bool]]) -> ContactHistory:
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
