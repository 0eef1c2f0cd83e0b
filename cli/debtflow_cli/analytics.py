"""``debtflow analytics``: operate analytics-svc's read models.

``rebuild`` empties every read model and replays analytics-svc's own copy of the events
into them, with a progress bar, against the configured database (``ANALYTICS_DATABASE_URL``
or the embedded SQLite file), beside a running service or without one.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from analytics_svc.service_layer.rebuild import CHUNK, rebuild
from analytics_svc.service_layer.scoring_runs import policy_of
from analytics_svc.settings import AnalyticsSettings
from debtflow_cli.suite import members
from debtflow_shared.auth import TokenVerifier
from debtflow_shared.clock import SystemClock
from debtflow_shared.logging import configure_logging
from debtflow_shared.service import ServiceRuntime, build_bus
from debtflow_shared.settings import PlatformSettings

analytics_app = typer.Typer(
    help="analytics-svc's read models: rebuild them from its copy of the events.",
    no_args_is_help=True,
)


@analytics_app.command("rebuild")
def rebuild_command(
    chunk: Annotated[int, typer.Option(min=1, max=100_000, help="events per transaction")] = CHUNK,
) -> None:
    """Recompute every read model (ledger, aging, KPIs, scores) from the event log."""
    platform = PlatformSettings()
    configure_logging(platform.log_level, json=platform.log_json)
    (member,) = members(["analytics"])
    console = Console(stderr=True)

    async def go() -> int:
        settings = member.settings(platform)
        runtime = ServiceRuntime(
            member.definition,
            settings,
            bus=build_bus(platform, "debtflow-analytics-rebuild"),  # never started
            clock=SystemClock(),
            verifier=TokenVerifier({}),
        )
        try:
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("replaying events", total=None)

                def advance(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                scoring = policy_of(settings) if isinstance(settings, AnalyticsSettings) else None
                return await rebuild(runtime.uow, progress=advance, chunk=chunk, scoring=scoring)
        finally:
            await runtime.engine.dispose()

    replayed = asyncio.run(go())
    console.print(f"[green]rebuilt[/] analytics-svc's read models from {replayed} events")
