"""Creating each service's PostgreSQL role and schema, granted only on that schema."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url

from debtflow_shared.logging import get_logger

log = get_logger(__name__)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def provision_service(admin_url: str, service_url: str, schema: str) -> None:
    """Ensure the service's role (from its URL) exists, owns its schema and nothing else."""
    service = make_url(service_url)
    role, password = service.username, service.password
    if not role:
        raise ValueError(f"the {schema} database URL names no user")
    admin = make_url(admin_url).set(drivername="postgresql")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
        verb = "ALTER" if exists else "CREATE"
        # Role passwords cannot be bound parameters in DDL; quote the literal safely.
        literal = await connection.fetchval("SELECT quote_literal($1::text)", password or "")
        await connection.execute(
            f"{verb} ROLE {_quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"PASSWORD {literal}"
        )
        await connection.execute(
            f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)} AUTHORIZATION {_quote(role)}"
        )
        await connection.execute(f"ALTER ROLE {_quote(role)} SET search_path = {_quote(schema)}")
        await connection.execute(f"REVOKE ALL ON SCHEMA public FROM {_quote(role)}")
        log.info("provisioned service database", role=role, schema=schema)
    finally:
        await connection.close()
