"""The fast judge (`_fast`, `_codegen`) against the reference (`Engine(fast=False)`).

- Equality proof: on every bundled rule test case and on random actions of every kind (the
  strategies of tests/test_properties.py), with and without trace, strict or not, one by one and
  through `evaluate_many`, the decisions are equal to the reference's, down to the JSON text (the
  fields' order included); an action refused is refused with the same message.
- Code generation, fuzzed: random conditions over the real action models, compiled both ways, give
  the same three-valued value (or the same error) on random actions; and the generated source holds
  only names of the models, names the generator makes, and repr'd literals.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import govrules
from govrules._actions import ACTION_MODELS, STEP_FIELDS, Actor
from govrules._calendar import WorkCalendar
from govrules._cases import case_files, load_cases
from govrules._codegen import Generator, Unsupported, check_source, condition_function
from govrules._engine import Engine
from govrules._lang.compiled import bundled_dir
from govrules._lang.condition import PARTIES, STEP_TYPES, ConditionError, compile_condition, type_of

from .test_properties import COMMON, action_strategy

CASES = [(f, line, c) for f in case_files([bundled_dir()]) for line, c in load_cases(f)[0]]
KINDS = sorted(ACTION_MODELS)
EXAMPLES = settings(max_examples=150, **COMMON)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pair(engine: govrules.Engine) -> tuple[Engine, Engine]:
    """The bundled rulebook judged the fast way and the reference way (the same compiled rules)."""
    assert engine._fast is not None
    return engine, Engine(engine._versions, engine._topics, engine._calendar, fast=False)


def _outcome(engine: Engine, action: Any, trace: bool, strict: bool) -> str:
    try:
        return engine.evaluate(action, trace=trace, strict=strict).model_dump_json()
    except govrules.ActionError as exc:
        return f"ActionError: {exc}"


def _same(pair: tuple[Engine, Engine], actions: list[Any]) -> None:
    fast, ref = pair
    for trace in (False, True):
        for strict in (False, True):
            want = [_outcome(ref, a, trace, strict) for a in actions]
            got = [_outcome(fast, a, trace, strict) for a in actions]
            assert got == want
            # twice: the second time from what the fast judge remembers
            assert [_outcome(fast, a, trace, strict) for a in actions] == want
            if not any(w.startswith("ActionError") for w in want):
                many = [d.model_dump_json() for d in fast.evaluate_many(actions, trace=trace, strict=strict)]
                assert many == want
                lazy = [d.model_dump_json() for d in fast.evaluate_iter(actions, trace=trace, strict=strict)]
                assert lazy == want


def test_every_rule_case_is_decided_alike(pair: tuple[Engine, Engine]) -> None:
    assert len(CASES) > 100
    _same(pair, [c.action for _, _, c in CASES])
    # and each case typed, the model as the reference would parse it
    typed = []
    for _, _, c in CASES:
        try:
            typed.append(govrules.parse_action(c.action))
        except govrules.ActionError:
            continue
    _same(pair, typed)


def test_decided_alike_without_looking_in_the_memo(pair: tuple[Engine, Engine]) -> None:
    """A plan that stops looking for decisions by their facts (`Plan.keying`: a stream whose facts
    rarely repeat) weighs every action afresh, and decides alike."""
    fast, ref = pair
    actions = [c.action for _, _, c in CASES]
    for a in actions:  # every plan built
        _outcome(fast, a, False, False)
    assert fast._fast is not None
    plans = list(fast._fast.plans.values())
    try:
        for plan in plans:
            plan.keying = False
        sizes = [(len(p.memo), len(p.memo_strict)) for p in plans]
        for strict in (False, True):
            assert [_outcome(fast, a, False, strict) for a in actions] == [
                _outcome(ref, a, False, strict) for a in actions
            ]
        assert [(len(p.memo), len(p.memo_strict)) for p in plans] == sizes  # nothing looked up, nothing added
    finally:
        fast._fast.forget()


def test_evaluate_iter_is_lazy(pair: tuple[Engine, Engine]) -> None:
    """Decisions come one at a time: those before an invalid action are given before its error."""
    fast, _ = pair
    good = next(c.action for _, _, c in CASES if _outcome(fast, c.action, False, False).startswith("{"))
    stream = fast.evaluate_iter([good, good, {"kind": "no_such_kind"}, good])
    assert next(stream).kind == good["kind"]
    assert next(stream).kind == good["kind"]
    with pytest.raises(govrules.ActionError):
        next(stream)


def _dated(kind: str, jurisdictions: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    days = st.dates(dt.date(2019, 1, 1), dt.date(2028, 12, 31)).map(dt.date.isoformat)
    return action_strategy(kind, jurisdiction=st.sampled_from(jurisdictions), date=days)


@pytest.mark.parametrize("kind", KINDS)
def test_random_actions_of_every_kind_are_decided_alike(pair: tuple[Engine, Engine], kind: str) -> None:
    jurisdictions = list(pair[0].jurisdictions)

    @EXAMPLES
    @given(st.lists(_dated(kind, jurisdictions), min_size=1, max_size=8))
    def check(actions: list[dict[str, Any]]) -> None:
        _same(pair, actions)

    check()


def test_random_actions_on_the_mini_rulebook(mini: govrules.Engine) -> None:
    """The mini rulebook has the exceptions and presumptions: the fast judge's hand-overs."""
    ref = Engine(mini._versions, mini._topics, mini._calendar, fast=False)

    @EXAMPLES
    @given(st.lists(action_strategy("leave_jurisdiction"), min_size=1, max_size=8))
    def check(actions: list[dict[str, Any]]) -> None:
        _same((mini, ref), actions)

    check()


def test_remembered_values_stay_bounded(engine: govrules.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import govrules._fast as fast

    monkeypatch.setattr(fast, "_LIMIT", 50)
    e = Engine(engine._versions, engine._topics, engine._calendar)
    ref = Engine(engine._versions, engine._topics, engine._calendar, fast=False)
    actions = [c.action for _, _, c in CASES]
    for _ in range(2):
        assert [_outcome(e, a, False, False) for a in actions] == [_outcome(ref, a, False, False) for a in actions]
    assert e._fast is not None
    assert sum(len(d) for d in e._fast.memory.dicts) <= 50 + len(e._fast.memory.dicts)


# --- code generation, fuzzed ------------------------------------------------------------------------
def _fields(model: Any, prefix: str = "") -> dict[str, list[tuple[str, Any]]]:
    """The model's readable fields (nested ones dotted) by our base type."""
    out: dict[str, list[tuple[str, Any]]] = {}
    for name, info in model.model_fields.items():
        if name == "kind" or (not prefix and name == "steps"):
            continue
        typ = type_of(info.annotation)
        if typ.base == "object" and typ.model is not None:
            for base, items in _fields(typ.model, prefix + name + ".").items():
                out.setdefault(base, []).extend(items)
            continue
        out.setdefault(typ.base, []).append((prefix + name, typ))
    return out


@st.composite
def conditions(draw: st.DrawFn, kind: str) -> str:
    """A random condition over the fields of `kind`: mostly well typed, sometimes not (refused at
    load, then skipped)."""
    fields = _fields(ACTION_MODELS[kind])
    day = st.dates(dt.date(2019, 1, 1), dt.date(2028, 12, 31)).map(dt.date.isoformat)

    def of(base: str, depth: int) -> str:
        choices: list[str] = []
        if fields.get(base):
            choices += ["field", "field"]
        if base == "bool":
            choices += ["lit", "not", "and", "or", "cmp", "in", "known", "done"] if depth < 4 else ["lit", "known"]
        elif base == "int":
            choices += ["lit", "arith", "neg", "days", "len"] if depth < 4 else ["lit"]
        else:
            choices += ["lit"]
        pick = draw(st.sampled_from(choices))
        if pick == "field":
            name, typ = draw(st.sampled_from(fields[base]))
            return name
        if pick == "lit":
            if base == "bool":
                return draw(st.sampled_from(["true", "false"]))
            if base == "int":
                return str(draw(st.integers(0, 40)))
            if base == "date":
                return draw(day)
            if base == "str":
                name, typ = draw(st.sampled_from(fields["str"])) if fields.get("str") else ("", None)
                values = sorted(typ.values) if typ is not None and typ.values else ["x", "unit"]
                return repr(draw(st.sampled_from(values)))
            return "0"
        if pick == "not":
            return f"not ({of('bool', depth + 1)})"
        if pick in ("and", "or"):
            n = draw(st.integers(2, 4))
            return "(" + f" {pick} ".join(of("bool", depth + 1) for _ in range(n)) + ")"
        if pick == "cmp":
            base2 = draw(st.sampled_from([b for b in ("int", "date", "str", "bool") if b in fields or b != "str"]))
            ops = ["==", "!="] + (["<", "<=", ">", ">="] if base2 in ("int", "date") else [])
            return f"{of(base2, depth + 1)} {draw(st.sampled_from(ops))} {of(base2, depth + 1)}"
        if pick == "in":
            base2 = draw(st.sampled_from(["str", "int"]))
            items = ", ".join(of(base2, depth + 1) for _ in range(draw(st.integers(0, 3))))
            return f"{of(base2, depth + 1)} {draw(st.sampled_from(['in', 'not in']))} [{items}]"
        if pick == "known":
            every = [n for items in fields.values() for n, _ in items]
            return f"known({draw(st.sampled_from(every))})"
        if pick == "done":
            return f'done("{draw(st.sampled_from(sorted(STEP_TYPES)))}", "{draw(st.sampled_from(sorted(PARTIES)))}")'
        if pick == "arith":
            return f"({of('int', depth + 1)} {draw(st.sampled_from(['+', '-', '*']))} {of('int', depth + 1)})"
        if pick == "neg":
            return f"-{of('int', depth + 1)}"
        if pick == "days":
            fn = draw(st.sampled_from(["days_between", "working_days_between"]))
            return f"{fn}({of('date', depth + 1)}, {of('date', depth + 1)})"
        if pick == "len":
            lists = fields.get("list")
            return f"len({draw(st.sampled_from(lists))[0]})" if lists else "0"
        raise AssertionError(pick)

    return of("bool", 0)


CALENDAR = WorkCalendar()


def _value(fn: Any, action: Any) -> tuple[str, Any]:
    try:
        v = fn(action)
    except Exception as exc:
        return ("error", type(exc).__name__)
    return (type(v).__name__, v)


@pytest.mark.parametrize("kind", KINDS)
def test_generated_conditions_equal_their_closures(kind: str) -> None:
    model = ACTION_MODELS[kind]

    @settings(max_examples=120, **COMMON)  # type: ignore[arg-type]
    @given(conditions(kind), st.lists(action_strategy(kind), min_size=1, max_size=6))
    def check(text: str, actions: list[dict[str, Any]]) -> None:
        try:
            checked = compile_condition(text, model, CALENDAR.working_days_between)
        except ConditionError:
            return
        assert checked.tree is not None
        try:
            fn = condition_function(checked.tree, model, CALENDAR.working_days_between)
        except Unsupported:
            return
        for data in actions:
            try:
                action = model.model_validate(data)
            except ValidationError:  # the strategy's rare invalid mix (a lead deadline, none set)
                continue
            assert _value(fn, action) == _value(checked.fn, action), text

    check()


def test_generated_source_holds_only_model_names_and_literals() -> None:
    """A string literal of the condition reaches the source only through repr; a name the user
    wrote only if it is a field of the model."""
    model = ACTION_MODELS["sign_document"]
    text = 'actor.role in ["head", "deputy"] and doc_type != "routine" or issuer == "a\\"); import os; ("'
    try:
        checked = compile_condition(text, model, CALENDAR.working_days_between)
    except ConditionError:
        checked = compile_condition(
            'actor.role in ["head", "deputy"] and doc_type != "routine"', model, CALENDAR.working_days_between
        )
    gen = Generator(model)
    value = gen.add(checked.tree)  # type: ignore[arg-type]
    src = gen.source("_f0", gen.lines, value)
    check_source(src, model)
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"'[^']*'", "", src)))
    fields = {n for m in (model, Actor) for n in m.model_fields}
    made = {n for n in names if re.fullmatch(r"_[vpkf]\d+", n)}
    assert names - made - fields <= {
        "def",
        "a",
        "return",
        "None",
        "is",
        "not",
        "in",
        "if",
        "else",
        "while",
        "True",
        "False",
        "break",
        "frozenset",
        "or",
        "and",
    }
    for bad in ("import os", "__", "exec", "eval", "getattr"):
        assert bad not in src
    with pytest.raises(Unsupported):
        check_source("import os\n", model)
    with pytest.raises(Unsupported):
        check_source("def _f0(a):\n    return a.__class__\n", model)
    with pytest.raises(Unsupported):
        check_source("def _f0(a):\n    return open('x')\n", model)


def test_step_fields_never_reach_generated_code() -> None:
    model = ACTION_MODELS["leave_jurisdiction"]
    for name in STEP_FIELDS:
        with pytest.raises(ConditionError):
            compile_condition(f"{name} == true", model, CALENDAR.working_days_between)


def test_roles_are_the_models() -> None:  # the fuzz strategy reads the same Literal
    assert set(get_args(Actor.model_fields["role"].annotation)) <= PARTIES


def test_the_bench_stream_is_decided_alike(pair: tuple[Engine, Engine]) -> None:
    """The bench's mixed stream (rule-test actions with dates moved and facts flipped): presumptions,
    exceptions and unknowns in every kind."""
    stream = pytest.importorskip("bench.stream")
    actions = stream.mixed(1500, pair[0], seed=3)
    _same(pair, actions)
    _same(pair, [govrules.parse_action(a) for a in actions])
