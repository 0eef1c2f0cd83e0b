"""The embedded dead-letter file: one written before replays were remembered still works."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from debtflow_shared.dlq.embedded_store import EmbeddedDeadLetters
from debtflow_shared.dlq.letter import DeadLetterFilter


def _old_file(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE dead_letter (id INTEGER PRIMARY KEY, topic VARCHAR(200) NOT NULL,"
            " message_key VARCHAR(300) NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL,"
            " created_at DATETIME NOT NULL)"
        )
        connection.execute(
            "INSERT INTO dead_letter VALUES (1, 'erp.debtor.dlq', 'k', x'7b7d',"
            " '[[\"dlq.reason\", \"invalid\"]]', '2026-03-02 09:00:00.000000')"
        )


async def test_a_file_without_the_replayed_column_gets_it_and_remembers_a_replay(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bus-dead-letters.sqlite"
    _old_file(path)
    store = EmbeddedDeadLetters(path, datetime.now(UTC))
    try:
        [letter] = await store.find(DeadLetterFilter())
        assert letter.reason == "invalid"
        assert letter.topic == "erp.debtor"  # no dlq.topic header: the .dlq topic says it
        assert letter.replayed_at is None
        await store.mark_replayed(letter, datetime.now(UTC))
        assert await store.find(DeadLetterFilter(include_replayed=False)) == []
    finally:
        await store.close()


async def test_a_data_folder_without_dead_letters_lists_none_and_creates_no_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bus-dead-letters.sqlite"
    store = EmbeddedDeadLetters(path, datetime.now(UTC))
    assert await store.find(DeadLetterFilter()) == []
    assert await store.get("1") is None
    assert not path.exists()
