"""The controlled clock moves only forward and wakes whoever waits on it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from debtflow_shared.clock import ControlledClock, TimeTravelBackwards
from debtflow_shared.settings import ClockKind, Environment, PlatformSettings
from tests.support.harness import T0


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
