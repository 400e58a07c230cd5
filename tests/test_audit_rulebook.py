"""The checks over time of the real bundled rulebook (`audits:`), run on the real durable-rules engine:
the Qinghemen sample log yields exactly its planted findings; every check fires on a small log and
stays quiet on its compliant twin; and the jurisdictions differ where their texts differ."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

import govrules
from govrules._audit.api import audit, audit_file
from govrules._audit.report import AuditFinding, AuditReport
from govrules._vocab import article_zh

EXAMPLES = Path(__file__).parent.parent / "examples" / "audit"
SAMPLE = EXAMPLES / "qinghemen-2026q1.jsonl"
Q1_END = dt.date(2026, 3, 31)

HEAD = {"role": "head"}
DEPT = {"role": "department_head", "unit": "区财政局"}


def ev(j: str, type_: str, id_: str, day: str, actor: dict[str, Any] | None = None, **facts: Any) -> dict[str, Any]:
    return {"type": type_, "id": id_, "jurisdiction": j, "date": day, "actor": actor or HEAD, **facts}


def mtg(j: str, id_: str, day: str, meeting: str, **facts: Any) -> dict[str, Any]:
    """A meeting; unless told, it needs no minutes (qianjin 55) and decides no documents (zhanqian 22,
    xiangshan 44), so that those checks have the facts they read."""
    return ev(
        j,
        "meeting_held",
        id_,
        day,
        **{
            "needs_minutes": False,
            "decided_documents": False,
            "legal_matters": False,
            "decisions_to_publish": False,
            "meeting": meeting,
            **facts,
        },
    )


def of(report: AuditReport, check: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(str(f.on), f.kind, f.events) for f in report.findings if f.check == check]


def run(engine: govrules.Engine, log: list[dict[str, Any]], as_of: dt.date) -> AuditReport:
    report = audit(engine, log, as_of=as_of)
    assert report.problems == (), report.problems
    return report


# --- the sample log ---------------------------------------------------------------------------
PLANTED = [  # (on, check, kind, events, breach, article), as listed in examples/audit/EXPECTED.md
    ("2026-01-25", "qinghemen.audit.topical_minutes_3_days", "late", ("QHM-2026-ZT-031", "QHM-2026-JY-038"), True, 39),
    ("2026-02-05", "qinghemen.audit.legality_opinion_1_day", "late", ("QHM-2026-ZT-032", "QHM-2026-HF-065"), True, 40),
    (
        "2026-02-10",
        "qinghemen.audit.inspection_simple_7_days",
        "late",
        ("QHM-2026-DB-031", "QHM-2026-BJ-031"),
        True,
        57,
    ),
    ("2026-02-14", "qinghemen.audit.countersign_2_working_days", "consent", ("QHM-2026-HQ-057",), False, 49),
    ("2026-02-27", "qinghemen.audit.upper_documents_forwarded_monthly", "missing", ("QHM-2026-SJ-014",), True, 69),
    ("2026-02-28", "qinghemen.audit.inspection_complex_1_month", "missing", ("QHM-2026-DB-032",), True, 57),
    (
        "2026-03-03",
        "qinghemen.audit.department_head_leave_3_days_ahead",
        "late",
        ("QHM-2026-CF-019", "QHM-2026-QJ-019"),
        False,
        70,
    ),
    (
        "2026-03-09",
        "qinghemen.audit.countersign_2_working_days",
        "late",
        ("QHM-2026-HQ-058", "QHM-2026-HF-064"),
        False,
        49,
    ),
    (
        "2026-03-09",
        "qinghemen.audit.urgent_upper_documents_forwarded_at_once",
        "late",
        ("QHM-2026-SJ-013", "QHM-2026-ZB-013"),
        True,
        69,
    ),
    ("2026-03-14", "qinghemen.audit.outside_meeting_report_2_working_days", "missing", ("QHM-2026-SW-013",), True, 45),
    (
        "2026-03-16",
        "qinghemen.audit.deputy_reports_beforehand",
        "late",
        ("QHM-2026-CF-020", "QHM-2026-QJ-020"),
        True,
        70,
    ),
    (
        "2026-03-23",
        "qinghemen.audit.executive_minutes_3_days",
        "late",
        ("QHM-2026-CW-007", "QHM-2026-JY-039"),
        False,
        38,
    ),
    ("2026-03-31", "qinghemen.audit.normative_filed", "open", ("QHM-2026-GF-003",), False, 20),
    ("2026-03-31", "qinghemen.audit.visit_report", "open", ("QHM-2026-FH-021",), False, 66),
]


def test_sample_log_yields_exactly_the_planted_findings(engine: govrules.Engine) -> None:
    report = audit_file(engine, str(SAMPLE), as_of=Q1_END)
    assert report.problems == ()
    assert report.events == sum(1 for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip())
    assert report.events > 400
    assert [f.age_days for f in report.findings if f.kind == "open"] == [15, 21]
    got = [(str(f.on), f.check, f.kind, f.events, f.breach, f.article) for f in report.findings]
    assert got == PLANTED
    for f in report.findings:
        assert f.jurisdiction == "qinghemen"
        assert f.citation_zh == f"依据《清河门区人民政府工作规则》{article_zh(f.article)}"
    assert len(report.breaches) == 8


def test_sample_log_findings_are_the_ones_expected_md_lists() -> None:
    text = (EXAMPLES / "EXPECTED.md").read_text(encoding="utf-8")
    for on, check, kind, events, _breach, article in PLANTED:
        row = next(line for line in text.splitlines() if f"`{check}`" in line and f"| {on} |" in line)
        assert f"| {article} | {kind} | {', '.join(events)} |" in row


def test_sample_log_is_what_the_generator_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_log", EXAMPLES / "make_log.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build()
    on_disk = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert built == on_disk
    assert {e["jurisdiction"] for e in built} == {"qinghemen"}
    assert all("2026-01-01" <= e["date"] <= "2026-03-31" for e in built)


def test_sample_log_as_it_stood_earlier(engine: govrules.Engine) -> None:
    """The audit date, not the wall clock, drives time: on 01-23 nothing is due and unmet; on 01-24
    the P1 minutes (issued 01-25, after that day) are still missing."""
    early = audit_file(engine, str(SAMPLE), as_of=dt.date(2026, 1, 23))
    assert early.findings == ()
    # events after the audit date are reported, not audited
    assert early.problems and all("after the audit date" in p.message for p in early.problems)
    later = audit_file(engine, str(SAMPLE), as_of=dt.date(2026, 1, 24))
    assert [(str(f.on), f.kind, f.events) for f in later.findings] == [("2026-01-24", "missing", ("QHM-2026-ZT-031",))]


# --- every check: one log that fires it, one compliant twin that does not ----------------------
# (check, firing log, expected findings of that check, compliant log, audit date)
Case = tuple[str, list[dict[str, Any]], list[tuple[str, str, tuple[str, ...]]], list[dict[str, Any]], str]


def monthly(j: str, check: str, meeting: str) -> Case:
    """January is partial (the log starts on 01-05): not judged; February has none; March, ending on
    the audit date, is judged."""
    return (
        check,
        [mtg(j, "a", "2026-01-05", meeting), mtg(j, "b", "2026-03-02", meeting)],
        [("2026-02-28", "gap", ())],
        [mtg(j, "a", "2026-01-05", meeting), mtg(j, "b", "2026-02-03", meeting), mtg(j, "c", "2026-03-02", meeting)],
        "2026-03-31",
    )


def halves(j: str, check: str) -> Case:
    """每半年: 2025 H1 is partial (the log starts on 01-10); H2 2025 and H1 2026 have none."""
    return (
        check,
        [mtg(j, "a", "2025-01-10", "plenary"), mtg(j, "b", "2026-07-03", "plenary")],
        [("2025-12-31", "gap", ()), ("2026-06-30", "gap", ())],
        [
            mtg(j, "a", "2025-01-10", "plenary"),
            mtg(j, "b", "2025-09-01", "plenary"),
            mtg(j, "c", "2026-03-02", "plenary"),
        ],
        "2026-07-31",
    )


def fortnightly(j: str, check: str) -> Case:
    """每两周: 28 days without an executive meeting (01-19 to 02-16), though January had two and
    February one; the 14-day windows 01-20..02-02 through 02-02..02-15 are empty: one gap."""
    days = ["2026-01-05", "2026-01-19", "2026-02-16", "2026-03-02"]
    return (
        check,
        [mtg(j, f"x{i}", d, "executive") for i, d in enumerate(days)],
        [("2026-02-02", "gap", ())],
        [mtg(j, f"x{i}", d, "executive") for i, d in enumerate([*days, "2026-02-02"])],
        "2026-03-15",
    )


def yearly(j: str, check: str) -> Case:
    return (
        check,
        [mtg(j, "a", "2025-01-10", "plenary"), mtg(j, "b", "2027-01-04", "plenary")],
        [("2026-12-31", "gap", ())],
        [mtg(j, "a", "2025-01-10", "plenary"), mtg(j, "b", "2026-06-30", "plenary")],
        "2027-01-05",
    )


def minutes(j: str, check: str, meeting: str, **facts: Any) -> Case:
    m = mtg(j, "m", "2026-03-02", meeting, **facts)
    return (
        check,
        [m, ev(j, "minutes_issued", "n", "2026-03-06", ref="m")],
        [("2026-03-06", "late", ("m", "n"))],
        [m, ev(j, "minutes_issued", "n", "2026-03-05", ref="m")],
        "2026-03-31",
    )


def district_wide(j: str, check: str) -> Case:
    def w(id_: str, day: str, unit: str) -> dict[str, Any]:
        return mtg(j, id_, day, "district_wide", organizer_unit=unit)

    return (
        check,
        [w("w1", "2026-03-02", "区财政局"), w("w2", "2026-05-06", "区财政局"), w("w3", "2026-05-07", "区教育局")],
        [("2026-05-06", "excess", ("w2", "w1"))],
        [w("w1", "2026-03-02", "区财政局"), w("w2", "2027-03-02", "区财政局"), w("w3", "2026-05-07", "区教育局")],
        "2027-03-31",
    )


def countersign(j: str, check: str, consent_on: str, answer_on: str, category: str = "other") -> Case:
    req = ev(j, "countersign_requested", "c", "2026-03-02", DEPT, category=category, to_unit="区审计局")
    return (
        check,
        [req],
        [(consent_on, "consent", ("c",))],
        [req, ev(j, "countersign_replied", "r", answer_on, DEPT, ref="c")],
        "2026-03-31",
    )


def decided(j: str, check: str, answer: str, late: str, on_time: str) -> Case:
    """One meeting decides two documents: the first in time does not hide the second, late."""
    m = mtg(j, "m", "2026-03-02", "executive", decided_documents=True, documents=2)
    return (
        check,
        [
            m,
            mtg(j, "m2", "2026-03-03", "executive"),
            ev(j, answer, "d1", on_time, ref="m"),
            ev(j, answer, "d2", late, ref="m"),
        ],
        [(late, "late", ("m", "d2"))],
        [
            m,
            mtg(j, "m2", "2026-03-03", "executive"),
            ev(j, answer, "d1", on_time, ref="m"),
            ev(j, answer, "d2", on_time, ref="m"),
        ],
        "2026-03-31",
    )


def trip(
    j: str, actor: dict[str, Any], filed: str, depart: str = "2026-03-04", **returned: Any
) -> list[dict[str, Any]]:
    return [
        ev(j, "leave_requested", "q", filed, actor, departure=depart, destination="out_of_province"),
        ev(j, "departed", "d", depart, actor, ref="q"),
        ev(
            j,
            "returned",
            "b",
            "2026-03-06",
            actor,
            ref="q",
            **{"upper_meeting": False, "delegation": False, **returned},
        ),
    ]


def beforehand(j: str, check: str, actor: dict[str, Any]) -> Case:
    """事先: leave asked the day after departure is late; asked on the day of departure, not."""
    return (
        check,
        trip(j, actor, "2026-03-05"),
        [("2026-03-04", "late", ("d", "q"))],
        trip(j, actor, "2026-03-04"),
        "2026-03-31",
    )


def open_after(j: str, check: str, trigger: list[dict[str, Any]], answer: dict[str, Any]) -> Case:
    """No deadline in the text: unanswered, an open obligation (its age on the audit date), never
    late; answered weeks later, nothing."""
    return (check, trigger, [("2026-03-31", "open", (trigger[-1]["id"],))], [*trigger, answer], "2026-03-31")


def hegang_trip(upper: bool, closed: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    j = "hegang"
    log = [
        ev(j, "leave_requested", "q", "2026-03-02", DEPT, departure="2026-03-04", destination="out_of_province"),
        ev(j, "departed", "d", "2026-03-04", DEPT, ref="q"),
        ev(j, "returned", "b", "2026-03-06", DEPT, ref="q", upper_meeting=upper, delegation=False),
    ]
    return log + [ev(j, "leave_closed", f"x{i}", day, DEPT, ref="b", written=w) for i, (day, w) in enumerate(closed)]


def qhm(type_: str, id_: str, day: str, actor: dict[str, Any] | None = None, **facts: Any) -> dict[str, Any]:
    return ev("qinghemen", type_, id_, day, actor, **facts)


def visit(j: str, check: str) -> Case:
    return open_after(
        j, check, trip(j, HEAD, "2026-03-02", delegation=True), ev(j, "trip_reported", "t", "2026-03-27", HEAD, ref="b")
    )


def published(j: str, check: str) -> Case:
    return open_after(
        j,
        check,
        [mtg(j, "m", "2026-03-02", "executive", decisions_to_publish=True)],
        ev(j, "decisions_published", "p", "2026-03-30", ref="m"),
    )


def filed(j: str, check: str) -> Case:
    return open_after(
        j,
        check,
        [ev(j, "normative_document_issued", "n", "2026-03-02", DEPT, issuer="department")],
        ev(j, "normative_document_filed", "f", "2026-03-30", DEPT, ref="n"),
    )


DEPUTY = {"role": "deputy"}
CASES: list[Case] = [
    # qianjin
    monthly("qianjin", "qianjin.audit.executive_monthly", "executive"),
    monthly("qianjin", "qianjin.audit.head_regular_monthly", "head_regular"),
    minutes("qianjin", "qianjin.audit.minutes_3_days", "head_regular", needs_minutes=True),
    district_wide("qianjin", "qianjin.audit.one_district_wide_meeting_a_year"),
    open_after(
        "qianjin",
        "qianjin.audit.upper_documents_reported",
        [ev("qianjin", "upper_document_received", "u", "2026-03-02", DEPT)],
        ev("qianjin", "upper_document_forwarded", "f", "2026-03-25", DEPT, ref="u"),
    ),
    visit("qianjin", "qianjin.audit.visit_report"),
    # zhanqian
    halves("zhanqian", "zhanqian.audit.plenary_every_half_year"),
    fortnightly("zhanqian", "zhanqian.audit.executive_fortnightly"),
    decided(
        "zhanqian",
        "zhanqian.audit.decided_documents_to_office_3_working_days",
        "decided_document_sent",
        "2026-03-06",
        "2026-03-05",
    ),
    decided(
        "zhanqian",
        "zhanqian.audit.decided_documents_issued_7_working_days",
        "decided_document_issued",
        "2026-03-12",
        "2026-03-11",
    ),
    published("zhanqian", "zhanqian.audit.decisions_published"),
    (
        "zhanqian.audit.study_every_two_months",  # 两个月: Jan-Feb partial; Mar-Apr, May-Jun none
        [mtg("zhanqian", "s1", "2026-01-10", "study"), mtg("zhanqian", "s2", "2026-07-10", "study")],
        [("2026-04-30", "gap", ()), ("2026-06-30", "gap", ())],
        [
            mtg("zhanqian", "s1", "2026-01-10", "study"),
            mtg("zhanqian", "s2", "2026-03-10", "study"),
            mtg("zhanqian", "s3", "2026-05-12", "study"),
        ],
        "2026-07-31",
    ),
    countersign("zhanqian", "zhanqian.audit.countersign_7_working_days", "2026-03-11", "2026-03-11"),
    (
        "zhanqian.audit.district_wide_request_7_working_days_ahead",  # meeting Thu 03-12: request by Tue 03-03
        [
            ev("zhanqian", "document_submitted", "r", "2026-03-04", DEPT, genre="request"),
            mtg("zhanqian", "w", "2026-03-12", "district_wide", organizer_unit="区财政局", ref="r"),
        ],
        [("2026-03-12", "late", ("w", "r"))],
        [
            ev("zhanqian", "document_submitted", "r", "2026-03-03", DEPT, genre="request"),
            mtg("zhanqian", "w", "2026-03-12", "district_wide", organizer_unit="区财政局", ref="r"),
        ],
        "2026-03-31",
    ),
    filed("zhanqian", "zhanqian.audit.normative_filed"),
    beforehand("zhanqian", "zhanqian.audit.deputy_leave_beforehand", DEPUTY),
    beforehand("zhanqian", "zhanqian.audit.department_head_leave_beforehand", DEPT),
    # qinghemen
    halves("qinghemen", "qinghemen.audit.plenary_every_half_year"),
    minutes("qinghemen", "qinghemen.audit.executive_minutes_3_days", "executive"),
    (
        "qinghemen.audit.topical_minutes_3_days",
        [mtg("qinghemen", "m", "2026-03-02", "topical")],
        [("2026-03-06", "missing", ("m",))],
        [mtg("qinghemen", "m", "2026-03-02", "topical"), qhm("minutes_issued", "n", "2026-03-05", ref="m")],
        "2026-03-31",
    ),
    (
        "qinghemen.audit.legality_opinion_1_day",  # 会议结束后1日内: the opinion of 03-03 is in time
        [
            mtg("qinghemen", "m", "2026-03-02", "topical", legal_matters=True),
            qhm("legality_opinion_given", "o", "2026-03-04", {"role": "justice_bureau"}, ref="m"),
        ],
        [("2026-03-04", "late", ("m", "o"))],
        [
            mtg("qinghemen", "m", "2026-03-02", "topical", legal_matters=True),
            qhm("legality_opinion_given", "o", "2026-03-03", {"role": "justice_bureau"}, ref="m"),
        ],
        "2026-03-31",
    ),
    (
        "qinghemen.audit.outside_meeting_report_2_working_days",
        [
            qhm("outside_meeting_attended", "o", "2026-03-02", level="city"),
            qhm("outside_meeting_reported", "r", "2026-03-05", DEPT, ref="o", written=True),
        ],
        [("2026-03-05", "late", ("o", "r"))],
        [
            qhm("outside_meeting_attended", "o", "2026-03-02", level="provincial"),
            qhm("outside_meeting_reported", "r", "2026-03-04", DEPT, ref="o", written=True),
        ],
        "2026-03-31",
    ),
    countersign("qinghemen", "qinghemen.audit.countersign_2_working_days", "2026-03-04", "2026-03-04"),
    filed("qinghemen", "qinghemen.audit.normative_filed"),
    (
        "qinghemen.audit.inspection_simple_7_days",
        [
            qhm("inspection_assigned", "i", "2026-03-02", complexity="simple"),
            qhm("inspection_completed", "k", "2026-03-09", DEPT, ref="i"),
        ],
        [("2026-03-09", "late", ("i", "k"))],
        [
            qhm("inspection_assigned", "i", "2026-03-02", complexity="simple"),  # 03-08 is the 7th day
            qhm("inspection_completed", "k", "2026-03-08", DEPT, ref="i"),
        ],
        "2026-03-31",
    ),
    (
        # 从部署当日算起: 01-30 is day 1, the civil-law month begun 01-29 ends on 02-28 (no 29 February:
        # the month's end); 03-01 is a day late
        "qinghemen.audit.inspection_complex_1_month",
        [
            qhm("inspection_assigned", "i", "2026-01-30", complexity="complex"),
            qhm("inspection_completed", "k", "2026-03-01", DEPT, ref="i"),
        ],
        [("2026-03-01", "late", ("i", "k"))],
        [
            qhm("inspection_assigned", "i", "2026-01-30", complexity="complex"),
            qhm("inspection_completed", "k", "2026-02-28", DEPT, ref="i"),
        ],
        "2026-03-31",
    ),
    visit("qinghemen", "qinghemen.audit.visit_report"),
    (
        "qinghemen.audit.urgent_upper_documents_forwarded_at_once",  # received Fri 03-06: by Mon 03-09
        [
            qhm("upper_document_received", "u", "2026-03-06", DEPT, urgent=True),
            qhm("upper_document_forwarded", "f", "2026-03-10", DEPT, ref="u"),
        ],
        [("2026-03-10", "late", ("u", "f"))],
        [
            qhm("upper_document_received", "u", "2026-03-06", DEPT, urgent=True),
            qhm("upper_document_forwarded", "f", "2026-03-09", DEPT, ref="u"),
        ],
        "2026-03-31",
    ),
    (
        "qinghemen.audit.upper_documents_forwarded_monthly",  # received 01-30: by 02-28
        [qhm("upper_document_received", "u", "2026-01-30", DEPT, urgent=False)],
        [("2026-03-01", "missing", ("u",))],
        [
            qhm("upper_document_received", "u", "2026-01-30", DEPT, urgent=False),
            qhm("upper_document_forwarded", "f", "2026-02-28", DEPT, ref="u"),
        ],
        "2026-03-31",
    ),
    beforehand("qinghemen", "qinghemen.audit.deputy_reports_beforehand", DEPUTY),
    (
        "qinghemen.audit.department_head_leave_3_days_ahead",
        [qhm("leave_requested", "q", "2026-03-06", DEPT), qhm("departed", "d", "2026-03-08", DEPT, ref="q")],
        [("2026-03-08", "late", ("d", "q"))],
        [
            qhm("leave_requested", "q", "2026-03-06", DEPT),
            qhm("departed", "d", "2026-03-09", DEPT, ref="q"),
            # a deputy head reports beforehand, with no lead time: not this check's business
            qhm("leave_requested", "q2", "2026-03-08", DEPUTY),
            qhm("departed", "d2", "2026-03-08", DEPUTY, ref="q2"),
        ],
        "2026-03-31",
    ),
    # hegang
    yearly("hegang", "hegang.audit.plenary_yearly"),
    (
        "hegang.audit.plenary_at_most_twice",  # 一至二次: a third in the year is a breach
        [mtg("hegang", f"p{i}", d, "plenary") for i, d in enumerate(["2026-03-02", "2026-06-01", "2026-11-02"])],
        [("2026-11-02", "excess", ("p2", "p0"))],
        [mtg("hegang", f"p{i}", d, "plenary") for i, d in enumerate(["2026-03-02", "2026-11-02", "2027-01-04"])],
        "2027-01-05",
    ),
    (
        "hegang.audit.executive_twice_monthly",  # 一个月2次: February has one
        [
            mtg("hegang", f"x{i}", d, "executive")
            for i, d in enumerate(["2026-01-05", "2026-01-20", "2026-02-10", "2026-03-02", "2026-03-16"])
        ],
        [("2026-02-28", "gap", ())],
        [
            mtg("hegang", f"x{i}", d, "executive")
            for i, d in enumerate(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-24", "2026-03-02", "2026-03-16"])
        ],
        "2026-03-31",
    ),
    published("hegang", "hegang.audit.decisions_published"),
    (
        "hegang.audit.close_leave_after_return",  # 及时: open while not closed; closed 2 weeks on, nothing
        hegang_trip(False, []),
        [("2026-03-31", "open", ("b",))],
        hegang_trip(False, [("2026-03-20", False)]),
        "2026-03-31",
    ),
    (
        "hegang.audit.report_after_upper_meeting",  # 返回后: no deadline
        hegang_trip(True, [("2026-03-09", False)]),
        [("2026-03-31", "open", ("b",))],
        hegang_trip(True, [("2026-03-09", False), ("2026-03-25", True)]),
        "2026-03-31",
    ),
    beforehand("hegang", "hegang.audit.leadership_leave_beforehand", DEPUTY),
    beforehand("hegang", "hegang.audit.department_head_leave_beforehand", DEPT),
    # xiangshan
    halves("xiangshan", "xiangshan.audit.plenary_every_half_year"),
    fortnightly("xiangshan", "xiangshan.audit.executive_fortnightly"),
    decided(
        "xiangshan",
        "xiangshan.audit.decided_documents_5_working_days",
        "decided_document_issued",
        "2026-03-10",
        "2026-03-09",
    ),
    district_wide("xiangshan", "xiangshan.audit.one_district_wide_meeting_a_year"),
    (
        "xiangshan.audit.annual_meeting_plan",  # 2025 partial; the plan for 2026 made in 2025 counts in 2026
        [ev("xiangshan", "plan_made", "p", "2025-01-10", plan="meetings", for_year=2025)],
        [("2026-12-31", "gap", ())],
        [
            ev("xiangshan", "plan_made", "p", "2025-01-10", plan="meetings", for_year=2025),
            ev("xiangshan", "plan_made", "p2", "2025-12-20", plan="meetings", for_year=2026),
        ],
        "2026-12-31",
    ),
    countersign("xiangshan", "xiangshan.audit.countersign_3_working_days", "2026-03-05", "2026-03-05"),
    countersign(
        "xiangshan",
        "xiangshan.audit.countersign_7_working_days_major",
        "2026-03-11",
        "2026-03-11",
        category="land_planning",
    ),
    filed("xiangshan", "xiangshan.audit.normative_filed"),
    published("xiangshan", "xiangshan.audit.decisions_published"),
    beforehand("xiangshan", "xiangshan.audit.leadership_reports_beforehand", DEPUTY),
]


def all_checks(engine: govrules.Engine) -> dict[str, govrules.AuditCheckInfo]:
    return {a.id: a for j in engine.jurisdictions for v in engine.versions(j) for a in v.audits}


def test_every_check_of_the_rulebook_has_a_case(engine: govrules.Engine) -> None:
    assert sorted(c[0] for c in CASES) == sorted(all_checks(engine))
    assert len(CASES) == len({c[0] for c in CASES})


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_check_fires(engine: govrules.Engine, case: Case) -> None:
    check, log, expected, _quiet, as_of = case
    report = run(engine, log, dt.date.fromisoformat(as_of))
    assert of(report, check) == expected
    meta = all_checks(engine)[check]
    for f in report.findings:
        if f.check == check:
            assert f.article == meta.article and f.citation_zh == meta.citation_zh
            assert f.citation_zh.endswith(article_zh(meta.article))
            assert f.breach == (f.kind not in ("consent", "open") and meta.modality in ("must", "shall"))
            assert (f.age_days is not None) == (f.kind == "open")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_check_is_quiet_on_compliant_log(engine: govrules.Engine, case: Case) -> None:
    check, _log, _expected, quiet, as_of = case
    assert of(run(engine, quiet, dt.date.fromisoformat(as_of)), check) == []


def test_missing_facts_are_reported_not_guessed(engine: govrules.Engine) -> None:
    log = [
        ev("qianjin", "meeting_held", "m", "2026-03-02", meeting="topical"),
        ev("xiangshan", "meeting_held", "w", "2026-03-02", meeting="district_wide"),
        ev("hegang", "leave_requested", "q", "2026-03-02", DEPT),
        ev("hegang", "returned", "b", "2026-03-06", DEPT, ref="q"),
    ]
    report = audit(engine, log, as_of=Q1_END)
    assert sorted((p.event, p.message.split(" ")[0]) for p in report.problems) == [
        ("b", "hegang.audit.report_after_upper_meeting"),
        ("m", "qianjin.audit.minutes_3_days"),
        ("w", "xiangshan.audit.one_district_wide_meeting_a_year"),
    ]


# --- where the jurisdictions differ -----------------------------------------------------------
def findings_by_jurisdiction(
    engine: govrules.Engine, make: Any, as_of: str, topic: str | None = None
) -> dict[str, list[AuditFinding]]:
    """The findings of the same log in each jurisdiction (of one topic: a short log also shows
    gaps in the meetings the texts want held at a frequency)."""
    out = {}
    for j in ("qianjin", "zhanqian", "qinghemen", "hegang", "xiangshan"):
        report = run(engine, make(j), dt.date.fromisoformat(as_of))
        out[j] = [f for f in report.findings if topic is None or f.topic == topic]
    return out


def test_countersign_deadlines_differ_2_3_7_working_days(engine: govrules.Engine) -> None:
    """One request on Thursday 2026-02-12, before the Spring Festival (02-15..23 off; Saturdays
    02-14 and 02-28 worked), never answered: consent by silence falls on different days."""

    def log(category: str) -> Any:
        return lambda j: [ev(j, "countersign_requested", "c", "2026-02-12", DEPT, category=category)]

    other = findings_by_jurisdiction(engine, log("other"), "2026-03-31", "consult.reply_deadline")
    assert {j: [(str(f.on), f.kind, f.article) for f in fs] for j, fs in other.items()} == {
        "qianjin": [],  # sets no deadline
        "hegang": [],  # sets no deadline
        "qinghemen": [("2026-02-14", "consent", 49)],  # 2 working days: Fri 02-13, Sat 02-14
        "xiangshan": [("2026-02-24", "consent", 47)],  # 3: 02-13, 02-14, 02-24
        "zhanqian": [("2026-02-28", "consent", 29)],  # 7: ..., 02-27, Sat 02-28
    }
    land = findings_by_jurisdiction(engine, log("land_planning"), "2026-03-31", "consult.reply_deadline")
    assert [(str(f.on), f.check) for f in land["xiangshan"]] == [
        ("2026-02-28", "xiangshan.audit.countersign_7_working_days_major")
    ]
    assert [str(f.on) for f in land["qinghemen"]] == ["2026-02-14"]  # Qinghemen knows no categories
    assert not any(f.breach for fs in (*other.values(), *land.values()) for f in fs)


def test_own_deadline_of_the_requesting_department_sets_the_2_days_aside(engine: govrules.Engine) -> None:
    log = [
        qhm("countersign_requested", "c", "2026-03-02", DEPT, own_deadline="2026-03-10"),
        qhm("countersign_replied", "r", "2026-03-09", DEPT, ref="c"),
    ]
    assert run(engine, log, Q1_END).findings == ()


def test_district_wide_cap_is_qianjin_and_xiangshan_only(engine: govrules.Engine) -> None:
    def log(j: str) -> list[dict[str, Any]]:
        return [
            mtg(j, "w1", "2026-01-16", "district_wide", organizer_unit="区应急管理局"),
            mtg(j, "w2", "2026-03-19", "district_wide", organizer_unit="区应急管理局"),
        ]

    got = findings_by_jurisdiction(engine, log, "2026-03-31", "meeting.district_wide_limit")
    assert {j: [(f.kind, f.events, f.article, f.breach) for f in fs] for j, fs in got.items()} == {
        "qianjin": [("excess", ("w2", "w1"), 56, False)],  # 原则上: in principle, not a breach
        "xiangshan": [("excess", ("w2", "w1"), 45, False)],
        "zhanqian": [],
        "qinghemen": [],
        "hegang": [],
    }


def test_minutes_deadlines_differ(engine: govrules.Engine) -> None:
    """Minutes 4 days after the meeting: late in Qianjin (all meetings needing minutes) and Qinghemen
    (topical: a breach; executive: 原则上, not a breach); the other texts set no deadline."""

    def log(meeting: str) -> Any:
        return lambda j: [
            mtg(j, "m", "2026-03-02", meeting, needs_minutes=True),
            ev(j, "minutes_issued", "n", "2026-03-06", ref="m"),
        ]

    topical = findings_by_jurisdiction(engine, log("topical"), "2026-03-31", "meeting.minutes")
    assert {j: [(f.check, f.breach) for f in fs] for j, fs in topical.items()} == {
        "qianjin": [("qianjin.audit.minutes_3_days", True)],
        "qinghemen": [("qinghemen.audit.topical_minutes_3_days", True)],
        "zhanqian": [],
        "hegang": [],
        "xiangshan": [],
    }
    executive = findings_by_jurisdiction(engine, log("executive"), "2026-03-31", "meeting.minutes")
    assert [(f.check, f.breach) for f in executive["qinghemen"]] == [
        ("qinghemen.audit.executive_minutes_3_days", False)
    ]


def test_decided_documents_deadlines_differ(engine: govrules.Engine) -> None:
    """An executive meeting on Monday 2026-03-02 decides a document, issued on Tuesday 03-10 (the
    6th working day): late for Xiangshan (5 working days), in time for Zhanqian (7, due 03-11),
    which also wants it at the office within 3 (by 03-05)."""

    def log(j: str) -> list[dict[str, Any]]:
        return [
            mtg(j, "m", "2026-03-02", "executive", decided_documents=True),
            ev(j, "decided_document_sent", "s", "2026-03-04", ref="m"),
            ev(j, "decided_document_issued", "d", "2026-03-10", ref="m"),
        ]

    got = findings_by_jurisdiction(engine, log, "2026-03-31", "meeting.decided_documents")
    assert {j: [(f.check, f.kind, str(f.due)) for f in fs] for j, fs in got.items()} == {
        "xiangshan": [("xiangshan.audit.decided_documents_5_working_days", "late", "2026-03-09")],
        "zhanqian": [],
        "qianjin": [],
        "qinghemen": [],
        "hegang": [],
    }


def test_executive_meeting_frequencies_differ(engine: govrules.Engine) -> None:
    """Executive meetings on 01-05 and 03-02 only, audited on 03-31: each text at its own period.
    Qianjin 49 (每月1次): February; hegang 37 (一个月2次): February and March, each short of two;
    zhanqian 20 and xiangshan 40 (每两周): the 14-day runs from 01-06 and from 03-03; Qinghemen sets no
    frequency. January is partial (the log starts on 01-05). All in principle: no breach."""

    def log(j: str) -> list[dict[str, Any]]:
        return [mtg(j, "a", "2026-01-05", "executive"), mtg(j, "b", "2026-03-02", "executive")]

    got = findings_by_jurisdiction(engine, log, "2026-03-31")
    gaps = {
        j: [(f.article, str(f.since), str(f.on)) for f in fs if f.kind == "gap" and "executive" in f.check]
        for j, fs in got.items()
    }
    assert gaps == {
        "qianjin": [(49, "2026-02-01", "2026-02-28")],
        "zhanqian": [(20, "2026-01-06", "2026-01-19"), (20, "2026-03-03", "2026-03-16")],
        "hegang": [(37, "2026-02-01", "2026-02-28"), (37, "2026-03-01", "2026-03-31")],
        "xiangshan": [(40, "2026-01-06", "2026-01-19"), (40, "2026-03-03", "2026-03-16")],
        "qinghemen": [],
    }
    assert not any(f.breach for fs in got.values() for f in fs if "executive" in f.check)


def test_periods_judged_and_partial_are_reported(engine: govrules.Engine) -> None:
    """Issue 18: a year audited as of 12-31 is judged; a log starting mid-year leaves its first half
    partial, not a gap."""
    log = [mtg("qinghemen", "a", "2025-03-02", "plenary"), mtg("qinghemen", "b", "2025-09-01", "plenary")]
    report = run(engine, log, dt.date(2025, 12, 31))
    assert [
        (str(p.start), str(p.end), p.judged, p.held)
        for p in report.periods
        if p.check == "qinghemen.audit.plenary_every_half_year"
    ] == [("2025-01-01", "2025-06-30", False, 1), ("2025-07-01", "2025-12-31", True, 1)]
    assert of(report, "qinghemen.audit.plenary_every_half_year") == []
    empty = run(engine, log[:1], dt.date(2025, 12, 31))
    assert of(empty, "qinghemen.audit.plenary_every_half_year") == [("2025-12-31", "gap", ())]


def test_leave_lead_time_excludes_the_travel_day(engine: govrules.Engine) -> None:
    """提前3天（不含出行当日）: leaving on Monday 03-09 needs the filing by Friday 03-06."""

    def log(filed: str) -> list[dict[str, Any]]:
        return [qhm("leave_requested", "q", filed, DEPT), qhm("departed", "d", "2026-03-09", DEPT, ref="q")]

    check = "qinghemen.audit.department_head_leave_3_days_ahead"
    assert of(run(engine, log("2026-03-06"), Q1_END), check) == []
    late = run(engine, log("2026-03-07"), Q1_END)
    assert [(f.kind, str(f.due), f.breach) for f in late.findings] == [("late", "2026-03-06", False)]


def test_district_wide_meeting_without_a_request_is_missing_it(engine: govrules.Engine) -> None:
    """Zhanqian 25: the meeting names its request (`ref`); none named, or a report named instead of a
    request, is a missing request; an unknown one is also a problem of the log."""
    check = "zhanqian.audit.district_wide_request_7_working_days_ahead"
    report = ev("zhanqian", "document_submitted", "p", "2026-03-02", DEPT, genre="report")
    log = [
        report,
        mtg("zhanqian", "w1", "2026-03-12", "district_wide", organizer_unit="区财政局"),
        mtg("zhanqian", "w2", "2026-03-13", "district_wide", organizer_unit="区教育局", ref="p"),
    ]
    got = audit(engine, log, as_of=Q1_END)
    assert of(got, check) == [("2026-03-12", "missing", ("w1",)), ("2026-03-13", "missing", ("w2",))]
    assert all(f.breach for f in got.findings if f.check == check)
    unknown = audit(engine, [mtg("zhanqian", "w", "2026-03-12", "district_wide", ref="zz")], as_of=Q1_END)
    assert of(unknown, check) == [("2026-03-12", "missing", ("w",))]
    assert [p.message for p in unknown.problems] == ["refers to unknown event `zz`"]


# --- causes of issue 18 and issue 11 §4 --------------------------------------------------------
def test_requesters_own_deadline_governs_consent_and_lateness(engine: govrules.Engine) -> None:
    """Qinghemen 49, zhanqian 29, xiangshan 47: 除主办部门另有时限要求外: a request with its own
    deadline is judged by it (not skipped): consent the day it passes, late after it."""
    for j, check in [
        ("qinghemen", "qinghemen.audit.countersign_2_working_days"),
        ("zhanqian", "zhanqian.audit.countersign_7_working_days"),
        ("xiangshan", "xiangshan.audit.countersign_3_working_days"),
    ]:
        silent = [ev(j, "countersign_requested", "c", "2026-03-02", DEPT, own_deadline="2026-03-20")]
        assert of(run(engine, silent, Q1_END), check) == [("2026-03-20", "consent", ("c",))], j
        late = [*silent, ev(j, "countersign_replied", "r", "2026-03-23", DEPT, ref="c")]
        assert [(f.kind, str(f.due)) for f in run(engine, late, Q1_END).findings if f.check == check] == [
            ("late", "2026-03-20")
        ], j
        in_time = [*silent, ev(j, "countersign_replied", "r", "2026-03-19", DEPT, ref="c")]  # past 2/3/7 days
        assert of(run(engine, in_time, Q1_END), check) == [], j


def test_each_decided_document_is_issued_on_time(engine: govrules.Engine) -> None:
    """Xiangshan 44: a meeting deciding three documents with one issued in time leaves two outstanding."""
    log = [
        mtg("xiangshan", "m", "2026-03-02", "executive", decided_documents=True, documents=3),
        ev("xiangshan", "decided_document_issued", "d1", "2026-03-04", ref="m"),
    ]
    report = run(engine, log, Q1_END)
    got = [
        (f.kind, f.events, f.outstanding)
        for f in report.findings
        if f.check == "xiangshan.audit.decided_documents_5_working_days"
    ]
    assert got == [("missing", ("m",), 2)]


def test_an_answer_dated_before_its_trigger_is_a_problem_not_on_time(engine: govrules.Engine) -> None:
    """Issue 11 §4: minutes dated a year before their meeting do not answer it."""
    log = [mtg("qinghemen", "m", "2026-03-02", "topical"), qhm("minutes_issued", "n", "2025-03-02", ref="m")]
    report = audit(engine, log, as_of=Q1_END)
    assert [p.event for p in report.problems] == ["n"]
    assert "before `m`" in report.problems[0].message
    assert of(report, "qinghemen.audit.topical_minutes_3_days") == [("2026-03-06", "missing", ("m",))]


def test_an_audit_date_beyond_the_calendar_is_refused(engine: govrules.Engine) -> None:
    log = [mtg("qinghemen", "m", "2026-03-02", "topical")]
    with pytest.raises(govrules.ActionError, match="beyond the working-day calendar"):
        audit(engine, log, as_of=dt.date(9999, 12, 31))
    # a mistyped year past the calendar is a problem of its own line; the rest stands as of the last
    # ordinary event (issue 11 §4: it does not set the audit date and flood the report)
    far = [*log, qhm("minutes_issued", "n", "2206-03-03", ref="m")]
    report = audit(engine, far)
    assert report.as_of == dt.date(2026, 3, 2)
    assert [(p.event, "beyond the working-day calendar" in p.message) for p in report.problems] == [("n", True)]
    # within the calendar, a year mistyped far past the others asks for the audit date
    near = [*log, qhm("minutes_issued", "n", "2027-09-03", ref="m")]
    with pytest.raises(govrules.ActionError, match="give the audit date"):
        audit(engine, near)


def test_the_command_line_refuses_a_far_audit_date_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from govrules._cli import main

    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(mtg("qinghemen", "m", "2026-03-02", "topical")) + "\n", encoding="utf-8")
    assert main(["audit", str(log), "--as-of", "9999-12-31"]) == 2
    err = capsys.readouterr().err
    assert "beyond the working-day calendar" in err and "Traceback" not in err


LOCAL_CHECK = """\
extends: qinghemen
version: "2022"
audits:
  - article: 39
    id: qinghemen.local.topical_minutes_next_day
    topic: meeting.minutes
    modality: must
    quote_reason: the office's own stricter deadline, not in the article's words
    trigger: {event: meeting_held, when: 'meeting == "topical"'}
    expect: {event: minutes_issued, within: {days: 1}}
    message:
      zh: 本办要求专题会议纪要次日印发。
      en: Our office issues a topical meeting's minutes the next day.
"""


def test_an_overlay_check_carries_its_file_as_provenance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11 §3: every finding records where its check comes from, so that a check of one's own
    (here a stricter deadline under 清河门 第三十九条) is visible in the report."""
    from govrules._cli import main

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "local.yaml").write_text(LOCAL_CHECK, encoding="utf-8")
    engine = govrules.load(extra=[rules])
    log = [
        mtg("qinghemen", "m", "2026-03-02", "topical", legal_matters=False),
        ev("qinghemen", "minutes_issued", "n", "2026-03-04", ref="m"),
    ]
    found = {f.check: f.provenance for f in audit(engine, log, as_of=dt.date(2026, 3, 31)).findings}
    assert found == {"qinghemen.local.topical_minutes_next_day": str(rules / "local.yaml")}
    (tmp_path / "log.jsonl").write_text("\n".join(json.dumps(e) for e in log) + "\n", encoding="utf-8")
    assert main(["audit", str(tmp_path / "log.jsonl"), "--rules", str(rules), "--as-of", "2026-03-31"]) == 1
    out = capsys.readouterr().out
    assert (
        "qinghemen.local.topical_minutes_next_day: Our office issues a topical meeting's minutes the next day."
        f" — from {rules / 'local.yaml'}"
    ) in out
    # the bundled check, a day late here on a planted log, says nothing of where it comes from
    late = [
        mtg("qinghemen", "m", "2026-03-02", "topical", legal_matters=False),
        ev("qinghemen", "minutes_issued", "n", "2026-03-06", ref="m"),
    ]
    bundled = [
        f
        for f in audit(engine, late, as_of=dt.date(2026, 3, 31)).findings
        if f.check == "qinghemen.audit.topical_minutes_3_days"
    ]
    assert [f.provenance for f in bundled] == ["bundled"]
