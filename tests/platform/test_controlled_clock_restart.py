"""A controlled clock kept in its state file: a restart never takes business time back."""

from __future__ import annotations

from pathlib import Path

from debtflow_shared.auth import CLOCK_WRITE
from debtflow_shared.clock import ControlledClock
from debtflow_shared.clock_store import ClockStateFile
from tests.invoice_svc.ledger_world import running_ledger
from tests.support.api import bearer
from tests.support.harness import T0, Backend


async def test_an_invoice_overdue_before_a_restart_is_still_overdue_after_it(
    backend: Backend, tmp_path: Path
) -> None:
    store = ClockStateFile(tmp_path / "clock.json")
    backend.clock = ControlledClock(T0, store=store)
    operator = bearer(backend.token("tenant-a", CLOCK_WRITE))
    async with running_ledger(backend) as ledger:
        debtor = await ledger.debtor()
        invoice = await ledger.invoice(debtor, due="2026-03-05")
        assert invoice["overdue"] is False
        moved = await ledger.client.post(
            "/v1/admin/clock", json={"advance_seconds": 7 * 86400}, headers=operator
        )
        assert moved.status_code == 200
        assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["overdue"] is True

    backend.clock = ControlledClock.resume(store)  # what the next `make run` does
    async with running_ledger(backend) as ledger:
        assert ledger.runtime.clock.now() >= T0.replace(day=9)
        assert (await ledger.read(f"/v1/invoices/{invoice['id']}"))["overdue"] is True
        listed = (await ledger.get("/v1/invoices", overdue="true")).json()["items"]
        assert [i["id"] for i in listed] == [invoice["id"]]
