"""Test fixtures: each behaviour runs on the embedded default and on real infrastructure.

``backend`` is parametrised: ``embedded`` (SQLite files, in-process bus) always runs;
``infra`` (PostgreSQL + Kafka) runs when ``DATABASE_URL`` and ``KAFKA_BOOTSTRAP_SERVERS``
are set (``make test`` starts both). Without them the infra cases are skipped with the
reason printed, except under ``CI=true``, where missing infrastructure is a failure.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from debtflow_shared.logging import configure_logging
from tests.support.harness import Backend, infra_urls

configure_logging("WARNING", json=False)

INFRA_MISSING = (
    "real PostgreSQL/Kafka not given "
    "(set DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS, or run `make test`)"
)


def _require_infra() -> tuple[str, str]:
    database, kafka = infra_urls()
    if database and kafka:
        return database, kafka
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {INFRA_MISSING}")
    pytest.skip(INFRA_MISSING)


@pytest.fixture(params=["embedded", pytest.param("infra", marks=pytest.mark.infra)])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Each test's own world, on the embedded default and on PostgreSQL + Kafka."""
    if request.param == "infra":
        database, kafka = _require_infra()
        world = Backend("infra", tmp_path, database, kafka)
    else:
        world = Backend("embedded", tmp_path)
    try:
        yield world
    finally:
        await world.close()


@pytest.fixture
async def infra(tmp_path: Path) -> AsyncIterator[Backend]:
    """Only PostgreSQL + Kafka (for what SQLite cannot do, e.g. several relay replicas)."""
    database, kafka = _require_infra()
    world = Backend("infra", tmp_path, database, kafka)
    try:
        yield world
    finally:
        await world.close()


@pytest.fixture
async def embedded(tmp_path: Path) -> AsyncIterator[Backend]:
    world = Backend("embedded", tmp_path)
    try:
        yield world
    finally:
        await world.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "infra" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.infra)
