"""``python -m <service>``'s app: starts against its broker, and waits for one that is away."""

from __future__ import annotations

import asyncio

from debtflow_shared.service import standalone_app
from debtflow_shared.settings import BusKind
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.api import api_client_for_app, served
from tests.support.harness import Backend, eventually


async def test_service_stays_live_but_not_ready_while_the_broker_is_unreachable(
    embedded: Backend,
) -> None:
    settings = embedded.settings(InvoiceSettings, "invoice")
    settings.platform.bus = BusKind.KAFKA
    settings.platform.kafka_bootstrap_servers = "127.0.0.1:9"  # nothing listens there
    settings.platform.data_dir.mkdir(parents=True)  # the database is there; only the broker is not
    app = standalone_app(INVOICE, settings)
    async with served(app), api_client_for_app(app) as client:
        await asyncio.sleep(0.5)
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"] is False


async def test_standalone_service_becomes_ready_on_postgres_and_kafka(infra: Backend) -> None:
    settings = infra.settings(InvoiceSettings, "invoice")
    async with infra.service(INVOICE, InvoiceSettings, relay=False):
        pass  # migrated, as `debtflow migrate` would have done
    app = standalone_app(INVOICE, settings)
    async with served(app), api_client_for_app(app) as client:

        async def ready() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await eventually(ready, within=30)
