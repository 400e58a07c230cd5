"""The same facts through `evaluate` (with `as_of`) and through `audit` give the same answer (issue
18, "agreement with evaluate"): one scenario per audit check that can be written as an action.

These rely on the engine's follow-up duties (`timing: after`): an action is never denied on its own
day for a step that follows it; with `as_of` past a real deadline and the step not done, the rule is
`violated`; before it, or where the text sets no deadline, an obligation is left open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import govrules
from govrules._audit import audit

AS_OF = dt.date(2026, 3, 31)
DEPT = {"role": "department_head", "unit": "区财政局"}


def ev(j: str, type_: str, id_: str, day: str, actor: dict[str, Any], **facts: Any) -> dict[str, Any]:
    return {"type": type_, "id": id_, "jurisdiction": j, "date": day, "actor": actor, **facts}


def outcomes(decision: govrules.Decision, rule: str) -> set[str]:
    return {str(f.outcome) for f in decision.findings if f.rule == rule}


def test_hegang_52_report_back_after_return_is_open_in_both(engine: govrules.Engine) -> None:
    """鹤岗 第五十二条 外出返回后,要及时销假: 及时 sets no deadline. Not reported back by 03-31: the
    audit has an open obligation (no breach); evaluate leaves an obligation, not a violation."""
    trip = [ev("hegang", "leave_requested", "q", "2026-03-02", DEPT, departure="2026-03-04",
               destination="out_of_province"),
            ev("hegang", "departed", "d", "2026-03-04", DEPT, ref="q"),
            ev("hegang", "returned", "b", "2026-03-06", DEPT, ref="q", upper_meeting=False, delegation=False)]
    found = [f for f in audit(engine, trip, as_of=AS_OF).findings if f.check == "hegang.audit.close_leave_after_return"]
    assert [(f.kind, f.breach) for f in found] == [("open", False)]
    action = {"kind": "leave_jurisdiction", "jurisdiction": "hegang", "date": "2026-03-04", "actor": DEPT,
              "destination": "out_of_province", "return_date": "2026-03-06", "as_of": str(AS_OF)}
    decision = engine.evaluate(action)
    assert "violated" not in outcomes(decision, "hegang.leave.report_back_on_return")
    assert any(o.rule == "hegang.leave.report_back_on_return" for o in decision.obligations)
    # reported back two weeks on: nothing in the audit, nothing left open by evaluate
    closed = [*trip, ev("hegang", "leave_closed", "x", "2026-03-20", DEPT, ref="b", written=False)]
    assert not [f for f in audit(engine, closed, as_of=AS_OF).findings
                if f.check == "hegang.audit.close_leave_after_return"]
    done = engine.evaluate({**action, "steps": [{"step": "report_back", "party": "head", "date": "2026-03-20"}]})
    assert not any(o.rule == "hegang.leave.report_back_on_return" for o in done.obligations)


def test_qinghemen_39_topical_minutes_3_days_agree(engine: govrules.Engine) -> None:
    """清河门 三十九 在会议结束后3日内印发: a topical meeting of 03-02 with no minutes by 03-31 is a
    missing duty in the audit and a violated rule in evaluate; minutes on 03-05, neither."""
    meeting = ev("qinghemen", "meeting_held", "m", "2026-03-02", {"role": "deputy"}, meeting="topical",
                 legal_matters=False)
    found = [f for f in audit(engine, [meeting], as_of=AS_OF).findings
             if f.check == "qinghemen.audit.topical_minutes_3_days"]
    assert [(f.kind, f.breach, str(f.due)) for f in found] == [("missing", True, "2026-03-05")]
    action = {"kind": "convene_meeting", "jurisdiction": "qinghemen", "date": "2026-03-02",
              "actor": {"role": "deputy"}, "meeting": "topical", "as_of": str(AS_OF)}
    assert "violated" in outcomes(engine.evaluate(action), "qinghemen.meeting.topical_minutes_within_3_days")
    on_time = [meeting, ev("qinghemen", "minutes_issued", "n", "2026-03-05", {"role": "office_director"}, ref="m")]
    assert not [f for f in audit(engine, on_time, as_of=AS_OF).findings
                if f.check == "qinghemen.audit.topical_minutes_3_days"]
    done = engine.evaluate({**action, "steps": [{"step": "minutes", "party": "government_office", "date": "2026-03-05"}]})
    assert "violated" not in outcomes(done, "qinghemen.meeting.topical_minutes_within_3_days")
    # on the day of the meeting itself, evaluate does not deny it for minutes not yet issued
    same_day = engine.evaluate({**action, "as_of": "2026-03-02"})
    assert "violated" not in outcomes(same_day, "qinghemen.meeting.topical_minutes_within_3_days")
