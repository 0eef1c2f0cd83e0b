"""`make run` starts the whole suite, answers on all four ports, keeps data, stops cleanly.

The data kept includes business time: the README's clock move, made with the printed token,
is still in effect after the restart.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("INVOICE", "ESCALATION", "NOTIFY", "ANALYTICS")

pytestmark = pytest.mark.smoke


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def make_run(data_dir: Path, ports: dict[str, int], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SERVICES)}
    env |= {"DEBTFLOW_DATA_DIR": str(data_dir), "DEBTFLOW_LOG_LEVEL": "WARNING"}
    env |= {f"{name}_HTTP_PORT": str(port) for name, port in ports.items()}
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_healthy(ports: dict[str, int], process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    pending = dict(ports)
    while pending:
        assert process.poll() is None, f"make run exited early:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"not healthy: {pending}\n{log.read_text()}"
        for name, port in list(pending.items()):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    del pending[name]
            except httpx.TransportError:
                pass
        time.sleep(0.2)


def _token(log: Path) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"bearer token.*\n\s+(\S+\.\S+\.\S+)", log.read_text())
        if match:
            return match.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no token printed:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes], log: Path) -> None:
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    process.wait(timeout=60)
    assert "debtflow: stopped cleanly" in log.read_text(), log.read_text()


def _debtor_names(port: int, token: str) -> list[str]:
    response = httpx.get(
        f"http://127.0.0.1:{port}/v1/debtors",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    return sorted(d["name"] for d in response.json()["items"])


def _invoices(port: int, token: str, **params: str) -> list[dict[str, object]]:
    response = httpx.get(
        f"http://127.0.0.1:{port}/v1/invoices",
        params=params,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def _clock(port: int, token: str, move: dict[str, object] | None = None) -> datetime:
    """The business time, after ``move`` if one is given."""
    url = f"http://127.0.0.1:{port}/v1/admin/clock"
    headers = {"Authorization": f"Bearer {token}"}
    if move is None:
        response = httpx.get(url, headers=headers, timeout=5)
    else:
        response = httpx.post(url, json=move, headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["now"])


def _assert_demo_ledger(port: int, token: str) -> list[dict[str, object]]:
    """The demo tenant has open, overdue and paid invoices; returns them all."""
    assert _invoices(port, token, status="open")
    assert _invoices(port, token, status="partially_paid")
    assert _invoices(port, token, overdue="true")
    assert _invoices(port, token, status="paid")
    return _invoices(port, token)


def test_make_run_serves_all_four_services_keeps_data_and_stops_cleanly(tmp_path: Path) -> None:
    ports = {name: _free_port() for name in SERVICES}
    data_dir, log = tmp_path / "data", tmp_path / "run.log"

    with make_run(data_dir, ports, log) as process:
        _wait_healthy(ports, process, log)
        token = _token(log)
        seeded = _debtor_names(ports["INVOICE"], token)
        assert len(seeded) >= 3
        invoices = _assert_demo_ledger(ports["INVOICE"], token)
        created = httpx.post(
            f"http://127.0.0.1:{ports['INVOICE']}/v1/debtors",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
            json={"name": "Added Before Restart Ltd", "country": "GB", "currency": "GBP"},
        )
        assert created.status_code == 201
        moved = _clock(ports["INVOICE"], token, {"advance_seconds": 86400})  # the README's move
        _stop(process, log)
    assert (data_dir / "clock.json").is_file()

    with make_run(data_dir, ports, tmp_path / "run-again.log") as process:
        _wait_healthy(ports, process, tmp_path / "run-again.log")
        token = _token(tmp_path / "run-again.log")
        assert _debtor_names(ports["INVOICE"], token) == sorted(
            [*seeded, "Added Before Restart Ltd"]
        )
        # Business time resumes where it was moved to, never earlier.
        assert _clock(ports["INVOICE"], token) >= moved
        # Seeding again on restart creates and changes nothing.
        assert _assert_demo_ledger(ports["INVOICE"], token) == invoices
        _stop(process, tmp_path / "run-again.log")
