"""escalation-svc's typed errors as problem documents: the one table where they meet HTTP."""

from __future__ import annotations

from debtflow_shared.http.problems import CONCURRENT_CHANGE, NOT_FOUND, ProblemTable, ProblemType
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from escalation_svc.domain.arrangements import ArrangementInForce
from escalation_svc.domain.case import CaseNotFound, CaseStateError
from escalation_svc.domain.contact_restriction import RestrictionNotFound
from escalation_svc.domain.plan import PlanNotFound
from escalation_svc.domain.policy import (
    DefaultPolicyIsPermanent,
    PolicyExists,
    PolicyInvalid,
    PolicyNotFound,
)
from escalation_svc.domain.promise import ArrangementInvalid, PromiseNotFound
from escalation_svc.domain.settlement import SettlementNotFound
from escalation_svc.domain.task import CallBlocked, TaskNotFound, TaskStateError
from escalation_svc.service_layer.contact_restrictions import UnknownDebtor

ESCALATION_PROBLEMS = ProblemTable(
    {
        PolicyInvalid: ProblemType(422, "Policy invalid", "policy-invalid"),
        PolicyExists: ProblemType(409, "Policy exists", "policy-exists"),
        DefaultPolicyIsPermanent: ProblemType(
            409, "Policy state does not allow this", "policy-state"
        ),
        PolicyNotFound: NOT_FOUND,
        CaseNotFound: NOT_FOUND,
        UnknownDebtor: NOT_FOUND,
        RestrictionNotFound: NOT_FOUND,
        CaseStateError: ProblemType(409, "Case state does not allow this", "case-state"),
        ConcurrentUpdate: CONCURRENT_CHANGE,
        ArrangementInvalid: ProblemType(422, "Arrangement invalid", "arrangement-invalid"),
        ArrangementInForce: ProblemType(
            409, "An arrangement is in force on the case", "arrangement-in-force"
        ),
        PromiseNotFound: NOT_FOUND,
        PlanNotFound: NOT_FOUND,
        SettlementNotFound: NOT_FOUND,
        TaskNotFound: NOT_FOUND,
        TaskStateError: ProblemType(409, "Task state does not allow this", "task-state"),
        CallBlocked: ProblemType(409, "No call allowed now", "call-blocked"),
    }
)
EscalationRoute = ESCALATION_PROBLEMS.route_class
