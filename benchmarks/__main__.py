"""``make bench``: the event pipeline, the overdue sweep and ERP invoice and payment batches
(with a concurrent reader's p99 beside its idle p99) on the
embedded default, and on PostgreSQL + Kafka when ``DATABASE_URL`` and
``KAFKA_BOOTSTRAP_SERVERS`` are given (``make bench`` starts them; the batch needs only
``DATABASE_URL``)."""

from __future__ import annotations

import argparse
import asyncio
import os

from benchmarks import erp_batch, overdue_sweep
from benchmarks.event_pipeline import Target, run
from debtflow_shared.logging import configure_logging
from debtflow_shared.settings import normalize_database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=20_000, help="for the overdue sweep")
    parser.add_argument("--sweep-batch", type=int, default=500)
    parser.add_argument("--batch-items", type=int, default=10_000, help="for the ERP batch")
    parser.add_argument(
        "--only", choices=("pipeline", "sweep", "batches"), help="run one benchmark only"
    )
    args = parser.parse_args()
    configure_logging("ERROR", json=False)

    targets = [Target("embedded (SQLite, in-process bus)")]
    database, kafka = os.environ.get("DATABASE_URL"), os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if database and kafka:
        targets.append(Target("PostgreSQL + Kafka", normalize_database_url(database), kafka))
    else:
        print("bench: PostgreSQL/Kafka not given; embedded only")

    if args.only in (None, "pipeline"):
        _pipeline(targets, args)
    if args.only in (None, "sweep"):
        _sweep(targets, args)
    if args.only in (None, "batches"):
        _batches(database, args)


def _pipeline(targets: list[Target], args: argparse.Namespace) -> None:
    print(
        f"{'target':<36} {'events':>7} {'seconds':>8} {'events/s':>9} {'p50 ms':>7} {'p95 ms':>7}"
    )
    for target in targets:
        f = asyncio.run(run(target, args.events, args.batch, args.samples))
        print(
            f"{f.target:<36} {f.events:>7} {f.seconds:>8.2f} {f.per_second:>9.0f} "
            f"{f.latency_p50_ms:>7.1f} {f.latency_p95_ms:>7.1f}"
        )


def _sweep(targets: list[Target], args: argparse.Namespace) -> None:
    print(
        f"\n{'overdue sweep':<36} {'invoices':>8} {'batch':>6} {'due_soon/s':>10} "
        f"{'overdue/s':>10} {'idle ms':>8}"
    )
    for target in targets:
        s = asyncio.run(
            overdue_sweep.run(target.name, target.database_url, args.invoices, args.sweep_batch)
        )
        print(
            f"{s.target:<36} {s.invoices:>8} {s.batch:>6} {s.due_soon_per_second:>10.0f} "
            f"{s.overdue_per_second:>10.0f} {s.idle_ms:>8.1f}"
        )


def _batches(database: str | None, args: argparse.Namespace) -> None:
    print(
        f"\n{'ERP batches':<36} {'items':>6} {'invoices/s':>10} {'resent':>7} "
        f"{'payments/s':>10} {'resent':>7} {'read p99 ms: idle':>17} {'during':>7} {'reads':>6}"
    )
    batch_targets: list[tuple[str, str | None]] = [("embedded (SQLite)", None)]
    if database:
        batch_targets.append(("PostgreSQL", normalize_database_url(database)))
    for name, url in batch_targets:
        b = asyncio.run(erp_batch.run(name, url, args.batch_items))
        print(
            f"{b.target:<36} {b.items:>6} {b.invoices_per_second:>10.0f} "
            f"{b.invoice_resend_per_second:>7.0f} {b.payments_per_second:>10.0f} "
            f"{b.payment_resend_per_second:>7.0f} {b.read_idle_p99_ms:>17.1f} "
            f"{b.read_during_batch_p99_ms:>7.1f} {len(b.read_during_batch_ms):>6}"
        )


if __name__ == "__main__":
    main()
