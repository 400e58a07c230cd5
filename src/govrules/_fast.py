"""The fast judge: the same decisions as `_engine._Judgement` (the reference), made with less work.

- One generated function per (version, kind) (`_codegen`) weighs every rule's condition at once,
  with the field reads shared, and skips a rule whose leading equality test fails (an index on
  `actor.role`, `issuer`, `doc_type`…): it gives back only the rules that apply or may apply.
- What cannot change is made once: a finding, an obligation or a version is looked up, not built;
  and inside, the judge passes plain tuples. Pydantic models are validated where they are first
  built; a `Decision` (and a trace entry), whose parts are all validated values already, is put
  together without validating them again (`_construct`).
- A decision is remembered by the facts it depends on (`Plan.facts`) while that pays: a plan whose
  actions rarely repeat their facts (each its own dates and steps) stops making the key
  (`Plan.keying`). Where one rule alone applies, the decision is remembered by that rule's result.
- Obligations are dated where they are made (a step owed before the act is due on its day), and
  only a plan whose conditions count working days is weighed under the calendar's watch.
- Anything out of the common way (an exception met, a fact unknown, a presumption) is weighed rule
  by rule (`_Weighing`); an anchor out of the calendar's range or an error goes to the reference
  judgement whole, so that the decision (or the error) is the reference's own.

INVARIANT: for every action, `FastJudge.evaluate` equals the reference's decision, field for field
(tests/test_fast.py proves it on every rule test case and on random actions of every kind).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from ._actions import ACTION_MODELS, Action
from ._calendar import _WATCH, Touched
from ._codegen import Module, Unsupported, equality_key, namespace
from ._decision import Assumption, Decision, Finding, Obligation, TraceEntry
from ._errors import ActionError
from ._fastparse import fast_action
from ._lang.condition import Binary, Call, nodes

if TYPE_CHECKING:
    from ._calendar import WorkCalendar
    from ._lang.compiled import CompiledRule, Version
    from ._lang.condition import Checked
    from ._lang.rulebook import Presumption
    from ._vocab import Outcome

_ACTION_SET = frozenset(ACTION_MODELS.values())
_VALUE = {True: "true", False: "false", None: "unknown"}
_LIMIT = 200_000  # values one judge remembers, all caches together, before it forgets them all
_new = object.__new__
_set = object.__setattr__


def _construct(cls: type[BaseModel], fields_set: set[str], values: dict[str, Any]) -> Any:
    """A model from values that are already of its fields' validated types (what model_construct
    does, without its per-field work)."""
    m = _new(cls)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", fields_set)
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


_DECISION_SET = set(Decision.model_fields)
_TRACE_RULE = {"rule", "condition", "value", "defeated_by", "outcome", "facts"}
# A rule's trace entry when it is false and gives nothing, in the fields' order.
_FALSE = {
    "rule": None,
    "condition": None,
    "value": "false",
    "defeated_by": (),
    "outcome": None,
    "exception_to": (),
    "facts": None,
}
_TRACE_EXC = {"rule", "condition", "value", "exception_to", "facts"}
_TRACE_APPLIED = {"rule", "condition", "value", "outcome", "exception_to", "facts"}


class Memory:
    """Every value one judge remembers (routes, findings, decisions by their facts…), bounded
    together: past `_LIMIT` entries, all are forgotten at once, so memory stays flat."""

    def __init__(self) -> None:
        self.count = 0
        self.dicts: list[dict[Any, Any]] = []

    def new(self) -> dict[Any, Any]:
        d: dict[Any, Any] = {}
        self.dicts.append(d)
        return d

    def room(self) -> None:
        """Make room for one more entry."""
        self.count += 1
        if self.count > _LIMIT:
            for d in self.dicts:
                d.clear()
            self.count = 0


class Fallback(Exception):
    """The action takes a way the fast judge leaves to the reference."""


class _Rule:
    """What the judge needs of one compiled rule, read once."""

    __slots__ = (
        "after",
        "alone",
        "anchor",
        "article",
        "assumptions",
        "compiled",
        "deny",
        "exceptions",
        "findings",
        "fn",
        "getters",
        "id",
        "in_principle",
        "memory",
        "obligation",
        "parties",
        "permit",
        "plain_deny",
        "presume",
        "presumptions",
        "require",
        "satisfied",
        "scope_fn",
        "shift",
        "step",
        "traced",
        "violated",
        "when",
        "working",
        "written",
    )

    def __init__(
        self,
        c: CompiledRule,
        fn: Callable[[Any], Any],
        scope_fn: Callable[[Any], Any] | None,
        exceptions: list[_Rule],
        memory: Memory,
    ) -> None:
        r = c.rule
        self.compiled = c
        self.id = r.id
        self.when = r.when
        self.fn = fn
        self.scope_fn = scope_fn
        self.exceptions = exceptions
        self.presume = bool(r.presume)
        self.presumptions = r.presume
        self.assumptions: dict[str, Assumption] = {}  # by fact: made once
        self.permit = bool(r.effect.permit)
        self.deny = bool(r.effect.deny)
        self.require = r.effect.require
        self.in_principle = r.modality == "in_principle"
        self.after = bool(self.require and self.require.timing == "after")
        self.plain_deny = self.deny and not self.in_principle
        # The findings without dates, once made (`finding`): the common ways, without a look-up.
        self.satisfied: tuple[Finding, bool, bool, str | None] | None = None
        self.violated: tuple[Finding, bool, bool, str | None] | None = None
        # A deadline in calendar days, not counting its first: the anchor moved by this much.
        due = self.require.due if self.require else None
        plain = due is not None and due.unit == "calendar" and not due.counts_start
        self.shift = dt.timedelta(days=-due.days if due.before else due.days) if plain and due else None
        self.anchor = due.anchor if due is not None else None
        self.working = due is not None and due.unit == "working"
        self.step = self.require.step if self.require else None
        self.parties = self.require.parties if self.require else ()
        self.written = self.require.written if self.require else None
        self.getters = tuple((".".join(p), g) for p, g in c.condition.getters.items())
        self.traced: Callable[[Any], dict[str, Any]] | None = None  # the same as `_facts`, generated
        self.article = c.article.number
        self.memory = memory
        self.findings: dict[Any, tuple[Finding, bool, bool, str | None]] = memory.new()
        self.obligation: dict[Any, Obligation] = memory.new()
        self.alone: dict[Any, dict[str, Any]] = memory.new()  # decisions where this rule alone applies

    def alone_body(
        self,
        plan: Plan,
        found: tuple[Finding, bool, bool, str | None],
        obligation: Obligation | None = None,
        provisional: bool = False,
        key: Any = None,
    ) -> dict[str, Any]:
        """The decision where this rule alone applies, with this finding: remembered by `key` (the
        effect's result) or by the outcome. The body keeps the finding and obligation alive."""
        body = plan.body((found,), (obligation,) if obligation is not None else (), provisional)
        self.memory.room()
        self.alone[key if key is not None else found[0].outcome] = body
        return body

    def assumption(self, p: Presumption) -> Assumption:
        found = self.assumptions.get(p.fact)
        if found is None:
            found = self.assumptions[p.fact] = Assumption.model_construct(
                rule=self.id,
                article=self.article,
                fact=p.fact,
                value=p.value,
                reason_zh=p.reason.zh,
                reason_en=p.reason.en,
            )
        return found

    def finding(
        self, outcome: str, missing: tuple[str, ...] = (), due: dt.date | None = None, comply_by: dt.date | None = None
    ) -> tuple[Finding, bool, bool, str | None]:
        """The finding (made once, then shared), with what it does to the verdict. Findings,
        obligations and assumptions are made with `model_construct` from values the rulebook's
        models and the vocabulary already hold in their validated types: their validators are then
        never built by a check (start-up), and tests/test_fast.py holds every one equal to the
        reference judgement's, which validates them."""
        key = (outcome, missing, due, comply_by)
        found = self.findings.get(key)
        if found is None:
            c, r = self.compiled, self.compiled.rule
            f = Finding.model_construct(
                rule=r.id,
                jurisdiction=c.jurisdiction,
                article=c.article.number,
                label=c.article.label,
                topic=r.topic,
                modality=r.modality,
                outcome=cast("Outcome", outcome),  # one of the outcomes: the judge makes no other
                message_zh=r.message.zh,
                message_en=r.message.en,
                citation_zh=c.citation_zh,
                quote=r.quote,
                exception_to=r.exception_to,
                missing=missing,
                due=due,
                comply_by=comply_by,
                provenance=c.provenance,
                follow_up=self.after,
            )
            found = (f, f.breaches, f.denies, f.need)
            self.memory.room()
            self.findings[key] = found
            if key == ("satisfied", (), None, None):
                self.satisfied = found
            elif key == ("violated", (), None, None):
                self.violated = found
        return found


# A result: (outcome, due, comply_by, missing, obligation, a working-day deadline in a provisional
# year was counted) — the reference's `_Result`, as a tuple.
_Res = tuple[str, dt.date | None, dt.date | None, tuple[str, ...], Obligation | None, bool]
_SATISFIED: _Res = ("satisfied", None, None, (), None, False)
_OUT = (False, False)  # a rule `select` leaves out: its condition false, and its scope
_PERMITTED: _Res = ("permitted", None, None, (), None, False)


class Plan:
    """The rules of one (version, kind), ready to weigh."""

    __slots__ = (
        "bodies",
        "document",
        "facts",
        "hits",
        "key",
        "keying",
        "memo",
        "memo_strict",
        "memory",
        "misses",
        "rules",
        "select",
        "silent",
        "version",
        "watch",
    )

    def __init__(self, version: Version, kind: str, judge: FastJudge) -> None:
        self.version = version
        self.key = version.key
        self.document = version.meta.title_zh
        compiled = version.by_kind.get(kind, ())
        tops = [c for c in compiled if not c.rule.exception_to]
        model = ACTION_MODELS[kind]
        # One generated module for the plan: each condition, the selection, the facts.
        module = Module(model)
        names: dict[int, str] = {}

        def generate(checked: Checked | None) -> None:
            if checked is None or checked.tree is None or id(checked) in names:
                return
            try:
                gen = module.generator()
                names[id(checked)] = module.add(gen, gen.add(checked.tree))
            except (Unsupported, RecursionError):
                pass  # its closure it is

        every: list[CompiledRule] = []
        todo = list(tops)
        while todo:
            c = todo.pop(0)
            every.append(c)
            todo += c.exceptions
        for c in every:
            if c.rule.exception_to:  # a rule's own condition and scope are weighed by `select`
                generate(c.condition)
        select = self._select(module, tops)
        facts = self._facts(module, tops)
        traced: dict[int, str] = {}  # each rule's facts, as a trace entry gives them
        for c in every:
            if ("steps",) in c.condition.getters:  # `done()`'s getter gives its own value, not the steps
                continue
            try:
                gen = module.generator()
                items = "".join(f"{'.'.join(p)!r}: {gen.path(p)}, " for p in c.condition.getters)
                traced[id(c)] = module.add(gen, "{" + items + "}")
            except Unsupported:
                pass  # read by the getters
        try:
            made = module.load(namespace(judge.working_days))
        except (Unsupported, SyntaxError, RecursionError, MemoryError):  # pragma: no cover - the closures
            made = {}

        def fn_of(checked: Checked) -> Callable[[Any], Any]:
            return made.get(names.get(id(checked), ""), checked.fn)

        rules: dict[int, _Rule] = {}

        def rule_of(c: CompiledRule) -> _Rule:
            if id(c) not in rules:
                scope_fn = fn_of(c.scope) if c.scope is not None else None
                rules[id(c)] = _Rule(c, fn_of(c.condition), scope_fn, [rule_of(e) for e in c.exceptions], judge.memory)
                rules[id(c)].traced = made.get(traced.get(id(c), ""))
            return rules[id(c)]

        self.rules = tuple(rule_of(c) for c in tops)
        self.select = made.get(select or "") or self._select_closures()
        # When nothing but the facts read can change the decision, it is remembered by them.
        self.facts = made.get(facts or "")
        # What a decision says beyond the action's own fields, by the findings and obligations that
        # make it (kept alive by the entry, so that their ids stay theirs).
        self.memory = judge.memory
        self.bodies: dict[Any, tuple[dict[str, Any], Any]] = judge.memory.new()
        self.silent = self.body((), (), False)
        self.memo: dict[Any, dict[str, Any]] = judge.memory.new()
        self.memo_strict: dict[Any, dict[str, Any]] = judge.memory.new()
        # Looks in the memo that found a decision, and that did not (approximate under threads:
        # they only steer `keying`).
        self.hits = self.misses = 0
        self.keying = self.facts is not None
        # A condition counting working days may touch a year with no published holidays, which makes
        # the decision provisional: such a plan is weighed under the calendar's watch. (A deadline's
        # count is judged provisional by `effect` itself.)
        self.watch = any(_counts_working_days(c.condition) for c in every)

    def missed(self) -> None:
        """A look for a decision by its facts found none: stop looking (keying) when fewer than one
        look in nine finds one — a stream whose actions each have their own dates and steps pays
        for a key it never finds."""
        self.misses += 1
        if not self.misses & 255 and self.hits * 8 < self.misses:
            self.keying = False

    def skipped(self) -> None:
        """A decision weighed without looking: look again, afresh, every 50,000."""
        self.misses += 1
        if self.misses > 50_000:
            self.forget()

    def forget(self) -> None:
        """Forget the decisions remembered by their facts."""
        self.memo.clear()
        self.memo_strict.clear()
        self.hits = self.misses = 0
        self.keying = self.facts is not None

    @staticmethod
    def _facts(module: Module, tops: list[CompiledRule]) -> str | None:
        """A generated function: the values of everything the decision can depend on — the facts
        the rules and their exceptions read, and for effects the steps, `date`, `as_of` and the
        deadlines' anchors. None when it cannot be made (then nothing is remembered)."""
        paths: dict[tuple[str, ...], None] = {}
        todo = list(tops)
        while todo:
            c = todo.pop(0)
            paths.update(dict.fromkeys(c.condition.getters))
            req = c.rule.effect.require
            if req is not None or c.rule.modality == "in_principle":  # `effect`, `violation` read these
                paths.update(dict.fromkeys([("steps",), ("date",), ("as_of",)]))
                if req is not None and req.due is not None:
                    paths[(req.due.anchor,)] = None
            todo += c.exceptions
        try:
            gen = module.generator()
            locals_ = [f"_steps({gen.path(p)})" if p == ("steps",) else gen.path(p) for p in paths]
            return module.add(gen, "(" + "".join(n + ", " for n in locals_) + ")")
        except Unsupported:
            return None

    @staticmethod
    def _select(module: Module, tops: list[CompiledRule]) -> str | None:
        """A generated function of the action: [(rule index, its condition's value, its scope's value
        when the condition is false)] for each rule whose condition is not false, or whose scope is
        not: the rules to weigh, in order."""
        try:
            gen = module.generator()
            gen.emit("_v0 = []")
            for i, c in enumerate(tops):
                scope = c.scope.tree if c.scope is not None else None
                when = c.condition.tree
                if c.scope is not None:  # the condition is `scope and when`: weigh each part once
                    if not (isinstance(when, Binary) and when.op == "and" and when.left is scope):
                        raise Unsupported("a scope not first")  # pragma: no cover - conjoin() makes it so
                    when = when.right
                if when is None or (c.scope is not None and scope is None):
                    raise Unsupported("a rule without its tree")  # pragma: no cover
                key = equality_key(scope if scope is not None else when)
                depth = gen.depth
                if key is not None:
                    local = gen.path(key[0])
                    gen.emit(f"if {local} is None or {local} in {gen.const(key[1])}:")
                    gen.nest()
                if scope is None:
                    v = gen.add(when)
                    gen.emit(f"if {v} is not False:")
                    gen.emit(f"    _v0.append(({i}, {v}, None))")
                else:
                    # _and(scope, when): the scope false, the rule is false and out of scope; else
                    # `when` false makes it false (in scope or unknown); else unknown if either is.
                    sv = gen.add(scope)
                    gen.emit(f"if {sv} is not False:")
                    gen.nest()
                    wv = gen.add(when)
                    gen.emit(f"if {wv} is False:")
                    gen.emit(f"    _v0.append(({i}, False, {sv}))")
                    gen.emit(f"elif {sv} is None or {wv} is None:")
                    gen.emit(f"    _v0.append(({i}, None, None))")
                    gen.emit("else:")
                    gen.emit(f"    _v0.append(({i}, True, None))")
                gen.depth = depth
            return module.add(gen, "_v0")
        except (Unsupported, RecursionError):
            return None

    def _select_closures(self) -> Callable[[Any], Any]:
        rules = self.rules

        def select(a: Any) -> list[tuple[int, Any, Any]]:
            hits = []
            for i, r in enumerate(rules):
                v = r.fn(a)
                if v is not False:
                    hits.append((i, v, None))
                elif r.scope_fn is not None and (s := r.scope_fn(a)) is not False:
                    hits.append((i, False, s))
            return hits

        return select

    def body(
        self,
        found: Sequence[tuple[Finding, bool, bool, str | None]],
        obligations: Sequence[Obligation],
        provisional: bool,
        assumptions: Sequence[Assumption] = (),
    ) -> dict[str, Any]:
        """The fields of a decision after `date`, in their order: made once per set of findings."""
        # By the ids of what makes it (kept alive by the entry); ids are never 0, 1 or -1.
        key = (*map(id, found), -1, *map(id, obligations), provisional, *map(id, assumptions))
        hit = self.bodies.get(key)
        if hit is not None:
            return hit[0]
        found, obligations, assumptions = tuple(found), tuple(obligations), tuple(assumptions)
        verdict = "allowed"
        breach = False
        needs: dict[str, None] = {}
        missing: dict[str, None] = {}
        for f, breaches, denies, need in found:  # the reference's `_Judgement.decision`
            if breaches:
                breach = True
                if denies:
                    verdict = "denied"
            elif need is not None:
                needs[need] = None
                if need == "missing_facts":
                    missing.update(dict.fromkeys(f.missing))
        if verdict != "denied" and needs:
            verdict = "conditional"
        body = {
            "action_id": None,  # the action's own fields, set on use (`_decision`)
            "kind": None,
            "jurisdiction": None,
            "date": None,
            "rulebook": self.key,
            "document": self.document,
            "verdict": verdict,
            "breach": breach,
            "conditional_on": tuple(needs) if verdict == "conditional" else (),
            "missing_facts": tuple(missing),
            "findings": tuple(f for f, _, _, _ in found),
            "obligations": obligations,
            "assumptions": assumptions,
            "provisional": provisional,
            "silent": not found,
            "trace": None,
        }
        self.memory.room()
        self.bodies[key] = (body, (found, obligations, assumptions))
        return body


class FastJudge:
    """Decisions for one engine, made the fast way. Shares nothing mutable with the reference."""

    def __init__(
        self,
        versions: Mapping[str, list[Version]],
        calendar: WorkCalendar,
        in_force: Callable[[str, dt.date], Version],
        reference: Callable[[Action, Version, bool, bool], Decision],
    ) -> None:
        self.versions = versions
        self.calendar = calendar
        self.in_force = in_force
        self.reference = reference
        self.memory = Memory()
        self.plans: dict[tuple[int, str], Plan] = {}
        self.routes: dict[tuple[str, str, dt.date], Plan] = self.memory.new()  # (jurisdiction, kind, date) → plan
        self.shifted: dict[tuple[dt.date, int, str], dt.date] = self.memory.new()
        self.between: dict[tuple[dt.date, dt.date], int] = self.memory.new()

    def forget(self) -> None:
        """Forget the decisions remembered by their facts (what a repeated stream is served from);
        the plans, findings and obligations made stay."""
        for plan in list(self.plans.values()):
            plan.forget()

    def working_days(self, start: dt.date, end: dt.date) -> int:
        """The calendar's count, remembered (an error is not: it is raised again)."""
        key = (start, end)
        n = self.between.get(key)
        if n is None:
            n = self.calendar.working_days_between(start, end)
            self.memory.room()
            self.between[key] = n
        else:
            self.calendar._touch(start, end)  # a remembered count in an unpublished year is provisional too
        return n

    def route(self, act: Action) -> Plan:
        """The plan of the version in force on the action's date, for its kind. Raises ActionError."""
        version = self.in_force(act.jurisdiction, act.date)  # raises, as the reference does
        key = (id(version), act.kind)
        plan = self.plans.get(key)
        if plan is None:  # built on first use; a race builds it twice, harmlessly
            plan = self.plans[key] = Plan(version, act.kind, self)
        self.memory.room()
        self.routes[(act.jurisdiction, act.kind, act.date)] = plan
        return plan

    def evaluate(self, act: Action, trace: bool, strict: bool) -> Decision:
        plan = self.routes.get((act.jurisdiction, act.kind, act.date)) or self.route(act)
        if trace:
            with self.calendar.watch() as counted:
                try:
                    decision = self.weighed(act, plan, [], strict)
                except (Fallback, ActionError):  # an error too is the reference's to raise, in its order
                    return self.reference(act, plan.version, trace, strict)
            return _provisional(decision) if counted.provisional else decision
        return _decision(act, self.decided(act, plan, strict))

    def evaluate_iter(
        self, acts: Iterable[Any], parse: Callable[[Any], Action], trace: bool, strict: bool
    ) -> Iterator[Decision]:
        """`evaluate(a) for a in acts`, lazily, with the per-action work inlined."""
        if trace:
            for a in acts:
                yield self.evaluate(a if type(a) in _ACTION_SET else parse(a), trace, strict)
            return
        routes = self.routes.get
        remember = self.remember
        for a in acts:
            if type(a) not in _ACTION_SET:
                a = fast_action(a) or parse(a)  # parse_action's own first way, without its checks
            plan = routes((a.jurisdiction, a.kind, a.date)) or self.route(a)
            if plan.keying:
                key = plan.facts(a)  # type: ignore[misc]
                body = (plan.memo_strict if strict else plan.memo).get(key)
                if body is None:
                    body = remember(a, plan, key, strict)
                else:
                    plan.hits += 1
            else:
                plan.skipped()
                body = self.weighed_fresh(a, plan, strict)
            values = body.copy()  # a copy of a dict is faster than a new one with its keys
            values["action_id"] = a.id
            values["kind"] = a.kind
            values["jurisdiction"] = a.jurisdiction
            values["date"] = a.date
            m = _new(Decision)
            _set(m, "__dict__", values)
            _set(m, "__pydantic_fields_set__", _DECISION_SET)
            _set(m, "__pydantic_extra__", None)
            _set(m, "__pydantic_private__", None)
            yield m

    def decided(self, act: Action, plan: Plan, strict: bool) -> dict[str, Any]:
        """The decision's fields but the action's own (`Plan.body`): remembered by the facts the
        decision depends on while that pays (`Plan.keying`), else weighed afresh."""
        if plan.keying:
            key = plan.facts(act)  # type: ignore[misc]
            body = (plan.memo_strict if strict else plan.memo).get(key)
            if body is not None:
                plan.hits += 1
                return body
            return self.remember(act, plan, key, strict)
        plan.skipped()
        return self.weighed_fresh(act, plan, strict)

    def remember(self, act: Action, plan: Plan, key: Any, strict: bool) -> dict[str, Any]:
        # INVARIANT: without trace, a decision is a function of `key` (every fact its rules read,
        # and what their effects read): however it was made, it is remembered by it.
        plan.missed()
        body = self.weighed_fresh(act, plan, strict)
        self.memory.room()
        (plan.memo_strict if strict else plan.memo)[key] = body
        return body

    def weighed_fresh(self, act: Action, plan: Plan, strict: bool) -> dict[str, Any]:
        if not plan.watch:
            return self.fresh(act, plan, strict)
        # A working-day count in an unpublished year makes the decision provisional.
        touched = Touched()
        token = _WATCH.set(touched)
        try:
            body = self.fresh(act, plan, strict)
        finally:
            _WATCH.reset(token)
        if touched.provisional and not body["provisional"]:
            body = {**body, "provisional": True}
        return body

    def fresh(self, act: Action, plan: Plan, strict: bool) -> dict[str, Any]:
        """The decision's fields but the action's own, weighed: the common way, or rule by rule, or
        (a presumption, an anchor out of the calendar's range, an error) the reference's."""
        try:
            body = self.body(act, plan, strict)
            return body if body is not None else self.weighed_body(act, plan, strict)
        except (Fallback, ActionError):  # an error too is the reference's to raise, in its order
            return _body(self.reference(act, plan.version, False, strict))

    def body(self, act: Action, plan: Plan, strict: bool) -> dict[str, Any] | None:
        """The decision's fields after `date`, for the common case: every rule that applies known to,
        none with exceptions. None otherwise (`weighed` does the rest)."""
        hits = plan.select(act)
        if not hits:
            return plan.silent
        rules = plan.rules
        if len(hits) == 1:  # the commonest way: one rule applies, and its decision is remembered by its result
            i, holds, scope = hits[0]
            r: _Rule = rules[i]
            alone: dict[Any, dict[str, Any]] = r.alone
            if r.exceptions or holds is None:
                return None
            if holds is False:
                if scope is True:
                    return alone.get("satisfied") or r.alone_body(plan, r.finding("satisfied"))
                return None if r.presume and not strict else plan.silent
            if r.plain_deny:
                return alone.get("violated") or r.alone_body(plan, r.finding("violated"))
            res = effect(self, act, r)
            key = (res[0], res[1], res[2], res[3], id(res[4]), res[5])  # the obligation, made once, by its id
            return alone.get(key) or r.alone_body(plan, r.finding(res[0], res[3], res[1], res[2]), res[4], res[5], key)
        found: list[tuple[Finding, bool, bool, str | None]] = []
        obligations: list[Obligation] = []
        provisional = False
        for i, holds, scope in hits:
            r = rules[i]
            if r.exceptions or holds is None:
                return None
            if holds is False:  # out of the rule, or a deny rule in scope and not broken
                if scope is True:
                    found.append(r.satisfied or r.finding("satisfied"))
                elif r.presume and not strict:
                    return None  # a presumption may stand in for the scope: `weighed`
                continue
            if r.plain_deny:  # `violation`'s common way, made once
                found.append(r.violated or r.finding("violated"))
                continue
            res = effect(self, act, r)
            provisional |= res[5]
            if res[4] is not None:
                obligations.append(res[4])
            found.append(r.finding(res[0], res[3], res[1], res[2]))
        return plan.body(found, obligations, provisional)

    def weighed_body(self, act: Action, plan: Plan, strict: bool) -> dict[str, Any]:
        """The decision's fields but the action's own, each rule `select` gives weighed in turn (a
        rule it leaves out is false and out of its scope: it gives nothing)."""
        w = _Weighing(self, act, None, strict)
        rules = plan.rules
        for i, holds, scope in plan.select(act):
            w.weigh(rules[i], holds, scope)
        return plan.body(tuple(w.found), tuple(w.obligations), w.provisional, tuple(w.assumptions.values()))

    def weighed(self, act: Action, plan: Plan, trace: list[TraceEntry], strict: bool) -> Decision:
        """The decision with its trace: every rule of the plan weighed, those `select` leaves out
        with the values their closures would give (false, out of scope), in order."""
        w = _Weighing(self, act, trace, strict)
        hits = {i: (holds, scope) for i, holds, scope in plan.select(act)}
        for i, r in enumerate(plan.rules):
            holds, scope = hits.get(i, _OUT)
            if holds is False and (
                r.scope_fn is None or scope is False or (scope is None and (strict or not r.presume))
            ):
                trace.append(
                    _construct(
                        TraceEntry, _TRACE_RULE, {**_FALSE, "rule": r.id, "condition": r.when, "facts": _facts(r, act)}
                    )
                )
                continue  # false, out of its scope, nothing presumed: it gives nothing (`_Weighing.weigh`'s way)
            w.weigh(r, holds, scope)
        body = plan.body(tuple(w.found), tuple(w.obligations), w.provisional, tuple(w.assumptions.values()))
        return _decision(act, {**body, "trace": tuple(trace)})


def _body(decision: Decision) -> dict[str, Any]:
    """A decision's fields, the action's own (`action_id`, `kind`, `jurisdiction`, `date`) unset."""
    values = decision.__dict__.copy()
    values.update(action_id=None, kind=None, jurisdiction=None, date=None)
    return values


def _decision(act: Action, body: dict[str, Any]) -> Decision:
    """The decision for `act` of a body (`Plan.body`): a copy, keeping the fields' order, with the
    action's own fields set."""
    values = body.copy()
    values["action_id"] = act.id
    values["kind"] = act.kind
    values["jurisdiction"] = act.jurisdiction
    values["date"] = act.date
    m = _new(Decision)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", _DECISION_SET)
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m


class _Presuming:
    """The action as a condition reads it, presumed values standing in for facts it does not give
    (what `model_copy(update=…)` gives the reference, without copying the action). Its own names
    begin with `_`, which no field's name does."""

    __slots__ = ("_act", "_presumed")

    def __init__(self, act: Action, presumed: dict[str, Any]) -> None:
        self._act = act
        self._presumed = presumed

    def __getattr__(self, name: str) -> Any:  # a field: the slots are found before this is asked
        presumed = self._presumed
        return presumed[name] if name in presumed else getattr(self._act, name)


class _Weighing:
    """One action's rules weighed, every way: the reference `_Judgement`, without its presumptions
    (an action that needs one is the reference's)."""

    __slots__ = (
        "act",
        "applied",
        "assumptions",
        "found",
        "judge",
        "obligations",
        "provisional",
        "strict",
        "trace",
    )

    def __init__(self, judge: FastJudge, act: Action, trace: list[TraceEntry] | None, strict: bool) -> None:
        self.judge = judge
        self.act = act
        self.trace = trace
        self.strict = strict
        self.found: list[tuple[Finding, bool, bool, str | None]] = []
        self.obligations: list[Obligation] = []
        self.provisional = False
        self.applied: set[str] = set()
        self.assumptions: dict[tuple[str, str], Assumption] = {}

    def presumed(self, r: _Rule, checked: Checked) -> tuple[Any, tuple[Presumption, ...]]:
        """The reference's `value` for a condition unknown: the rule's presumptions standing in for
        the facts the action does not give, and those that were needed."""
        act = self.act
        used = tuple(p for p in r.presumptions if (p.fact,) in checked.getters and getattr(act, p.fact) is None)
        if not used:
            return None, ()
        value = checked.fn(_Presuming(act, {p.fact: p.value for p in used}))
        return value, (used if value is not None else ())

    def effect(self, r: _Rule) -> _Res:
        res = effect(self.judge, self.act, r)
        if res[5]:
            self.provisional = True
        return res

    def weigh(self, r: _Rule, holds: Any, in_scope: Any) -> None:
        """`holds`: the rule's condition's value; `in_scope`: its scope's, when `holds` is false."""
        act, strict, trace = self.act, self.strict, self.trace
        used: tuple[Presumption, ...] = ()
        if holds is None and r.presume and not strict:
            holds, used = self.presumed(r, r.compiled.condition)
            if holds is False and r.scope_fn is not None:  # `select` gave no scope for an unknown rule
                in_scope = r.scope_fn(act)
        defeating: list[tuple[_Rule, _Res, tuple[Presumption, ...]]] = []
        unknown: list[_Rule] = []
        if holds is not False:
            for exc in r.exceptions:
                value = exc.fn(act)
                exc_used: tuple[Presumption, ...] = ()
                if value is None and exc.presume and not strict:
                    value, exc_used = self.presumed(exc, exc.compiled.condition)
                if value is True:
                    exc_effect = self.effect(exc)
                    if exc_effect[0] != "violated" or exc.require is None:
                        defeating.append((exc, exc_effect, exc_used))
                elif value is None:
                    unknown.append(exc)
                if trace is not None and value is not True:
                    trace.append(
                        _construct(
                            TraceEntry,
                            _TRACE_EXC,
                            {
                                "rule": exc.id,
                                "condition": exc.when,
                                "value": _VALUE[value],
                                "defeated_by": (),
                                "outcome": None,
                                "exception_to": (r.id,),
                                "facts": _facts(exc, act),
                            },
                        )
                    )
        result: _Res | None = None
        if holds is False:
            if r.scope_fn is not None:
                scope_used: tuple[Presumption, ...] = ()
                if in_scope is None and r.presume and not strict:
                    assert r.compiled.scope is not None
                    in_scope, scope_used = self.presumed(r, r.compiled.scope)
                if in_scope is True:
                    result, used = _SATISFIED, used + scope_used
        elif defeating:
            for exc, exc_result, exc_used in defeating:
                if exc.id not in self.applied:
                    self.applied.add(exc.id)
                    self.record(exc, exc_result, exc_used)
                    if trace is not None:
                        trace.append(
                            _construct(
                                TraceEntry,
                                _TRACE_APPLIED,
                                {
                                    "rule": exc.id,
                                    "condition": exc.when,
                                    "value": "true",
                                    "defeated_by": (),
                                    "outcome": exc_result[0],
                                    "exception_to": (r.id,),
                                    "facts": _facts(exc, act),
                                },
                            )
                        )
        elif holds is None or unknown:
            result = self.effect(r) if r.require is not None else None
            if result is None or result[0] != "satisfied":
                missing = r.compiled.condition.missing(act) if holds is None else []
                for exc in unknown:
                    missing += exc.compiled.condition.missing(act)
                result = ("undetermined", None, None, tuple(dict.fromkeys(missing)), None, False)
        else:
            result = self.effect(r)
        if result is not None:
            self.record(r, result, used)
        if trace is not None:
            trace.append(
                _construct(
                    TraceEntry,
                    _TRACE_RULE,
                    {
                        "rule": r.id,
                        "condition": r.when,
                        "value": _VALUE[holds],
                        "defeated_by": tuple(exc.id for exc, _, _ in defeating),
                        "outcome": result[0] if result else None,
                        "exception_to": (),
                        "facts": _facts(r, act),
                    },
                )
            )

    def record(self, r: _Rule, result: _Res, presumed: tuple[Presumption, ...] = ()) -> None:
        outcome, due, comply_by, missing, obligation, _ = result
        if obligation is not None:
            self.obligations.append(obligation)
        for p in presumed:
            self.assumptions.setdefault((r.id, p.fact), r.assumption(p))
        self.found.append(r.finding(outcome, missing, due, comply_by))


def effect(judge: FastJudge, act: Action, r: _Rule) -> _Res:
    """What the rule's effect gives, the rule applying: the reference's `effect`, `timing` and
    `violation`, with the calendar's answers remembered."""
    if r.permit:
        return _PERMITTED
    if r.deny:
        return violation(act, r)
    req = r.require
    assert req is not None
    # timing: (due, the last day the step may be done), or the anchor not given
    due: dt.date | None = None
    provisional = False
    if r.anchor is not None:
        anchor: dt.date | None = getattr(act, r.anchor)
        if anchor is None:
            return ("undetermined", None, None, (r.anchor,), None, False)
        if r.shift is not None:
            try:
                due = anchor + r.shift
            except OverflowError:
                raise Fallback from None  # the reference says which anchor, in its words
        else:
            assert req.due is not None
            if req.due.counts_start:  # rare: not remembered
                try:
                    due = judge.calendar.span_end(anchor, req.due.days, req.due.unit, True, -1 if req.due.before else 1)
                except (OverflowError, ValueError):
                    raise Fallback from None
            else:
                due = shift(judge, anchor, -req.due.days if req.due.before else req.due.days, req.due.unit)
            if r.working:
                cal = judge.calendar
                provisional = cal.is_provisional(anchor) or cal.is_provisional(due)
    after = r.after
    deadline = due if due is not None else (None if after else act.date)
    missing: list[str] = []
    late: dt.date | None = None
    broken = False
    step_type, parties, written = r.step, r.parties, r.written
    for i, step in enumerate(act.steps):
        if step.step != step_type or step.party not in parties:
            continue
        if step.date is None:
            if not after:
                missing.append(f"steps[{i}].date")
            continue
        if after and step.date < act.date:
            continue
        if written and step.written is not True:
            if step.written is None:
                missing.append(f"steps[{i}].written")
            else:
                broken = True
            continue
        if deadline is not None and step.date > deadline:
            late = step.date
            continue
        return ("satisfied", due, None, (), None, provisional)
    if missing:
        return ("undetermined", due, None, tuple(missing), None, provisional)
    if broken or late is not None:
        return violation(act, r, due, deadline if late is not None else None, provisional)
    if deadline is not None and act.as_of is not None and act.as_of > deadline:
        return violation(act, r, due, deadline, provisional)
    pending = bool(due and r.working and judge.calendar.is_provisional(due))
    # A step owed before the act with no deadline of its own is due on the act's day (the
    # reference's `Decision` dates it so: `due_by`); the finding keeps the rule's own `due`.
    owed = due if due is not None or after else act.date
    key = (owed, pending)
    obligation = r.obligation.get(key)
    if obligation is None:
        obligation = Obligation.model_construct(
            rule=r.id,
            article=r.article,
            step=req.step,
            party=req.parties,
            due=owed,
            written=req.written,
            system=req.system,
            follow_up=after,
            provisional=pending,
        )
        r.memory.room()
        r.obligation[key] = obligation
    return ("obligation" if after else "pending", due, None, (), obligation, provisional)


def shift(judge: FastJudge, day: dt.date, amount: int, unit: str) -> dt.date:
    key = (day, amount, unit)
    cache = judge.shifted
    found = cache.get(key)
    if found is None:
        try:
            found = judge.calendar.shift(day, amount, unit)
        except (OverflowError, ValueError):
            raise Fallback from None  # the reference says which anchor, in its words
        judge.memory.room()
        cache[key] = found
    return found


def violation(
    act: Action, r: _Rule, due: dt.date | None = None, comply_by: dt.date | None = None, provisional: bool = False
) -> _Res:
    if r.in_principle:
        for step in act.steps:
            if step.step == "exception_grounds" and step.rule == r.id:
                return ("excepted", due, None, (), None, provisional)
        # due on the act's day, as `due_by` dates it; after a follow-up, open (see `_engine`)
        key = ("grounds", None if r.after else act.date)
        grounds = r.obligation.get(key)
        if grounds is None:
            grounds = Obligation.model_construct(
                rule=r.id,
                article=r.article,
                step="exception_grounds",
                due=None if r.after else act.date,
                follow_up=r.after,
            )
            r.memory.room()
            r.obligation[key] = grounds
        return ("violated", due, comply_by, (), grounds, provisional)
    return ("violated", due, comply_by, (), None, provisional)


def _counts_working_days(checked: Checked) -> bool:
    """The condition (scope included) may count working days (a closure without its tree may)."""
    if checked.tree is None:
        return True
    return any(isinstance(n, Call) and n.name == "working_days_between" for n in nodes(checked.tree))


def _facts(r: _Rule, act: Action) -> dict[str, Any]:
    """The action's value of each field the rule reads (None: not given), for its trace entry."""
    if r.traced is not None:
        return r.traced(act)
    return {name: get(act) for name, get in r.getters}


def _provisional(decision: Decision) -> Decision:
    """The decision, marked provisional: a working-day count it rests on fell in an unpublished year."""
    return decision if decision.provisional else decision.model_copy(update={"provisional": True})
