#!/usr/bin/env python3
"""Throwaway PostgreSQL and Kafka for the test suite.

Usage:
    python scripts/testinfra.py run -- pytest -q   # start both, run the command, tear down
    python scripts/testinfra.py up                 # start both and leave them running
    python scripts/testinfra.py down               # stop what `up` started

The command sees DATABASE_URL (superuser `debtflow` on database `debtflow`),
KAFKA_BOOTSTRAP_SERVERS and DEBTFLOW_TESTINFRA=1; `up` writes the same to .testinfra/env
as `export` lines for `source`.

* A variable that is already set (say, pointing at docker compose) is passed through and
  that piece is not started.
* A piece this machine cannot provide (no PostgreSQL, no Java, Maven Central unreachable) is
  skipped with a `testinfra: SKIPPING` line and its variable stays unset, so the tests that
  need it skip themselves. With CI=true that is an error instead: CI must not go green by
  skipping everything.
* Everything `run` started is stopped and deleted when the command ends, fails or is
  interrupted. A run killed with SIGKILL cannot clean up; the next `run` or `up` does.

PostgreSQL runs from the distribution's binaries. Kafka runs in KRaft mode (broker and
controller in one JVM) from the jars that Maven resolves for deploy/kafka-test/pom.xml into
~/.cache/debtflow/kafka-<version>/libs on first use.

Standard library only (this runs before any virtualenv exists); Linux only (/proc, runuser).
"""

# Launching local tools (initdb, pg_ctl, java, mvn, apt-get) with arguments built here, and
# then the command the developer asked for, is this script's whole job: bandit's subprocess
# rules would flag each of those calls and protect nothing.
# ruff: noqa: S603, S607

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, ClassVar, TypeAlias

REPO_ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = REPO_ROOT / ".testinfra"
STATE_FILE = STATE_DIR / "state.json"
ENV_FILE = STATE_DIR / "env"
KAFKA_PROJECT = REPO_ROOT / "deploy" / "kafka-test"

# A throwaway cluster on 127.0.0.1 only; the tests need to know the password anyway.
DB_NAME = DB_USER = DB_PASSWORD = "debtflow"  # noqa: S105
READY_TIMEOUT_S = 90.0
KAFKA_STOP_GRACE_S = 15.0
# Logged by kafka.server.KafkaRaftServer once the broker is unfenced and serving clients.
KAFKA_STARTED_LINE = "Kafka Server started"

# Every temp dir gets this prefix and a handle file naming its owner, so that a later
# invocation can find and stop what a SIGKILLed `run` left behind.
WORKDIR_PREFIX = "debtflow-testinfra-"
HANDLE_FILE = "handle.json"

EXIT_INFRA_FAILED = 1


class Unavailable(Exception):
    """This machine cannot provide the service (tool missing, jars unreachable): skip it."""


class StartupFailed(Exception):
    """The service should have started and did not: always an error."""


class Interrupted(BaseException):
    """A termination signal arrived.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` on the way
    swallows it and the cleanup in `finally` blocks still runs.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# ----------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    # stderr: stdout belongs to the command under test.
    print(f"testinfra: {message}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return os.geteuid() == 0


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def free_ports(count: int) -> list[int]:
    """Ports free right now on 127.0.0.1, all distinct because the sockets are held together."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


def tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path.name} does not exist)"
    return "\n".join(f"    {line}" for line in text.splitlines()[-lines:])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, just someone else's
        return True
    return True


def process_running(pid: int, marker: str) -> bool:
    """Whether `pid` is alive and its command line contains `marker` (one of our paths).

    The marker check means a recycled pid is never mistaken for our process; zombies have
    an empty command line, so they count as gone.
    """
    with contextlib.suppress(ChildProcessError):  # reap it if it is our own child
        os.waitpid(pid, os.WNOHANG)
    try:
        return marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def kill_group(pgid: int, marker: str, grace: float) -> None:
    """SIGTERM the process group led by `pgid`; SIGKILL it if still there after `grace`."""
    for sig, patience in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if not process_running(pgid, marker):
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)
        wait_for(lambda: not process_running(pgid, marker), patience)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """Let cleanup finish even if the user hits Ctrl-C again: a half-done cleanup leaks."""
    signums = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in signums}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def make_workdir(kind: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{kind}-"))


def apt_install(package: str) -> None:
    apt_get_update()
    # --no-upgrade: install what is missing, never upgrade what is there behind the user's back.
    apt_get("install", "-y", "--no-install-recommends", "--no-upgrade", package)


@functools.cache
def apt_get_update() -> None:
    # Cached: one update is enough however many packages we end up installing.
    apt_get("update")


def apt_get(*args: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(
        ["apt-get", "-qq", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise Unavailable(f"apt-get {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def ensure_command(command: str, apt_package: str) -> str:
    """The path of `command`, installing `apt_package` for it when root on Debian."""
    found = shutil.which(command)
    if found is None and is_root() and shutil.which("apt-get"):
        log(f"{command} not found; installing Debian package {apt_package}")
        apt_install(apt_package)
        found = shutil.which(command)
    if found is None:
        raise Unavailable(f"`{command}` not found (Debian package {apt_package})")
    return found


# ----------------------------------------------------------------------------- postgres


@dataclass
class Postgres:
    """A PostgreSQL cluster living in its own temp dir, serving on 127.0.0.1:`port`."""

    kind: ClassVar[str] = "postgres"

    workdir: Path
    bindir: Path
    port: int
    # OS user the server binaries run as: PostgreSQL refuses to run as root.
    run_as: str | None
    # The `run` process that must stop it; None when `up` leaves it for `down`.
    owner_pid: int | None

    @classmethod
    def create(cls, owner_pid: int | None) -> Postgres:
        bindir = find_postgres_bindir()
        run_as = None
        if is_root():
            run_as = "postgres"
            try:
                pwd.getpwnam(run_as)
            except KeyError:
                raise Unavailable("running as root and there is no `postgres` user") from None
        workdir = make_workdir(cls.kind)
        if run_as is not None:
            shutil.chown(workdir, run_as, run_as)
        postgres = cls(workdir, bindir, free_ports(1)[0], run_as, owner_pid)
        save_handle(postgres)
        return postgres

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Postgres:
        return cls(
            workdir=Path(data["workdir"]),
            bindir=Path(data["bindir"]),
            port=int(data["port"]),
            run_as=data["run_as"],
            owner_pid=data["owner_pid"],
        )

    @property
    def datadir(self) -> Path:
        return self.workdir / "data"

    @property
    def url(self) -> str:
        return f"postgresql://{DB_USER}:{DB_PASSWORD}@127.0.0.1:{self.port}/{DB_NAME}"

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.url}

    def start(self) -> None:
        self._initdb()
        self._pg_ctl("start", "-l", str(self.workdir / "postgres.log"), "-w", "-t", "60")
        self._create_app_database()
        # pg_ctl -w only proved the unix socket works; the tests come in over TCP with a
        # password, so prove exactly that path before handing out the URL.
        self._psql(self.url, "SELECT 1")

    def is_running(self) -> bool:
        pid = self._postmaster_pid()
        return pid is not None and process_running(pid, str(self.datadir))

    def stop(self) -> None:
        if self.is_running():
            with contextlib.suppress(StartupFailed, subprocess.TimeoutExpired):
                self._pg_ctl("stop", "-m", "fast", "-w", "-t", "30")
        pid = self._postmaster_pid()
        if pid is not None:
            # pg_ctl failed, or the server crashed and left a stale pid file (kill_group
            # checks the pid is really ours). pg_ctl starts the postmaster with setsid(), so
            # its process group holds every backend too.
            kill_group(pid, str(self.datadir), grace=5.0)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _initdb(self) -> None:
        self._server_tool(
            "initdb",
            "--pgdata", str(self.datadir),
            "--username", "postgres",
            "--encoding", "UTF8",
            "--no-locale",
            # Bootstrap over the unix socket without a password; TCP needs one, as it would
            # against a real server.
            "--auth-local", "trust",
            "--auth-host", "md5",
            "--no-sync",
        )  # fmt: skip
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            # Inside the temp dir: no clash with a system cluster's /var/run/postgresql.
            "unix_socket_directories": f"'{self.workdir}'",
            "max_connections": "200",
            # Durability buys nothing for a database deleted after the run, and costs time.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            # Same answers on every machine, whatever its local time zone.
            "timezone": "'UTC'",
        }
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write("\n# scripts/testinfra.py\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def _create_app_database(self) -> None:
        admin = f"host={self.workdir} port={self.port} user=postgres dbname=postgres"
        self._psql(
            admin,
            f"CREATE ROLE {DB_USER} SUPERUSER LOGIN PASSWORD '{DB_PASSWORD}'",
            f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}",
        )

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.datadir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def _pg_ctl(self, action: str, *args: str) -> None:
        self._server_tool("pg_ctl", action, "-D", str(self.datadir), "-s", *args)

    def _server_tool(self, tool: str, *args: str) -> None:
        as_user = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        result = subprocess.run(
            [*as_user, str(self.bindir / tool), *args],
            cwd=self.workdir,  # our cwd may be unreadable for the postgres user
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            # Own session: a Ctrl-C meant for the tests must not kill pg_ctl halfway.
            start_new_session=True,
            check=False,
        )
        if result.returncode != 0:
            raise StartupFailed(
                f"{tool} {args[0]} failed:\n{result.stdout}{result.stderr}"
                f"postgres.log:\n{tail(self.workdir / 'postgres.log')}"
            )

    def _psql(self, conninfo: str, *statements: str) -> None:
        psql = self.bindir / "psql"
        commands = [arg for statement in statements for arg in ("-c", statement)]
        result = subprocess.run(
            [str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, *commands],
            env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            start_new_session=True,
            check=False,
        )
        if result.returncode != 0:
            raise StartupFailed(f"psql failed: {result.stderr.strip()}")


def find_postgres_bindir() -> Path:
    """The directory with initdb and pg_ctl, installing PostgreSQL when root on Debian."""
    found = _postgres_bindir()
    if found is None and is_root() and shutil.which("apt-get"):
        log("PostgreSQL server binaries not found; installing Debian package postgresql")
        apt_install("postgresql")
        found = _postgres_bindir()
    if found is None:
        raise Unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found")
    return found


def _postgres_bindir() -> Path | None:
    candidates = []
    if pg_config := shutil.which("pg_config"):
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    # Debian installs each major version side by side; pg_config may belong to libpq-dev.
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(installed, key=lambda bindir: _version_key(bindir.parent.name))[::-1]
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres", "psql")):
            return bindir
    return None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


# ----------------------------------------------------------------------------- kafka


@dataclass(frozen=True)
class KafkaJars:
    java: str
    version: str
    libs: Path

    @property
    def classpath(self) -> str:
        return f"{self.libs}/*"  # expanded by the JVM, not by a shell


def resolve_kafka_jars() -> KafkaJars:
    """The broker's jars, resolved by Maven into a per-version cache on first use."""
    java = ensure_command("java", "openjdk-17-jre-headless")
    pom = KAFKA_PROJECT / "pom.xml"
    version = _pom_property(pom, "kafka.version")
    cache = _cache_home() / "debtflow" / f"kafka-{version}"
    libs = cache / "libs"
    # The marker holds the pom's hash: editing the pom (a new jar, an exclusion) re-resolves.
    marker = cache / "complete"
    fingerprint = hashlib.sha256(pom.read_bytes()).hexdigest()
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / "lock").open("w") as lock:
        # Two runs at once (two terminals, parallel CI jobs) must not both write libs/.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (marker.is_file() and marker.read_text() == fingerprint):
            _copy_dependencies(pom, version, libs)
            marker.write_text(fingerprint)
    return KafkaJars(java, version, libs)


def _copy_dependencies(pom: Path, version: str, libs: Path) -> None:
    mvn = ensure_command("mvn", "maven")
    log(f"resolving Kafka {version} jars with Maven (once per version) ...")
    started = time.monotonic()
    shutil.rmtree(libs, ignore_errors=True)  # a partial copy from an interrupted run
    result = subprocess.run(
        [
            mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={libs}", "-DincludeScope=runtime",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        output = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise Unavailable(f"Maven could not resolve the Kafka jars (offline?):\n{output}")
    log(f"Kafka {version} jars resolved in {time.monotonic() - started:.1f}s into {libs}")


def _pom_property(pom: Path, name: str) -> str:
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    document = ET.parse(pom)  # noqa: S314 - our own pom.xml, not untrusted input
    value = document.findtext(f"m:properties/m:{name}", namespaces=namespace)
    if not value:
        raise StartupFailed(f"{pom} has no <{name}> property")
    return value.strip()


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def random_cluster_id() -> str:
    """A cluster id as `kafka-storage random-uuid` makes it, without paying for a JVM."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # Like Kafka's Uuid.randomUuid(): a leading dash would parse as a command-line flag.
        if not cluster_id.startswith("-"):
            return cluster_id


# The brokers this process launched, by pid: their exit is known without guessing.
_LAUNCHED: dict[int, subprocess.Popen[bytes]] = {}


@dataclass
class Kafka:
    """A single-node KRaft Kafka (broker and controller in one JVM) in its own temp dir."""

    kind: ClassVar[str] = "kafka"

    workdir: Path
    port: int
    controller_port: int
    # The `run` process that must stop it; None when `up` leaves it for `down`.
    owner_pid: int | None
    # The JVM, which leads its own process group; None until launched.
    pid: int | None = None

    @classmethod
    def create(cls, owner_pid: int | None) -> Kafka:
        port, controller_port = free_ports(2)
        kafka = cls(make_workdir(cls.kind), port, controller_port, owner_pid)
        save_handle(kafka)
        return kafka

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Kafka:
        return cls(
            workdir=Path(data["workdir"]),
            port=int(data["port"]),
            controller_port=int(data["controller_port"]),
            owner_pid=data["owner_pid"],
            pid=data["pid"],
        )

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}

    def launch(self, jars: KafkaJars) -> None:
        """Format the storage and start the JVM; `wait_until_ready` waits for it to serve."""
        config = self.workdir / "server.properties"
        config.write_text(
            "".join(f"{name}={value}\n" for name, value in self._server_properties().items())
        )
        self._format_storage(jars, config)
        with (self.workdir / "stdout.log").open("wb") as stdout:
            process = subprocess.Popen(
                [*self._java(jars), "-Xms256m", "-Xmx768m", "kafka.Kafka", str(config)],
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=subprocess.STDOUT,
                # Own process group: the terminal's Ctrl-C goes to the tests, not to the broker
                # they are still talking to, and stop() can signal the whole group.
                start_new_session=True,
            )
        self.pid = process.pid
        _LAUNCHED[process.pid] = process
        save_handle(self)

    def wait_until_ready(self, launched: float, timeout: float) -> None:
        """Wait until `timeout` seconds after `launched` (a time.monotonic()) at most."""
        server_log = self.workdir / "server.log"

        def ready() -> bool:
            if self._exited():
                raise StartupFailed(f"Kafka exited during startup\n{self._log_tails()}")
            started = KAFKA_STARTED_LINE in server_log.read_text(errors="replace")
            return started and port_accepts(self.port)

        if not wait_for(ready, launched + timeout - time.monotonic()):
            raise StartupFailed(f"Kafka not ready {timeout:.0f}s after launch\n{self._log_tails()}")

    def _exited(self) -> bool:
        # Our own child: ask it. Its command line is not the JVM's until exec has happened,
        # so the marker check below would call a broker that is just starting "gone".
        child = _LAUNCHED.get(self.pid) if self.pid is not None else None
        return child.poll() is not None if child is not None else not self.is_running()

    def is_running(self) -> bool:
        # The JVM's command line names files in the workdir, so the workdir is the marker.
        return self.pid is not None and process_running(self.pid, str(self.workdir))

    def stop(self) -> None:
        if self.pid is not None:
            kill_group(self.pid, str(self.workdir), grace=KAFKA_STOP_GRACE_S)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _java(self, jars: KafkaJars) -> list[str]:
        return [
            jars.java,
            # C1 only: the optimising JIT would spend seconds of a 2-core box's CPU while the
            # broker starts (startup roughly halves without it), and a test broker never runs
            # long enough to pay that back.
            "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration={(KAFKA_PROJECT / 'log4j.properties').as_uri()}",
            f"-Dkafka.logs.dir={self.workdir}",
            "-cp",
            jars.classpath,
        ]

    def _format_storage(self, jars: KafkaJars, config: Path) -> None:
        command = ["kafka.tools.StorageTool", "format", "-t", random_cluster_id(), "-c"]
        result = subprocess.run(
            [*self._java(jars), *command, str(config)],
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            start_new_session=True,
            check=False,
        )
        if result.returncode != 0:
            raise StartupFailed(f"kafka-storage format failed:\n{result.stdout}{result.stderr}")

    def _server_properties(self) -> dict[str, str]:
        controller = f"127.0.0.1:{self.controller_port}"
        return {
            # KRaft combined mode: one JVM, no ZooKeeper.
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{controller}",
            "controller.listener.names": "CONTROLLER",
            "listeners": f"PLAINTEXT://{self.bootstrap_servers},CONTROLLER://{controller}",
            "advertised.listeners": f"PLAINTEXT://{self.bootstrap_servers}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.workdir / "data"),
            # One broker: every replication factor and ISR is 1, internal topics included.
            "num.partitions": "3",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "offsets.topic.num.partitions": "3",
            "offsets.topic.replication.factor": "1",
            # The default 50 partitions make the first transactional producer wait for them.
            "transaction.state.log.num.partitions": "3",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "auto.create.topics.enable": "true",
            # Tests form consumer groups constantly; don't hold each first join for 3 s.
            "group.initial.rebalance.delay.ms": "0",
            # Lets tests use short session timeouts, so a dead consumer is noticed quickly.
            "group.min.session.timeout.ms": "1000",
            "auto.leader.rebalance.enable": "false",  # nowhere to move leaders to
            # Fewer threads than the production defaults: two cores are shared with the tests
            # and PostgreSQL.
            "num.network.threads": "2",
            "num.io.threads": "4",
            "background.threads": "4",
            "num.recovery.threads.per.data.dir": "1",
            "log.cleaner.threads": "1",
            # The default 128 MiB dedupe buffer is allocated up front: a sixth of the heap.
            "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),
        }

    def _log_tails(self) -> str:
        return "\n".join(
            f"{name}:\n{tail(self.workdir / name)}" for name in ("server.log", "stdout.log")
        )


# ----------------------------------------------------------------------------- the pair

Service: TypeAlias = Postgres | Kafka


def save_handle(service: Service) -> None:
    """Record in the service's workdir who owns it, for `reap_orphans`."""
    (service.workdir / HANDLE_FILE).write_text(json.dumps(service_json(service)))


def service_json(service: Service) -> dict[str, Any]:
    fields = {name: str(v) if isinstance(v, Path) else v for name, v in asdict(service).items()}
    return {"kind": service.kind, **fields}


def load_service(data: Mapping[str, Any]) -> Service:
    loaders: dict[str, Callable[[Mapping[str, Any]], Service]] = {
        Postgres.kind: Postgres.from_json,
        Kafka.kind: Kafka.from_json,
    }
    return loaders[data["kind"]](data)


@dataclass
class Infra:
    """What one `run` or `up` started, and the environment that points at it."""

    postgres: Postgres | None = None
    kafka: Kafka | None = None
    env: dict[str, str] = field(default_factory=lambda: {"DEBTFLOW_TESTINFRA": "1"})

    def services(self) -> list[Service]:
        return [service for service in (self.kafka, self.postgres) if service is not None]

    def stop(self) -> None:
        with signals_ignored():
            for service in self.services():
                try:
                    service.stop()
                except Exception as exc:  # log it and still stop the other one
                    log(f"could not stop {service.kind} in {service.workdir}: {exc}")

    def to_json(self) -> dict[str, Any]:
        return {"env": self.env, "services": [service_json(s) for s in self.services()]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Infra:
        infra = cls(env=dict(data["env"]))
        for service in map(load_service, data["services"]):
            if isinstance(service, Postgres):
                infra.postgres = service
            else:
                infra.kafka = service
        return infra


# Commands the tests call besides the infrastructure: pdftoppm renders a letter's PDF to
# an image (tests/notify_svc/test_letters.py).
TEST_TOOLS = {"pdftoppm": "poppler-utils"}


def ensure_test_tools() -> None:
    for command, package in TEST_TOOLS.items():
        try:
            ensure_command(command, package)
        except Unavailable as error:  # the test that needs it says so
            log(str(error))


def start_infra(environ: Mapping[str, str], owner_pid: int | None) -> Infra:
    """Start what `environ` does not already point at; on any failure stop it all again."""
    ensure_test_tools()
    infra = Infra()
    try:
        _start_services(infra, environ, owner_pid)
    except BaseException:
        infra.stop()
        raise
    return infra


def _start_services(infra: Infra, environ: Mapping[str, str], owner_pid: int | None) -> None:
    # Kafka's JVM boots for several seconds; PostgreSQL is set up while it does.
    kafka_started, kafka_version = 0.0, ""
    if not _passed_through(environ, "KAFKA_BOOTSTRAP_SERVERS", infra):
        with _skip_if_unavailable("kafka"):
            jars = resolve_kafka_jars()
            kafka_version = jars.version
            kafka_started = time.monotonic()
            infra.kafka = Kafka.create(owner_pid)
            infra.kafka.launch(jars)

    if not _passed_through(environ, "DATABASE_URL", infra):
        with _skip_if_unavailable("postgres"):
            started = time.monotonic()
            infra.postgres = Postgres.create(owner_pid)
            infra.postgres.start()
            infra.env |= infra.postgres.env()
            log(f"postgres ready in {time.monotonic() - started:.1f}s at {infra.postgres.url}")

    if infra.kafka is not None:
        infra.kafka.wait_until_ready(kafka_started, READY_TIMEOUT_S)
        infra.env |= infra.kafka.env()
        elapsed = time.monotonic() - kafka_started
        log(f"kafka {kafka_version} ready in {elapsed:.1f}s at {infra.kafka.bootstrap_servers}")


def _passed_through(environ: Mapping[str, str], name: str, infra: Infra) -> bool:
    """Whether `environ` already points at this piece (say, docker compose): then use that."""
    value = environ.get(name)
    if value:
        infra.env[name] = value
        log(f"using {name} from the environment")  # not its value: it may hold a password
    return bool(value)


@contextlib.contextmanager
def _skip_if_unavailable(kind: str) -> Iterator[None]:
    try:
        yield
    except Unavailable as exc:
        if in_ci():
            raise StartupFailed(f"{kind} unavailable and CI=true: {exc}") from exc
        log(f"SKIPPING {kind}: {exc}")


def reap_orphans() -> None:
    """Stop what a `run` killed by SIGKILL (so its cleanup never ran) left behind."""
    for handle in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*/{HANDLE_FILE}"):
        try:
            service = load_service(json.loads(handle.read_text()))
        except (OSError, ValueError, KeyError):
            continue  # someone else's, or half written
        if service.owner_pid is None or pid_alive(service.owner_pid):
            continue  # left running by `up` on purpose, or its run is still going
        log(f"stopping {service.kind} left behind by pid {service.owner_pid}")
        service.stop()


# ----------------------------------------------------------------------------- commands


def cmd_run(args: argparse.Namespace) -> int:
    command: list[str] = args.command
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        log("usage: testinfra.py run -- COMMAND [ARGS...]")
        return 2
    reap_orphans()
    infra = start_infra(os.environ, owner_pid=os.getpid())
    try:
        return run_command(command, {**os.environ, **infra.env})
    finally:
        infra.stop()


def run_command(command: list[str], env: dict[str, str]) -> int:
    """Run the command to completion and return its exit status, shell style."""
    try:
        process = subprocess.Popen(command, env=env)
    except OSError as exc:
        log(f"cannot run {command[0]}: {exc}")
        return 127 if isinstance(exc, FileNotFoundError) else 126
    while True:
        try:
            returncode = process.wait()
        except Interrupted as exc:
            # The terminal already sent Ctrl-C to the command (it shares our process group);
            # other signals were meant for the whole run, so pass them on. Either way the
            # command decides when it is done, e.g. after pytest tore its fixtures down.
            if exc.signum != signal.SIGINT:
                process.send_signal(exc.signum)
            continue
        return 128 - returncode if returncode < 0 else returncode


def cmd_up(_args: argparse.Namespace) -> int:
    reap_orphans()
    previous = load_state()
    if previous is not None:
        services = previous.services()
        if services and all(service.is_running() for service in services):
            log(f"already up: `source {ENV_FILE}`")
            return 0
        log("the previous `up` is partly gone; restarting it")
        previous.stop()
    infra = start_infra(os.environ, owner_pid=None)
    try:
        save_state(infra)
    except BaseException:
        infra.stop()
        raise
    script = Path(__file__).relative_to(REPO_ROOT)
    log(f"up: `source {ENV_FILE}` before running pytest; `python {script} down` stops it")
    return 0


def cmd_down(_args: argparse.Namespace) -> int:
    state = load_state()
    if state is None:
        log(f"nothing to stop: {STATE_FILE} does not exist")
        return 0
    state.stop()
    STATE_FILE.unlink(missing_ok=True)
    ENV_FILE.unlink(missing_ok=True)
    log("down: everything `up` started is stopped and deleted")
    return 0


def load_state() -> Infra | None:
    try:
        return Infra.from_json(json.loads(STATE_FILE.read_text()))
    except FileNotFoundError:
        return None


def save_state(infra: Infra) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    # Keeps the directory out of git without touching the repository's .gitignore.
    (STATE_DIR / ".gitignore").write_text("*\n")
    STATE_FILE.write_text(json.dumps(infra.to_json(), indent=2) + "\n")
    exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in sorted(infra.env.items()))
    ENV_FILE.write_text(f"# Written by scripts/testinfra.py up; stop with `down`.\n{exports}")


# ----------------------------------------------------------------------------- main


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="testinfra.py",
        description="Throwaway PostgreSQL and Kafka for the test suite.",
    )
    actions = parser.add_subparsers(dest="action", required=True)
    run = actions.add_parser("run", help="start, run a command against it, tear down")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    run.set_defaults(handler=cmd_run)
    up = actions.add_parser("up", help="start and leave running (writes .testinfra/env)")
    up.set_defaults(handler=cmd_up)
    down = actions.add_parser("down", help="stop what `up` started")
    down.set_defaults(handler=cmd_down)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_interrupted)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except Interrupted as exc:
        log(f"interrupted by {exc}; stopped everything this run started")
        return 128 + exc.signum
    except StartupFailed as exc:
        log(f"FAILED: {exc}")
        return EXIT_INFRA_FAILED


if __name__ == "__main__":
    sys.exit(main())
