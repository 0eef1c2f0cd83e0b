"""``debtflow dlq list | show | replay`` on the embedded bus, as an operator runs them.

The dead letters are written into the data folder's dead-letter file as the consumers
write them; ``replay --yes`` then runs the suite's consumers and relays in the command's
own process, as it does beside (or without) ``debtflow run``.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from debtflow_cli.main import app
from debtflow_shared.bus.embedded import EmbeddedBus
from debtflow_shared.dead_letters import DeadLetterReason, dead_letter
from debtflow_shared.envelope import Envelope
from debtflow_shared.logging import configure_logging

ERP_DEBTOR: dict[str, Any] = {
    "erp_id": "CUST-7",
    "name": "Acme Widgets Ltd",
    "country": "GB",
    "currency": "GBP",
    "time_zone": "Europe/London",
}
ENVELOPE = Envelope(
    type="erp.debtor",
    source="erp",
    subject="CUST-7",
    time=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    tenantid="tenant-a",
    correlationid="erp-batch-1",
    causationid="erp-batch-1",
    data=ERP_DEBTOR,
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A data folder holding two dead letters: 1 (the ledger was down) and 2 (not JSON)."""
    data = tmp_path / "data"
    data.mkdir()
    asyncio.run(_dead_letter_two(data / "bus-dead-letters.sqlite"))
    yield data
    configure_logging("WARNING", json=False)  # as tests/conftest.py left it


async def _dead_letter_two(path: Path) -> None:
    bus = EmbeddedBus(path)
    await bus.start()
    try:
        await bus.publish(
            [
                dead_letter(
                    topic="erp.debtor",
                    key=ENVELOPE.key,
                    value=ENVELOPE.to_bytes(),
                    reason=DeadLetterReason.HANDLER_FAILED,
                    error="OperationalError: database is locked",
                    group="invoice-svc",
                    headers=(("traceparent", b"00-abc-def-01"),),
                    partition=0,
                    offset=41,
                ),
                dead_letter(
                    topic="erp.debtor",
                    key="tenant-a:CUST-9",
                    value=b"{not json",
                    reason=DeadLetterReason.INVALID,
                    error="ValidationError: Invalid JSON",
                    group="invoice-svc",
                    partition=0,
                    offset=42,
                    now=datetime.now(UTC) - timedelta(days=2),
                ),
            ]
        )
    finally:
        await bus.stop()


def dlq(data: Path, *args: str) -> Result:
    env = {
        "DEBTFLOW_BUS": "embedded",
        "DEBTFLOW_DATA_DIR": str(data),
        "DEBTFLOW_LOG_LEVEL": "WARNING",
        "DEBTFLOW_LOG_JSON": "false",
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(app, ["dlq", *args], env=env)
    assert result.exit_code == 0, result.output
    return result


def listed(data: Path, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(dlq(data, "list", "--json", *args).stdout)
    return rows


def count(database: Path, query: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(query).fetchone()[0])


def debtors(data: Path) -> int:
    return count(data / "invoice.sqlite", "SELECT count(*) FROM debtors WHERE erp_id = 'CUST-7'")


def upserts_written(data: Path) -> int:
    return count(
        data / "invoice.sqlite", "SELECT count(*) FROM outbox WHERE topic = 'debtor.upserted'"
    )


def test_list_prints_each_dead_letter_with_its_topic_reason_and_tenant(data_dir: Path) -> None:
    table = dlq(data_dir, "list").stdout
    assert "handler_failed" in table
    assert "invalid" in table
    assert "erp.debtor" in table
    assert "tenant-a" in table
    assert "database is locked" in table


def test_list_json_filters_by_reason_and_age(data_dir: Path) -> None:
    [failed] = listed(data_dir, "--reason", "handler_failed")
    assert failed["id"] == "1"
    assert failed["topic"] == "erp.debtor"
    assert failed["group"] == "invoice-svc"
    assert failed["tenant"] == "tenant-a"
    assert failed["event_id"] == str(ENVELOPE.id)
    assert failed["replayed_at"] is None
    assert [row["id"] for row in listed(data_dir, "--older-than", "1d")] == ["2"]
    assert [row["id"] for row in listed(data_dir, "--newer-than", "1h")] == ["1"]
    assert listed(data_dir, "--topic", "erp.invoice") == []


def test_show_prints_every_header_and_the_decoded_envelope(data_dir: Path) -> None:
    shown = dlq(data_dir, "show", "1").stdout
    for header in ("dlq.reason", "dlq.error", "dlq.topic", "dlq.group", "dlq.offset", "dlq.time"):
        assert header in shown
    assert "traceparent" in shown
    assert "OperationalError: database is locked" in shown
    assert str(ENVELOPE.id) in shown
    assert "Acme Widgets Ltd" in shown


def test_show_of_an_unknown_id_fails(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["dlq", "show", "999"], env={"DEBTFLOW_DATA_DIR": str(data_dir)}
    )
    assert result.exit_code == 1
    assert "no dead letter 999" in result.output


def test_replay_without_yes_is_a_dry_run_that_changes_nothing(data_dir: Path) -> None:
    result = dlq(data_dir, "replay")
    assert "would replay 2" in result.output
    assert [row["replayed_at"] for row in listed(data_dir)] == [None, None]
    assert not (data_dir / "invoice.sqlite").exists()  # no service was even started


def test_replay_applies_a_fixed_dead_letter_once_and_a_second_replay_nothing(
    data_dir: Path,
) -> None:
    result = dlq(data_dir, "replay", "--reason", "handler_failed", "--yes")
    assert "replayed 1" in result.output
    assert debtors(data_dir) == 1
    assert upserts_written(data_dir) == 1
    # Its own event reached the other services, and every outbox was drained.
    inbox = "SELECT count(*) FROM inbox WHERE topic = 'debtor.upserted'"
    assert count(data_dir / "escalation.sqlite", inbox) == 1
    for service in ("invoice", "escalation", "notify", "analytics"):
        unpublished = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
        assert count(data_dir / f"{service}.sqlite", unpublished) == 0
    [marked] = listed(data_dir, "--reason", "handler_failed")
    assert marked["replayed_at"] is not None

    second = dlq(data_dir, "replay", "--reason", "handler_failed", "--yes")
    assert "skipping 1 replayed before" in second.output
    assert "nothing to replay" in second.output
    forced = dlq(data_dir, "replay", "--reason", "handler_failed", "--again", "--yes")
    assert "replayed 1" in forced.output
    assert debtors(data_dir) == 1
    assert upserts_written(data_dir) == 1  # the inbox dropped the copy


def test_replaying_a_malformed_message_dead_letters_it_again(data_dir: Path) -> None:
    result = dlq(data_dir, "replay", "--reason", "invalid", "--yes")
    assert "dead-lettered again: 3" in result.output
    rows = {row["id"]: row for row in listed(data_dir, "--reason", "invalid")}
    assert set(rows) == {"2", "3"}
    assert rows["2"]["replayed_at"] is not None
    assert rows["3"]["replay_of"] == "2"
    assert rows["3"]["replayed_at"] is None
