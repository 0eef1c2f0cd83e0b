"""What a benchmark run ran on: cores, memory, versions and the commit, for the results file."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import asyncpg

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("aiokafka", "asyncpg", "SQLAlchemy", "aiosqlite", "pydantic", "fastapi")


async def describe_machine(postgres_dsn: str | None, kafka: str | None) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_bytes": _memory_bytes(),
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "sqlite": sqlite3.sqlite_version,
        "postgresql": await _postgres_version(postgres_dsn) if postgres_dsn else None,
        "kafka": _kafka_version() if kafka else None,
        "git": _git(),
    }


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


async def _postgres_version(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


def _kafka_version() -> str:
    # The broker does not say its version over the protocol; scripts/testinfra.py runs the
    # one deploy/kafka-test/pom.xml names, and anything else is the caller's broker.
    if os.environ.get("DEBTFLOW_TESTINFRA") != "1":
        return "unknown (a broker not started by scripts/testinfra.py)"
    pom = ET.parse(REPO_ROOT / "deploy" / "kafka-test" / "pom.xml")  # noqa: S314 (our own file)
    found = pom.find(".//{http://maven.apache.org/POM/4.0.0}kafka.version")
    return found.text if found is not None and found.text else "unknown"


def _git() -> dict[str, Any]:
    def run(*args: str) -> str:
        # A fixed git command on our own checkout.
        done = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip()

    return {
        "commit": run("rev-parse", "HEAD") or None,
        "dirty": bool(run("status", "--porcelain", "--untracked-files=no")),
    }
