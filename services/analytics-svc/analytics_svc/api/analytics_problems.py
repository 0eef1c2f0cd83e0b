"""analytics-svc's typed errors as problem documents: the one table where they meet HTTP."""

from __future__ import annotations

from analytics_svc.service_layer.periods import PeriodRefused
from analytics_svc.service_layer.reports import DebtorNotFound
from debtflow_shared.http.problems import NOT_FOUND, ProblemTable, ProblemType

ANALYTICS_PROBLEMS = ProblemTable(
    {
        DebtorNotFound: NOT_FOUND,
        PeriodRefused: ProblemType(422, "Period not accepted", "period"),
    }
)
AnalyticsRoute = ANALYTICS_PROBLEMS.route_class
