"""The output formats of `govrules check` and `govrules audit`: text for people, versioned JSON for
programs, JUnit XML and SARIF 2.1.0 for CI. A new format is one function here and one choice in
`main.build_parser`.

What a finding does (deny, hold back, breach) is never decided here: `Finding` knows it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from .._records import Record
from . import words

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from .._audit.report import AuditReport
    from .._decision import Decision

JSON_SHAPE_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
NEEDS = {
    "missing_facts": "facts to give",
    "pending_steps": "steps to get done",
    "exception_grounds": "grounds to record for departing from an in-principle rule",
}


@dataclass
class Item(Record):
    """One action read from a file, and the decision on it (None: see `error`)."""

    decision: Decision | None = None


@dataclass
class Tally:
    allowed: int = 0
    conditional: int = 0
    denied: int = 0
    errors: int = 0

    breaches: int = 0  # decisions with a binding duty broken: every denied one, and overdue follow-ups

    def add(self, tag: str) -> None:
        """Count one verdict ("denied", or "allowed!" when a follow-up is overdue), or one "error"."""
        verdict = tag.rstrip("!")
        name = "errors" if verdict == "error" else verdict
        setattr(self, name, getattr(self, name) + 1)
        self.breaches += tag.endswith("!") or verdict == "denied"

    def __str__(self) -> str:
        return self.summary("en")

    def summary(self, lang: str) -> str:
        """`3 actions: 1 allowed, …`, or its Chinese."""
        total = self.allowed + self.conditional + self.denied + self.errors
        overdue = self.breaches - self.denied
        return words.phrase(
            "summary",
            lang,
            total=total,
            allowed=self.allowed,
            conditional=self.conditional,
            denied=self.denied,
            errors=self.errors,
        ) + (words.phrase("overdue", lang, overdue) if overdue else "")


def tag(it: Item) -> str:
    """What the tally counts of an item: its verdict, "!" after it for a breach not denied, or "error"."""
    d = it.decision
    return "error" if d is None else d.verdict + ("!" if d.breach and d.verdict != "denied" else "")


# --- text ----------------------------------------------------------------------------------------
def text(it: Item, lang: str) -> str:
    """One action for people: where, the verdict, then each finding as its outcome, its citation and
    the rule's id, with the rule's message below; presumptions and obligations last. Every word is
    in `lang`; the citation is Chinese in both."""
    where = f"{it.file}:{it.line}"
    if it.decision is None:
        return f"{where}: {words.phrase('error', lang)}: {it.error}\n"
    d = it.decision
    lines = [
        f"{where}: {words.verdict(d.verdict, lang)} {d.action_id or d.kind} ({d.jurisdiction}, {d.date}, {d.rulebook})"
    ]
    if d.silent:
        lines.append("    " + words.phrase("silent", lang, d.document, d.kind))
    if d.conditional_on:
        sep = "；" if lang == "zh" else "; "
        lines.append(
            "    " + words.phrase("conditional_on", lang, sep.join(words.need(n, lang) for n in d.conditional_on))
        )
    if d.breach and d.verdict != "denied":
        lines.append("    " + words.phrase("breach", lang))
    if d.provisional:
        lines.append("    " + words.phrase("provisional_decision", lang))
    for f in d.findings:
        msg = f.message_zh if lang == "zh" else f.message_en
        extra = []
        if f.missing:
            extra.append(words.phrase("missing", lang, ", ".join(f.missing)))
        if f.due:
            extra.append(words.phrase("due", lang, f.due))
        if f.comply_by:
            extra.append(words.phrase("comply_by", lang, f.comply_by))
        if f.follow_up:
            extra.append(words.phrase("follow_up", lang))
        if f.provenance != "bundled":  # a rule of one's own: say so, it may have changed the answer
            extra.append(words.phrase("from", lang, f.provenance))
        lines.append(
            f"    [{words.outcome(f.outcome, lang)}] {f.citation_zh}（{f.label}） · "
            f"{words.phrase('rule', lang)} {f.rule}"
        )
        lines.append(f"        {msg}" + "".join(f" — {e}" for e in extra))
    for a in d.assumptions:
        reason = a.reason_zh if lang == "zh" else a.reason_en
        lines.append(
            f"    {words.phrase('presumed', lang)}: {a.fact} = {json.dumps(a.value)} ({reason}) · "
            f"{words.phrase('rule', lang)} {a.rule}"
        )
    for o in d.obligations:
        parts = [words.step(o.step, lang)]
        if o.party:
            parts.append(f"({', '.join(words.party(p, lang) for p in o.party)})")
        if o.system:
            parts.append(words.phrase("under", lang, o.system))
        if o.due:
            parts.append(words.phrase("by", lang, o.due))
        if o.provisional:
            parts.append(f"({words.phrase('provisional', lang)})")
        lines.append(
            f"    {words.phrase('obligation', lang)}: {' '.join(parts)} · {words.phrase('rule', lang)} {o.rule}"
        )
    return "\n".join(lines) + "\n"


# --- JSON ----------------------------------------------------------------------------------------
def json_result(it: Item) -> str:
    """One element of the `results` list of `{"version": 1, "results": [...]}`."""
    head = f'{{"file": {json.dumps(it.file, ensure_ascii=False)}, "line": {it.line}, '
    if it.decision is None:
        return head + f'"error": {json.dumps(it.error, ensure_ascii=False)}}}'
    return head + f'"decision": {it.decision.model_dump_json(exclude_none=True)}}}'  # pydantic's own encoder


# --- JUnit XML -----------------------------------------------------------------------------------
# Characters XML 1.0 cannot hold, even escaped (control characters but tab and newlines, lone
# surrogates, U+FFFE and U+FFFF): removed from every text and attribute, so that an id holding one
# still gives a well-formed report.
# A pattern, compiled (and cached by `re`) on first use: text and JSON output never need it.
_NOT_XML = "[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def xml_text(value: object) -> str:
    return re.sub(_NOT_XML, "", str(value))


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    import xml.etree.ElementTree as ET  # JUnit only: text and JSON output never need it (start-up)

    return ET.SubElement(suite, "testcase", classname=xml_text(classname), name=xml_text(name))


def _child(case: ET.Element, tag: str, body: str | None = None, **attrs: str) -> None:
    import xml.etree.ElementTree as ET

    el = ET.SubElement(case, tag, {k: xml_text(v) for k, v in attrs.items()})
    if body is not None:
        el.text = xml_text(body)


def _write_xml(root: ET.Element, out: TextIO) -> None:
    import xml.etree.ElementTree as ET

    ET.indent(root, space="  ")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")


def junit(items: list[Item], out: TextIO, lang: str = "en") -> None:
    """A test case per action: failing when denied, erroring when unusable; a conditional one passes,
    saying in its output why it is conditional (the facts to give, the steps owed)."""
    failures = sum(1 for i in items if i.decision and i.decision.verdict == "denied")
    errors = sum(1 for i in items if i.decision is None)
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites")
    suite = ET.SubElement(
        root, "testsuite", name="govrules check", tests=str(len(items)), failures=str(failures), errors=str(errors)
    )
    for it in items:
        d = it.decision
        case = _case(suite, it.file, f"{it.file}:{it.line}" + (f" {d.action_id or d.kind}" if d else ""))
        if d is None:
            _child(case, "error", message=it.error or "unusable input")
            continue
        report = text(it, lang)
        if d.verdict == "denied":
            first = next((f for f in d.findings if f.denies), None)
            message = (
                f"{first.citation_zh} · {first.rule}: {first.message_zh if lang == 'zh' else first.message_en}"
                if first
                else "denied"
            )
            _child(case, "failure", report, message=message, type="denied")
        elif d.verdict == "conditional" or d.obligations or d.breach:
            _child(case, "system-out", report)
    _write_xml(root, out)


def audit_junit(report: AuditReport, log: str, out: TextIO) -> None:
    """One test case per check that found something, failing on breaches; one per problem, erroring."""
    by_check: dict[str, list[Any]] = {}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    failures = sum(1 for fs in by_check.values() if any(f.breach for f in fs))
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites")
    suite = ET.SubElement(
        root,
        "testsuite",
        name="govrules audit",
        tests=str(len(by_check) + len(report.problems)),
        failures=str(failures),
        errors=str(len(report.problems)),
    )
    for check, fs in sorted(by_check.items()):
        lines = [
            f"{f.on} {f.kind}{f' ({f.age_days} days)' if f.age_days is not None else ''} "
            f"{','.join(f.events)}: {f.citation_zh} {f.message_zh}"
            f"{f' (from {f.provenance})' if f.provenance != 'bundled' else ''}"
            for f in fs
        ]
        case = _case(suite, log, check)
        if any(f.breach for f in fs):
            _child(case, "failure", "\n".join(lines), message=lines[0])
        else:
            _child(case, "system-out", "\n".join(lines))
    for p in report.problems:
        _child(_case(suite, log, f"{log}:{p.line or 0}"), "error", message=p.message)
    _write_xml(root, out)


# --- SARIF 2.1.0 ---------------------------------------------------------------------------------
def sarif(items: list[Item], out: TextIO, lang: str) -> None:
    """SARIF 2.1.0: a result per finding that breaches (error) or holds an action back (warning), at its line."""
    from importlib.metadata import PackageNotFoundError, version

    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for it in items:
        where = location(it)
        if it.decision is None:
            notes.append({"level": "error", "message": {"text": it.error or "unusable input"}, "locations": [where]})
            continue
        d = it.decision
        for f in d.findings:
            if not (f.breaches or f.holds_back):
                continue
            if f.rule not in rules:
                rules[f.rule] = len(descriptors)
                descriptors.append(
                    {
                        "id": f.rule,
                        "shortDescription": {"text": f.message_en},
                        "fullDescription": {"text": f"{f.citation_zh}（{f.label}）：{f.message_zh}"},
                        "properties": {
                            "jurisdiction": f.jurisdiction,
                            "article": f.article,
                            "topic": f.topic,
                            "modality": f.modality,
                        },
                    }
                )
            detail: list[str] = [f.outcome]
            if f.missing:
                detail.append(f"missing: {', '.join(f.missing)}")
            if f.due:
                detail.append(f"due {f.due}")
            if f.comply_by:
                detail.append(f"would have complied by {f.comply_by}")
            message = f.message_zh if lang == "zh" else f.message_en
            results.append(
                {
                    "ruleId": f.rule,
                    "ruleIndex": rules[f.rule],
                    "level": "error" if f.breaches else "warning",
                    "message": {
                        "text": f"{f.citation_zh}（{f.label}）：{message} "
                        f"[{d.action_id or d.kind}: {'; '.join(detail)}]"
                    },
                    "locations": [where],
                    "properties": {"action": d.action_id, "verdict": d.verdict, "rulebook": d.rulebook},
                }
            )
    try:
        tool_version = version("govrules")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        tool_version = "0"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "govrules", "version": tool_version, "rules": descriptors}},
                "invocations": [{"executionSuccessful": not notes, "toolExecutionNotifications": notes}],
                "results": results,
            }
        ],
    }
    json.dump(log, out, ensure_ascii=False, indent=2)
    out.write("\n")


def location(it: Record) -> dict[str, Any]:
    p = Path(it.file)
    uri = p.as_uri() if p.is_absolute() else quote(p.as_posix())
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if it.line >= 1:
        physical["region"] = {"startLine": it.line}
    return {"physicalLocation": physical}


# --- GitHub Actions workflow commands --------------------------------------------------------------
def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def github(it: Item, lang: str) -> str:
    """Workflow commands (`::error file=…,line=…,title=…::…`) for one action, on its line of its
    file: an error for each rule it breaches (or for an action that cannot be read), a warning for
    each that holds it back; nothing for an allowed one. GitHub shows them on the pull request."""
    from .terminal import display_path

    where = f"file={_gh_property(display_path(it.file))}" + (f",line={it.line}" if it.line >= 1 else "")
    if it.decision is None:
        return f"::error {where},title=govrules%3A unusable action::{_gh_data(it.error or 'unusable input')}\n"
    d = it.decision
    lines = []
    for f in d.findings:
        if not (f.breaches or f.holds_back):
            continue
        level = "error" if f.breaches else "warning"
        message = f.message_zh if lang == "zh" else f.message_en
        detail = [words.outcome(f.outcome, lang)]
        if f.need:
            detail.append(words.need(f.need, lang))
        if f.missing:
            detail.append(words.phrase("missing", lang, ", ".join(f.missing)))
        if f.due:
            detail.append(words.phrase("due", lang, f.due))
        text_ = f"{f.citation_zh}（{f.label}）：{message}\n{d.action_id or d.kind}: {'; '.join(detail)}"
        title = f"govrules {words.verdict(d.verdict, lang)}: {f.rule}"
        lines.append(f"::{level} {where},title={_gh_property(title)}::{_gh_data(text_)}\n")
    return "".join(lines)


# --- iCalendar (RFC 5545) ------------------------------------------------------------------------
def _ics_text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """A content line folded at 75 octets (§3.1): CRLF and a space before each next part, never
    inside a UTF-8 character."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


class Calendar:
    """The obligations of a batch with a due date, as an iCalendar file: one all-day event on each
    due day, so that whoever owes a report or a 销假 sees it in their calendar. A date counted on a
    year whose holiday schedule is not published is TENTATIVE and says "provisional". Obligations
    without a date (a follow-up due "promptly") have no day to go on, and are counted (`undated`)."""

    def __init__(self, out: TextIO, lang: str) -> None:
        import datetime as dt

        self.out, self.lang = out, lang
        self.stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.undated = 0
        self.events = 0
        for line in (
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//govrules//govrules check//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{_ics_text('govrules obligations' if lang == 'en' else 'govrules 待办事项')}",
        ):
            self.out.write(_fold(line))

    def add(self, it: Item) -> None:
        import datetime as dt
        import hashlib

        d = it.decision
        if d is None:
            return
        lang = self.lang
        for n, o in enumerate(d.obligations):
            if o.due is None:
                self.undated += 1
                continue
            parties = ", ".join(words.party(p, lang) for p in o.party)
            summary = words.step(o.step, lang) + (f" ({parties})" if parties else "") + f" — {d.action_id or d.kind}"
            if o.provisional:
                summary += " (暂定)" if lang == "zh" else " (provisional)"
            finding = next((f for f in d.findings if f.rule == o.rule), None)
            body = [f"{words.phrase('rule', lang)} {o.rule}"]
            if finding is not None:
                body.insert(0, f"{finding.citation_zh}（{finding.label}）")
                body.append(finding.message_zh if lang == "zh" else finding.message_en)
            if o.provisional:
                body.append(words.phrase("provisional", lang))
            body.append(f"{it.file}:{it.line}")
            key = f"{it.file}\0{it.line}\0{d.action_id}\0{n}\0{o.rule}\0{o.step}\0{','.join(o.party)}\0{o.due}"
            uid = hashlib.sha256(key.encode()).hexdigest()[:32] + "@govrules"
            lines = [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                f"DTSTAMP:{self.stamp}",
                f"DTSTART;VALUE=DATE:{o.due:%Y%m%d}",
                f"DTEND;VALUE=DATE:{o.due + dt.timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{_ics_text(summary)}",
                f"DESCRIPTION:{_ics_text(chr(10).join(body))}",
                "TRANSP:TRANSPARENT",
                f"STATUS:{'TENTATIVE' if o.provisional else 'CONFIRMED'}",
                f"CATEGORIES:{_ics_text(d.jurisdiction)},govrules",
            ]
            if o.provisional:
                lines.append("X-GOVRULES-PROVISIONAL:TRUE")
            lines.append("END:VEVENT")
            for line in lines:
                self.out.write(_fold(line))
            self.events += 1

    def close(self) -> None:
        self.out.write(_fold("END:VCALENDAR"))
