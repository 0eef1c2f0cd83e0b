"""``debtflow run``: the whole suite in one process on the embedded default.

One SQLite file per service in the data folder, the in-process bus delivering from each
service's outbox, four HTTP servers on their production ports and paths.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import structlog
import uvicorn

from debtflow_cli.demo import DEMO_TENANT, seed_demo
from debtflow_cli.demo_collection import seed_collection_demo
from debtflow_cli.suite import SUITE
from debtflow_shared.auth import (
    CLOCK_WRITE,
    TokenVerifier,
    generate_key_pair,
    issue_token,
    newest_signing_key,
)
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.clock import Clock, ControlledClock
from debtflow_shared.logging import configure_logging, get_logger
from debtflow_shared.service import ServiceRuntime, build_clock
from debtflow_shared.settings import PlatformSettings
from debtflow_shared.startup_objects import freeze_startup_objects
from notify_svc.settings import NotifySettings

log = get_logger(__name__)

# The demo's operator is also the tenant's admin: its token may move the clock too.
ALL_SCOPES = (
    "admin",
    CLOCK_WRITE,
    "debtors:read",
    "debtors:write",
    "invoices:read",
    "invoices:write",
    "payments:write",
    "cases:read",
    "cases:write",
    "notifications:read",
    "templates:write",
    "suppressions:write",
    "analytics:read",
)


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the runner (four share a process)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_as(server: uvicorn.Server, service: str) -> None:
    """Serve, naming the service on each line uvicorn logs (four servers share one process)."""
    with structlog.contextvars.bound_contextvars(service=service):
        await server.serve()


@dataclass(frozen=True)
class Banner:
    urls: dict[str, str]
    token: str
    tenant: str
    mailbox: str | None = None  # notify-svc's folder of sent emails, when no SMTP is set


async def run_embedded(platform: PlatformSettings, *, seed: bool = True) -> None:
    configure_logging(platform.log_level, json=platform.log_json)
    platform.data_dir.mkdir(parents=True, exist_ok=True)
    keys_dir = platform.data_dir / "keys"
    signing_key = newest_signing_key(keys_dir) or generate_key_pair(keys_dir)
    verifier = TokenVerifier.from_directory(platform.keys_dir, platform.auth_issuer)
    bus = EmbeddedBus(platform.data_dir / "bus-dead-letters.sqlite")
    clock = build_clock(platform)
    runtimes = [
        ServiceRuntime(m.definition, m.settings(platform), bus=bus, clock=clock, verifier=verifier)
        for m in SUITE
    ]
    for runtime in runtimes:
        await runtime.migrate()
    await bus.start()
    for runtime in runtimes:
        # The relay and background tasks inherit the name, so their lines say whose they are.
        with structlog.contextvars.bound_contextvars(service=runtime.definition.name):
            await runtime.start()
    freeze_startup_objects()
    servers = [
        _Server(
            uvicorn.Config(
                r.app,
                host=r.settings.http_host,
                port=r.settings.http_port,
                log_config=None,
                lifespan="off",
                access_log=False,
            )
        )
        for r in runtimes
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    serving = [
        asyncio.create_task(serve_as(s, r.definition.name), name=f"http-{r.definition.name}")
        for s, r in zip(servers, runtimes, strict=True)
    ]
    try:
        while not all(s.started for s in servers):
            if any(t.done() for t in serving):
                raise SystemExit("an HTTP server failed to start (is its port in use?)")
            await asyncio.sleep(0.05)
        if seed:
            created = await seed_demo(runtimes[0])
            log.info("demo data ready", tenant=DEMO_TENANT, created_debtors=created)
            # escalation-svc's own part (a promise, a plan, tasks), once its cases are open
            if await seed_collection_demo(runtimes[0], runtimes[1]):
                log.info("demo collection work ready", tenant=DEMO_TENANT)
        token = issue_token(
            signing_key,
            tenant_id=DEMO_TENANT,
            scopes=ALL_SCOPES,
            subject="demo-user",
            lifetime=timedelta(days=7),
        )
        _print_banner(
            Banner(
                urls={
                    r.definition.name: f"http://{r.settings.http_host}:{r.settings.http_port}"
                    for r in runtimes
                },
                token=token,
                tenant=DEMO_TENANT,
                mailbox=next(
                    (
                        str(r.settings.mailbox)
                        for r in runtimes
                        if isinstance(r.settings, NotifySettings) and not r.settings.smtp_host
                    ),
                    None,
                ),
            ),
            clock=_describe_clock(clock, platform),
        )
        await stop.wait()
        print("\ndebtflow: shutting down...", flush=True)
    finally:
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*serving, return_exceptions=True)
        for runtime in reversed(runtimes):
            await runtime.stop()
        await bus.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    print("debtflow: stopped cleanly", flush=True)


def _describe_clock(clock: Clock, platform: PlatformSettings) -> str:
    if not isinstance(clock, ControlledClock):
        return platform.clock.value
    now = clock.now().isoformat(timespec="seconds")
    return f"{platform.clock.value}, now {now} (kept in {platform.clock_state_file})"


def _print_banner(banner: Banner, *, clock: str) -> None:
    lines = ["", "debtflow is running (embedded: one process, SQLite, in-process bus)", ""]
    for name, url in banner.urls.items():
        lines.append(f"  {name:<15} {url}/v1   docs: {url}/docs")
    lines += [
        "",
        f"  demo tenant:   {banner.tenant}",
        f"  clock:         {clock}",
        f"  bearer token (all scopes, {CLOCK_WRITE} included, 7 days):",
        f"  {banner.token}",
        "",
        *(
            [f"  emails sent:   {banner.mailbox}/ (one .eml file per message)", ""]
            if banner.mailbox
            else []
        ),
        f'  try:  curl -H "Authorization: Bearer $TOKEN" {banner.urls["invoice-svc"]}/v1/debtors',
        f'        curl -H "Authorization: Bearer $TOKEN" {banner.urls["escalation-svc"]}/v1/cases'
        "   (each case's /timeline says why; move the clock to see cases progress)",
        "  stop: Ctrl-C",
        "",
    ]
    print("\n".join(lines), flush=True)
