"""``debtflow``: the operator's commands."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.progress import Progress

from debtflow_cli.analytics import analytics_app
from debtflow_cli.dlq import dlq_app
from debtflow_cli.migration_revision import RevisionRefused, write_revision
from debtflow_cli.provisioning import provision_service
from debtflow_cli.suite import members
from debtflow_shared.auth import TokenVerifier, generate_key_pair, issue_token, load_signing_key
from debtflow_shared.catalog.asyncapi import asyncapi_document
from debtflow_shared.clock import SystemClock
from debtflow_shared.logging import configure_logging
from debtflow_shared.service import ServiceRuntime, build_bus
from debtflow_shared.settings import PlatformSettings, normalize_database_url

app = typer.Typer(help="debtflow: event-driven commercial debt collection.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for the APIs.", no_args_is_help=True)
keys_app = typer.Typer(help="Token signing keys.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(keys_app, name="keys")
app.add_typer(dlq_app, name="dlq")
app.add_typer(analytics_app, name="analytics")
migrate_app = typer.Typer(
    help="Service databases: with no command, migrate them all (`migrate up`); `migrate "
    "revision` writes a service's next migration."
)
app.add_typer(migrate_app, name="migrate")
console = Console(stderr=True)

ASYNCAPI_PATH = Path("docs/asyncapi.yaml")


@app.command()
def run(
    data_dir: Annotated[
        Path | None, typer.Option(help="where the SQLite files and keys live")
    ] = None,
    seed: Annotated[bool, typer.Option(help="load the demo tenant's sample data")] = True,
) -> None:
    """Run the whole suite in one process on the embedded default (development)."""
    from debtflow_cli.embedded import run_embedded

    if data_dir is not None:
        os.environ["DEBTFLOW_DATA_DIR"] = str(data_dir)
    asyncio.run(run_embedded(PlatformSettings(), seed=seed))


ServicesOption = Annotated[list[str] | None, typer.Option(help="only these (e.g. invoice)")]
AdminUrlOption = Annotated[
    str | None,
    typer.Option(
        envvar="DEBTFLOW_ADMIN_DATABASE_URL",
        help="PostgreSQL admin URL: create each service's role and schema first",
    ),
]


@migrate_app.callback(invoke_without_command=True)
def migrate(
    ctx: typer.Context, service: ServicesOption = None, admin_url: AdminUrlOption = None
) -> None:
    """Bring every service's database to its newest migration (`migrate up`, the default)."""
    if ctx.invoked_subcommand is None:
        migrate_up(service, admin_url)
    elif service or admin_url:
        console.print(f"[red]put the options after `migrate {ctx.invoked_subcommand}`")
        raise typer.Exit(2)


@migrate_app.command("up")
def migrate_up(service: ServicesOption = None, admin_url: AdminUrlOption = None) -> None:
    """Bring every service's database (or those named) to its newest migration."""
    platform = PlatformSettings()
    configure_logging(platform.log_level, json=platform.log_json)
    chosen = members(service)

    async def go() -> None:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("migrating", total=len(chosen))
            for member in chosen:
                settings = member.settings(platform)
                runtime = ServiceRuntime(
                    member.definition,
                    settings,
                    bus=build_bus(platform, member.definition.name),
                    clock=SystemClock(),  # migrations read no business time (or its file)
                    verifier=TokenVerifier({}),
                )
                try:
                    if admin_url and not runtime.database_url.startswith("sqlite"):
                        await provision_service(admin_url, runtime.database_url, runtime.schema)
                    await runtime.migrate()
                finally:
                    await runtime.engine.dispose()
                console.print(f"[green]migrated[/] {member.definition.name}")
                progress.advance(task)

    asyncio.run(go())


@migrate_app.command("revision")
def migrate_revision(
    service: Annotated[str, typer.Option(help="the service, by short name (e.g. invoice)")],
    message: Annotated[
        str, typer.Option("--message", "-m", help="what changes: the docstring's first line")
    ],
    why: Annotated[
        str | None,
        typer.Option(help="the docstring's paragraph: why, and what becomes of existing rows"),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="compare against this scratch PostgreSQL database (brought to head first). "
            "Prefer it: PostgreSQL is the production dialect and reflects types, defaults and "
            "partial indexes as they are, where SQLite's loose types can hide a change. "
            "Default: a throwaway SQLite database in a temporary folder"
        ),
    ] = None,
) -> None:
    """Write a service's next migration, autogenerated from the difference between its models
    and its migrations (review it before committing)."""
    try:
        (member,) = members([service])
    except ValueError as unknown:
        console.print(f"[red]{unknown}")
        raise typer.Exit(2) from None
    url = normalize_database_url(database_url) if database_url else None
    try:
        path = write_revision(member.definition, message, database_url=url, why=why)
    except RevisionRefused as refused:
        console.print(f"[red]{refused}")
        raise typer.Exit(1) from None
    console.print(f"wrote {path}")
    if why is None:
        console.print("[yellow]say why in its docstring (the TODO(why) line)")


@keys_app.command("generate")
def keys_generate(
    out: Annotated[Path, typer.Option(help="folder for public/ and private/ keys")] = Path(
        ".data/keys"
    ),
    kid: Annotated[str | None, typer.Option(help="key id (default: a timestamp)")] = None,
    if_missing: Annotated[bool, typer.Option(help="do nothing if a private key exists")] = False,
) -> None:
    """Create an Ed25519 signing key pair (services get only public/<kid>.pem)."""
    if if_missing and any((out / "private").glob("*.pem")):
        console.print(f"a signing key already exists in {out / 'private'}")
        return
    key = generate_key_pair(out, kid)
    console.print(f"created key {key.kid}: public key in {out / 'public'}")


@token_app.command("create")
def token_create(
    tenant: Annotated[str, typer.Option(help="the tenant the token acts for")],
    scopes: Annotated[
        str,
        typer.Option(
            help="comma-separated, e.g. invoices:write,cases:read; clock:write (move the "
            "deployment's controlled clock) is an operator scope that admin does not imply"
        ),
    ],
    key_file: Annotated[
        Path | None,
        typer.Option(envvar="DEBTFLOW_SIGNING_KEY_FILE", help="private key (<kid>.pem)"),
    ] = None,
    subject: Annotated[str, typer.Option(help="who the token is for")] = "operator",
    days: Annotated[int, typer.Option(min=1, max=3650, help="lifetime in days")] = 30,
) -> None:
    """Issue a signed bearer token and print it."""
    if key_file is None:
        candidates = sorted((PlatformSettings().data_dir / "keys" / "private").glob("*.pem"))
        if not candidates:
            console.print("[red]no signing key: run `debtflow keys generate` or pass --key-file")
            raise typer.Exit(2)
        key_file = candidates[-1]
    key = load_signing_key(key_file)
    scope_list = [s.strip() for s in scopes.split(",") if s.strip()]
    print(
        issue_token(
            key, tenant_id=tenant, scopes=scope_list, subject=subject, lifetime=timedelta(days=days)
        )
    )


@app.command()
def asyncapi(
    check: Annotated[bool, typer.Option(help="fail if the file is not current")] = False,
    path: Annotated[Path, typer.Option(help="where the document lives")] = ASYNCAPI_PATH,
) -> None:
    """Write (or check) docs/asyncapi.yaml, generated from the event catalog."""
    text = render_asyncapi()
    if check:
        if not path.exists() or path.read_text() != text:
            console.print(f"[red]{path} is stale: run `debtflow asyncapi`")
            raise typer.Exit(1)
        console.print(f"{path} is current")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    console.print(f"wrote {path}")


def render_asyncapi() -> str:
    header = "# Generated by `debtflow asyncapi` from the pydantic event catalog. Do not edit.\n"
    body = yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=100)
    return header + body


if __name__ == "__main__":
    sys.exit(app())
