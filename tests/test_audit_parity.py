"""The same facts through `evaluate` (with `as_of`) and through `audit` give the same answer (issue
18, "agreement with evaluate"): one scenario per audit check that can be written as an action.

These rely on the engine's follow-up duties (`timing: after`): an action is never denied on its own
day for a step that follows it; with `as_of` past a real deadline and the step not done, the rule is
`violated`; before it, or where the text sets no deadline, an obligation is left open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import govrules
from govrules._audit.api import audit

AS_OF = dt.date(2026, 3, 31)
DEPT = {"role": "department_head", "unit": "区财政局"}


def ev(j: str, type_: str, id_: str, day: str, actor: dict[str, Any], **facts: Any) -> dict[str, Any]:
    return {"type": type_, "id": id_, "jurisdiction": j, "date": day, "actor": actor, **facts}


def outcomes(decision: govrules.Decision, rule: str) -> set[str]:
    return {str(f.outcome) for f in decision.findings if f.rule == rule}


def test_hegang_52_report_back_after_return_is_open_in_both(engine: govrules.Engine) -> None:
    """鹤岗 第五十二条 外出返回后,要及时销假: 及时 sets no deadline. Not reported back by 03-31: the
    audit has an open obligation (no breach); evaluate leaves an obligation, not a violation."""
    trip = [
        ev("hegang", "leave_requested", "q", "2026-03-02", DEPT, departure="2026-03-04", destination="out_of_province"),
        ev("hegang", "departed", "d", "2026-03-04", DEPT, ref="q"),
        ev("hegang", "returned", "b", "2026-03-06", DEPT, ref="q", upper_meeting=False, delegation=False),
    ]
    found = [f for f in audit(engine, trip, as_of=AS_OF).findings if f.check == "hegang.audit.close_leave_after_return"]
    assert [(f.kind, f.breach) for f in found] == [("open", False)]
    action = {
        "kind": "leave_jurisdiction",
        "jurisdiction": "hegang",
        "date": "2026-03-04",
        "actor": DEPT,
        "destination": "out_of_province",
        "return_date": "2026-03-06",
        "as_of": str(AS_OF),
    }
    decision = engine.evaluate(action)
    assert "violated" not in outcomes(decision, "hegang.leave.report_back_on_return")
    assert any(o.rule == "hegang.leave.report_back_on_return" for o in decision.obligations)
    # reported back two weeks on: nothing in the audit, nothing left open by evaluate
    closed = [*trip, ev("hegang", "leave_closed", "x", "2026-03-20", DEPT, ref="b", written=False)]
    assert not [
        f for f in audit(engine, closed, as_of=AS_OF).findings if f.check == "hegang.audit.close_leave_after_return"
    ]
    done = engine.evaluate({**action, "steps": [{"step": "report_back", "party": "head", "date": "2026-03-20"}]})
    assert not any(o.rule == "hegang.leave.report_back_on_return" for o in done.obligations)


def test_qinghemen_39_topical_minutes_3_days_agree(engine: govrules.Engine) -> None:
    """清河门 三十九 在会议结束后3日内印发: a topical meeting of 03-02 with no minutes by 03-31 is a
    missing duty in the audit and a violated rule in evaluate; minutes on 03-05, neither."""
    meeting = ev(
        "qinghemen", "meeting_held", "m", "2026-03-02", {"role": "deputy"}, meeting="topical", legal_matters=False
    )
    found = [
        f for f in audit(engine, [meeting], as_of=AS_OF).findings if f.check == "qinghemen.audit.topical_minutes_3_days"
    ]
    assert [(f.kind, f.breach, str(f.due)) for f in found] == [("missing", True, "2026-03-05")]
    action = {
        "kind": "convene_meeting",
        "jurisdiction": "qinghemen",
        "date": "2026-03-02",
        "actor": {"role": "deputy"},
        "meeting": "topical",
        "as_of": str(AS_OF),
    }
    assert "violated" in outcomes(engine.evaluate(action), "qinghemen.meeting.topical_minutes_within_3_days")
    on_time = [meeting, ev("qinghemen", "minutes_issued", "n", "2026-03-05", {"role": "office_director"}, ref="m")]
    assert not [
        f for f in audit(engine, on_time, as_of=AS_OF).findings if f.check == "qinghemen.audit.topical_minutes_3_days"
    ]
    done = engine.evaluate(
        {**action, "steps": [{"step": "minutes", "party": "government_office", "date": "2026-03-05"}]}
    )
    assert "violated" not in outcomes(done, "qinghemen.meeting.topical_minutes_within_3_days")
    # on the day of the meeting itself, evaluate does not deny it for minutes not yet issued
    same_day = engine.evaluate({**action, "as_of": "2026-03-02"})
    assert "violated" not in outcomes(same_day, "qinghemen.meeting.topical_minutes_within_3_days")


# --- one table: every audit check whose scenario is an action --------------------------------
# Each case: a log builder (the answer on a given day, or never) and an action builder (the step on
# a given day, or none), the evaluate rule the check mirrors, and the text's due day. Both answer the
# same three questions: never done (as of AS_OF2) → breach / violated, or, where the text sets no
# deadline, open / an open obligation; done on the due day → nothing; a day after → late / violated.
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import pytest  # noqa: E402

AS_OF2 = dt.date(2026, 6, 30)
DAY = "2026-03-02"  # a Monday
HEAD_OF_DEPT = {"role": "department_head", "unit": "区财政局"}
DEPUTY = {"role": "deputy"}


@dataclass(frozen=True)
class Pair:
    check: str
    rule: str
    log: Callable[[str | None], list[dict[str, Any]]]
    action: Callable[[str | None], dict[str, Any]]
    due: str | None  # None: the text sets no deadline (an open obligation)
    article: str


def after(j: str, trigger: dict[str, Any], answer: str, **facts: Any) -> Callable[[str | None], list[dict[str, Any]]]:
    def log(day: str | None) -> list[dict[str, Any]]:
        done = [] if day is None else [ev(j, answer, "a", day, DEPT, ref=trigger["id"], **facts)]
        return [trigger, *done]

    return log


def act(
    j: str,
    kind: str,
    step: str,
    party: str,
    actor: dict[str, Any] = DEPT,
    day: str = DAY,
    written: bool | None = None,
    **facts: Any,
) -> Callable[[str | None], dict[str, Any]]:
    def action(done: str | None) -> dict[str, Any]:
        how = {} if written is None else {"written": written}
        steps = [] if done is None else [{"step": step, "party": party, "date": done, **how}]
        return {
            "kind": kind,
            "jurisdiction": j,
            "date": day,
            "actor": actor,
            "as_of": str(AS_OF2),
            "steps": steps,
            **facts,
        }

    return action


def meeting(j: str, kind: str, **facts: Any) -> dict[str, Any]:
    return ev(
        j,
        "meeting_held",
        "m",
        DAY,
        DEPUTY,
        meeting=kind,
        **{
            "legal_matters": False,
            "needs_minutes": False,
            "decided_documents": False,
            "decisions_to_publish": False,
            **facts,
        },
    )


def ahead(j: str, actor: dict[str, Any], departure: str) -> Callable[[str | None], list[dict[str, Any]]]:
    def log(day: str | None) -> list[dict[str, Any]]:
        day = day or _next(departure)  # never in time: asked the day after departure (issue 18)
        return [
            ev(j, "leave_requested", "q", day, actor, departure=departure, destination="out_of_province"),
            ev(j, "departed", "d", departure, actor, ref="q"),
        ]

    return log


PAIRS = [
    Pair(
        "qinghemen.audit.executive_minutes_3_days",
        "qinghemen.meeting.executive_minutes_within_3_days",
        after("qinghemen", meeting("qinghemen", "executive"), "minutes_issued"),
        act("qinghemen", "convene_meeting", "minutes", "government_office", {"role": "head"}, meeting="executive"),
        "2026-03-05",
        "清河门 第三十八条",
    ),
    Pair(
        "qinghemen.audit.topical_minutes_3_days",
        "qinghemen.meeting.topical_minutes_within_3_days",
        after("qinghemen", meeting("qinghemen", "topical"), "minutes_issued"),
        act("qinghemen", "convene_meeting", "minutes", "government_office", DEPUTY, meeting="topical"),
        "2026-03-05",
        "清河门 第三十九条",
    ),
    Pair(
        "qinghemen.audit.legality_opinion_1_day",
        "qinghemen.meeting.topical_legality_review",
        after("qinghemen", meeting("qinghemen", "topical", legal_matters=True), "legality_opinion_given"),
        act(
            "qinghemen",
            "convene_meeting",
            "legality_review",
            "justice_bureau",
            DEPUTY,
            meeting="topical",
            legal_matters=True,
        ),
        "2026-03-03",
        "清河门 第四十条",
    ),
    Pair(
        "qinghemen.audit.outside_meeting_report_2_working_days",
        "qinghemen.report.outside_meeting_within_2_working_days",
        after(
            "qinghemen",
            ev("qinghemen", "outside_meeting_attended", "o", DAY, DEPT, level="city"),
            "outside_meeting_reported",
            written=True,
        ),
        act("qinghemen", "report_matter", "report", "government", written=True, matter="outside_meeting"),
        "2026-03-04",
        "清河门 第四十五条",
    ),
    Pair(
        "qinghemen.audit.inspection_simple_7_days",
        "qinghemen.inspection.simple_within_7_days",
        after(
            "qinghemen",
            ev("qinghemen", "inspection_assigned", "i", DAY, DEPT, complexity="simple"),
            "inspection_completed",
        ),
        act(
            "qinghemen",
            "conduct_inspection",
            "report",
            "government",
            complexity="simple",
            in_name_of="government",
            urgent_important=False,
        ),
        "2026-03-08",
        "清河门 第五十七条",
    ),
    Pair(
        "qinghemen.audit.inspection_complex_1_month",
        "qinghemen.inspection.complex_within_1_month",
        after(
            "qinghemen",
            ev("qinghemen", "inspection_assigned", "i", DAY, DEPT, complexity="complex"),
            "inspection_completed",
        ),
        act(
            "qinghemen",
            "conduct_inspection",
            "report",
            "government",
            complexity="complex",
            in_name_of="government",
            urgent_important=False,
        ),
        "2026-04-01",
        "清河门 第五十七条",
    ),
    Pair(
        "qinghemen.audit.upper_documents_forwarded_monthly",
        "qinghemen.report.upper_documents_monthly",
        after(
            "qinghemen",
            ev("qinghemen", "upper_document_received", "u", DAY, DEPT, urgent=False),
            "upper_document_forwarded",
        ),
        act("qinghemen", "report_matter", "report", "government", matter="upper_documents", important=False),
        "2026-04-02",
        "清河门 第六十七条",
    ),
    Pair(
        "qinghemen.audit.urgent_upper_documents_forwarded_at_once",
        "qinghemen.report.important_upper_documents_at_once",
        after(
            "qinghemen",
            ev("qinghemen", "upper_document_received", "u", DAY, DEPT, urgent=True),
            "upper_document_forwarded",
        ),
        act("qinghemen", "report_matter", "report", "government", matter="upper_documents", important=True),
        "2026-03-03",
        "清河门 第六十七条",
    ),
    Pair(
        "qinghemen.audit.normative_filed",
        "qinghemen.normative.department_files_with_justice_bureau",
        after(
            "qinghemen",
            ev("qinghemen", "normative_document_issued", "n", DAY, DEPT, issuer="department"),
            "normative_document_filed",
        ),
        act("qinghemen", "issue_normative_document", "filing", "justice_bureau", issuer="department"),
        None,
        "清河门 第二十条",
    ),
    Pair(
        "qianjin.audit.minutes_3_days",
        "qianjin.meeting.minutes_within_3_days",
        after("qianjin", meeting("qianjin", "topical", needs_minutes=True), "minutes_issued"),
        act(
            "qianjin", "convene_meeting", "minutes", "government_office", DEPUTY, meeting="topical", needs_minutes=True
        ),
        "2026-03-05",
        "前进 第五十五条",
    ),
    Pair(
        "zhanqian.audit.decided_documents_to_office_3_working_days",
        "zhanqian.meeting.decided_documents_to_office",
        after("zhanqian", meeting("zhanqian", "executive", decided_documents=True), "decided_document_sent"),
        act(
            "zhanqian",
            "convene_meeting",
            "request",
            "government_office",
            {"role": "head"},
            meeting="executive",
            issues_documents=True,
        ),
        "2026-03-05",
        "站前 第二十二条",
    ),
    Pair(
        "zhanqian.audit.decided_documents_issued_7_working_days",
        "zhanqian.meeting.decided_documents_issued",
        after("zhanqian", meeting("zhanqian", "executive", decided_documents=True), "decided_document_issued"),
        act(
            "zhanqian",
            "convene_meeting",
            "publication",
            "government_office",
            {"role": "head"},
            meeting="executive",
            issues_documents=True,
        ),
        "2026-03-11",
        "站前 第二十二条",
    ),
    Pair(
        "qinghemen.audit.department_head_leave_3_days_ahead",
        "qinghemen.leave.department_head_files_3_days_ahead",
        ahead("qinghemen", HEAD_OF_DEPT, "2026-03-09"),
        act(
            "qinghemen",
            "leave_jurisdiction",
            "filing",
            "government_office",
            HEAD_OF_DEPT,
            day="2026-03-09",
            destination="out_of_province",
            leaves_city=True,
            purpose="official",
        ),
        "2026-03-06",
        "清河门 第七十条",
    ),
    Pair(
        "zhanqian.audit.district_wide_request_7_working_days_ahead",
        "zhanqian.meeting.district_wide_request_ahead",
        lambda day: [
            ev("zhanqian", "document_submitted", "r", day or "2026-03-12", DEPT, genre="request"),
            {**meeting("zhanqian", "district_wide", organizer_unit="区财政局"), "date": "2026-03-11", "ref": "r"},
        ],
        act(
            "zhanqian",
            "convene_meeting",
            "request",
            "government",
            DEPT,
            day="2026-03-11",
            written=True,
            meeting="district_wide",
        ),
        "2026-03-02",
        "站前 第二十五条",
    ),
    # 事先: the request or report at the latest on the day of departure (a lead time of 0 days)
    *(
        Pair(
            check,
            rule,
            ahead(j, actor, "2026-03-09"),
            act(
                j,
                "leave_jurisdiction",
                step,
                party,
                actor,
                day="2026-03-09",
                written=written,
                destination="out_of_province",
                leaves_city=True,
                purpose="official",
                **facts,
            ),
            "2026-03-09",
            article,
        )
        for check, rule, j, actor, step, party, written, facts, article in [
            (
                "qinghemen.audit.deputy_reports_beforehand",
                "qinghemen.leave.deputy_reports_to_head",
                "qinghemen",
                DEPUTY,
                "notice",
                "head",
                None,
                {},
                "清河门 第七十条",
            ),
            (
                "zhanqian.audit.deputy_leave_beforehand",
                "zhanqian.leave.deputy_asks_head",
                "zhanqian",
                DEPUTY,
                "approval",
                "head",
                None,
                {},
                "站前 请假",
            ),
            (
                "zhanqian.audit.department_head_leave_beforehand",
                "zhanqian.leave.department_head_asks_leave",
                "zhanqian",
                HEAD_OF_DEPT,
                "request",
                "government_office",
                True,
                {},
                "站前 请假",
            ),
            (
                "hegang.audit.leadership_leave_beforehand",
                "hegang.leave.leaders_ask_mayor",
                "hegang",
                DEPUTY,
                "request",
                "head",
                True,
                {"request_contents": ["traveller", "reason", "times", "place", "contact", "acting_person"]},
                "鹤岗 第五十二条",
            ),
            (
                "hegang.audit.department_head_leave_beforehand",
                "hegang.leave.written_request",
                "hegang",
                HEAD_OF_DEPT,
                "request",
                "portfolio_deputy",
                True,
                {"request_contents": ["traveller", "reason", "times", "place", "contact", "acting_person"]},
                "鹤岗 第五十二条",
            ),
            (
                "xiangshan.audit.leadership_reports_beforehand",
                "xiangshan.leave.deputy_tells_head",
                "xiangshan",
                DEPUTY,
                "notice",
                "head",
                None,
                {},
                "香山 请假",
            ),
        ]
    ),
    Pair(
        "zhanqian.audit.normative_filed",
        "zhanqian.normative.file_with_city",
        after(
            "zhanqian",
            ev("zhanqian", "normative_document_issued", "n", DAY, DEPT, issuer="department"),
            "normative_document_filed",
        ),
        act("zhanqian", "issue_normative_document", "filing", "upper_government", issuer="department"),
        None,
        "站前 规范性文件备案",
    ),
    Pair(
        "xiangshan.audit.normative_filed",
        "xiangshan.normative.filing_with_government",
        after(
            "xiangshan",
            ev("xiangshan", "normative_document_issued", "n", DAY, DEPT, issuer="department"),
            "normative_document_filed",
        ),
        act("xiangshan", "issue_normative_document", "filing", "government", issuer="department"),
        None,
        "香山 规范性文件备案",
    ),
    *(
        Pair(
            f"{j}.audit.decisions_published",
            f"{j}.decision.publish_meeting_decisions",
            after(j, meeting(j, "executive", decisions_to_publish=True), "decisions_published"),
            act(
                j,
                "major_decision",
                "publication",
                "public",
                {"role": "head"},
                decided_at="executive",
                confidential=False,
            ),
            None,
            f"{j} 会议决定公开",
        )
        for j in ("hegang", "xiangshan", "zhanqian")
    ),
    Pair(
        "qinghemen.audit.visit_report",
        "qinghemen.leave.delegation_summary_report",
        lambda day: [
            ev("qinghemen", "leave_requested", "q", "2026-03-01", DEPUTY, departure=DAY, destination="abroad"),
            ev("qinghemen", "departed", "d", DAY, DEPUTY, ref="q"),
            ev("qinghemen", "returned", "b", "2026-03-10", DEPUTY, ref="q", upper_meeting=False, delegation=True),
            *([] if day is None else [ev("qinghemen", "trip_reported", "t", day, DEPUTY, ref="b")]),
        ],
        act(
            "qinghemen",
            "leave_jurisdiction",
            "report",
            "government",
            DEPUTY,
            destination="abroad",
            return_date="2026-03-10",
            leads_delegation=True,
            leaves_city=True,
            purpose="official",
        ),
        None,
        "清河门 出访报告",
    ),
    Pair(
        "qianjin.audit.upper_documents_reported",
        "qianjin.report.major_matters_to_government",
        after(
            "qianjin", ev("qianjin", "upper_document_received", "u", DAY, DEPT, urgent=True), "upper_document_forwarded"
        ),
        act("qianjin", "report_matter", "report", "government", DEPT, matter="upper_documents"),
        None,
        "前进 第七十条 上级重要文件",
    ),
    Pair(
        "qianjin.audit.visit_report",
        "qianjin.report.visit_report_after_trip",
        lambda day: [
            ev("qianjin", "leave_requested", "q", "2026-03-01", DEPUTY, departure=DAY, destination="abroad"),
            ev("qianjin", "departed", "d", DAY, DEPUTY, ref="q"),
            ev("qianjin", "returned", "b", "2026-03-10", DEPUTY, ref="q", upper_meeting=False, delegation=True),
            *([] if day is None else [ev("qianjin", "trip_reported", "t", day, DEPUTY, ref="b")]),
        ],
        act("qianjin", "report_matter", "report", "government", DEPUTY, day="2026-03-10", matter="return_from_trip"),
        None,
        "前进 第七十八条 出访报告",
    ),
    Pair(
        "hegang.audit.report_after_upper_meeting",
        "hegang.leave.written_report_to_mayor_after_upper_meeting",
        lambda day: [
            ev("hegang", "leave_requested", "q", "2026-02-27", DEPT, departure=DAY, destination="out_of_province"),
            ev("hegang", "departed", "d", DAY, DEPT, ref="q"),
            ev("hegang", "returned", "b", "2026-03-04", DEPT, ref="q", upper_meeting=True, delegation=False),
            ev("hegang", "leave_closed", "x", "2026-03-04", DEPT, ref="b", written=False),
            *([] if day is None else [ev("hegang", "leave_closed", "w", day, DEPT, ref="b", written=True)]),
        ],
        act(
            "hegang",
            "leave_jurisdiction",
            "report",
            "head",
            DEPT,
            written=True,
            destination="out_of_province",
            return_date="2026-03-04",
            attends_upper_meeting=True,
        ),
        None,
        "鹤岗 第五十二条 参加上级会议返回后书面报告",
    ),
]


def _audit_answer(engine: govrules.Engine, pair: Pair, day: str | None) -> list[tuple[str, bool]]:
    report = audit(engine, pair.log(day), as_of=AS_OF2)
    assert report.problems == (), report.problems
    return [(f.kind, f.breach) for f in report.findings if f.check == pair.check]


def _evaluate_answer(engine: govrules.Engine, pair: Pair, day: str | None) -> tuple[bool, bool]:
    """(violated, left open) for the pair's rule."""
    decision = engine.evaluate(pair.action(day))
    assert any(f.rule == pair.rule for f in decision.findings) or any(
        o.rule == pair.rule for o in decision.obligations
    ), f"{pair.rule} did not apply to the action"
    return "violated" in outcomes(decision, pair.rule), any(o.rule == pair.rule for o in decision.obligations)


def _next(day: str) -> str:
    return str(dt.date.fromisoformat(day) + dt.timedelta(days=1))


# evaluate rules that disagree with the audit (their `rules:` are another engineer's to fix): strict,
# so that the test says so once they agree
DISAGREE = {}


def _marked(pair: Pair) -> Any:
    reason = DISAGREE.get(pair.check)
    return pytest.param(pair, id=pair.check, marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [])


@pytest.mark.parametrize("pair", [_marked(p) for p in PAIRS])
def test_audit_and_evaluate_agree(engine: govrules.Engine, pair: Pair) -> None:
    """The same facts, through both: never done, done on the due day, done the day after."""
    never = _audit_answer(engine, pair, None)
    violated, left_open = _evaluate_answer(engine, pair, None)
    if pair.due is None:  # no deadline in the text: an open obligation in both, never a breach
        assert never == [("open", False)], pair.article
        assert (violated, left_open) == (False, True), pair.article
        later = str(AS_OF2 - dt.timedelta(days=1))
        assert _audit_answer(engine, pair, later) == [] and _evaluate_answer(engine, pair, later) == (False, False)
        return
    # breach or not follows the modality in both (in principle: a finding, not a breach); the
    # kinds: missing (consent where silence is consent), or, for a lead time, asked after the act
    assert [k for k, _ in never] in (["missing"], ["consent"], ["late"]) and violated, (
        f"{pair.article}: never done → {never}, violated={violated}"
    )
    on_time = _audit_answer(engine, pair, pair.due), _evaluate_answer(engine, pair, pair.due)
    assert on_time == ([], (False, False)), f"{pair.article}: done on {pair.due} → {on_time}"
    late = _audit_answer(engine, pair, _next(pair.due)), _evaluate_answer(engine, pair, _next(pair.due))
    assert [k for k, _ in late[0]] == ["late"] and late[1][0], f"{pair.article}: done a day late → {late}"


@pytest.mark.parametrize(
    ("j", "check", "due"),
    [  # 2026-03-02 is a Monday: 2, 3 and 7 working days later
        ("qinghemen", "qinghemen.audit.countersign_2_working_days", "2026-03-04"),
        ("xiangshan", "xiangshan.audit.countersign_3_working_days", "2026-03-05"),
        ("zhanqian", "zhanqian.audit.countersign_7_working_days", "2026-03-11"),
    ],
    ids=["清河门 第四十九条", "象山 第四十七条", "站前 第二十九条"],
)
def test_countersign_replies_agree(engine: govrules.Engine, j: str, check: str, due: str) -> None:
    """A countersign request of 03-02 (no deadline of the requester's own): a reply on the last day
    is on time in both; a reply the working day after is late in both (a breach in both, or in
    neither, as the rule's modality says); no reply by the audit date is consent by silence in the
    audit, and never a denial by evaluate."""
    request = ev(j, "countersign_requested", "r", DAY, DEPT, category="other")

    def audited(reply: str | None) -> list[tuple[str, bool]]:
        log = [request, *([] if reply is None else [ev(j, "countersign_replied", "a", reply, DEPT, ref="r")])]
        report = audit(engine, log, as_of=AS_OF2)
        assert report.problems == (), report.problems
        return [(str(f.kind), f.breach) for f in report.findings if f.check == check]

    def evaluated(reply: str | None) -> govrules.Decision:
        return engine.evaluate(
            {
                "kind": "reply_to_consultation",
                "jurisdiction": j,
                "actor": DEPT,
                "requested_on": DAY,
                "category": "other",
                "own_deadline_set": False,
                "replied": reply is not None,
                "date": reply or str(AS_OF2),
                "as_of": str(AS_OF2),
            }
        )

    next_day = str(engine.calendar.add_working_days(dt.date.fromisoformat(due), 1))
    assert audited(due) == []
    assert evaluated(due).verdict == "allowed"
    late = audited(next_day)
    assert [k for k, _ in late] == ["late"]
    assert late[0][1] == (evaluated(next_day).verdict == "denied")
    assert [k for k, _ in audited(None)] == ["consent"]
    assert evaluated(None).verdict != "denied"


@pytest.mark.parametrize("j", ["qianjin", "xiangshan"], ids=["前进 第五十六条", "象山 第四十五条"])
def test_one_district_wide_meeting_a_year_agrees(engine: govrules.Engine, j: str) -> None:
    """部门召开的全区性会议，原则上每年不超过1次: a second one by the same unit in a year is, in both,
    a departure from an in-principle norm (a finding, not a breach); the first is not."""
    check, rule = f"{j}.audit.one_district_wide_meeting_a_year", f"{j}.meeting.district_wide_once_a_year"
    unit = {"role": "department_head", "unit": "区教育局"}
    first = meeting(j, "district_wide", organizer_unit="区教育局")
    second = {**meeting(j, "district_wide", organizer_unit="区教育局"), "id": "m2", "date": "2026-05-04"}
    for log, held_before in (([first], 0), ([first, second], 1)):
        found = [(str(f.kind), f.breach) for f in audit(engine, log, as_of=AS_OF2).findings if f.check == check]
        decision = engine.evaluate(
            {
                "kind": "convene_meeting",
                "jurisdiction": j,
                "date": log[-1]["date"],
                "actor": unit,
                "meeting": "district_wide",
                "same_unit_meetings_this_year": held_before,
            }
        )
        assert found == ([("excess", False)] if held_before else [])
        assert outcomes(decision, rule) == ({"violated"} if held_before else {"satisfied"})
        assert not decision.breach
