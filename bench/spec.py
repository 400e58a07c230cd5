"""The shared slice: three kinds of action, one specification, and the plain-Python floor.

Every engine of the peer comparison encodes the same rules, generated from `SLICE` below (govrules
reads them from the synthetic rulebook in `bench/slice/`, written to say the same thing):

- leave_jurisdiction, by role: deputies tell the head N calendar days ahead (N per jurisdiction);
  the head leaving the province needs the upper government's approval by the day; department
  leaders need their portfolio deputy's approval by the day. A step done late, or missing when
  `as_of` is past its last day, denies; missing and still possible is conditional.
- sign_document: a table from (issuer, document type) to the roles that may sign; another role
  signing is denied. A pair not in the table is allowed.
- reply_to_consultation (countersign replies): more than N working days (per jurisdiction) from
  the request to the reply is denied.

Dates reach the peers as day ordinals (`date.toordinal()`), the one representation all of them can
compare and subtract. Working days: only govrules has a working-day calendar, so every other engine
(the plain-Python floor included) gets the count of working days from the request to the reply,
precomputed with `govrules.WorkCalendar`, as an input field (`working_days`). govrules computes its own.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

JURISDICTIONS = ("bench_a", "bench_b", "bench_c")

# The specification every engine is built from.
SLICE: dict[str, Any] = {
    "notice_days": {"bench_a": 3, "bench_b": 2, "bench_c": 5},  # deputies tell the head, calendar days ahead
    "reply_days": {"bench_a": 5, "bench_b": 7, "bench_c": 3},  # countersign replies, working days
    # role -> (step, party, days before the date or None for "by the day", only when leaving the province)
    "leave": {
        "deputy": ("notice", "head", "notice_days", False),
        "executive_deputy": ("notice", "head", "notice_days", False),
        "head": ("approval", "upper_government", None, True),
        "department_head": ("approval", "portfolio_deputy", None, False),
        "department_deputy": ("approval", "portfolio_deputy", None, False),
    },
    "sign": {
        ("government", "decision_order"): ("head",),
        ("government", "normative"): ("head",),
        ("government", "upward_request"): ("head", "executive_deputy"),
        ("government", "upward_report"): ("head", "executive_deputy"),
        ("government", "routine"): ("head", "executive_deputy", "deputy"),
        ("government_office", "routine"): ("office_director", "secretary_general", "deputy_secretary_general"),
        ("government_office", "notice"): ("office_director", "office_deputy_director"),
        ("department", "routine"): ("department_head", "department_deputy"),
        ("department", "normative"): ("department_head",),
    },
}

LEAVE_ROLES = ("deputy", "executive_deputy", "head", "department_head", "department_deputy", "staff", "office_director")
SIGN_ROLES = (
    "head",
    "executive_deputy",
    "deputy",
    "office_director",
    "office_deputy_director",
    "secretary_general",
    "deputy_secretary_general",
    "department_head",
    "department_deputy",
    "staff",
)
ISSUERS = ("government", "government_office", "department")
DOC_TYPES = ("decision_order", "normative", "upward_request", "upward_report", "routine", "notice", "briefing")
DESTINATIONS = ("in_province", "out_of_province", "abroad")
STEP_TYPES = ("notice", "approval")
PARTIES = ("head", "upper_government", "portfolio_deputy", "government_office")
START = dt.date(2024, 1, 1).toordinal()


def _step_date_field() -> str:
    """The name of a step's day in govrules' action model (`date`; `on` in older versions)."""
    from govrules import Step

    return "date" if "date" in Step.model_fields else "on"


STEP_DAY = _step_date_field()
END = dt.date(2026, 12, 20).toordinal()


def generate(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """`n` random slice actions as JSON-shaped dicts (ISO dates), from a fixed seed."""
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        jur = rnd.choice(JURISDICTIONS)
        day = START + rnd.randrange(END - START)
        date = dt.date.fromordinal(day)
        kind = rnd.choice(("leave_jurisdiction", "sign_document", "reply_to_consultation"))
        a: dict[str, Any] = {"kind": kind, "jurisdiction": jur, "date": date.isoformat()}
        if kind == "leave_jurisdiction":
            role = rnd.choice(LEAVE_ROLES)
            a["actor"] = {"role": role}
            a["destination"] = rnd.choice(DESTINATIONS)
            if rnd.random() < 0.4:
                a["as_of"] = dt.date.fromordinal(day + rnd.randint(-10, 3)).isoformat()
            need = SLICE["leave"].get(role)
            r = rnd.random()
            if r < 0.3:
                pass  # no step at all
            elif r < 0.75 and need is not None:
                on = dt.date.fromordinal(day - rnd.randint(-2, 8))  # on time or late
                a["steps"] = [{"step": need[0], "party": need[1], STEP_DAY: on.isoformat()}]
            else:  # some other step
                on = dt.date.fromordinal(day - rnd.randint(0, 8))
                a["steps"] = [{"step": rnd.choice(STEP_TYPES), "party": rnd.choice(PARTIES), STEP_DAY: on.isoformat()}]
        elif kind == "sign_document":
            a["actor"] = {"role": rnd.choice(SIGN_ROLES)}
            a["issuer"] = rnd.choice(ISSUERS)
            a["doc_type"] = rnd.choice(DOC_TYPES)
        else:
            a["actor"] = {"role": rnd.choice(("department_head", "department_deputy", "staff"))}
            a["requested_on"] = dt.date.fromordinal(day - rnd.randint(0, 16)).isoformat()
            a["replied"] = True
        a["id"] = f"s{i}"
        out.append(a)
    return out


def with_working_days(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The peers' JSON: each reply carries `working_days` from the request to the reply, computed
    beforehand with govrules' own calendar (no peer has a working-day calendar)."""
    from govrules import WorkCalendar

    cal = WorkCalendar()
    out = []
    for a in actions:
        if a["kind"] == "reply_to_consultation":
            a = {
                **a,
                "working_days": cal.working_days_between(
                    dt.date.fromisoformat(a["requested_on"]), dt.date.fromisoformat(a["date"])
                ),
            }
        out.append(a)
    return out


_ORD = dt.date.fromisoformat


def flatten(a: dict[str, Any]) -> dict[str, Any]:
    """A JSON action as the flat record the peers read: every field present, dates as ordinals,
    0 / "" for "not given" (at most one step in the slice)."""
    steps = a.get("steps") or ()
    step = steps[0] if steps else None
    as_of = a.get("as_of")
    return {
        "kind": a["kind"],
        "jur": a["jurisdiction"],
        "role": a["actor"]["role"],
        "date": _ORD(a["date"]).toordinal(),
        "as_of": _ORD(as_of).toordinal() if as_of else 0,
        "dest": a.get("destination") or "",
        "step_type": step["step"] if step else "",
        "step_party": step["party"] if step else "",
        "step_on": _ORD(step[STEP_DAY]).toordinal() if step and step.get(STEP_DAY) else 0,
        "issuer": a.get("issuer") or "",
        "doc_type": a.get("doc_type") or "",
        "working_days": a.get("working_days", -1),
    }


# --- the floor: plain hand-written Python ------------------------------------------------------
_NOTICE = SLICE["notice_days"]
_REPLY = SLICE["reply_days"]
_LEAVE = SLICE["leave"]
_SIGN = SLICE["sign"]


def plain_verdict(r: dict[str, Any]) -> str:
    """The verdict of one flat record: the floor every engine is measured against."""
    kind = r["kind"]
    if kind == "leave_jurisdiction":
        need = _LEAVE.get(r["role"])
        if need is None or (need[3] and r["dest"] == "in_province"):
            return "allowed"
        last = r["date"] - (_NOTICE[r["jur"]] if need[2] else 0)
        if r["step_type"] == need[0] and r["step_party"] == need[1]:
            return "denied" if r["step_on"] > last else "allowed"
        return "denied" if r["as_of"] > last else "conditional"
    if kind == "sign_document":
        allowed = _SIGN.get((r["issuer"], r["doc_type"]))
        return "denied" if allowed is not None and r["role"] not in allowed else "allowed"
    return "denied" if r["working_days"] > _REPLY[r["jur"]] else "allowed"


class PlainPython:
    """Hand-written Python over the flat records: typed input is the flat record made beforehand;
    dict input pays `flatten`."""

    name = "plain Python"

    def prepare(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [flatten(a) for a in actions]

    def run_typed(self, prepared: list[dict[str, Any]]) -> list[str]:
        return [plain_verdict(r) for r in prepared]

    def run_dicts(self, actions: list[dict[str, Any]]) -> list[str]:
        return [plain_verdict(flatten(a)) for a in actions]
