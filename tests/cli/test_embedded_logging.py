"""``debtflow run``'s four HTTP servers share one process and one log: each line once, named."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import uvicorn

from debtflow_cli.embedded import serve_as
from debtflow_shared.logging import configure_logging

SERVICES = ("invoice-svc", "escalation-svc", "notify-svc", "analytics-svc")


class _LoggingServer(uvicorn.Server):
    """Logs what uvicorn logs when it starts, without opening a socket."""

    def __init__(self) -> None:
        super().__init__(uvicorn.Config(app="unused:app", log_config=None))

    async def serve(self, sockets: object = None) -> None:
        logging.getLogger("uvicorn.error").info("Started server process [1]")


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]):
    yield capsys
    configure_logging("WARNING", json=False)  # as tests/conftest.py left it


async def test_each_uvicorn_line_is_logged_once_per_server_naming_its_service(
    json_logs: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", json=True)  # inside the test: its handler writes to capsys
    await asyncio.gather(*(serve_as(_LoggingServer(), name) for name in SERVICES))
    err = json_logs.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    started = [line for line in lines if line["event"] == "Started server process [1]"]
    assert sorted(line["service"] for line in started) == sorted(SERVICES)


def test_a_server_that_installed_its_own_log_handler_does_not_print_twice(
    json_logs: pytest.CaptureFixture[str],
) -> None:
    logging.getLogger("uvicorn.error").addHandler(logging.StreamHandler())  # uvicorn's own
    configure_logging("INFO", json=True)
    logging.getLogger("uvicorn.error").info("Uvicorn running")
    assert json_logs.readouterr().err.count("Uvicorn running") == 1
