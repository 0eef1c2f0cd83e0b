"""A benchmark figure beside its raw baseline, the ratio between them, and the results file.

The machine is shared and noisy, so an absolute figure says little from one run to the next;
the ratio to a baseline measured in the same run, on the same rows, does. Every ratio reads
the same way: the fraction of the raw baseline's performance that debtflow reaches (1.0 is as
fast as the raw code, 0.25 a quarter of its throughput, or four times its latency).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
RESULTS_FORMAT = 1


@dataclass(frozen=True)
class Goal:
    """The issue's goal for a figure, as the lowest acceptable ratio."""

    min_ratio: float
    text: str


# The goals of issue 11, point 4.
INGEST_TOPIC_GOAL = Goal(0.25, "≥ 25 % of baseline")
PIPELINE_GOAL = Goal(0.10, "≥ 10 % of baseline")
SWEEP_GOAL = Goal(1 / 3, "within 3x of baseline")


@dataclass(frozen=True)
class Figure:
    name: str
    target: str
    unit: str  # of `debtflow` and `baseline`, e.g. "invoices/s" or "ms (p50)"
    size: int  # how many rows, messages or samples the figure is over
    debtflow: float
    baseline: float
    higher_is_better: bool = True  # a rate; False for a latency
    goal: Goal | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # seconds, parts, extra figures

    @property
    def ratio(self) -> float:
        """The fraction of the baseline's performance reached (inf when the baseline is 0)."""
        better, worse = (
            (self.debtflow, self.baseline)
            if self.higher_is_better
            else (self.baseline, self.debtflow)
        )
        return better / worse if worse else float("inf")

    @property
    def goal_met(self) -> bool | None:
        return None if self.goal is None else self.ratio >= self.goal.min_ratio

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target,
            "unit": self.unit,
            "size": self.size,
            "debtflow": self.debtflow,
            "baseline": self.baseline,
            "higher_is_better": self.higher_is_better,
            "ratio": self.ratio if self.ratio != float("inf") else None,
            "goal": None
            if self.goal is None
            else {"min_ratio": self.goal.min_ratio, "text": self.goal.text},
            "goal_met": self.goal_met,
            "detail": self.detail,
        }


def rate_figure(
    name: str,
    target: str,
    unit: str,
    size: int,
    debtflow_seconds: float,
    baseline_seconds: float,
    goal: Goal | None = None,
    **detail: Any,
) -> Figure:
    """A throughput figure: ``size`` items in each side's seconds."""
    return Figure(
        name,
        target,
        unit,
        size,
        debtflow=size / debtflow_seconds,
        baseline=size / baseline_seconds,
        goal=goal,
        detail={"debtflow_seconds": debtflow_seconds, "baseline_seconds": baseline_seconds}
        | detail,
    )


HEADER = (
    f"{'figure':<28} {'target':<22} {'size':>8} {'debtflow':>10} {'baseline':>10} "
    f"{'unit':<11} {'ratio':>7}  goal"
)


def _number(value: float) -> str:
    return f"{value:>10.1f}" if value >= 10 else f"{value:>10.3f}"


def table_row(figure: Figure) -> str:
    met = {None: "", True: "met", False: "MISSED"}[figure.goal_met]
    goal = f"{figure.goal.text}: {met}" if figure.goal else "—"
    return (
        f"{figure.name:<28} {figure.target:<22} {figure.size:>8} {_number(figure.debtflow)} "
        f"{_number(figure.baseline)} {figure.unit:<11} {figure.ratio:>6.1%}  {goal}"
    )


def results_path(directory: Path, started_at: datetime) -> Path:
    return directory / f"{started_at.astimezone(UTC):%Y%m%dT%H%M%SZ}.json"


def write_results(
    directory: Path,
    *,
    started_at: datetime,
    finished_at: datetime,
    options: dict[str, Any],
    machine: dict[str, Any],
    figures: list[Figure],
) -> Path:
    """Write one run as ``<directory>/<UTC start time>.json``; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = results_path(directory, started_at)
    document = {
        "format": RESULTS_FORMAT,
        "started_at": started_at.astimezone(UTC).isoformat(),
        "finished_at": finished_at.astimezone(UTC).isoformat(),
        "options": options,
        "machine": machine,
        "figures": [figure.as_json() for figure in figures],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path
