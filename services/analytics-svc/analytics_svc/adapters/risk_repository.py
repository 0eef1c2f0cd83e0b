"""Scores, the model in force and what was published (``risk_*``), and the payment
histories scoring reads from the ledger read model and the lifecycles."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, and_, or_, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from analytics_svc.adapters.tables import (
    debtors,
    ledger_entries,
    lifecycles,
    risk_models,
    risk_publications,
    risk_scores,
)
from analytics_svc.domain.ledger import EntryKind, LedgerEntry
from analytics_svc.domain.lifecycles import Lifecycle, LifecycleKind
from analytics_svc.domain.payment_history import (
    DebtorHistory,
    InvoiceHistory,
    add_lifecycles,
    invoice_histories,
)
from analytics_svc.domain.propensity import DebtorScore, PublishedScore
from analytics_svc.domain.propensity_model import (
    Evaluation,
    ModelChoice,
    ModelInForce,
    TrainedModel,
)
from analytics_svc.domain.risk_factors import Factor
from debtflow_shared.advisory_locks import lock_all
from debtflow_shared.catalog.analytics import RiskSegment
from debtflow_shared.value_lists import one_of

E4 = Decimal(10_000)


def _e4(value: Decimal | float | None) -> int | None:
    return None if value is None else int((Decimal(str(value)) * E4).to_integral_value())


def _of_e4(value: int) -> Decimal:
    return (Decimal(value) / E4).quantize(Decimal("0.0001"))


def _auc(value: int | None) -> float | None:
    return None if value is None else value / 10_000


class RiskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self) -> Any:
        dialect = self._session.get_bind().dialect.name
        return postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def _upsert(self, table: Any, key: list[str], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        statement = self._insert()(table)
        statement = statement.on_conflict_do_update(
            index_elements=key,
            set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in key},
        )
        await self._session.execute(statement, rows)

    async def tenants(self) -> list[str]:
        found = union(
            select(ledger_entries.c.tenant_id).distinct(), select(debtors.c.tenant_id).distinct()
        )
        rows = await self._session.execute(select(found.subquery().c.tenant_id).distinct())
        return sorted(tenant_id for (tenant_id,) in rows)

    async def lock_debtors(self, tenant_id: str, debtor_ids: Collection[str]) -> None:
        await lock_all(self._session, (f"analytics:risk:{tenant_id}:{d}" for d in debtor_ids))

    async def debtor_ids(self, tenant_id: str) -> list[str]:
        e = ledger_entries.c
        rows = await self._session.execute(
            select(e.debtor_id).where(e.tenant_id == tenant_id).distinct().order_by(e.debtor_id)
        )
        return [debtor_id for (debtor_id,) in rows]

    async def lock_daily_run(self, tenant_id: str) -> None:
        await lock_all(self._session, [f"analytics:risk-run:{tenant_id}"])

    async def histories(
        self, tenant_id: str, debtor_ids: Collection[str] | None = None
    ) -> list[DebtorHistory]:
        e, d, c = ledger_entries.c, debtors.c, lifecycles.c

        def only(column: Any) -> list[Any]:
            return [] if debtor_ids is None else [one_of(self._session, column, debtor_ids)]

        entries = await self._session.execute(
            select(ledger_entries).where(e.tenant_id == tenant_id, *only(e.debtor_id))
        )
        by_debtor: dict[str, list[LedgerEntry]] = {}
        for row in entries.mappings():
            entry = LedgerEntry(**(dict(row) | {"kind": EntryKind(row["kind"])}))
            by_debtor.setdefault(entry.debtor_id, []).append(entry)
        histories = {
            debtor_id: DebtorHistory(tenant_id, debtor_id)
            for debtor_id in (debtor_ids if debtor_ids is not None else by_debtor)
        }
        known = await self._session.execute(
            select(d.debtor_id, d.currency, d.credit_limit_minor, d.credit_limit_currency).where(
                d.tenant_id == tenant_id, *only(d.debtor_id)
            )
        )
        for debtor in known:
            history = histories.setdefault(
                debtor.debtor_id, DebtorHistory(tenant_id, debtor.debtor_id)
            )
            history.currency = debtor.currency
            if debtor.credit_limit_currency == debtor.currency:
                history.credit_limit_minor = debtor.credit_limit_minor
        for debtor_id, history in histories.items():
            history.invoices = invoice_histories(by_debtor.get(debtor_id, []))
        found = await self._session.execute(
            select(lifecycles).where(
                c.tenant_id == tenant_id,
                c.kind.in_([LifecycleKind.PROMISE.value, LifecycleKind.DISPUTE.value]),
                c.debtor_id.is_not(None),
                *only(c.debtor_id),
            )
        )
        by_owner: dict[str, list[Lifecycle]] = {}
        for lifecycle in found.mappings():
            item = Lifecycle(**(dict(lifecycle) | {"kind": LifecycleKind(lifecycle["kind"])}))
            by_owner.setdefault(lifecycle["debtor_id"], []).append(item)
        for debtor_id, items in by_owner.items():
            if debtor_id in histories:
                add_lifecycles(histories[debtor_id], items)
        return [histories[k] for k in sorted(histories)]

    async def invoices(self, tenant_id: str, currency: str) -> list[InvoiceHistory]:
        e = ledger_entries.c
        rows = await self._session.execute(
            select(ledger_entries).where(e.tenant_id == tenant_id, e.currency == currency)
        )
        return invoice_histories(
            LedgerEntry(**(dict(row) | {"kind": EntryKind(row["kind"])})) for row in rows.mappings()
        )

    async def model(self, tenant_id: str) -> ModelInForce | None:
        row = (
            (
                await self._session.execute(
                    select(risk_models).where(risk_models.c.tenant_id == tenant_id)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        evaluation = None
        if row["test_from"] is not None:
            evaluation = Evaluation(
                test_from=row["test_from"],
                train_examples=row["train_examples"] or 0,
                test_examples=row["test_examples"] or 0,
                model_auc=_auc(row["model_auc_e4"]),
                scorecard_auc=_auc(row["scorecard_auc_e4"]),
            )
        trained = TrainedModel.from_json(row["model"]) if row["model"] else None
        return ModelInForce(
            tenant_id=tenant_id,
            chosen_on=row["chosen_on"],
            choice=ModelChoice(trained, evaluation, row["reason"]),
            base_rate=_of_e4(row["base_rate_e4"]),
            examples=row["examples"],
        )

    async def save_model(self, model: ModelInForce) -> None:
        choice, evaluation = model.choice, model.choice.evaluation
        row = {
            "tenant_id": model.tenant_id,
            "chosen_on": model.chosen_on,
            "model_version": choice.version,
            "model": choice.model.to_json() if choice.model else None,
            "reason": choice.reason[:300],
            "base_rate_e4": _e4(model.base_rate),
            "examples": model.examples,
            "test_from": evaluation.test_from if evaluation else None,
            "train_examples": evaluation.train_examples if evaluation else None,
            "test_examples": evaluation.test_examples if evaluation else None,
            "model_auc_e4": _e4(evaluation.model_auc) if evaluation else None,
            "scorecard_auc_e4": _e4(evaluation.scorecard_auc) if evaluation else None,
        }
        await self._upsert(risk_models, ["tenant_id"], [row])

    async def published(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, PublishedScore]:
        if not debtor_ids:
            return {}
        p = risk_publications.c
        rows = await self._session.execute(
            select(p.debtor_id, p.version, p.score_e4, p.segment).where(
                p.tenant_id == tenant_id, one_of(self._session, p.debtor_id, debtor_ids)
            )
        )
        return {
            row.debtor_id: PublishedScore(
                row.version, _of_e4(row.score_e4), RiskSegment(row.segment)
            )
            for row in rows
        }

    async def save_published(
        self, tenant_id: str, published: dict[str, PublishedScore], at: datetime
    ) -> None:
        rows = [
            {
                "tenant_id": tenant_id,
                "debtor_id": debtor_id,
                "version": p.version,
                "score_e4": _e4(p.score),
                "segment": p.segment.value,
                "published_at": at,
            }
            for debtor_id, p in published.items()
        ]
        await self._upsert(risk_publications, ["tenant_id", "debtor_id"], rows)

    async def save_scores(self, scores: Sequence[DebtorScore], at: datetime) -> None:
        rows = [
            {
                "tenant_id": s.tenant_id,
                "debtor_id": s.debtor_id,
                "as_of": s.as_of,
                "score_e4": _e4(s.score),
                "segment": s.segment.value,
                "factors": json.dumps(
                    [
                        {"feature": f.feature, "factor": f.words, "contribution": f.contribution}
                        for f in s.factors
                    ]
                ),
                "currency": s.currency,
                "open_balance_minor": s.open_balance_minor,
                "expected_recovery_minor": s.expected_recovery_minor,
                "model_version": s.model_version,
                "scored_at": at,
            }
            for s in scores
        ]
        await self._upsert(risk_scores, ["tenant_id", "debtor_id"], rows)

    async def score(self, tenant_id: str, debtor_id: str) -> DebtorScore | None:
        s = risk_scores.c
        row = (
            (
                await self._session.execute(
                    select(risk_scores).where(s.tenant_id == tenant_id, s.debtor_id == debtor_id)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else _score(row)

    async def by_expected_recovery(
        self, tenant_id: str, currency: str, after: tuple[int, str] | None, limit: int
    ) -> list[DebtorScore]:
        s = risk_scores.c
        conditions = [s.tenant_id == tenant_id, s.currency == currency]
        if after is not None:
            recovery, debtor_id = after
            conditions.append(
                or_(
                    s.expected_recovery_minor < recovery,
                    and_(s.expected_recovery_minor == recovery, s.debtor_id > debtor_id),
                )
            )
        rows = await self._session.execute(
            select(risk_scores)
            .where(*conditions)
            .order_by(s.expected_recovery_minor.desc(), s.debtor_id)
            .limit(limit)
        )
        return [_score(row) for row in rows.mappings()]


def _score(row: RowMapping) -> DebtorScore:
    factors = tuple(
        Factor(f["feature"], f["factor"], float(f["contribution"]))
        for f in json.loads(row["factors"])
    )
    return DebtorScore(
        tenant_id=row["tenant_id"],
        debtor_id=row["debtor_id"],
        as_of=row["as_of"],
        score=_of_e4(row["score_e4"]),
        segment=RiskSegment(row["segment"]),
        factors=factors,
        currency=row["currency"],
        open_balance_minor=row["open_balance_minor"],
        expected_recovery_minor=row["expected_recovery_minor"],
        model_version=row["model_version"],
    )
