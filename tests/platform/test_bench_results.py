"""The benchmark machinery keeps working: ratios, goals, the results file, and a tiny run of
every figure on the embedded default (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.__main__ import FIGURES, main
from benchmarks.figures import SWEEP_GOAL, Figure, Goal, rate_figure


def test_a_rate_ratio_is_the_fraction_of_the_baselines_throughput() -> None:
    figure = rate_figure("f", "t", "rows/s", 1000, debtflow_seconds=4.0, baseline_seconds=1.0)
    assert figure.debtflow == 250
    assert figure.baseline == 1000
    assert figure.ratio == pytest.approx(0.25)


def test_a_latency_ratio_is_the_baselines_latency_over_debtflows() -> None:
    figure = Figure("f", "t", "ms (p50)", 10, debtflow=20.0, baseline=5.0, higher_is_better=False)
    assert figure.ratio == pytest.approx(0.25)


def test_a_goal_is_met_at_its_ratio_and_missed_below_it() -> None:
    goal = Goal(0.25, "at least a quarter")
    assert rate_figure("f", "t", "u", 100, 4.0, 1.0, goal).goal_met is True
    assert rate_figure("f", "t", "u", 100, 4.1, 1.0, goal).goal_met is False
    assert rate_figure("f", "t", "u", 100, 4.1, 1.0).goal_met is None


def test_within_three_times_the_baselines_time_meets_the_sweep_goal() -> None:
    assert rate_figure("f", "t", "u", 100, 2.9, 1.0, SWEEP_GOAL).goal_met is True
    assert rate_figure("f", "t", "u", 100, 3.1, 1.0, SWEEP_GOAL).goal_met is False


def test_a_tiny_embedded_run_writes_every_figure_with_its_baseline_and_the_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    path = main(
        [
            *("--ingest-invoices", "20", "--batch-items", "20", "--events", "20"),
            *("--batch", "10", "--samples", "3", "--rate", "50", "--invoices", "40"),
            *("--timers", "60", "--due-steps", "20", "--timer-batch", "8"),
            *("--results-dir", str(tmp_path)),
        ]
    )

    document = json.loads(path.read_text())
    assert path.parent == tmp_path
    assert document["machine"]["cores"] >= 1
    assert document["machine"]["packages"]["aiokafka"]
    assert len(FIGURES) == 5
    names = [f["name"] for f in document["figures"]]
    assert names == [
        "ingest via topic",
        "ingest via REST batch",
        "pipeline",
        "pipeline latency",
        "overdue sweep",
        "case timers",
    ]
    for figure in document["figures"]:
        assert figure["target"] == "embedded"
        assert figure["debtflow"] > 0
        assert figure["baseline"] > 0
        assert figure["ratio"] is not None


def test_the_case_timers_scene_gives_every_column_of_each_table_it_fills() -> None:
    # PostgreSQL's fill is a COPY of exactly these keys: a column added to a table and not
    # to the scene fails there (the embedded fill's INSERT would use the default).
    from benchmarks.case_timers import _scene

    for table, rows in _scene(timer_count=4, due=2).items():
        assert rows, table.name
        assert all(set(row) == {c.name for c in table.c} for row in rows), table.name
