"""``make bench``: each debtflow figure beside a raw baseline measured in the same run.

Figures: ingest via topic, ingest via REST batch, the service-to-service pipeline (and its
p50 latency at a low rate) and the overdue sweep, on the embedded default and on PostgreSQL
+ Kafka when ``DATABASE_URL`` and ``KAFKA_BOOTSTRAP_SERVERS`` are given (``make bench``
starts them; the REST batch needs only ``DATABASE_URL``). Every figure is printed with its
baseline and ratio, and the run is written to ``benchmarks/results/<UTC time>.json``.
See benchmarks/README.md for the method.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import case_timers, erp_batch, erp_topic_ingest, event_pipeline, overdue_sweep
from benchmarks.figures import HEADER, RESULTS_DIR, Figure, table_row, write_results
from benchmarks.machine import describe_machine
from benchmarks.raw_baselines import asyncpg_dsn
from benchmarks.targets import Target
from debtflow_shared.logging import configure_logging
from debtflow_shared.settings import normalize_database_url

FIGURES = ("ingest-topic", "ingest-rest", "pipeline", "sweep", "timers")


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only", action="append", choices=FIGURES, help="run this figure only (repeatable)"
    )
    parser.add_argument(
        "--no-embedded", action="store_true", help="skip the embedded default (SQLite)"
    )
    size = parser.add_argument_group("sizes")
    size.add_argument("--ingest-invoices", type=int, default=5000, help="ingest via topic")
    size.add_argument("--batch-items", type=int, default=10_000, help="ingest via REST batch")
    size.add_argument("--events", type=int, default=5000, help="pipeline throughput")
    size.add_argument("--batch", type=int, default=100, help="pipeline events per unit of work")
    size.add_argument("--samples", type=int, default=50, help="pipeline latency samples")
    size.add_argument("--rate", type=float, default=10.0, help="latency samples per second")
    size.add_argument(
        "--invoices",
        type=int,
        default=20_000,
        help="overdue sweep: open invoices, half past due (the issue's figure: 1000000)",
    )
    size.add_argument("--sweep-batch", type=int, default=500, help="rows per sweep transaction")
    size.add_argument(
        "--timers",
        type=int,
        default=1_000_000,
        help="case timers: timers scheduled (the issue's figure)",
    )
    size.add_argument("--due-steps", type=int, default=5000, help="case timers: steps due")
    size.add_argument("--timer-batch", type=int, default=500, help="timers per scheduler claim")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    return parser


def main(argv: list[str] | None = None) -> Path:
    args = parser().parse_args(argv)
    started_at = datetime.now(UTC)
    database = os.environ.get("DATABASE_URL")
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    database_url = normalize_database_url(database) if database else None
    targets = [] if args.no_embedded else [Target("embedded")]
    if database_url and kafka:
        targets.append(Target("PostgreSQL + Kafka", database_url, kafka))
    else:
        print("bench: PostgreSQL and Kafka not both given; embedded figures only")
    rest_targets = [] if args.no_embedded else [Target("embedded")]
    if database_url:
        rest_targets.append(Target("PostgreSQL", database_url))

    machine = asyncio.run(
        describe_machine(asyncpg_dsn(database_url) if database_url else None, kafka)
    )
    print(
        f"bench: {machine['cores']} cores, {(machine['memory_bytes'] or 0) / 2**30:.1f} GiB, "
        f"load {machine['load_average'][0]:.2f}, PostgreSQL {machine['postgresql']}, "
        f"Kafka {machine['kafka']}, commit {(machine['git']['commit'] or '?')[:10]}"
        f"{' (dirty)' if machine['git']['dirty'] else ''}"
    )
    selected = args.only or list(FIGURES)
    runs: dict[str, tuple[list[Target], Callable[[Target], list[Figure]]]] = {
        "ingest-topic": (
            targets,
            lambda t: [asyncio.run(erp_topic_ingest.run(t, args.ingest_invoices))],
        ),
        "ingest-rest": (rest_targets, lambda t: [_rest_batch(t, args.batch_items)]),
        "pipeline": (
            targets,
            lambda t: asyncio.run(
                event_pipeline.run(
                    t, event_pipeline.Sizes(args.events, args.batch, args.samples, args.rate)
                )
            ),
        ),
        "sweep": (
            targets,
            lambda t: [asyncio.run(overdue_sweep.run(t, args.invoices, args.sweep_batch))],
        ),
        "timers": (
            targets,
            lambda t: [
                asyncio.run(case_timers.run(t, args.timers, args.due_steps, args.timer_batch))
            ],
        ),
    }
    figures: list[Figure] = []
    print(HEADER)
    for name in FIGURES:
        if name not in selected:
            continue
        where, measure = runs[name]
        for target in where:
            for figure in measure(target.fresh()):
                figures.append(figure)
                print(table_row(figure), flush=True)
    path = write_results(
        args.results_dir,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        options=vars(args),
        machine=machine,
        figures=figures,
    )
    missed = [f for f in figures if f.goal_met is False]
    print(f"\nbench: {len(figures)} figures, {len(missed)} goals missed; written to {path}")
    return path


def _rest_batch(target: Target, items: int) -> Figure:
    b = asyncio.run(erp_batch.run(target.name, target.database_url, items))
    return Figure(
        "ingest via REST batch",
        target.name,
        "invoices/s",
        items,
        debtflow=b.invoices_per_second,
        baseline=items / b.baseline_seconds,
        detail={
            "debtflow_seconds": b.invoice_seconds,
            "baseline_seconds": b.baseline_seconds,
            "invoices_resent_per_second": b.invoice_resend_per_second,
            "payments_per_second": b.payments_per_second,
            "payments_resent_per_second": b.payment_resend_per_second,
            "reader_p99_ms_idle": b.read_idle_p99_ms,
            "reader_p99_ms_during_batch": b.read_during_batch_p99_ms,
            "reads_during_batch": len(b.read_during_batch_ms),
        },
    )


if __name__ == "__main__":
    configure_logging("CRITICAL", json=False)  # the broker's start-up chatter is not a figure
    main()
