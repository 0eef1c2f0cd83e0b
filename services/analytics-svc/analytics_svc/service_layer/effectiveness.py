"""What works: payment after each step, channel, template, tone and variant (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics_svc.domain.effectiveness import (
    Difference,
    Dimension,
    GroupResult,
    group,
    newcombe_difference,
)
from analytics_svc.domain.repositories import Repositories
from analytics_svc.domain.touches import TouchKind
from analytics_svc.service_layer.periods import check_period
from debtflow_shared.unit_of_work import AbstractUnitOfWork

UnitOfWork = AbstractUnitOfWork[Repositories]

# Steps and variants are counted per step that ran; channels, templates and tones per
# message sent (a step's message and the step itself are one touch of each kind).
_KIND = {
    Dimension.STEP: TouchKind.STEP,
    Dimension.VARIANT: TouchKind.STEP,
    Dimension.CHANNEL: TouchKind.NOTIFICATION,
    Dimension.TEMPLATE: TouchKind.NOTIFICATION,
    Dimension.TONE: TouchKind.NOTIFICATION,
}


async def what_works(
    uow: UnitOfWork,
    tenant_id: str,
    dimension: Dimension,
    start: date,
    end: date,
    *,
    within_days: int,
) -> list[GroupResult]:
    check_period(start, end, start_field="start", end_field="end")
    async with uow:
        outcomes = await uow.repos.touches.outcomes(tenant_id, _KIND[dimension], start, end)
    return group(outcomes, dimension, within_days)


@dataclass(frozen=True)
class VariantComparison:
    a: GroupResult
    b: GroupResult
    difference: Difference


async def compare_variants(
    uow: UnitOfWork,
    tenant_id: str,
    a: str,
    b: str,
    start: date,
    end: date,
    *,
    within_days: int,
    step: str | None = None,
) -> VariantComparison:
    """Variant ``a``'s payment rate minus ``b``'s, over the steps that ran (only ``step``'s
    if given: one touch per case, so the touches compared are independent)."""
    check_period(start, end, start_field="start", end_field="end")
    async with uow:
        outcomes = await uow.repos.touches.outcomes(tenant_id, TouchKind.STEP, start, end)
    chosen = [o for o in outcomes if step is None or o.step == step]
    groups = {g.value: g for g in group(chosen, Dimension.VARIANT, within_days)}
    first = groups.get(a, GroupResult(a, 0, 0, None))
    second = groups.get(b, GroupResult(b, 0, 0, None))
    return VariantComparison(
        first,
        second,
        newcombe_difference(first.paid, first.touches, second.paid, second.touches),
    )
