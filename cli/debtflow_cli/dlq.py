"""``debtflow dlq``: list, show and replay dead letters on the configured bus (``DEBTFLOW_BUS``).

``replay`` is a dry run unless given ``--yes``: it prints what it would send and changes
nothing. On the embedded bus it runs the suite's consumers and relays in this process (see
``debtflow_shared.dlq.embedded_replay``), so it works with or without ``debtflow run``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from debtflow_cli.suite import SUITE
from debtflow_shared.auth import TokenVerifier
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.bus.kafka import KafkaBus, KafkaOptions
from debtflow_shared.dead_letters import DeadLetterReason
from debtflow_shared.dlq.embedded_replay import EmbeddedReplay
from debtflow_shared.dlq.embedded_store import EmbeddedDeadLetters
from debtflow_shared.dlq.kafka_reader import KafkaDeadLetters
from debtflow_shared.dlq.letter import (
    REPLAYED_FROM,
    DeadLetter,
    DeadLetterFilter,
    DeadLetterSource,
)
from debtflow_shared.dlq.replay import plan_replay, replay
from debtflow_shared.logging import configure_logging
from debtflow_shared.service import ServiceRuntime, build_clock
from debtflow_shared.settings import BusKind, PlatformSettings

dlq_app = typer.Typer(
    help="Dead letters: list, show, and replay them once their cause is fixed.",
    no_args_is_help=True,
)


def _out() -> Console:
    # Made per call, not at import: a console reads the terminal width (COLUMNS) when made.
    return Console()


def _console() -> Console:
    return Console(stderr=True)


T = TypeVar("T")
CLIENT_ID = "debtflow-dlq"
_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_NONE = TokenVerifier({})  # a replay's runtimes only consume: they check no tokens


def parse_duration(text: str | None) -> timedelta | None:
    """``90s``, ``30m``, ``24h``, ``7d``, ``2w``."""
    if text is None:
        return None
    match = _DURATION.match(text.strip())
    if match is None:
        raise typer.BadParameter(f"{text!r}: give a number and s, m, h, d or w (e.g. 24h)")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


TopicOption = Annotated[
    str | None, typer.Option(help="the original topic (erp.invoice) or its .dlq")
]
ReasonOption = Annotated[DeadLetterReason | None, typer.Option(help="why it was dead-lettered")]
TenantOption = Annotated[str | None, typer.Option(help="the envelope's tenant")]
EventIdOption = Annotated[str | None, typer.Option("--event-id", help="the envelope's id")]
OlderOption = Annotated[
    str | None, typer.Option(help="dead-lettered at least this long ago (e.g. 24h, 7d)")
]
NewerOption = Annotated[
    str | None, typer.Option(help="dead-lettered at most this long ago (e.g. 30m)")
]


def _criteria(
    topic: str | None,
    reason: DeadLetterReason | None,
    tenant: str | None,
    event_id: str | None,
    older_than: str | None,
    newer_than: str | None,
) -> DeadLetterFilter:
    return DeadLetterFilter(
        topic=topic,
        reason=reason.value if reason else None,
        tenant=tenant,
        event_id=event_id,
        older_than=parse_duration(older_than),
        newer_than=parse_duration(newer_than),
    )


def kafka_options(platform: PlatformSettings) -> KafkaOptions:
    return KafkaOptions(
        bootstrap_servers=platform.kafka_bootstrap_servers,
        client_id=CLIENT_ID,
        topic_prefix=platform.kafka_topic_prefix,
        topic_partitions=platform.kafka_topic_partitions,
        ensure_topics=False,  # a replay goes to topics that had messages: they exist
    )


def dead_letter_source(platform: PlatformSettings) -> DeadLetterSource:
    """The configured bus's dead letters."""
    now = datetime.now(UTC)
    if platform.bus is BusKind.KAFKA:
        return KafkaDeadLetters(kafka_options(platform), now)
    return EmbeddedDeadLetters(platform.data_dir / "bus-dead-letters.sqlite", now)


def _with_source(work: Callable[[DeadLetterSource], Awaitable[T]]) -> T:
    platform = PlatformSettings()
    configure_logging(platform.log_level, json=platform.log_json)

    async def go() -> T:
        source = dead_letter_source(platform)
        try:
            return await work(source)
        finally:
            await source.close()

    return asyncio.run(go())


# -- list -------------------------------------------------------------------------------
@dlq_app.command("list")
def list_letters(
    topic: TopicOption = None,
    reason: ReasonOption = None,
    tenant: TenantOption = None,
    event_id: EventIdOption = None,
    older_than: OlderOption = None,
    newer_than: NewerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON array, for scripts")] = False,
) -> None:
    """List dead letters, oldest first."""
    criteria = _criteria(topic, reason, tenant, event_id, older_than, newer_than)
    letters = _with_source(lambda source: source.find(criteria))
    if as_json:
        print(json.dumps([summary(letter) for letter in letters], indent=2))
        return
    if not letters:
        _console().print("no dead letters match")
        return
    _out().print(_table(letters))


def summary(letter: DeadLetter) -> dict[str, Any]:
    """What ``list --json`` says about one dead letter."""
    envelope = letter.envelope()
    at = letter.dead_lettered_at
    return {
        "id": letter.id,
        "topic": letter.topic,
        "dlq_topic": letter.dlq_topic,
        "reason": letter.reason,
        "group": letter.group,
        "error": letter.error,
        "dead_lettered_at": at.isoformat() if at else None,
        "tenant": envelope.tenantid if envelope else None,
        "event_id": str(envelope.id) if envelope else None,
        "key": letter.key,
        "replayed_at": letter.replayed_at.isoformat() if letter.replayed_at else None,
        "replay_of": letter.header(REPLAYED_FROM),
    }


def _table(letters: list[DeadLetter]) -> Table:
    rows = [_row(letter) for letter in letters]
    names = ("id", "dead-lettered", "topic", "reason", "tenant", "replayed", "error")
    widths = [max(len(name), *(len(row[i]) for row in rows)) for i, name in enumerate(names)]
    # Rich would shrink any column to fit a narrow terminal: only the error gives way.
    room = _out().width - sum(widths[:-1]) - 3 * len(names) - 1
    table = Table()
    for name, width in zip(names[:-1], widths, strict=False):
        table.add_column(name, no_wrap=True, width=width)
    shown = room >= len("error")
    if shown:
        table.add_column("error", no_wrap=True, overflow="ellipsis", width=min(room, widths[-1]))
    for row in rows:
        table.add_row(*(row if shown else row[:-1]))
    return table


def _row(letter: DeadLetter) -> tuple[str, ...]:
    envelope = letter.envelope()
    at = letter.dead_lettered_at
    return (
        letter.id,
        at.strftime("%Y-%m-%d %H:%M") if at else "?",
        letter.topic,
        letter.reason or "?",
        envelope.tenantid if envelope else "-",
        letter.replayed_at.strftime("%Y-%m-%d %H:%M") if letter.replayed_at else "no",
        (letter.error or "").splitlines()[0] if letter.error else "",
    )


# -- show -------------------------------------------------------------------------------
@dlq_app.command("show")
def show(
    letter_id: Annotated[str, typer.Argument(metavar="ID", help="as `list` prints it")],
) -> None:
    """Show one dead letter: every header, and its envelope decoded."""
    letter = _with_source(lambda source: source.get(letter_id))
    if letter is None:
        _console().print(f"[red]no dead letter {letter_id}")
        raise typer.Exit(1)
    at = letter.dead_lettered_at
    _out().print(f"[bold]dead letter {letter.id}[/]")
    for name, value in (
        ("dlq topic", letter.dlq_topic),
        ("replays to", letter.topic),
        ("key", letter.key),
        ("dead-lettered", at.isoformat() if at else "?"),
        ("replayed", letter.replayed_at.isoformat() if letter.replayed_at else "no"),
    ):
        _out().print(f"  {name:<14} {value}", highlight=False)
    _out().print("[bold]headers[/]")
    for name, raw in letter.headers:
        _out().print(f"  {name:<16} {raw.decode(errors='replace')}", highlight=False, markup=False)
    envelope = letter.envelope()
    if envelope is not None:
        _out().print("[bold]envelope[/]")
        _out().print_json(envelope.model_dump_json())
        return
    _out().print("[bold]value[/] (not an envelope)")
    try:
        _out().print_json(letter.value.decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        _out().print(repr(letter.value[:4000]), highlight=False, markup=False)


# -- replay -----------------------------------------------------------------------------
@dlq_app.command("replay")
def replay_letters(
    topic: TopicOption = None,
    reason: ReasonOption = None,
    tenant: TenantOption = None,
    event_id: EventIdOption = None,
    older_than: OlderOption = None,
    newer_than: NewerOption = None,
    again: Annotated[
        bool, typer.Option(help="also those replayed before (embedded bus; inboxes dedupe)")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="replay; without it, a dry run")] = False,
) -> None:
    """Publish the selected dead letters again on their original topics (dry run by default)."""
    criteria = _criteria(topic, reason, tenant, event_id, older_than, newer_than)
    platform = PlatformSettings()
    configure_logging(platform.log_level, json=platform.log_json)

    async def go() -> None:
        source = dead_letter_source(platform)
        try:
            plan = plan_replay(await source.find(criteria), again=again)
            if plan.already_replayed:
                _console().print(
                    f"skipping {len(plan.already_replayed)} replayed before (--again to include)"
                )
            if not plan.to_replay:
                _console().print("nothing to replay")
                return
            if not yes:
                _out().print(_table(plan.to_replay))
                _console().print(
                    f"dry run: would replay {len(plan.to_replay)}; nothing changed "
                    "(pass --yes to replay)"
                )
                return
            await _replay(platform, source, plan.to_replay)
        finally:
            await source.close()

    asyncio.run(go())


async def _replay(
    platform: PlatformSettings, source: DeadLetterSource, letters: list[DeadLetter]
) -> None:
    with Progress(console=_console()) as progress:
        task = progress.add_task("replaying", total=len(letters))

        def advance(_letter: DeadLetter) -> None:
            progress.advance(task)

        if platform.bus is BusKind.KAFKA:
            bus = KafkaBus(kafka_options(platform))
            await bus.start()
            try:
                await replay(letters, source=source, publish=bus.publish, on_replayed=advance)
            finally:
                await bus.stop()
            unpublished = 0
        else:
            target = await embedded_replay(platform)
            async with target:
                await replay(letters, source=source, publish=target.publish, on_replayed=advance)
            unpublished = target.unpublished
    _console().print(f"[green]replayed {len(letters)}[/]")
    if unpublished:
        _console().print(
            f"[yellow]{unpublished} outbox events not yet delivered: `debtflow run` "
            "delivers them when it next runs"
        )
    if platform.bus is BusKind.EMBEDDED:
        again = await _dead_lettered_again(source, letters)
        if again:
            _console().print(
                f"[yellow]{len(again)} dead-lettered again: {', '.join(x.id for x in again)}"
            )


async def embedded_replay(platform: PlatformSettings) -> EmbeddedReplay:
    """The suite's consumers and relays in this process, on an embedded bus sharing the
    dead-letter file of ``debtflow run`` (what fails again is kept, not lost)."""
    bus = EmbeddedBus(platform.data_dir / "bus-dead-letters.sqlite")
    clock = build_clock(platform)
    runtimes = [
        ServiceRuntime(m.definition, m.settings(platform), bus=bus, clock=clock, verifier=_NONE)
        for m in SUITE
    ]
    for runtime in runtimes:
        await runtime.migrate()  # nothing to do once `debtflow run` has run
    return EmbeddedReplay(bus, runtimes)


async def _dead_lettered_again(
    source: DeadLetterSource, letters: list[DeadLetter]
) -> list[DeadLetter]:
    replayed = {letter.id for letter in letters}
    fresh = await source.find(DeadLetterFilter(include_replayed=False))
    return [letter for letter in fresh if letter.header(REPLAYED_FROM) in replayed]
