"""The output formats of `govrules check` and `govrules audit`: text for people, versioned JSON for
programs, JUnit XML and SARIF 2.1.0 for CI. A new format is one function here and one choice in
`main.build_parser`.

What a finding does (deny, hold back, breach) is never decided here: `Finding` knows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from .._records import Record

if TYPE_CHECKING:
    from .._audit.report import AuditReport
    from .._decision import Decision

JSON_SHAPE_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
NEEDS = {"missing_facts": "facts to give", "pending_steps": "steps to get done",
         "exception_grounds": "grounds to record for departing from an in-principle rule"}


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
        total = self.allowed + self.conditional + self.denied + self.errors
        overdue = self.breaches - self.denied
        return (f"{total} actions: {self.allowed} allowed, {self.conditional} conditional, "
                f"{self.denied} denied, {self.errors} errors" + (f"; {overdue} with an overdue duty" if overdue else ""))


def tag(it: Item) -> str:
    """What the tally counts of an item: its verdict, "!" after it for a breach not denied, or "error"."""
    d = it.decision
    return "error" if d is None else d.verdict + ("!" if d.breach and d.verdict != "denied" else "")


# --- text ----------------------------------------------------------------------------------------
def text(it: Item, lang: str) -> str:
    where = f"{it.file}:{it.line}"
    if it.decision is None:
        return f"{where}: error: {it.error}\n"
    d = it.decision
    lines = [f"{where}: {d.verdict.upper()} {d.action_id or d.kind} ({d.jurisdiction}, {d.date}, {d.rulebook})"]
    if d.silent:
        lines.append(f"    no provision of 《{d.document}》 applies to this `{d.kind}`")
    if d.conditional_on:
        lines.append(f"    conditional on: {', '.join(NEEDS[n] for n in d.conditional_on)}")
    if d.breach and d.verdict != "denied":
        lines.append("    BREACH: a follow-up duty is overdue")
    for f in d.findings:
        msg = f.message_zh if lang == "zh" else f.message_en
        extra = ""
        if f.missing:
            extra += f" — missing: {', '.join(f.missing)}"
        if f.due:
            extra += f" — due {f.due}"
        if f.comply_by:
            extra += f" — would have complied by {f.comply_by}"
        if f.follow_up:
            extra += " — a duty after the act"
        if f.provenance != "bundled":  # a rule of one's own: say so, it may have changed the answer
            extra += f" — from {f.provenance}"
        lines.append(f"    [{f.outcome}] {f.citation_zh}（{f.label}）{f.rule}: {msg}{extra}")
    for a in d.assumptions:
        reason = a.reason_zh if lang == "zh" else a.reason_en
        lines.append(f"    presumed: {a.fact} = {json.dumps(a.value)} ({reason}) [{a.rule}]")
    for o in d.obligations:
        due = f" by {o.due}" if o.due else ""
        prov = " (provisional: holiday schedule not yet published)" if o.provisional else ""
        to = f" ({', '.join(o.party)})" if o.party else ""
        system = f" under {o.system}" if o.system else ""
        lines.append(f"    obligation: {o.step}{to}{system}{due}{prov} [{o.rule}]")
    return "\n".join(lines) + "\n"


# --- JSON ----------------------------------------------------------------------------------------
def json_result(it: Item) -> str:
    """One element of the `results` list of `{"version": 1, "results": [...]}`."""
    head = f'{{"file": {json.dumps(it.file, ensure_ascii=False)}, "line": {it.line}, '
    if it.decision is None:
        return head + f'"error": {json.dumps(it.error, ensure_ascii=False)}}}'
    return head + f'"decision": {it.decision.model_dump_json(exclude_none=True)}}}'  # pydantic's own encoder


# --- JUnit XML -----------------------------------------------------------------------------------
def junit(items: list[Item], out: TextIO) -> None:
    """A test case per action: failing when denied, erroring when unusable."""
    from xml.sax.saxutils import escape, quoteattr  # it imports urllib.request: only when asked for
    failures = sum(1 for i in items if i.decision and i.decision.verdict == "denied")
    errors = sum(1 for i in items if i.decision is None)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites><testsuite name="govrules check" tests="{len(items)}" '
              f'failures="{failures}" errors="{errors}">\n')
    for it in items:
        d = it.decision
        name = f"{it.file}:{it.line}" + (f" {d.action_id or d.kind}" if d else "")
        out.write(f"  <testcase classname={quoteattr(it.file)} name={quoteattr(name)}>")
        if d is None:
            out.write(f"<error message={quoteattr(it.error or '')}/>")
        elif d.verdict == "denied":
            lines = [f"{f.citation_zh} {f.rule}: {f.message_zh} / {f.message_en}"
                     for f in d.findings if f.breaches]
            out.write(f"<failure message={quoteattr(lines[0] if lines else 'denied')}>"
                      f"{escape(chr(10).join(lines))}</failure>")
        elif d.verdict == "conditional":
            notes = [f"{o.step} {','.join(o.party)} {o.due or ''} [{o.rule}]"
                     for o in d.obligations]
            out.write(f"<system-out>{escape('conditional: ' + '; '.join(notes))}</system-out>")
        out.write("</testcase>\n")
    out.write("</testsuite></testsuites>\n")


def audit_junit(report: AuditReport, log: str, out: TextIO) -> None:
    """One test case per check that found something, failing on breaches; one per problem, erroring."""
    from xml.sax.saxutils import escape, quoteattr
    by_check: dict[str, list[Any]] = {}
    for f in report.findings:
        by_check.setdefault(f.check, []).append(f)
    failures = sum(1 for fs in by_check.values() if any(f.breach for f in fs))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites><testsuite name="govrules audit" tests="{len(by_check) + len(report.problems)}" '
              f'failures="{failures}" errors="{len(report.problems)}">\n')
    for check, fs in sorted(by_check.items()):
        lines = [f"{f.on} {f.kind}{f' ({f.age_days} days)' if f.age_days is not None else ''} "
                 f"{','.join(f.events)}: {f.citation_zh} {f.message_zh}"
                 f"{f' (from {f.provenance})' if f.provenance != 'bundled' else ''}" for f in fs]
        out.write(f"  <testcase classname={quoteattr(log)} name={quoteattr(check)}>")
        tag = "failure" if any(f.breach for f in fs) else "system-out"
        attr = f" message={quoteattr(lines[0])}" if tag == "failure" else ""
        out.write(f"<{tag}{attr}>{escape(chr(10).join(lines))}</{tag}></testcase>\n")
    for p in report.problems:
        name = f"{log}:{p.line or 0}"
        out.write(f"  <testcase classname={quoteattr(log)} name={quoteattr(name)}>"
                  f"<error message={quoteattr(p.message)}/></testcase>\n")
    out.write("</testsuite></testsuites>\n")


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
            notes.append({"level": "error", "message": {"text": it.error or "unusable input"},
                          "locations": [where]})
            continue
        d = it.decision
        for f in d.findings:
            if not (f.breaches or f.holds_back):
                continue
            if f.rule not in rules:
                rules[f.rule] = len(descriptors)
                descriptors.append({
                    "id": f.rule,
                    "shortDescription": {"text": f.message_en},
                    "fullDescription": {"text": f"{f.citation_zh}（{f.label}）：{f.message_zh}"},
                    "properties": {"jurisdiction": f.jurisdiction, "article": f.article,
                                   "topic": f.topic, "modality": f.modality},
                })
            detail: list[str] = [f.outcome]
            if f.missing:
                detail.append(f"missing: {', '.join(f.missing)}")
            if f.due:
                detail.append(f"due {f.due}")
            if f.comply_by:
                detail.append(f"would have complied by {f.comply_by}")
            message = f.message_zh if lang == "zh" else f.message_en
            results.append({
                "ruleId": f.rule,
                "ruleIndex": rules[f.rule],
                "level": "error" if f.breaches else "warning",
                "message": {"text": f"{f.citation_zh}（{f.label}）：{message} "
                                    f"[{d.action_id or d.kind}: {'; '.join(detail)}]"},
                "locations": [where],
                "properties": {"action": d.action_id, "verdict": d.verdict, "rulebook": d.rulebook},
            })
    try:
        tool_version = version("govrules")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        tool_version = "0"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "govrules", "version": tool_version, "rules": descriptors}},
            "invocations": [{"executionSuccessful": not notes,
                             "toolExecutionNotifications": notes}],
            "results": results,
        }],
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
