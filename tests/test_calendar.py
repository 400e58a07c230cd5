from __future__ import annotations

import datetime as dt

import pytest

from govrules import WorkCalendar

cal = WorkCalendar()


def test_national_day_2026_and_its_working_saturday() -> None:
    # State Council 2026: 10/1–10/7 off; Sunday 9/20 and Saturday 10/10 are working days (调休).
    assert not cal.is_working_day(dt.date(2026, 10, 5))
    assert cal.is_working_day(dt.date(2026, 10, 10))
    assert cal.is_working_day(dt.date(2026, 9, 20))
    assert cal.add_working_days(dt.date(2026, 9, 30), 2) == dt.date(2026, 10, 9)
    assert cal.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_spring_festival_2026() -> None:
    # 2/15–2/23 off; Saturday 2/14 and 2/28 working.
    assert cal.add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)
    assert cal.add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)


def test_counting_backwards_and_between() -> None:
    assert cal.add_working_days(dt.date(2026, 3, 9), -3) == dt.date(2026, 3, 4)
    assert cal.working_days_between(dt.date(2026, 3, 6), dt.date(2026, 3, 9)) == 1
    assert cal.working_days_between(dt.date(2026, 3, 9), dt.date(2026, 3, 6)) == -1


def test_months_and_provisional_years() -> None:
    assert cal.shift(dt.date(2026, 1, 31), 1, "months") == dt.date(2026, 2, 28)
    assert not cal.is_provisional(dt.date(2026, 12, 31))
    assert cal.is_provisional(dt.date(2099, 1, 4))


def test_counting_between_agrees_with_day_by_day_counting() -> None:
    import random

    rng = random.Random(7)
    for _ in range(500):
        a = dt.date(2024, 6, 1) + dt.timedelta(days=rng.randrange(900))
        b = a + dt.timedelta(days=rng.randrange(-500, 500))
        lo, hi = min(a, b), max(a, b)
        one_by_one = sum(cal.is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
        assert cal.working_days_between(a, b) == (one_by_one if b >= a else -one_by_one)


def test_the_generated_schedule_equals_the_holiday_library_on_every_day_it_covers() -> None:
    """`_workdays` (tools/gen_workdays.py) is a table of what `holidays` says: the same, day by day."""
    from holidays.countries.china import China, ChinaStaticHolidays

    from govrules._calendar import _working_days
    from govrules._workdays import LAST_PUBLISHED, SCHEDULE

    assert max(ChinaStaticHolidays.special_public_holidays) == LAST_PUBLISHED, "run tools/gen_workdays.py"
    cn = China()
    for year in SCHEDULE:
        first = dt.date(year, 1, 1)
        expected = [bool(cn.is_working_day(first + dt.timedelta(days=i))) for i in range(len(_working_days(year)))]
        assert _working_days(year) == expected, year


def test_a_year_outside_the_table_falls_back_to_the_holiday_library() -> None:
    from holidays.countries.china import China

    from govrules._calendar import _working_days
    from govrules._workdays import SCHEDULE

    year = max(SCHEDULE) + 1
    cn = China()
    assert _working_days(year) == [
        bool(cn.is_working_day(dt.date(year, 1, 1) + dt.timedelta(days=i))) for i in range(len(_working_days(year)))
    ]


@pytest.mark.parametrize(
    ("deployed", "due"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 4, 1)),
        (dt.date(2026, 3, 30), dt.date(2026, 4, 29)),
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
        (dt.date(2026, 1, 29), dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 31), dt.date(2027, 1, 30)),
    ],
)
def test_a_month_counted_from_its_first_day(deployed: dt.date, due: dt.date) -> None:
    """qinghemen art. 57 (五十、): 复杂事项1个月内有结果, 从部署当日算起. The deployment day is the first
    of the month: the civil-law month (民法典 arts. 201, 202) begun the day before, to the
    corresponding day or the month's end. Two deployment days never share one deadline at a month's
    end (03-30 and 03-31 once both gave 04-29)."""
    assert cal.span_end(deployed, 1, "months", counts_start=True) == due
