"""The controlled clock moves only forward, within bounds, wakes its waiters, and resumes."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from debtflow_shared.clock import (
    LATEST_INSTANT,
    ClockOutOfRange,
    ControlledClock,
    SavedTime,
    TimeTravelBackwards,
)
from debtflow_shared.clock_store import ClockStateFile, ClockStateUnreadable
from debtflow_shared.service import build_clock
from debtflow_shared.settings import ClockKind, Environment, PlatformSettings
from tests.support.harness import T0


class MemoryStore:
    def __init__(self, saved: SavedTime | None = None) -> None:
        self.saved = saved

    def load(self) -> SavedTime | None:
        return self.saved

    def save(self, saved: SavedTime) -> None:
        self.saved = saved


def _saved_instant(store: ClockStateFile) -> datetime | None:
    saved = store.load()
    return saved.instant if saved else None


def _saved_json(instant: str) -> str:
    return f'{{"instant": "{instant}", "saved_at": "2026-03-02T09:00:00Z"}}'


def test_frozen_clock_stands_still_until_advanced() -> None:
    clock = ControlledClock(T0, frozen=True)
    assert clock.now() == T0
    assert clock.advance(timedelta(days=2)) == T0 + timedelta(days=2)
    assert clock.now() == T0 + timedelta(days=2)


def test_flowing_clock_keeps_its_offset_after_a_jump() -> None:
    clock = ControlledClock(T0)
    clock.advance(timedelta(days=30))
    assert T0 + timedelta(days=30) <= clock.now() < T0 + timedelta(days=30, minutes=1)


def test_clock_refuses_to_go_backwards() -> None:
    clock = ControlledClock(T0, frozen=True)
    with pytest.raises(TimeTravelBackwards):
        clock.set(T0 - timedelta(seconds=1))
    assert clock.now() == T0


async def test_moving_the_clock_wakes_its_listeners() -> None:
    clock = ControlledClock(T0, frozen=True)
    changed = clock.changed()
    assert not changed.is_set()
    clock.advance(timedelta(hours=1))
    assert changed.is_set()


def test_controlled_clock_is_refused_in_production() -> None:
    with pytest.raises(ValueError, match="refused"):
        PlatformSettings(
            env=Environment.PRODUCTION,
            clock=ClockKind.CONTROLLED,
            link_signing_secret="s",
            auth_public_keys_dir="/keys",
        )


def test_a_move_past_the_latest_instant_is_refused_and_leaves_the_clock_usable() -> None:
    clock = ControlledClock(T0, frozen=True)
    with pytest.raises(ClockOutOfRange):
        clock.advance(timedelta(seconds=2.6e11))
    with pytest.raises(ClockOutOfRange):
        clock.set(LATEST_INSTANT + timedelta(microseconds=1))
    assert clock.now() == T0
    assert clock.advance(timedelta(days=1)) == T0 + timedelta(days=1)


def test_a_move_that_ends_past_the_latest_instant_is_refused() -> None:
    clock = ControlledClock(LATEST_INSTANT - timedelta(days=1), frozen=True)
    with pytest.raises(ClockOutOfRange):
        clock.advance(timedelta(days=2))
    assert clock.advance(timedelta(days=1)) == LATEST_INSTANT


def test_a_clock_cannot_start_past_the_latest_instant() -> None:
    with pytest.raises(ClockOutOfRange):
        ControlledClock(datetime(9999, 12, 31, tzinfo=UTC))


def test_every_move_is_saved_before_it_takes_effect(tmp_path: Path) -> None:
    store = ClockStateFile(tmp_path / "clock.json")
    clock = ControlledClock(T0, frozen=True, store=store)
    assert store.load() is None
    clock.advance(timedelta(days=1))
    assert _saved_instant(store) == T0 + timedelta(days=1)
    clock.set(T0 + timedelta(days=3))
    assert _saved_instant(store) == T0 + timedelta(days=3)


def test_a_frozen_clock_resumes_exactly_where_it_was_moved(tmp_path: Path) -> None:
    store = ClockStateFile(tmp_path / "clock.json")
    ControlledClock(T0, frozen=True, store=store).advance(timedelta(days=30))
    assert ControlledClock.resume(store, frozen=True).now() == T0 + timedelta(days=30)


def test_a_flowing_clock_resumes_with_the_real_time_that_passed_while_stopped() -> None:
    store = MemoryStore(SavedTime(instant=T0, saved_at=datetime.now(UTC) - timedelta(hours=2)))
    resumed = ControlledClock.resume(store).now()
    assert T0 + timedelta(hours=2) <= resumed < T0 + timedelta(hours=2, minutes=1)


def test_a_flowing_clock_never_resumes_before_its_saved_time() -> None:
    # The machine's clock went back (or the file came from a machine running ahead).
    store = MemoryStore(SavedTime(instant=T0, saved_at=datetime.now(UTC) + timedelta(days=9)))
    assert T0 <= ControlledClock.resume(store).now() < T0 + timedelta(minutes=1)


def test_a_clock_that_was_never_moved_starts_at_the_real_time(tmp_path: Path) -> None:
    before = datetime.now(UTC)
    clock = ControlledClock.resume(ClockStateFile(tmp_path / "clock.json"))
    assert before <= clock.now() <= datetime.now(UTC)


def test_a_failed_save_leaves_the_saved_time_and_the_clock_unmoved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ClockStateFile(tmp_path / "clock.json")
    clock = ControlledClock(T0, frozen=True, store=store)
    clock.advance(timedelta(days=1))

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        clock.advance(timedelta(days=1))
    assert clock.now() == T0 + timedelta(days=1)
    assert _saved_instant(store) == T0 + timedelta(days=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clock.json"]


@pytest.mark.parametrize(
    "content",
    ["", "{not json", '{"instant": "2026-03-02T09:00:00"}', _saved_json("9999-01-01T00:00:00Z")],
    ids=["empty", "not-json", "naive-and-incomplete", "past-the-latest-instant"],
)
def test_an_unusable_clock_file_is_refused_with_how_to_reset_it(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "clock.json"
    path.write_text(content)
    with pytest.raises(ClockStateUnreadable, match="delete it"):
        ControlledClock.resume(ClockStateFile(path))


def test_a_controlled_clock_built_from_settings_resumes_from_the_data_folder(
    tmp_path: Path,
) -> None:
    platform = PlatformSettings(clock=ClockKind.CONTROLLED, data_dir=tmp_path)
    clock = build_clock(platform)
    assert isinstance(clock, ControlledClock)
    moved = clock.advance(timedelta(days=400))
    assert platform.clock_state_file == tmp_path / "clock.json"
    assert build_clock(platform).now() >= moved
