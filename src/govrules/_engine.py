"""The engine: a compiled rulebook, immutable, and `evaluate`, a pure function of it and an action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ._actions import ACTION_MODELS, STEP_FIELDS, Action, action_adapter, step_field_message
from ._cache import build, cached_build  # `build` imports the compiler on a cache miss only
from ._calendar import WorkCalendar
from ._decision import Assumption, Decision, FactUse, Finding, Obligation, TraceEntry
from ._errors import ActionError, did_you_mean
from ._fast import FastJudge
from ._fastparse import fast_action
from ._lang.compiled import CompiledAudit, CompiledRule, Version, bundled_dir, digest, rulebook_files
from ._lang.condition import Checked, Type, type_of
from ._lang.rulebook import Presumption, Require
from ._validation import field_errors

if TYPE_CHECKING:  # the public views (`_info`) are imported when first asked for, not by `check`
    from ._info import RulebookVersion, RuleInfo

_VALUE = {True: "true", False: "false", None: "unknown"}
_ACTION_TYPES = tuple(ACTION_MODELS.values())
_ACTION_SET = frozenset(_ACTION_TYPES)


class Engine:
    """A loaded rulebook. Build it with `govrules.load()`; share it freely between threads."""

    def __init__(
        self,
        versions: Mapping[str, list[Version]],
        topics: dict[str, Any],
        calendar: WorkCalendar,
        *,
        fast: bool = True,
    ):
        # INVARIANT: nothing here changes after construction; evaluate() only reads.
        # `fast=False` (for tests and the bench only) judges every action the reference way.
        self._versions = versions
        self._topics = topics
        self._calendar = calendar
        # Immutable findings and obligations without dates, by what makes them: a cache of values,
        # not state (dict reads and writes are atomic under the GIL; a race makes one twice).
        self._shared: dict[Any, Any] = {}
        self._public: dict[str, RulebookVersion] = {}  # the public view of each version, built on first use
        # The fast judge (`_fast`): the same decisions, with less work; caches of values only.
        self._fast = FastJudge(versions, calendar, self._in_force, self._reference) if fast else None

    # --- what is loaded -----------------------------------------------------------------------
    @property
    def jurisdictions(self) -> tuple[str, ...]:
        return tuple(sorted(self._versions))

    @property
    def topics(self) -> Mapping[str, Any]:
        return self._topics

    @property
    def digest(self) -> str:
        """`sha256:…` of what this engine judges with (the rules, texts, checks and topics, not the
        files' names): the service and the Dask workers name a rulebook by it. Computed once."""
        found: str | None = self.__dict__.get("_digest")
        if found is None:  # a race computes the same value twice, harmlessly
            found = self.__dict__["_digest"] = digest(self._versions, self._topics)
        return found

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar the rulebook's deadlines are counted in."""
        return self._calendar

    def versions(self, jurisdiction: str) -> tuple[RulebookVersion, ...]:
        """The versions of a jurisdiction's rules, oldest first (none for an unknown jurisdiction)."""
        from ._info import public_versions  # the public views, only when asked for (start-up)

        return public_versions(self._compiled_versions(jurisdiction), self._public)

    def rules(self) -> Iterator[RuleInfo]:
        """Every rule loaded: each jurisdiction's, each version's, overlays' and exceptions included."""
        for jurisdiction in self._versions:
            for v in self.versions(jurisdiction):
                yield from v.rules

    def version_for(self, jurisdiction: str, day: dt.date) -> RulebookVersion:
        """The version of a jurisdiction's rules in force on `day`. Raises ActionError."""
        from ._info import public_versions  # the public views, only when asked for (start-up)

        (view,) = public_versions([self._in_force(jurisdiction, day)], self._public)
        return view

    # --- the compiled rulebook, for govrules' own modules (not public: its types may change) ----
    def _compiled_versions(self, jurisdiction: str) -> tuple[Version, ...]:
        return tuple(self._versions.get(jurisdiction, ()))

    def audit_checks(self, jurisdiction: str) -> tuple[tuple[str, tuple[CompiledAudit, ...]], ...]:
        """Internal, for the audit wing (`govrules._audit`), not public API: each version's key
        (`jurisdiction@version`) and compiled audit checks, oldest first. The public view of the
        checks is `RulebookVersion.audits`."""
        return tuple((v.key, v.audits) for v in self._versions.get(jurisdiction, ()))

    def _compiled_rules(self) -> Iterable[CompiledRule]:
        for versions in self._versions.values():
            for v in versions:
                for rules in v.by_kind.values():
                    yield from rules

    def _in_force(self, jurisdiction: str, day: dt.date) -> Version:
        """The compiled version of a jurisdiction's rules in force on `day`. Raises ActionError."""
        versions = self._versions.get(jurisdiction)
        if versions is None:
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

    def facts(self, kind: str, jurisdiction: str, day: dt.date | None = None) -> tuple[FactUse, ...]:
        """What the rules of `kind` in force on `day` (default: today) read: each fact with its
        description and the rules reading it, then each step they require. Raises ActionError."""
        if kind not in ACTION_MODELS:
            raise ActionError(
                f"unknown kind `{kind}`" + (f"; {h}" if (h := did_you_mean(kind, ACTION_MODELS)) else ""), path="kind"
            )
        version = self._in_force(jurisdiction, day or dt.date.today())
        model = ACTION_MODELS[kind]
        readers: dict[str, list[str]] = {}
        presumed: set[str] = set()
        steps: dict[tuple[str, str], list[str]] = {}
        for rule in version.by_kind.get(kind, ()):
            for path in rule.condition.getters:
                readers.setdefault(".".join(path), []).append(rule.rule.id)
            presumed.update(p.fact for p in rule.rule.presume)
            req = rule.rule.effect.require
            if req is not None:
                if req.due is not None:
                    readers.setdefault(req.due.anchor, []).append(rule.rule.id)
                for party in req.parties:
                    steps.setdefault((req.step, party), []).append(rule.rule.id)
        out = []
        for name, rules in readers.items():
            info, typ = _field(model, name)
            out.append(
                FactUse(
                    name=name,
                    type=str(typ),
                    description_en=info.description or "",
                    description_zh=_zh(info),
                    rules=tuple(dict.fromkeys(rules)),
                    presumed=name in presumed,
                )
            )
        for (step_type, body), rules in steps.items():
            out.append(
                FactUse(
                    name=f"step: {step_type} ({body})",
                    type="step",
                    description_en=f"a `{step_type}` step by or to `{body}`, dated",
                    description_zh="",
                    rules=tuple(dict.fromkeys(rules)),
                )
            )
        return tuple(out)

    # --- judging ------------------------------------------------------------------------------
    def evaluate(self, action: Action | Mapping[str, Any], *, trace: bool = False, strict: bool = False) -> Decision:
        """Judge one action. Raises ActionError for an invalid action or a date with no rules.

        `strict` sets aside the rulebook's presumptions: a fact the action does not give is missing."""
        act = cast(Action, action) if type(action) in _ACTION_SET else parse_action(action)
        if self._fast is not None:
            return self._fast.evaluate(act, trace, strict)
        return self._reference(act, self._in_force(act.jurisdiction, act.date), trace, strict)

    def evaluate_many(
        self, actions: Iterable[Action | Mapping[str, Any]], *, trace: bool = False, strict: bool = False
    ) -> list[Decision]:
        """Judge each action in turn: `[evaluate(a) for a in actions]`, with less overhead per action.
        Raises ActionError for the first invalid one."""
        return list(self.evaluate_iter(actions, trace=trace, strict=strict))

    def evaluate_iter(
        self, actions: Iterable[Action | Mapping[str, Any]], *, trace: bool = False, strict: bool = False
    ) -> Iterator[Decision]:
        """Judge each action in turn, lazily: each decision is made when it is asked for, so a stream
        of any length is judged without holding its decisions (the fastest way for a caller who
        consumes them one by one). Raises ActionError on reaching an invalid action."""
        if self._fast is None:
            return (self.evaluate(a, trace=trace, strict=strict) for a in actions)
        return self._fast.evaluate_iter(actions, parse_action, trace, strict)

    def _reference(self, act: Action, version: Version, trace: bool, strict: bool) -> Decision:
        """The reference judgement: each rule's closures, weighed one by one (the fast judge's oracle)."""
        with self._calendar.watch() as counted:  # every working-day count, conditions' included
            judge = _Judgement(act, self._calendar, trace, self._shared, strict)
            for rule in version.by_kind.get(act.kind, ()):
                judge.weigh(rule)
            decision = judge.decision(version)
        if counted.provisional and not decision.provisional:
            return decision.model_copy(update={"provisional": True})
        return decision


def parse_action(action: Action | Mapping[str, Any]) -> Action:
    """A typed action from a model or a plain mapping. Raises ActionError naming every bad field."""
    if isinstance(action, _ACTION_TYPES):
        return action
    if not isinstance(action, Mapping):
        raise ActionError(f"an action is a mapping or an action model, not {type(action).__name__}")
    if (fast := fast_action(action)) is not None:  # plain JSON of the models' own types (no step field)
        return fast
    for name in STEP_FIELDS:
        if name in action:
            raise ActionError(step_field_message(name), path=name)
    try:
        return action_adapter().validate_python(action)
    except ValidationError as exc:
        raise ActionError(errors=field_errors(exc, ACTION_MODELS, "action")) from None


@dataclass(frozen=True)
class _Result:
    """What one rule's effect gives for the action, before it is recorded."""

    outcome: str
    due: dt.date | None = None
    comply_by: dt.date | None = None
    missing: tuple[str, ...] = ()
    obligation: Obligation | None = None


_SATISFIED = _Result("satisfied")
_PERMITTED = _Result("permitted")


class _Judgement:
    """The weighing of one action's rules, gathered into a decision."""

    def __init__(self, act: Action, calendar: WorkCalendar, trace: bool, shared: dict[Any, Any], strict: bool) -> None:
        self.act = act
        self.calendar = calendar
        self.shared = shared
        self.strict = strict
        self.findings: list[Finding] = []
        self.obligations: list[Obligation] = []
        self.assumptions: dict[tuple[str, str], Assumption] = {}
        self.trace: list[TraceEntry] | None = [] if trace else None
        self.provisional = False
        self.applied_exceptions: set[str] = set()

    def value(self, rule: CompiledRule, condition: Checked) -> tuple[bool | None, tuple[Presumption, ...]]:
        """A condition's value for the action, with the rule's presumptions standing in for facts the
        action does not give (unless strict), and the presumptions that were needed."""
        value = condition.fn(self.act)
        if value is not None or self.strict or not rule.rule.presume:
            return value, ()
        used = tuple(
            p for p in rule.rule.presume if (p.fact,) in condition.getters and getattr(self.act, p.fact) is None
        )
        if not used:
            return None, ()
        presumed = self.act.model_copy(update={p.fact: p.value for p in used})
        value = condition.fn(presumed)
        return value, (used if value is not None else ())

    def weigh(self, rule: CompiledRule) -> None:
        # An exception is weighed only through the rules it defeats (Catala's semantics): on its
        # own it says nothing, and a fact it reads is not needed when its base rule does not hold.
        if rule.rule.exception_to:
            return
        act = self.act
        holds, used = self.value(rule, rule.condition)
        defeating: list[tuple[CompiledRule, _Result, tuple[Presumption, ...]]] = []
        unknown_exceptions: list[CompiledRule] = []
        if holds is not False:
            for exc in rule.exceptions:
                value, exc_used = self.value(exc, exc.condition)
                if value is True:
                    # An exception that carries a requirement defeats its rule only when the
                    # requirement is not broken (可…但须经批准: without the approval, the rule stands).
                    exc_result = self.effect(exc)
                    if exc_result.outcome != "violated" or not exc.rule.effect.require:
                        defeating.append((exc, exc_result, exc_used))
                elif value is None:
                    unknown_exceptions.append(exc)
                if self.trace is not None and value is not True:
                    self.trace.append(
                        TraceEntry(
                            rule=exc.rule.id,
                            condition=exc.rule.when,
                            value=_VALUE[value],
                            exception_to=(rule.rule.id,),
                            facts=_facts(exc, act),
                        )
                    )
        result: _Result | None = None
        if holds is False:
            if rule.scope is not None:  # a deny rule that applies and is not broken: cite it
                in_scope, scope_used = self.value(rule, rule.scope)
                if in_scope is True:
                    result, used = _SATISFIED, used + scope_used
        elif defeating:
            for exc, exc_result, exc_used in defeating:
                if exc.rule.id not in self.applied_exceptions:
                    self.applied_exceptions.add(exc.rule.id)
                    self.record(exc, exc_result, exc_used)
                    if self.trace is not None:
                        self.trace.append(
                            TraceEntry(
                                rule=exc.rule.id,
                                condition=exc.rule.when,
                                value="true",
                                outcome=exc_result.outcome,
                                exception_to=(rule.rule.id,),
                                facts=_facts(exc, act),
                            )
                        )
        elif holds is None or unknown_exceptions:
            result = self.effect(rule) if rule.rule.effect.require else None
            if result is None or result.outcome != "satisfied":  # a step done settles it, whatever the unknowns
                missing = rule.condition.missing(act) if holds is None else []
                for exc in unknown_exceptions:
                    missing += exc.condition.missing(act)
                result = _Result("undetermined", missing=tuple(dict.fromkeys(missing)))
        else:
            result = self.effect(rule)
        if result is not None:
            self.record(rule, result, used)
        if self.trace is not None:
            self.trace.append(
                TraceEntry(
                    rule=rule.rule.id,
                    condition=rule.rule.when,
                    value=_VALUE[holds],
                    defeated_by=tuple(exc.rule.id for exc, _, _ in defeating),
                    outcome=result.outcome if result else None,
                    facts=_facts(rule, act),
                )
            )

    def effect(self, rule: CompiledRule) -> _Result:
        """What the rule's effect gives, the rule applying."""
        effect = rule.rule.effect
        if effect.permit:
            return _PERMITTED
        if effect.deny:
            return self.violation(rule)
        req = effect.require
        assert req is not None
        timing = self.timing(req)
        if timing is None:
            assert req.due is not None
            return _Result("undetermined", missing=(req.due.anchor,))
        due, deadline = timing
        after = req.timing == "after"
        act = self.act
        missing: list[str] = []
        late: dt.date | None = None
        broken = False
        for i, step in enumerate(act.steps):
            if step.step != req.step or step.party not in req.parties:
                continue
            if step.date is None:  # done, time unknown: never on time (a follow-up stays open)
                if not after:
                    missing.append(f"steps[{i}].date")
                continue
            if after and step.date < act.date:  # a follow-up done before the act is not it
                continue
            if req.written and step.written is not True:
                if step.written is None:
                    missing.append(f"steps[{i}].written")
                else:
                    broken = True
                continue
            if deadline is not None and step.date > deadline:
                late = step.date
                continue
            return _Result("satisfied", due=due)
        if missing:
            return _Result("undetermined", due=due, missing=tuple(missing))
        if broken or late is not None:
            return self.violation(rule, due=due, comply_by=deadline if late is not None else None)
        if deadline is not None and act.as_of is not None and act.as_of > deadline:
            return self.violation(rule, due=due, comply_by=deadline)
        key = ("obligation", rule.rule.id) if due is None else None
        obligation = self.shared.get(key) if key else None
        if obligation is None:
            obligation = Obligation(
                rule=rule.rule.id,
                article=rule.article.number,
                step=req.step,
                party=req.parties,
                due=due,
                written=req.written,
                system=req.system,
                follow_up=after,
                provisional=bool(due and req.due and req.due.unit == "working" and self.calendar.is_provisional(due)),
            )
            if key:
                self.shared[key] = obligation
        return _Result("obligation" if after else "pending", due=due, obligation=obligation)

    def timing(self, req: Require) -> tuple[dt.date | None, dt.date | None] | None:
        """(due date, the last day the step may be done), or None when the date the deadline counts
        from is not given. A step before the act with no deadline of its own is due by the act's day;
        a follow-up with none has no last day (及时: an open obligation)."""
        due = None
        if req.due:
            anchor: dt.date | None = getattr(self.act, req.due.anchor)
            if anchor is None:
                return None
            sign = -1 if req.due.before else 1
            try:
                due = self.calendar.span_end(anchor, req.due.days, req.due.unit, req.due.counts_start, sign)
            except (OverflowError, ValueError):
                raise ActionError(
                    f"{req.due.anchor} {anchor}: a deadline counted from it falls outside the calendar",
                    path=req.due.anchor,
                ) from None
            if req.due.unit == "working" and (
                self.calendar.is_provisional(anchor) or self.calendar.is_provisional(due)
            ):
                self.provisional = True
        if due is not None:
            return due, due
        return None, (None if req.timing == "after" else self.act.date)

    def violation(self, rule: CompiledRule, due: dt.date | None = None, comply_by: dt.date | None = None) -> _Result:
        if rule.rule.modality == "in_principle":
            for step in self.act.steps:
                if step.step == "exception_grounds" and step.rule == rule.rule.id:
                    return _Result("excepted", due=due)
            # The grounds for departing from a duty after the act are owed after it too, open (an
            # overdue in-principle follow-up never holds back the act done, nor dates the grounds on it)
            after = bool(rule.rule.effect.require and rule.rule.effect.require.timing == "after")
            grounds = Obligation(
                rule=rule.rule.id, article=rule.article.number, step="exception_grounds", follow_up=after
            )
            return _Result("violated", due=due, comply_by=comply_by, obligation=grounds)
        return _Result("violated", due=due, comply_by=comply_by)

    def record(self, rule: CompiledRule, result: _Result, presumed: tuple[Presumption, ...] = ()) -> None:
        if result.obligation is not None:
            self.obligations.append(result.obligation)
        for p in presumed:
            self.assumptions.setdefault(
                (rule.rule.id, p.fact),
                Assumption(
                    rule=rule.rule.id,
                    article=rule.article.number,
                    fact=p.fact,
                    value=p.value,
                    reason_zh=p.reason.zh,
                    reason_en=p.reason.en,
                ),
            )
        # A finding without dates is the same whichever action it is found for: it is made once
        # per engine and shared (findings are immutable). Dated ones are made each time.
        dated = result.due is not None or result.comply_by is not None
        key = None if dated else (rule.rule.id, result.outcome, result.missing)
        finding = self.shared.get(key) if key else None
        if finding is None:
            r = rule.rule
            finding = Finding(
                rule=r.id,
                jurisdiction=rule.jurisdiction,
                article=rule.article.number,
                label=rule.article.label,
                topic=r.topic,
                modality=r.modality,
                outcome=result.outcome,
                message_zh=r.message.zh,
                message_en=r.message.en,
                citation_zh=rule.citation_zh,
                quote=r.quote,
                exception_to=r.exception_to,
                missing=result.missing,
                due=result.due,
                comply_by=result.comply_by,
                provenance=rule.provenance,
                follow_up=bool(r.effect.require and r.effect.require.timing == "after"),
            )
            if key:
                self.shared[key] = finding
        self.findings.append(finding)

    def decision(self, version: Version) -> Decision:
        verdict = "allowed"
        breach = False
        needs: dict[str, None] = {}
        missing: dict[str, None] = {}
        for f in self.findings:  # what each finding does is the finding's to say (Finding.denies…)
            if f.breaches:
                breach = True
                if f.denies:  # an overdue follow-up is a breach of its own, not of the act
                    verdict = "denied"
            elif (need := f.need) is not None:
                needs[need] = None
                if need == "missing_facts":
                    missing.update(dict.fromkeys(f.missing))
        if verdict != "denied" and needs:
            verdict = "conditional"
        act = self.act
        return Decision(
            action_id=act.id,
            kind=act.kind,
            jurisdiction=act.jurisdiction,
            date=act.date,
            rulebook=version.key,
            document=version.meta.title_zh,
            verdict=verdict,
            breach=breach,
            conditional_on=tuple(needs) if verdict == "conditional" else (),
            missing_facts=tuple(missing),
            findings=tuple(self.findings),
            obligations=tuple(self.obligations),
            assumptions=tuple(self.assumptions.values()),
            provisional=self.provisional,
            silent=not self.findings,
            trace=tuple(self.trace) if self.trace is not None else None,
        )


def _field(model: type[BaseModel], dotted: str) -> tuple[FieldInfo, Type]:
    """The pydantic field and our type of a dotted path below `model` (checked at load)."""
    info: FieldInfo | None = None
    current: type[BaseModel] | None = model
    typ = type_of(None)
    for name in dotted.split("."):
        assert current is not None
        info = current.model_fields[name]
        typ = type_of(info.annotation)
        current = typ.model
    assert info is not None
    return info, typ


def _zh(info: FieldInfo) -> str:
    extra = info.json_schema_extra
    return str(extra.get("zh", "")) if isinstance(extra, dict) else ""


def _facts(rule: CompiledRule, act: Action) -> dict[str, Any]:
    """The action's value of each field the rule's condition reads, for the trace."""
    return {".".join(path): get(act) for path, get in rule.condition.getters.items()}


def load(path: str | Path | None = None, *, extra: Iterable[str | Path] = ()) -> Engine:
    """Load, validate and compile a rulebook: the bundled one, or the files under `path`, plus any
    overlay files or folders in `extra`. Raises RulebookError listing every problem found."""
    roots = [Path(path) if path is not None else bundled_dir(), *map(Path, extra)]
    calendar = WorkCalendar()
    # An unchanged rulebook comes from the user's private cache (`_cache`: keyed by every file read)
    versions, topics = cached_build(rulebook_files(roots), calendar, build)
    return Engine(versions, topics, calendar)
