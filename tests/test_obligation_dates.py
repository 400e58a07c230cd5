"""An integrator's calendar: every step owed before the act has a date, and every date counted in
working days of a year without a published holiday schedule says it is provisional."""

from __future__ import annotations

import datetime as dt
from typing import Any

import govrules
from govrules._calendar import WorkCalendar

LEAVE: dict[str, Any] = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
    "destination": "out_of_province",
}


def reply(year: int) -> dict[str, Any]:
    return {
        "kind": "reply_to_consultation",
        "jurisdiction": "qinghemen",
        "date": f"{year}-03-09",
        "actor": {"role": "department_head"},
        "requested_on": f"{year}-03-03",
        "own_deadline_set": False,
        "replied": True,
    }


def test_a_step_before_the_act_is_due_by_the_act(engine: govrules.Engine) -> None:
    d = engine.evaluate(LEAVE)
    before = [o for o in d.obligations if not o.follow_up]
    assert before and all(o.due == dt.date(2026, 3, 9) for o in before)


def test_a_deadline_of_its_own_is_kept(engine: govrules.Engine) -> None:
    d = engine.evaluate({**LEAVE, "actor": {"role": "head"}})
    assert all(o.due is not None for o in d.obligations if not o.follow_up)


def test_a_follow_up_without_a_deadline_stays_open(engine: govrules.Engine) -> None:
    d = engine.evaluate(
        {
            "kind": "report_matter",
            "jurisdiction": "qinghemen",
            "date": "2026-03-09",
            "actor": {"role": "deputy"},
            "matter": "major_matter",
        }
    )
    after = [o for o in d.obligations if o.follow_up]
    assert after, d.obligations
    assert all(o.due is None or o.due >= dt.date(2026, 3, 9) for o in after)


def test_working_days_between_in_an_unpublished_year_is_provisional(engine: govrules.Engine) -> None:
    assert engine.evaluate(reply(2026)).provisional is False
    assert engine.evaluate(reply(2028)).provisional is True


def test_the_calendar_reports_what_a_count_touched() -> None:
    cal = WorkCalendar()
    with cal.watch() as seen:
        cal.working_days_between(dt.date(2026, 1, 5), dt.date(2026, 3, 9))
    assert not seen.provisional
    with cal.watch() as seen:
        cal.working_days_between(dt.date(2026, 12, 1), dt.date(2028, 1, 10))
    assert seen.provisional
    with cal.watch() as seen:
        cal.add_working_days(dt.date(2099, 1, 1), 3)
    assert seen.provisional
    cal.working_days_between(dt.date(2030, 1, 1), dt.date(2030, 2, 1))  # unwatched: nothing to tell
