"""Rule tests written as data: `rulebook/tests/<jurisdiction>.yaml`, run by pytest and `govrules test`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._decision import Decision
from ._engine import Engine
from ._errors import ActionError, Diagnostic
from ._lang.compile import _pydantic_diagnostics
from ._lang.document import YamlError, load_document
from ._lang.rulebook import Case, CaseFile


@dataclass(frozen=True)
class CaseResult:
    file: str
    line: int
    name: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def case_files(folders: Iterable[Path], jurisdictions: Iterable[str] = ()) -> list[Path]:
    """The test files under each folder's `tests/`, of the given jurisdictions (default: all). A
    rulebook's file is named after its jurisdiction; an overlay's may be named as its author likes
    (`qinghemen-local.yaml`), and belongs to the jurisdictions its cases judge."""
    wanted = set(jurisdictions)
    files = []
    for folder in folders:
        for f in sorted((folder / "tests").glob("*.yaml")):
            if not wanted or f.stem in wanted or file_jurisdictions(f) & wanted:
                files.append(f)
    return files


def file_jurisdictions(file: Path) -> set[str]:
    """The jurisdictions a test file is about: its name's, and those its cases' actions name."""
    found = {file.stem}
    cases, _ = load_cases(file)
    for _, case in cases:
        jur = case.action.get("jurisdiction") if isinstance(case.action, dict) else None
        if isinstance(jur, str):
            found.add(jur)
    return found


def load_cases(file: Path) -> tuple[list[tuple[int, Case]], list[Diagnostic]]:
    try:
        doc = load_document(str(file))
    except YamlError as exc:
        return [], [exc.diagnostic]
    try:
        cases = CaseFile.model_validate(doc.data).cases
    except ValidationError as exc:
        return [], _pydantic_diagnostics(doc, exc)
    return [(doc.where(("cases", i))[0], c) for i, c in enumerate(cases)], []


def run_case(engine: Engine, file: str, line: int, case: Case) -> CaseResult:
    exp = case.expect
    problems: list[str] = []
    try:
        decision = engine.evaluate(case.action, strict=case.strict)
    except ActionError as exc:
        if exp.error is not None and exp.error in str(exc):
            return CaseResult(file, line, case.name, ())
        return CaseResult(file, line, case.name, (f"action refused: {exc}",))
    if exp.error is not None:
        problems.append(f"expected an error containing `{exp.error}`, got {decision.verdict}")
    if exp.verdict and decision.verdict != exp.verdict:
        problems.append(f"verdict {decision.verdict}, expected {exp.verdict}{_deciding(decision)}")
    # A rule fires when it applies and is not satisfied; a permissive exception fires when it
    # defeats a rule.
    fired = {f.rule for f in decision.findings if f.outcome != "satisfied"}
    for rule in exp.fires:
        if rule not in fired:
            problems.append(f"rule {rule} did not fire")
    for rule in exp.not_fires:
        if rule in fired:
            problems.append(f"rule {rule} fired")
    met = {f.rule for f in decision.findings if f.outcome in ("satisfied", "permitted")}
    for rule in exp.satisfies:
        if rule not in met:
            problems.append(f"rule {rule} not cited as satisfied")
    presumed = {a.fact for a in decision.assumptions}
    for fact in exp.assumes:
        if fact not in presumed:
            problems.append(f"fact `{fact}` not presumed (presumed: {sorted(presumed)})")
    cited = {f.article for f in decision.findings}
    for art in exp.articles:
        if art not in cited:
            problems.append(f"article {art} not cited (cited: {sorted(cited)})")
    for want in exp.obligations:
        if not any(_matches(o.model_dump(), want) for o in decision.obligations):
            problems.append(f"no obligation like {want}")
    missing = {m for f in decision.findings for m in f.missing}
    for fact in exp.missing:
        if fact not in missing:
            problems.append(f"fact `{fact}` not reported missing")
    return CaseResult(file, line, case.name, tuple(problems))


def _deciding(decision: Decision) -> str:
    """The findings that made the verdict what it is: what denies it, or what holds it back."""
    if decision.verdict == "denied":
        deciding = [f for f in decision.findings if f.denies]
    elif decision.verdict == "conditional":
        deciding = [f for f in decision.findings if f.holds_back]
    else:
        deciding = [f for f in decision.findings if f.outcome in ("permitted", "excepted")]
    if not deciding:
        return " (no rule applies)" if decision.silent else ""
    shown = "; ".join(
        f"{f.rule} {f.outcome} (art. {f.article}"
        + (f", missing {', '.join(f.missing)}" if f.missing else "")
        + (f", from {f.provenance}" if f.provenance != "bundled" else "")
        + ")"
        for f in deciding
    )
    return f", decided by: {shown}"


def _matches(obligation: dict[str, object], want: dict[str, object]) -> bool:
    for key, value in want.items():
        got = obligation.get(key)
        if key == "party":
            parties = value if isinstance(value, list) else [value]
            if not set(parties) <= set(got or ()):  # type: ignore[call-overload]
                return False
        elif isinstance(got, dt.date):
            if str(got) != str(value):
                return False
        elif got != value:
            return False
    return True


def run_all(engine: Engine, files: Iterable[Path]) -> Iterator[CaseResult | Diagnostic]:
    for file in files:
        cases, errors = load_cases(file)
        yield from errors
        for line, case in cases:
            yield run_case(engine, str(file), line, case)


def untested_rules(engine: Engine, files: Iterable[Path]) -> list[str]:
    """Rules lacking a firing case, a non-firing case or (for rules that can be met) a compliant case
    citing them as satisfied, among the case files' expectations. A test file answers for the rules
    of its jurisdictions that come from its own folder: an overlay folder's tests for the overlay's
    rules, a rulebook's tests for the rulebook's."""
    files = list(files)
    fires: set[str] = set()
    not_fires: set[str] = set()
    satisfies: set[str] = set()
    for file in files:
        cases, _ = load_cases(file)
        for _, case in cases:
            fires.update(case.expect.fires)
            not_fires.update(case.expect.not_fires)
            satisfies.update(case.expect.satisfies)
    rules = list(engine._compiled_rules())
    overlay_folders = {Path(r.provenance).parent.resolve() for r in rules if r.provenance != "bundled"}
    scopes = [(file_jurisdictions(Path(f)), Path(f).parent.parent.resolve()) for f in files]

    def answered_for(rule: Any) -> bool:
        home = Path(rule.provenance).parent.resolve() if rule.provenance != "bundled" else None
        if home is not None:  # an overlay's rule: its folder's tests answer for it, whatever they are named
            return any(folder == home for _, folder in scopes)
        return any(rule.jurisdiction in jurs and folder not in overlay_folders for jurs, folder in scopes)

    out = []
    for rule in rules:
        if not answered_for(rule):
            continue
        wanted = [("firing", fires), ("non-firing", not_fires)]
        if rule.rule.effect.require or rule.scope is not None:
            wanted.append(("compliant (satisfies)", satisfies))
        lacks = [w for w, s in wanted if rule.rule.id not in s]
        if lacks:
            out.append(f"{rule.rule.id}: no {' and no '.join(lacks)} case")
    return out
