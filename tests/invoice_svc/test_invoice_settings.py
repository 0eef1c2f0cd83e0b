"""invoice-svc's background settings are declared: set in the environment, they are used."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pydantic import ValidationError

from debtflow_shared.clock import SystemClock
from invoice_svc.service_layer import overdue_sweeper
from invoice_svc.settings import InvoiceSettings


def test_the_overdue_sweep_interval_and_batch_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INVOICE_OVERDUE_SWEEP_SECONDS", "7.5")
    monkeypatch.setenv("INVOICE_OVERDUE_SWEEP_BATCH_SIZE", "250")
    monkeypatch.setenv("INVOICE_PARKED_EXPIRY_SECONDS", "30")

    settings = InvoiceSettings()

    assert settings.overdue_sweep_seconds == 7.5
    assert settings.overdue_sweep_batch_size == 250
    assert settings.parked_expiry_seconds == 30


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INVOICE_OVERDUE_SWEEP_SECONDS", "0"),
        ("INVOICE_OVERDUE_SWEEP_BATCH_SIZE", "0"),
        ("INVOICE_PARKED_EXPIRY_SECONDS", "-1"),
    ],
)
def test_a_background_setting_out_of_bounds_is_refused_naming_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=variable.removeprefix("INVOICE_").lower()):
        InvoiceSettings()


async def test_the_sweeper_runs_on_the_configured_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    async def capture(work: Callable[[], Awaitable[object]], **options: Any) -> None:
        seen.update(options)

    class Runtime:
        settings = InvoiceSettings(overdue_sweep_seconds=12.0)
        clock = SystemClock()

    monkeypatch.setattr(overdue_sweeper, "run_periodically", capture)
    await overdue_sweeper.run_overdue_sweeper(Runtime())  # type: ignore[arg-type]
    assert seen["interval"] == 12.0
