from __future__ import annotations

import datetime as dt

import pytest

from govrules._actions import ACTION_ADAPTER, ConveneMeeting, LeaveJurisdiction
from govrules._lang.condition import ConditionError, compile_condition


def days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def leave(**facts: object) -> object:
    base = {"kind": "leave_jurisdiction", "jurisdiction": "x", "date": "2026-03-09", "actor": {"role": "deputy"}}
    return ACTION_ADAPTER.validate_python(base | facts)


def value(text: str, action: object, model: type = LeaveJurisdiction) -> object:
    return compile_condition(text, model, days).fn(action)


def test_three_valued_logic_keeps_unknown_facts_unknown() -> None:
    a = leave()  # destination not given
    assert value('destination == "abroad"', a) is None
    assert value('destination == "abroad" and actor.role == "head"', a) is False
    assert value('destination == "abroad" or actor.role == "deputy"', a) is True
    assert value('not (destination == "abroad")', a) is None
    assert value("known(destination)", a) is False


def test_missing_names_the_facts_that_are_not_given() -> None:
    c = compile_condition('destination == "abroad" and return_date > date', LeaveJurisdiction, days)
    assert c.missing(leave(destination="abroad")) == ["return_date"]


def test_arithmetic_lists_and_dates() -> None:
    m = ACTION_ADAPTER.validate_python(
        {
            "kind": "convene_meeting",
            "jurisdiction": "x",
            "date": "2026-03-09",
            "actor": {"role": "head"},
            "meeting": "executive",
            "members_total": 9,
            "members_present": 5,
        }
    )
    assert value("members_present * 2 > members_total", m, ConveneMeeting) is True
    assert value('meeting in ["plenary", "executive"]', m, ConveneMeeting) is True
    assert value('meeting not in ["plenary"]', m, ConveneMeeting) is True
    assert value("date >= 2026-03-01 and days_between(2026-03-01, date) == 8", m, ConveneMeeting) is True


@pytest.mark.parametrize(
    ("text", "code", "offset"),
    [
        ('actor.role == "deputyy"', "C023", 14),  # not a role: did you mean deputy
        ("destinaton == 1", "C011", 0),  # unknown field
        ("actor == 1", "C012", 0),  # an object, not a value
        ('actor.role > "head"', "C021", 11),  # ordering strings
        ("destination ==", "C003", 14),  # incomplete
        ("__class__", "C011", 0),  # no reaching Python attributes
        ("date.__class__", "C010", 0),
        ("eval(1)", "C030", 0),  # no arbitrary functions
        ("destination == 'abroad' ; 1", "C002", 24),
        ("1 + 2", "C024", 0),  # not a truth value
        ("(" * 60 + "true" + ")" * 60, "C004", 50),
    ],
)
def test_errors_name_code_and_offset(text: str, code: str, offset: int) -> None:
    with pytest.raises(ConditionError) as err:
        compile_condition(text, LeaveJurisdiction, days)
    assert (err.value.code, err.value.offset) == (code, offset)


def test_did_you_mean() -> None:
    with pytest.raises(ConditionError) as err:
        compile_condition('actor.role == "deputyy"', LeaveJurisdiction, days)
    assert err.value.hint == "did you mean `deputy`?"
