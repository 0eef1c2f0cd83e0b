"""Reference rates for statutory interest, kept as data: (series, effective date, rate, source).

A tenant admin extends or corrects the table (``ReferenceRateTable.with_rates``); the code
only answers "which rate was in force on day D". The shipped history is below.

Each series is *checked through* a day: up to it, somebody compared the table with the
central bank's announcements. A rate asked for a later day is refused
(:class:`UncheckedReferenceRate`), not guessed: a central-bank change the table has not
heard of would otherwise misprice every charge silently. A tenant admin moves the day on
by adding the new rate or by confirming that the rate is unchanged.

Nobody checks a day that has not come: a confirmation is for today at the latest, and a rate
posted ahead of its effective day (central banks announce some changes days before they take
effect) is stored and applies from that day, but vouches for its series only up to the day it
was posted (:func:`vouched_by_posting`). Days after that wait for the next check as usual.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# Series keys. "DE" is not the ECB rate: § 247 BGB derives the Basiszinssatz from it
# (it moves by the same points each half-year, and has stayed 0.88 below it since 2002).
BANK_OF_ENGLAND = "GB"
ECB_MAIN_REFINANCING = "EA"
GERMAN_BASE_RATE = "DE"


class NoReferenceRate(LookupError):
    """The table holds no rate for the series on or before the day asked for."""

    def __init__(self, jurisdiction: str, day: date) -> None:
        super().__init__(f"no {jurisdiction!r} reference rate in force on {day.isoformat()}")
        self.jurisdiction = jurisdiction
        self.day = day


class UncheckedReferenceRate(NoReferenceRate):
    """The day is after the last day the series was checked against the central bank."""

    def __init__(self, jurisdiction: str, day: date, checked_through: date) -> None:
        LookupError.__init__(
            self,
            f"the {jurisdiction!r} reference rate is checked only through "
            f"{checked_through.isoformat()}, not for {day.isoformat()}: add the rate in force "
            "then, or confirm it unchanged "
            f"(PUT /v1/reference-rates/{jurisdiction}/checked-through)",
        )
        self.jurisdiction = jurisdiction
        self.day = day
        self.checked_through = checked_through


class ConflictingReferenceRates(ValueError):
    """Two entries for the same series take effect on the same day."""


@dataclass(frozen=True)
class ReferenceRate:
    """A reference rate (percent per year) in force from ``effective_from`` until the next one."""

    jurisdiction: str
    effective_from: date
    rate_percent: Decimal
    source: str

    def __post_init__(self) -> None:
        if not self.jurisdiction:
            raise ValueError("a reference rate needs a jurisdiction (series) key")
        # Rates come from admins and files too: refuse floats at the door, not in a sum.
        if not isinstance(self.rate_percent, Decimal) or not self.rate_percent.is_finite():
            raise TypeError(f"rate_percent must be a finite Decimal, got {self.rate_percent!r}")
        if not self.source.strip():
            raise ValueError("a reference rate needs a source so a statement can cite it")


class ReferenceRateTable:
    """Answers "the rate in force on day D for series J": the latest entry dated on or before D."""

    def __init__(
        self,
        rates: Iterable[ReferenceRate],
        checked_through: Mapping[str, date] | None = None,
        *,
        entries_vouch: bool = True,
    ) -> None:
        by_series: dict[str, dict[date, ReferenceRate]] = {}
        for rate in rates:
            series = by_series.setdefault(rate.jurisdiction, {})
            if rate.effective_from in series:
                raise ConflictingReferenceRates(
                    f"two {rate.jurisdiction!r} rates take effect on "
                    f"{rate.effective_from.isoformat()}"
                )
            series[rate.effective_from] = rate
        self._history = {
            key: tuple(entries[day] for day in sorted(entries))
            for key, entries in by_series.items()
        }
        self._dates = {
            key: [r.effective_from for r in history] for key, history in self._history.items()
        }
        # A series nobody vouched for further is checked through its latest entry (curated
        # tables); with ``entries_vouch=False`` only ``checked_through`` vouches, and a series
        # it does not name is checked through nothing.
        self._checked_through: dict[str, date] = (
            {key: dates[-1] for key, dates in self._dates.items()} if entries_vouch else {}
        )
        for key, day in (checked_through or {}).items():
            self._checked_through[key] = max(day, self._checked_through.get(key, day))
        for key, dates in self._dates.items():
            self._checked_through.setdefault(key, dates[0] - timedelta(days=1))

    @classmethod
    def shipped(cls) -> ReferenceRateTable:
        return cls(SHIPPED_RATES, SHIPPED_CHECKED_THROUGH)

    def rate_on(self, jurisdiction: str, day: date) -> ReferenceRate:
        checked = self._checked_through.get(jurisdiction)
        if checked is not None and day > checked:
            raise UncheckedReferenceRate(jurisdiction, day, checked)
        dates = self._dates.get(jurisdiction, [])
        index = bisect.bisect_right(dates, day)
        if index == 0:
            raise NoReferenceRate(jurisdiction, day)
        return self._history[jurisdiction][index - 1]

    def history(self, jurisdiction: str) -> tuple[ReferenceRate, ...]:
        return self._history.get(jurisdiction, ())

    def checked_through(self, jurisdiction: str) -> date | None:
        return self._checked_through.get(jurisdiction)

    def with_rates(
        self,
        rates: Iterable[ReferenceRate],
        checked_through: Mapping[str, date] | None = None,
        *,
        entries_vouch: bool = True,
    ) -> ReferenceRateTable:
        """A new table where ``rates`` are added, replacing entries of the same series and day.

        Adding a rate vouches for its series up to the rate's own day, unless
        ``entries_vouch=False`` (rates whose vouching was recorded as a check when they were
        posted: :func:`vouched_by_posting`); ``checked_through`` vouches further (a
        confirmation that nothing changed). Neither moves a day back.
        """
        merged = {
            (r.jurisdiction, r.effective_from): r
            for series in self._history.values()
            for r in series
        }
        merged.update({(r.jurisdiction, r.effective_from): r for r in rates})
        checked = dict(self._checked_through)
        for key, day in (checked_through or {}).items():
            checked[key] = max(day, checked.get(key, day))
        return ReferenceRateTable(merged.values(), checked, entries_vouch=entries_vouch)


def vouched_by_posting(rate: ReferenceRate, today: date) -> date:
    """How far posting ``rate`` on ``today`` checks its series: through the rate's own day,
    but never past today (a rate announced ahead says nothing of the days until it applies).
    """
    return min(rate.effective_from, today)


_BOE = "Bank of England, Official Bank Rate history (in force from the announcement day)"
_ECB = "European Central Bank, key interest rates: main refinancing operations, date of effect"
_BUBA = "Deutsche Bundesbank, Basiszinssatz under § 247 BGB (Bundesanzeiger notice)"


# How far each shipped series is vouched for. A rate changes only at a policy meeting, and the
# meetings come every six weeks or so, so a rate seen held stays good a little while:
# GB: held at the MPC of 5 Feb 2026 (the next MPC falls in March).
# EA: held on 18 Dec 2025; a six-week cycle puts the next change in February at the earliest.
# DE: the Basiszinssatz of 1 Jan 2026 is fixed by § 247 BGB until 30 Jun 2026.
SHIPPED_CHECKED_THROUGH: Mapping[str, date] = {
    BANK_OF_ENGLAND: date(2026, 2, 28),
    ECB_MAIN_REFINANCING: date(2026, 1, 31),
    GERMAN_BASE_RATE: date(2026, 6, 30),
}


def _entry(series: str, source: str, day: str, percent: str) -> ReferenceRate:
    return ReferenceRate(series, date.fromisoformat(day), Decimal(percent), source)


# History shipped with debtflow, checked against the central banks' announcements.
# GB runs to the 3.75 % cut of 18 Dec 2025 (held in Feb 2026); EA to the 2.15 % of 11 Jun 2025
# (held through the 18 Dec 2025 meeting); DE to the 1 Jan 2026 fixing. Each series starts
# early enough that every day from 1 Jan 2016 has a rate. Later changes are NOT known here:
# tenant admins add them or confirm the rate unchanged (SHIPPED_CHECKED_THROUGH, above).
SHIPPED_RATES: tuple[ReferenceRate, ...] = (
    *(
        _entry(BANK_OF_ENGLAND, _BOE, day, percent)
        for day, percent in (
            ("2009-03-05", "0.50"),
            ("2016-08-04", "0.25"),
            ("2017-11-02", "0.50"),
            ("2018-08-02", "0.75"),
            ("2020-03-11", "0.25"),
            ("2020-03-19", "0.10"),
            ("2021-12-16", "0.25"),
            ("2022-02-03", "0.50"),
            ("2022-03-17", "0.75"),
            ("2022-05-05", "1.00"),
            ("2022-06-16", "1.25"),
            ("2022-08-04", "1.75"),
            ("2022-09-22", "2.25"),
            ("2022-11-03", "3.00"),
            ("2022-12-15", "3.50"),
            ("2023-02-02", "4.00"),
            ("2023-03-23", "4.25"),
            ("2023-05-11", "4.50"),
            ("2023-06-22", "5.00"),
            ("2023-08-03", "5.25"),
            ("2024-08-01", "5.00"),
            ("2024-11-07", "4.75"),
            ("2025-02-06", "4.50"),
            ("2025-05-08", "4.25"),
            ("2025-08-07", "4.00"),
            ("2025-12-18", "3.75"),
        )
    ),
    *(
        _entry(ECB_MAIN_REFINANCING, _ECB, day, percent)
        for day, percent in (
            ("2014-09-10", "0.05"),
            ("2016-03-16", "0.00"),
            ("2022-07-27", "0.50"),
            ("2022-09-14", "1.25"),
            ("2022-11-02", "2.00"),
            ("2022-12-21", "2.50"),
            ("2023-02-08", "3.00"),
            ("2023-03-22", "3.50"),
            ("2023-05-10", "3.75"),
            ("2023-06-21", "4.00"),
            ("2023-08-02", "4.25"),
            ("2023-09-20", "4.50"),
            ("2024-06-12", "4.25"),
            ("2024-09-18", "3.65"),
            ("2024-10-23", "3.40"),
            ("2024-12-18", "3.15"),
            ("2025-02-05", "2.90"),
            ("2025-03-12", "2.65"),
            ("2025-04-23", "2.40"),
            ("2025-06-11", "2.15"),
        )
    ),
    # The Basiszinssatz only changes on 1 January and 1 July (-0.88 % from mid-2016 to the
    # end of 2022). The unchanged 1 Jan 2026 fixing is listed to show that it was checked.
    *(
        _entry(GERMAN_BASE_RATE, _BUBA, day, percent)
        for day, percent in (
            ("2015-01-01", "-0.83"),
            ("2016-07-01", "-0.88"),
            ("2023-01-01", "1.62"),
            ("2023-07-01", "3.12"),
            ("2024-01-01", "3.62"),
            ("2024-07-01", "3.37"),
            ("2025-01-01", "2.27"),
            ("2025-07-01", "1.27"),
            ("2026-01-01", "1.27"),
        )
    ),
)
