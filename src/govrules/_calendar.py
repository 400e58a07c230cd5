"""The working-day calendar of the mainland: the only module that knows the holiday library.

Statutory holidays and the weekend days made working days (调休) come from the `holidays` package's
China calendar: for the years it publishes, through `_workdays`, a table generated from it (so that
start-up does not import every country's calendar), and for any other year from the package itself,
imported on first need. Month arithmetic comes from python-dateutil. A year whose official schedule
the data does not hold yet (the State Council publishes it late in the year before) is *provisional*:
dates in it are computed on weekends and fixed-date holidays alone, and decisions say so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ._errors import ActionError
from ._workdays import LAST_PUBLISHED, SCHEDULE


def _last_published_year() -> int:
    # The last year for which the data holds the State Council's own schedule: its 调休 swaps.
    # (Every year's notice since 2001 has had some, so the newest year with swaps is the newest
    # schedule the data knows.)
    return LAST_PUBLISHED


@lru_cache(maxsize=1)
def _china() -> Any:
    from holidays.countries.china import China

    return China()  # type: ignore[no-untyped-call]


def _working_days(year: int) -> list[bool]:
    """Whether each day of `year` is a working day, from the table or, outside it, from `holidays`."""
    first = dt.date(year, 1, 1)
    days = [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]
    entry = SCHEDULE.get(year)
    if entry is None:
        cn = _china()
        return [bool(cn.is_working_day(d)) for d in days]
    off, worked = (set(part.split()) for part in entry)
    return [(d.weekday() < 5) != (d.strftime("%m%d") in (off if d.weekday() < 5 else worked)) for d in days]


@dataclass
class Touched:
    """What the working-day counts made under `WorkCalendar.watch()` touched."""

    provisional: bool = False  # a count reached a year whose holiday schedule is not published


# The watch of the evaluation running in this thread or task (None: nobody is watching). A context
# variable, not calendar state: one calendar serves every thread, and each evaluation its own watch.
_WATCH: ContextVar[Touched | None] = ContextVar("govrules_calendar_watch", default=None)


class WorkCalendar:
    """Calendar days, working days and months, on the mainland-China schedule. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # A whole year of working days at a time, as a count of working days up to each day:
        # one look-up answers "is it a working day" and "how many between", whatever the span.
        self._counts: dict[int, list[int]] = {}

    def _year(self, year: int) -> list[int]:
        counts = self._counts.get(year)
        if counts is None:
            if year >= dt.MAXYEAR:  # its last day has no next day: nothing can be counted across it
                raise ActionError(f"a working-day count reaches the year {year}, past the calendar")
            with self._lock:  # the holiday library fills a year on first look-up: once, here
                counts = self._counts.get(year)
                if counts is None:
                    counts, total = [0], 0
                    for working in _working_days(year):
                        total += working
                        counts.append(total)
                    self._counts[year] = counts
        return counts

    def _count(self, day: dt.date) -> int:
        """Working days from 1 January of `day`'s year up to and including `day`."""
        return self._year(day.year)[day.timetuple().tm_yday]

    def is_working_day(self, day: dt.date) -> bool:
        counts, n = self._year(day.year), day.timetuple().tm_yday
        return counts[n] != counts[n - 1]

    @property
    def last_day(self) -> dt.date:
        """The last day the calendar counts to: the end of the year after the last published
        holiday schedule (that year's working days are provisional)."""
        return dt.date(_last_published_year() + 1, 12, 31)

    def is_provisional(self, day: dt.date) -> bool:
        """True when `day`'s year has no published holiday schedule in the data."""
        return day.year > _last_published_year()

    @contextlib.contextmanager
    def watch(self) -> Iterator[Touched]:
        """Report what the working-day counts made inside the block touched: a count in a year with
        no published schedule (a deadline, or a rule's `working_days_between`) makes it provisional."""
        touched = Touched()
        token = _WATCH.set(touched)
        try:
            yield touched
        finally:
            _WATCH.reset(token)

    def _touch(self, *days: dt.date) -> None:
        if any(d.year > _last_published_year() for d in days):
            watch = _WATCH.get()
            if watch is not None:
                watch.provisional = True

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (before it, for negative n); `day` itself not counted."""
        step = 1 if n >= 0 else -1
        left = abs(n)
        start = day
        while left:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        self._touch(start, day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        self._touch(end)  # the later day: the span reaches its year
        total = self._count(end) - self._count(start)
        for year in range(start.year, end.year):  # the years the span crosses, whole
            total += self._year(year)[-1]
        return total

    def span_end(self, day: dt.date, days: int, unit: str, counts_start: bool, sign: int = 1) -> dt.date:
        """The last day of a span of `days` (calendar, working or months) from `day`, forwards
        (sign 1) or backwards (-1); with `counts_start`, `day` itself is the span's first day."""
        if counts_start and days > 0:
            if unit == "working" and not self.is_working_day(day):
                return self.shift(day, sign * days, unit)
            if unit == "months":
                # The civil-law month (民法典 arts. 201, 202) of a span whose first day is `day`: as
                # if it began the day before, to the corresponding day, or the month's end if there
                # is none. Deployed 03-02 → 04-01; 03-30 → 04-29; 03-31 → 04-30; 01-31 → 02-28.
                return self.shift(day - dt.timedelta(days=sign), sign * days, unit)
            return self.shift(day, sign * (days - 1), unit)
        return self.shift(day, sign * days, unit)

    def shift(self, day: dt.date, amount: int, unit: str) -> dt.date:
        """`day` moved by `amount` calendar days, working days or months."""
        if unit == "working":
            return self.add_working_days(day, amount)
        if unit == "months":
            from dateutil.relativedelta import relativedelta  # on first need (start-up)

            return day + relativedelta(months=amount)
        return day + dt.timedelta(days=amount)
