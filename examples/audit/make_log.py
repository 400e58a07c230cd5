"""Write `qinghemen-2026q1.jsonl`: a quarter (2026-01-01..2026-03-31) of the Qinghemen district
government's business, as `govrules audit` reads it, with a handful of planted breaches.

Deterministic (seeded); run it again and the file does not change:

    .venv/bin/python examples/audit/make_log.py

Everything is compliant with the Qinghemen rules (阜清政发〔2022〕2号) except the events built in
`plant()`, listed with their findings in EXPECTED.md. Compliant answers are dated on working days
of the real 2026 calendar, kept here on purpose apart from the library's own calendar: New Year
2026-01-01..03 off and Sunday 01-04 worked; Spring Festival 2026-02-15..23 off and Saturdays 02-14
and 02-28 worked.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

SEED = 20260101
JUR = "qinghemen"
START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
OUT = Path(__file__).with_name("qinghemen-2026q1.jsonl")

D = dt.date
OFF = {D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 3), *(D(2026, 2, d) for d in range(15, 24))}
WORKED_WEEKEND = {D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28)}

DEPARTMENTS = [
    "区发展改革局",
    "区财政局",
    "区司法局",
    "区审计局",
    "区教育局",
    "区卫生健康局",
    "区自然资源局",
    "区住房城乡建设局",
    "区农业农村局",
    "区应急管理局",
    "区民政局",
    "区人力资源社会保障局",
    "区商务局",
    "区市场监管局",
    "区交通运输局",
    "区文化旅游和广播电视局",
]
DEPUTIES = ["王副区长", "李副区长", "张副区长", "刘副区长"]


def is_working(day: dt.date) -> bool:
    return day in WORKED_WEEKEND or (day.weekday() < 5 and day not in OFF)


def add_working(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day`."""
    while n > 0:
        day += dt.timedelta(days=1)
        n -= is_working(day)
    return day


WORKING_DAYS = [
    START + dt.timedelta(days=i) for i in range((END - START).days + 1) if is_working(START + dt.timedelta(days=i))
]


class Log:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.events: list[dict[str, Any]] = []
        self.counters: dict[str, int] = {}

    def new_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"QHM-2026-{prefix}-{self.counters[prefix]:03d}"

    def add(self, type_: str, prefix: str, day: dt.date, actor: dict[str, Any], **facts: Any) -> str:
        """Record an event; one dated after the quarter is not part of this log (dropped)."""
        id_ = self.new_id(prefix)
        if day <= END:
            self.events.append(
                {"type": type_, "id": id_, "jurisdiction": JUR, "date": day.isoformat(), "actor": actor, **facts}
            )
        return id_

    def answer_day(self, after: dt.date, latest: dt.date, earliest_offset: int = 1) -> dt.date:
        """A working day in (after, latest], or `after` itself when there is none."""
        days = [
            d
            for d in (after + dt.timedelta(days=i) for i in range(earliest_offset, (latest - after).days + 1))
            if is_working(d)
        ]
        return self.rng.choice(days) if days else after


def dept_head(unit: str) -> dict[str, Any]:
    return {"role": "department_head", "unit": unit}


HEAD = {"role": "head", "name": "区长"}
EXEC = {"role": "executive_deputy", "name": "常务副区长"}
OFFICE = {"role": "office_director", "unit": "区政府办公室"}
JUSTICE = {"role": "justice_bureau", "unit": "区司法局"}


def meetings(log: Log) -> None:
    rng = log.rng
    # 全体会议: one at the start of the year (art. 37: 一般每半年召开1次).
    m = log.add("meeting_held", "QT", D(2026, 1, 9), HEAD, meeting="plenary", members_present=24, members_total=26)
    log.add("minutes_issued", "JY", D(2026, 1, 12), OFFICE, ref=m)
    # 常务会议: twice a month; minutes within 3 days (art. 38).
    for day in [D(2026, 1, 13), D(2026, 1, 27), D(2026, 2, 10), D(2026, 2, 26), D(2026, 3, 10), D(2026, 3, 24)]:
        m = log.add("meeting_held", "CW", day, HEAD, meeting="executive", members_present=6, members_total=6)
        log.add("minutes_issued", "JY", log.answer_day(day, day + dt.timedelta(days=3)), OFFICE, ref=m)
    # 专题会议: two or three a week, chaired by the head or a deputy; minutes within 3 days (art. 39).
    topical_days = sorted(rng.sample([d for d in WORKING_DAYS if d.weekday() < 5], 30))
    for day in topical_days:
        chair = HEAD if rng.random() < 0.2 else {"role": "deputy", "name": rng.choice(DEPUTIES)}
        legal = rng.random() < 0.2
        m = log.add("meeting_held", "ZT", day, chair, meeting="topical", legal_matters=legal)
        log.add("minutes_issued", "JY", log.answer_day(day, day + dt.timedelta(days=3)), OFFICE, ref=m)
        if legal:  # art. 40: the legality opinion at the meeting or within 1 day after it
            log.add("legality_opinion_given", "HF", day + dt.timedelta(days=rng.randint(0, 1)), JUSTICE, ref=m)
    # 部门召开的全区性会议: the Qinghemen text caps none (art. 42 only plans and approves them).
    for day, unit in [
        (D(2026, 1, 16), "区应急管理局"),
        (D(2026, 1, 22), "区教育局"),
        (D(2026, 2, 5), "区农业农村局"),
        (D(2026, 3, 5), "区市场监管局"),
        (D(2026, 3, 12), "区卫生健康局"),
        (D(2026, 3, 19), "区应急管理局"),
    ]:
        log.add("meeting_held", "QQ", day, dept_head(unit), meeting="district_wide", organizer_unit=unit)


def countersigns(log: Log) -> None:
    rng = log.rng
    categories = ["other"] * 6 + ["normative", "project", "land_planning", "executive_meeting"]
    for day in sorted(rng.choices(WORKING_DAYS, k=56)):
        unit, to_unit = rng.sample(DEPARTMENTS, 2)
        own = rng.random() < 0.1
        facts: dict[str, Any] = {"category": rng.choice(categories), "to_unit": to_unit}
        if own:  # 除主办部门另有时限要求外: the request sets its own deadline; the 2 days do not apply
            deadline = add_working(day, 5)
            facts["own_deadline"] = deadline.isoformat()
            due = deadline
        else:
            due = add_working(day, 2)  # art. 49: 一般应在2个工作日内回复
        c = log.add("countersign_requested", "HQ", day, dept_head(unit), **facts)
        log.add("countersign_replied", "HF", log.answer_day(day, due), dept_head(to_unit), ref=c)


def leave(log: Log) -> None:
    rng = log.rng
    travellers = [dept_head(u) for u in rng.sample(DEPARTMENTS, 10)]
    for i in range(14):
        actor = travellers[i % len(travellers)]
        depart = rng.choice([d for d in WORKING_DAYS if D(2026, 1, 12) <= d <= D(2026, 3, 20)])
        filed = depart - dt.timedelta(days=rng.randint(3, 7))  # art. 70: 提前3天（不含出行当日）
        while not is_working(filed):
            filed -= dt.timedelta(days=1)
        back = add_working(depart, rng.randint(1, 3))
        trip(log, actor, filed, depart, back, rng.choice(["in_province", "out_of_province"]))
    # Deputies leaving Fuxin report to the head beforehand (art. 70 first paragraph); no lead time.
    for name in DEPUTIES:
        actor = {"role": "deputy", "name": name}
        depart = rng.choice([d for d in WORKING_DAYS if D(2026, 1, 6) <= d <= D(2026, 3, 20)])
        trip(log, actor, depart - dt.timedelta(days=1), depart, add_working(depart, 2), "out_of_province")


def trip(
    log: Log,
    actor: dict[str, Any],
    filed: dt.date,
    depart: dt.date,
    back: dt.date,
    where: str,
    delegation: bool = False,
) -> str:
    req = log.add("leave_requested", "QJ", filed, actor, departure=depart.isoformat(), destination=where)
    log.add("departed", "CF", depart, actor, ref=req)
    ret = log.add("returned", "FH", back, actor, ref=req, delegation=delegation)
    log.add("leave_closed", "XJ", back if is_working(back) else add_working(back, 1), actor, ref=ret)
    return ret


def inspections(log: Log) -> None:
    rng = log.rng
    for day in sorted(rng.sample(WORKING_DAYS, 22)):
        unit = rng.choice(DEPARTMENTS)
        i = log.add("inspection_assigned", "DB", day, OFFICE, complexity="simple", note=f"督办{unit}")
        # art. 57: 一般事项7天之内办结, the day of deployment being the first: by day + 6
        log.add("inspection_completed", "BJ", log.answer_day(day, day + dt.timedelta(days=6)), dept_head(unit), ref=i)
    for day in sorted(rng.sample([d for d in WORKING_DAYS if d <= D(2026, 3, 13)], 8)):
        unit = rng.choice(DEPARTMENTS)
        i = log.add("inspection_assigned", "DB", day, OFFICE, complexity="complex", note=f"督办{unit}")
        # art. 57: 复杂事项1个月内有结果, the day of deployment being the first: by a month less a day
        month = D(day.year + day.month // 12, day.month % 12 + 1, min(day.day, 28)) - dt.timedelta(days=1)
        log.add("inspection_completed", "BJ", log.answer_day(day, month, 8), dept_head(unit), ref=i)


def outside_meetings(log: Log) -> None:
    rng = log.rng
    days = sorted(rng.sample([d for d in WORKING_DAYS if d.weekday() < 5 and d <= D(2026, 3, 26)], 11))
    for day in days:
        unit = rng.choice(DEPARTMENTS)
        level = rng.choice(["provincial", "city", "city"])
        who = {"role": "deputy", "name": rng.choice(DEPUTIES)} if rng.random() < 0.5 else dept_head(unit)
        m = log.add("outside_meeting_attended", "SW", day, who, level=level)
        # art. 45: 会后2个工作日内形成书面材料报告
        log.add(
            "outside_meeting_reported",
            "BG",
            log.answer_day(day, add_working(day, 2)),
            dept_head(unit),
            ref=m,
            written=True,
        )
    # A city meeting on the Friday before the Spring Festival: reported on the worked Saturday.
    m = log.add("outside_meeting_attended", "SW", D(2026, 2, 13), dept_head("区商务局"), level="city")
    log.add("outside_meeting_reported", "BG", D(2026, 2, 14), dept_head("区商务局"), ref=m, written=True)


def documents(log: Log) -> None:
    rng = log.rng
    for day in sorted(rng.sample(WORKING_DAYS, 16)):
        unit = rng.choice(DEPARTMENTS)
        d = log.add("document_submitted", "BW", day, dept_head(unit), genre=rng.choice(["request", "report"]))
        log.add("document_signed", "QF", add_working(day, rng.randint(1, 4)), EXEC, ref=d)


def upper_documents(log: Log) -> None:
    """Art. 69: documents from upper-level departments, forwarded at once when urgent (read: by the
    next working day), else in the monthly roundup (read: within a month)."""
    rng = log.rng
    for day in sorted(rng.sample([d for d in WORKING_DAYS if d <= D(2026, 3, 20)], 12)):
        unit = rng.choice(DEPARTMENTS)
        urgent = rng.random() < 0.4
        u = log.add("upper_document_received", "SJ", day, dept_head(unit), urgent=urgent)
        latest = add_working(day, 1) if urgent else day + dt.timedelta(days=20)
        log.add("upper_document_forwarded", "ZB", log.answer_day(day, latest, 0), dept_head(unit), ref=u)


def normative_documents(log: Log) -> None:
    """Art. 20: a department's normative document is filed with the justice bureau 及时 (no deadline)."""
    for day, filed in [(D(2026, 1, 14), D(2026, 1, 20)), (D(2026, 2, 4), D(2026, 3, 3))]:
        unit = log.rng.choice(DEPARTMENTS)
        n = log.add("normative_document_issued", "GF", day, dept_head(unit), issuer="department")
        log.add("normative_document_filed", "BA", filed, dept_head(unit), ref=n)


def plant(log: Log) -> None:
    """The planted breaches: see EXPECTED.md."""
    # P1 topical meeting, minutes issued 5 days after it (due in 3): art. 39, late
    m = log.add(
        "meeting_held",
        "ZT",
        D(2026, 1, 20),
        {"role": "deputy", "name": "李副区长"},
        meeting="topical",
        legal_matters=False,
    )
    log.add("minutes_issued", "JY", D(2026, 1, 25), OFFICE, ref=m)
    # P2 executive meeting on a Thursday, minutes the next Monday (due on the Sunday: 3日 are calendar
    # days): art. 38 (原则上), late, not a breach
    m = log.add("meeting_held", "CW", D(2026, 3, 19), HEAD, meeting="executive", members_present=5, members_total=6)
    log.add("minutes_issued", "JY", D(2026, 3, 23), OFFICE, ref=m)
    # P3 countersign request never answered: art. 49, consent by silence on the day the deadline falls
    log.add(
        "countersign_requested",
        "HQ",
        D(2026, 2, 12),
        dept_head("区自然资源局"),
        category="land_planning",
        to_unit="区住房城乡建设局",
    )
    # P4 countersign answered on the third working day: art. 49 (一般), late, not a breach
    c = log.add("countersign_requested", "HQ", D(2026, 3, 4), dept_head("区财政局"), to_unit="区审计局")
    log.add("countersign_replied", "HF", D(2026, 3, 9), dept_head("区审计局"), ref=c)
    # P5 a department head files leave one day before departing: art. 70 (一般), late
    trip(log, dept_head("区交通运输局"), D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 5), "out_of_province")
    # P6 a simple inspection item completed on its ninth day: art. 57, late
    i = log.add("inspection_assigned", "DB", D(2026, 2, 2), OFFICE, complexity="simple", note="督办区民政局")
    log.add("inspection_completed", "BJ", D(2026, 2, 10), dept_head("区民政局"), ref=i)
    # P7 a complex inspection item never completed: art. 57, missing
    log.add("inspection_assigned", "DB", D(2026, 1, 28), OFFICE, complexity="complex", note="督办区生态环境分局")
    # P8 a provincial meeting with no report: art. 45, missing
    log.add(
        "outside_meeting_attended", "SW", D(2026, 3, 11), {"role": "deputy", "name": "张副区长"}, level="provincial"
    )
    # P9 an urgent upper-level document received on Thursday 03-05, forwarded on Monday 03-09
    # (立即转报, read as by the next working day, Friday 03-06): art. 69, late
    u = log.add("upper_document_received", "SJ", D(2026, 3, 5), dept_head("区商务局"), urgent=True)
    log.add("upper_document_forwarded", "ZB", D(2026, 3, 9), dept_head("区商务局"), ref=u)
    # P10 a routine upper-level document received 01-26 and never forwarded (每月定期…转报): missing
    log.add("upper_document_received", "SJ", D(2026, 1, 26), dept_head("区民政局"), urgent=False)
    # P11 a topical meeting on legal matters, the legality opinion two days after it: art. 40, late
    m = log.add(
        "meeting_held",
        "ZT",
        D(2026, 2, 3),
        {"role": "deputy", "name": "王副区长"},
        meeting="topical",
        legal_matters=True,
    )
    log.add("minutes_issued", "JY", D(2026, 2, 5), OFFICE, ref=m)
    log.add("legality_opinion_given", "HF", D(2026, 2, 5), JUSTICE, ref=m)
    # P12 a deputy head leaving Fuxin reports to the head the day after departure (事先): art. 70, late
    trip(log, {"role": "deputy", "name": "刘副区长"}, D(2026, 3, 17), D(2026, 3, 16), D(2026, 3, 18), "in_province")
    # P13 a department head back from heading a delegation on 03-10, no summary report yet (及时: no
    # deadline): art. 66, an open obligation 21 days old on 03-31, not a breach
    trip(log, dept_head("区商务局"), D(2026, 3, 2), D(2026, 3, 6), D(2026, 3, 10), "abroad", delegation=True)
    # P14 a department's normative document issued 03-16, not yet filed (及时): art. 20, open
    log.add("normative_document_issued", "GF", D(2026, 3, 16), dept_head("区教育局"), issuer="department")
    # near misses: a delegation reported 24 days after its return (no deadline: nothing), and a
    # deputy reporting on the day of departure (事先 holds)
    ret = trip(
        log, dept_head("区农业农村局"), D(2026, 1, 19), D(2026, 1, 23), D(2026, 1, 28), "abroad", delegation=True
    )
    log.add("trip_reported", "BG", D(2026, 2, 21), dept_head("区农业农村局"), ref=ret)
    trip(log, {"role": "deputy", "name": "王副区长"}, D(2026, 2, 25), D(2026, 2, 25), D(2026, 2, 27), "in_province")


def build() -> list[dict[str, Any]]:
    log = Log(random.Random(SEED))
    meetings(log)
    countersigns(log)
    leave(log)
    inspections(log)
    outside_meetings(log)
    documents(log)
    upper_documents(log)
    normative_documents(log)
    plant(log)
    return sorted(log.events, key=lambda e: (e["date"], e["id"]))


def main() -> None:
    events = build()
    OUT.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    print(f"{OUT.name}: {len(events)} events")


if __name__ == "__main__":
    main()
