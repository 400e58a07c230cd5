from __future__ import annotations

import datetime as dt

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
