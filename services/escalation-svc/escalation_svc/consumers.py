"""The topics escalation-svc consumes and the use case each goes to (behind the inbox)."""

from __future__ import annotations

from debtflow_shared.catalog.debtor import DebtorUpsertedV2
from debtflow_shared.event_consumer import BatchEventHandler
from debtflow_shared.service import HandlerMap, ServiceRuntime
from escalation_svc.service_layer.debtor_profiles import (
    on_debtor_upserted,
    on_debtor_upserted_batch,
)


def handlers(_runtime: ServiceRuntime) -> HandlerMap:
    return {DebtorUpsertedV2.event_type: on_debtor_upserted}


# Topics with a set-based path: a batch's events in one statement.
batch_handlers: dict[str, BatchEventHandler] = {
    DebtorUpsertedV2.event_type: on_debtor_upserted_batch
}
