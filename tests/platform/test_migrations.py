"""Every service's migrations build exactly the schema its models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from analytics_svc.bootstrap import DEFINITION as ANALYTICS
from debtflow_shared.service import ServiceDefinition
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from invoice_svc.bootstrap import DEFINITION as INVOICE
from notify_svc.bootstrap import DEFINITION as NOTIFY
from tests.support.harness import Backend


@pytest.mark.parametrize(
    "definition", [INVOICE, ESCALATION, NOTIFY, ANALYTICS], ids=lambda d: d.name
)
async def test_migrations_match_the_models(backend: Backend, definition: ServiceDefinition) -> None:
    async with backend.service(definition, relay=False) as runtime:
        connection = await runtime.engine.connect()
        try:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}),
                    definition.metadata,
                )
            )
        finally:
            await connection.close()
    assert differences == []
