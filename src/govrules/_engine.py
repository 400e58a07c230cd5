"""The engine: a compiled rulebook, immutable, and `evaluate`, a pure function of it and an action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._actions import ACTION_ADAPTER, ACTION_MODELS, Action, Step
from ._calendar import WorkCalendar
from ._compile import CompiledRule, Version, build, bundled_dir, rulebook_files
from ._decision import Decision, Finding, Obligation, TraceEntry
from ._errors import ActionError
from ._rulebook import Require

_VALUE = {True: "true", False: "false", None: "unknown"}
_ACTION_TYPES = tuple(ACTION_MODELS.values())
_BINDING = ("must", "shall")


class Engine:
    """A loaded rulebook. Build it with `govrules.load()`; share it freely between threads."""

    def __init__(self, versions: dict[str, list[Version]], topics: dict[str, Any], calendar: WorkCalendar):
        # INVARIANT: nothing here changes after construction; evaluate() only reads.
        self._versions = versions
        self._topics = topics
        self._calendar = calendar
        # Immutable findings and obligations without dates, by what makes them: a cache of values,
        # not state (dict reads and writes are atomic under the GIL; a race makes one twice).
        self._shared: dict[Any, Any] = {}

    # --- what is loaded -----------------------------------------------------------------------
    @property
    def jurisdictions(self) -> tuple[str, ...]:
        return tuple(sorted(self._versions))

    @property
    def topics(self) -> Mapping[str, Any]:
        return self._topics

    def versions(self, jurisdiction: str) -> tuple[Version, ...]:
        return tuple(self._versions.get(jurisdiction, ()))

    def rules(self) -> Iterable[CompiledRule]:
        for versions in self._versions.values():
            for v in versions:
                for rules in v.by_kind.values():
                    yield from rules

    def version_for(self, jurisdiction: str, day: dt.date) -> Version:
        """The version of a jurisdiction's rules in force on `day`. Raises ActionError."""
        versions = self._versions.get(jurisdiction)
        if versions is None:
            from ._errors import did_you_mean

            hint = did_you_mean(jurisdiction, self._versions)
            raise ActionError(
                f"unknown jurisdiction `{jurisdiction}`" + (f"; {hint}" if hint else ""), path="jurisdiction"
            )
        for v in versions:
            if v.in_force(day):
                return v
        first = versions[0].meta
        raise ActionError(
            f"no rules of `{jurisdiction}` in force on {day.isoformat()}: 《{first.short_zh}》 "
            f"takes effect on {first.effective_from.isoformat()}",
            path="date",
        )

    # --- judging ------------------------------------------------------------------------------
    def evaluate(self, action: Action | Mapping[str, Any], *, trace: bool = False) -> Decision:
        """Judge one action. Raises ActionError for an invalid action or a date with no rules."""
        act = parse_action(action)
        version = self.version_for(act.jurisdiction, act.date)
        rules = version.by_kind.get(act.kind, ())
        judge = _Judgement(act, self._calendar, trace, self._shared)
        for rule in rules:
            judge.weigh(rule)
        return judge.decision(version, silent=not rules)


def parse_action(action: Action | Mapping[str, Any]) -> Action:
    """A typed action from a model or a plain mapping. Raises ActionError naming the bad field."""
    if isinstance(action, _ACTION_TYPES):
        return action
    if not isinstance(action, Mapping):
        raise ActionError(f"an action is a mapping or an action model, not {type(action).__name__}")
    try:
        return ACTION_ADAPTER.validate_python(action)
    except ValidationError as exc:
        raise ActionError(_explain(exc)) from None


def _explain(exc: ValidationError, tags: Collection[str] = ACTION_MODELS, noun: str = "action") -> str:
    """One line naming each bad field (at most five), from a union model's validation error."""
    parts = []
    for err in exc.errors(include_url=False)[:5]:
        loc = [str(p) for p in err["loc"]]
        if loc[:1] and loc[0] in tags:  # pydantic puts the union's tag first: drop it
            loc = loc[1:]
        where, msg = ".".join(loc) or noun, err["msg"]
        ctx = err.get("ctx", {})
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "missing"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            where = str(ctx.get("discriminator", "kind")).strip("'")
            msg = f"unknown {where} `{ctx['tag']}`" if "tag" in ctx else "missing"
        parts.append(f"{where}: {msg}")
    more = len(exc.errors()) - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


class _Judgement:
    """The weighing of one action's rules, gathered into a decision."""

    def __init__(self, act: Action, calendar: WorkCalendar, trace: bool, shared: dict[Any, Any]) -> None:
        self.act = act
        self.calendar = calendar
        self.shared = shared
        self.findings: list[Finding] = []
        self.obligations: list[Obligation] = []
        self.trace: list[TraceEntry] | None = [] if trace else None
        self.provisional = False
        self.applied_exceptions: set[str] = set()

    def weigh(self, rule: CompiledRule) -> None:
        # An exception is weighed only through the rules it defeats (Catala's semantics): on its
        # own it says nothing, and a fact it reads is not needed when its base rule does not hold.
        if rule.rule.exception_to:
            return
        act = self.act
        holds = rule.condition.fn(act)
        defeated_by: list[str] = []
        unknown_exceptions: list[CompiledRule] = []
        if holds is not False:
            for exc in rule.exceptions:
                value = exc.condition.fn(act)
                if value is True:
                    defeated_by.append(exc.rule.id)
                elif value is None:
                    unknown_exceptions.append(exc)
                if value is not True and self.trace is not None:
                    self.trace.append(TraceEntry(rule=exc.rule.id, condition=exc.rule.when,
                                                 value=_VALUE[value], exception_to=(rule.rule.id,),
                                                 facts=_facts(exc, act)))
        outcome = None
        if holds is False:
            pass
        elif defeated_by:
            for exc in rule.exceptions:
                if exc.rule.id in defeated_by and exc.rule.id not in self.applied_exceptions:
                    self.applied_exceptions.add(exc.rule.id)
                    exc_outcome = self.apply(exc)
                    if self.trace is not None:
                        self.trace.append(TraceEntry(rule=exc.rule.id, condition=exc.rule.when,
                                                     value="true", outcome=exc_outcome,
                                                     exception_to=(rule.rule.id,), facts=_facts(exc, act)))
        elif (holds is None or unknown_exceptions) and self.met(rule):
            outcome = self.find(rule, "satisfied")
        elif holds is None or unknown_exceptions:
            missing = rule.condition.missing(act) if holds is None else []
            for exc in unknown_exceptions:
                missing += exc.condition.missing(act)
            outcome = self.find(rule, "undetermined", missing=tuple(dict.fromkeys(missing)))
        else:
            outcome = self.apply(rule)
        if self.trace is not None:
            self.trace.append(
                TraceEntry(rule=rule.rule.id, condition=rule.rule.when, value=_VALUE[holds],
                           defeated_by=tuple(defeated_by), outcome=outcome, facts=_facts(rule, act))
            )

    def apply(self, rule: CompiledRule) -> str:
        effect = rule.rule.effect
        if effect.permit:
            return self.find(rule, "permitted")
        if effect.deny:
            return self.violated(rule)
        req = effect.require
        assert req is not None
        timing = self.timing(req)
        if timing is None:
            assert req.due is not None
            return self.find(rule, "undetermined", missing=(req.due.anchor,))
        due, deadline, after = timing
        done = _matching(self.act.steps, req.step, req.parties)
        if done is not None:
            if req.written and done.written is False:
                return self.violated(rule, due=due)
            if deadline is not None and done.date is not None and done.date > deadline:
                return self.violated(rule, due=due, comply_by=deadline)
            return self.find(rule, "satisfied", due=due)
        as_of = self.act.as_of
        if deadline is not None and as_of is not None and as_of > deadline:
            return self.violated(rule, due=due, comply_by=deadline)
        follow_up = after and (due is None or due > self.act.date)
        key = ("obligation", rule.rule.id, follow_up) if due is None else None
        obligation = self.shared.get(key) if key else None
        if obligation is None:
            obligation = Obligation(
                rule=rule.rule.id, article=rule.article.number, step=req.step, party=req.parties, due=due,
                written=req.written, system=req.system, follow_up=follow_up,
                provisional=bool(due and req.due and req.due.unit == "working" and self.calendar.is_provisional(due)))
            if key:
                self.shared[key] = obligation
        self.obligations.append(obligation)
        return self.find(rule, "obligation" if follow_up else "pending", due=due)

    def timing(self, req: Require) -> tuple[dt.date | None, dt.date | None, bool] | None:
        """(due date, the last day the step may be done, whether it follows the act), or None when
        the date the deadline counts from is not given. A step before the act with no deadline of
        its own is due by the act's day; one after the act with none has no last day."""
        due = None
        if req.due:
            anchor: dt.date | None = getattr(self.act, req.due.anchor)
            if anchor is None:
                return None
            sign = -1 if req.due.before else 1
            try:
                due = self.calendar.shift(anchor, sign * req.due.days, req.due.unit)
            except (OverflowError, ValueError):
                raise ActionError(f"{req.due.anchor} {anchor}: a deadline counted from it falls outside "
                                  "the calendar", path=req.due.anchor) from None
            if req.due.unit == "working" and (
                self.calendar.is_provisional(anchor) or self.calendar.is_provisional(due)
            ):
                self.provisional = True
        after = req.timing == "after" or bool(req.due and req.due.after)
        return due, due if due is not None else (None if after else self.act.date), after

    def met(self, rule: CompiledRule) -> bool:
        """The rule's required step is done, in form and in time: whatever the unknowns, it holds."""
        req = rule.rule.effect.require
        if req is None:
            return False
        done = _matching(self.act.steps, req.step, req.parties)
        timing = self.timing(req)
        if done is None or timing is None or (req.written and done.written is False):
            return False
        deadline = timing[1]
        return deadline is None or (done.date is not None and done.date <= deadline)

    def violated(self, rule: CompiledRule, due: dt.date | None = None, comply_by: dt.date | None = None) -> str:
        if rule.rule.modality == "in_principle":
            if _matching(self.act.steps, "exception_grounds", None, rule=rule.rule.id):
                return self.find(rule, "excepted", due=due)
            self.obligations.append(
                Obligation(rule=rule.rule.id, article=rule.article.number, step="exception_grounds")
            )
        return self.find(rule, "violated", due=due, comply_by=comply_by)

    def find(self, rule: CompiledRule, outcome: str, **extra: Any) -> str:
        # A finding without dates is the same whichever action it is found for: it is made once
        # per engine and shared (findings are immutable). Dated ones are made each time.
        dated = extra.get("due") is not None or extra.get("comply_by") is not None
        key = None if dated else (rule.rule.id, outcome, extra.get("missing"))
        finding = self.shared.get(key) if key else None
        if finding is None:
            r = rule.rule
            finding = Finding(
                rule=r.id, jurisdiction=rule.jurisdiction, article=rule.article.number,
                label=rule.article.label, topic=r.topic, modality=r.modality, outcome=outcome,
                message_zh=r.message.zh, message_en=r.message.en, citation_zh=rule.citation_zh,
                quote=r.quote, exception_to=r.exception_to, provenance=rule.provenance, **extra)
            if key:
                self.shared[key] = finding
        self.findings.append(finding)
        return outcome

    def decision(self, version: Version, *, silent: bool) -> Decision:
        verdict = "allowed"
        for f in self.findings:
            if f.outcome == "violated" and f.modality in _BINDING:
                verdict = "denied"
                break
            if f.outcome in ("pending", "undetermined") or (
                f.outcome == "violated" and f.modality == "in_principle"
            ):
                verdict = "conditional"
        act = self.act
        return Decision(
            action_id=act.id, kind=act.kind, jurisdiction=act.jurisdiction, date=act.date,
            rulebook=version.key, document=version.meta.title_zh, verdict=verdict,
            findings=tuple(self.findings), obligations=tuple(self.obligations),
            provisional=self.provisional, silent=silent,
            trace=tuple(self.trace) if self.trace is not None else None,
        )


def _facts(rule: CompiledRule, act: Action) -> dict[str, Any]:
    """The action's value of each field the rule's condition reads, for the trace."""
    return {".".join(path): get(act) for path, get in rule.condition.getters.items()}


def _matching(steps: tuple[Step, ...], step: str, parties: tuple[str, ...] | None,
              rule: str | None = None) -> Step | None:
    found = [
        s for s in steps
        if s.step == step and (parties is None or s.party in parties) and (rule is None or s.rule == rule)
    ]
    if not found:
        return None
    return min(found, key=lambda s: s.date or dt.date.max)


def load(path: str | Path | None = None, *, extra: Iterable[str | Path] = ()) -> Engine:
    """Load, validate and compile a rulebook: the bundled one, or the files under `path`, plus any
    overlay files or folders in `extra`. Raises RulebookError listing every problem found."""
    roots = [Path(path) if path is not None else bundled_dir(), *map(Path, extra)]
    calendar = WorkCalendar()
    versions, topics = build(rulebook_files(roots), calendar)
    return Engine(versions, topics, calendar)
