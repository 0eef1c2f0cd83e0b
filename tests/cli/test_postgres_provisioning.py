"""Each service owns its PostgreSQL schema through its own role, granted on nothing else."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from debtflow_cli.provisioning import provision_service
from debtflow_shared.migrations import upgrade_to_head
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from invoice_svc.bootstrap import DEFINITION as INVOICE
from tests.support.harness import Backend


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def test_service_role_uses_its_schema_and_cannot_read_another(infra: Backend) -> None:
    admin_url = infra.database_url
    assert admin_url is not None
    roles = {name: f"{infra.prefix}_{name}" for name in ("invoice", "escalation")}
    urls = {
        name: make_url(admin_url)
        .set(username=role, password=f"pw-{role}")
        .render_as_string(hide_password=False)
        for name, role in roles.items()
    }
    infra._schemas.extend(roles.values())  # dropped after the test
    try:
        for name, definition in (("invoice", INVOICE), ("escalation", ESCALATION)):
            await provision_service(admin_url, urls[name], roles[name])
            await provision_service(admin_url, urls[name], roles[name])  # idempotent
            await upgrade_to_head(definition.migrations, urls[name], roles[name])

        invoice = await asyncpg.connect(_dsn(urls["invoice"]))
        try:
            assert await invoice.fetchval("SELECT count(*) FROM debtors") == 0
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await invoice.fetchval(f'SELECT count(*) FROM "{roles["escalation"]}".inbox')
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await invoice.execute("CREATE TABLE public.sneaky (id int)")
        finally:
            await invoice.close()
    finally:
        admin = await asyncpg.connect(_dsn(admin_url))
        try:
            for role in roles.values():
                await admin.execute(f'DROP SCHEMA IF EXISTS "{role}" CASCADE')
                await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        finally:
            await admin.close()
