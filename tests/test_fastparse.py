"""`fast_action` (`_fastparse`) against pydantic (`ACTION_ADAPTER.validate_python`).

- Equality proof: for every rule test case's action, every example, the bench's slice and
  full-rulebook actions, and random dicts of every kind (valid ones and near misses: wrong types,
  whitespace, extra keys, bools as ints, datetimes, unknown literals, nested errors), `fast_action`
  gives None or pydantic's own result: the same type, value, field order, dump, JSON, fields set
  (nested models too), repr and hash. Each dict is read both ways the module has: field by field
  (a shape seen for the first times) and through the function generated for its shape.
- The fast path is taken: at least 95% of the rule test cases' and the bench's actions.
- The generator: every generated source passes `check_source`, which refuses names, strings and
  constructs the generator does not make; a model with a validator, config or field type the module
  does not reproduce gets no plan; and pydantic's whitespace stripping, checked on every character,
  never touches a string the fast path keeps.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import re
import sys
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

import govrules
from govrules import _fastparse
from govrules._actions import ACTION_ADAPTER, ACTION_MODELS, STEP_FIELDS, UNKNOWN, Actor, Step, _Action, _Model
from govrules._cases import case_files, load_cases
from govrules._engine import parse_action
from govrules._fastparse import Decline, Unsupported, _Plan, _text, check_source, fast_action
from govrules._lang.compiled import bundled_dir
from govrules._records import read_records

from .test_properties import COMMON, action_strategy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the bench package, for its actions
from bench.spec import generate  # noqa: E402
from bench.stream import mixed  # noqa: E402

KINDS = sorted(ACTION_MODELS)
CASE_ACTIONS = [c.action for f in case_files([bundled_dir()]) for _, c in load_cases(f)[0]]
EXAMPLES = settings(max_examples=250, **COMMON)  # type: ignore[arg-type]


def _example_actions() -> list[Any]:
    out: list[Any] = []
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        if "tests" in path.parts:  # rule test files: their cases' actions
            out += [c.action for _, c in load_cases(path)[0]]
        elif path.name != "qinghemen-local.yaml":  # (a rulebook)
            out += [r.data for r in read_records(str(path), "actions") if r.error is None]
    return out


# --- the comparison ----------------------------------------------------------------------------
def _same_model(got: Any, want: Any) -> None:
    assert type(got) is type(want)
    assert got == want
    assert got.model_fields_set == want.model_fields_set
    assert type(got.model_fields_set) is type(want.model_fields_set)
    assert list(got.__dict__) == list(want.__dict__)  # the fields' order
    assert got.__pydantic_extra__ == want.__pydantic_extra__
    assert got.__pydantic_private__ == want.__pydantic_private__
    assert hash(got) == hash(want)
    assert repr(got) == repr(want)
    for name in type(want).model_fields:
        g, w = getattr(got, name), getattr(want, name)
        assert type(g) is type(w), name
        if isinstance(w, BaseModel):
            _same_model(g, w)
        elif isinstance(w, tuple):
            assert len(g) == len(w)
            for x, y in zip(g, w, strict=True):
                assert type(x) is type(y)
                if isinstance(y, BaseModel):
                    _same_model(x, y)
                else:
                    assert x == y
        else:
            assert g == w, name


def _fresh_shapes() -> None:
    """Every model's generated functions forgotten when many, so that new shapes keep being generated."""
    for plan in _fastparse._plans.values():
        if len(plan.shapes) > 200:
            plan.shapes.clear()
            plan.seen.clear()


def check(data: Any) -> bool:
    """`fast_action(data)` is None or pydantic's result, read field by field and through the function
    of its shape; and `data` is left as it was. Whether the fast path took it."""
    _fresh_shapes()
    before = copy.deepcopy(data)
    try:
        want = ACTION_ADAPTER.validate_python(data)
    except ValidationError:
        want = None
    taken = []
    for _ in range(_fastparse._WARM + 1):  # the first reads by field, the last by its shape's function
        got = fast_action(data)
        if got is not None:
            assert want is not None, f"taken, but pydantic refuses it: {data!r}"
            _same_model(got, want)
            assert got.model_dump() == want.model_dump()
            assert got.model_dump_json() == want.model_dump_json()
        taken.append(got is not None)
    assert len(set(taken)) == 1, f"the two ways disagree on {data!r}"
    assert data == before
    return taken[0]


# --- the actions of the rulebook's tests, the examples and the bench -------------------------------
def test_every_rule_case_action() -> None:
    taken = [check(a) for a in CASE_ACTIONS]
    assert len(CASE_ACTIONS) > 500
    assert sum(taken) >= 0.95 * len(taken), f"{len(taken) - sum(taken)} of {len(taken)} declined"


def test_every_example_action() -> None:
    actions = _example_actions()
    assert len(actions) >= 5
    taken = [check(a) for a in actions]
    assert sum(taken) >= 0.95 * len(taken)


def test_the_bench_actions() -> None:
    slice_actions = generate(3_000, 7)
    assert sum(check(a) for a in slice_actions) >= 0.95 * len(slice_actions)
    stream = mixed(3_000, govrules.load())
    assert sum(check(a) for a in stream) >= 0.95 * len(stream)


def test_parse_action_takes_the_fast_path_and_errors_stay_pydantics(monkeypatch: pytest.MonkeyPatch) -> None:
    action = CASE_ACTIONS[0]
    assert fast_action(action) is not None
    calls = []
    monkeypatch.setattr("govrules._engine.fast_action", lambda d: calls.append(d) or fast_action(d))
    assert parse_action(action) == ACTION_ADAPTER.validate_python(action)
    assert calls == [action]
    for name in STEP_FIELDS:  # declined (no model has the field), then said the usual way
        assert all(name not in m.model_fields for m in ACTION_MODELS.values())
        with pytest.raises(govrules.ActionError, match="is a step"):
            parse_action({**action, name: True})
    with pytest.raises(govrules.ActionError, match="date"):
        parse_action({**action, "date": "2026-02-30"})


# --- random dicts of every kind ----------------------------------------------------------------
class Text(str):
    pass


class Role(enum.StrEnum):
    HEAD = "head"


# Values that are not exactly what a field takes, or only just: each either declined or read as
# pydantic reads it.
ODD: list[Any] = [
    None,
    UNKNOWN,
    Text(UNKNOWN),
    True,
    False,
    0,
    1,
    2,
    -1,
    1.0,
    0.5,
    2**63 - 1,
    2**63,
    -(2**70),
    "",
    " ",
    "x",
    " x",
    "x ",
    "x\n",
    "\u00a0x",
    "x\u3000",
    "x\x1c",
    "\u200bx",
    "x\u0085",
    "a\ud800",
    "é",
    "x" * 201,
    "head",
    " head",
    "Head",
    Text("head"),
    Role.HEAD,
    "government",
    "deputy",
    "approval",
    "qianjin",
    "Qianjin",
    "q-1",
    "2026-03-01",
    "2026-3-01",
    "2026-02-30",
    "2026-02-29",
    "2028-02-29",
    "0000-01-01",
    "9999-12-31",
    "20260301",
    "2026-03-01T00:00:00",
    "2026-03-01 ",
    "٢٠٢٦-٠٣-٠١",
    Text("2026-03-01"),
    dt.date(2026, 3, 1),
    dt.datetime(2026, 3, 1),
    dt.datetime(2026, 3, 1, 12),
    [],
    (),
    ["x"],
    [1],
    ("head",),
    ["licence", "fee"],
    ["traveller", "nope"],
    {"x"},
    {},
    {"role": "head"},
    {"role": "head", "unit": "x"},
    {"role": "nobody"},
    {"role": 1},
    [{"step": "approval", "party": "head"}],
    [{"step": "approval", "party": "head", "date": "2026-02-30"}],
    [{"step": "approval"}],
    [{"step": "approval", "party": "head", "extra": 1}],
    ({"step": "notice", "party": "head", "date": dt.date(2026, 1, 2), "written": True},),
    b"head",
    ...,
]


def _place(draw: st.DrawFn, data: dict[str, Any], kind: str) -> tuple[dict[str, Any], type[BaseModel]]:
    """The action itself, its actor or one of its steps (when a dict)."""
    places: list[tuple[dict[str, Any], type[BaseModel]]] = [(data, ACTION_MODELS[kind])]
    if type(data.get("actor")) is dict:
        places.append((data["actor"], Actor))
    steps = data.get("steps", [])
    places += [(s, Step) for s in (steps if type(steps) in (list, tuple) else []) if type(s) is dict]
    return draw(st.sampled_from(places))


@st.composite
def near_misses(draw: st.DrawFn, kind: str) -> Any:
    """A valid dict of `kind`, often with a few changes that make it invalid or make pydantic convert."""
    data = copy.deepcopy(draw(action_strategy(kind, jurisdiction=st.sampled_from(["mini", "qianjin", "unknown"]))))
    for _ in range(draw(st.integers(0, 3))):
        where, model = _place(draw, data, kind)
        change = draw(st.sampled_from(["value", "value", "value", "unknown", "extra", "drop", "key", "container"]))
        names = sorted(model.model_fields)
        if change == "value":
            where[draw(st.sampled_from(names))] = copy.deepcopy(draw(st.sampled_from(ODD)))
        elif change == "unknown":
            where[draw(st.sampled_from(names))] = UNKNOWN
        elif change == "extra":
            where[draw(st.sampled_from(["extra", "Date", "kind_", *STEP_FIELDS]))] = draw(st.sampled_from(ODD[:6]))
        elif change == "drop" and where:
            del where[draw(st.sampled_from(list(where)))]
        elif change == "key":
            where[draw(st.sampled_from([1, None, Text("date"), ("date",)]))] = "2026-03-01"  # type: ignore[index]
        elif change == "container" and where is data:
            kind_of = draw(st.sampled_from(["dict subclass", "reordered", "lead"]))
            if kind_of == "dict subclass":
                return draw(st.sampled_from([type("D", (dict,), {}), dict]))(data)
            if kind_of == "reordered":
                items = list(data.items())
                data = dict(draw(st.permutations(items)))
            elif kind == "reply_to_consultation":
                data["lead_deadline"] = draw(st.sampled_from(["2026-03-05", UNKNOWN, None, dt.date(2026, 1, 1)]))
                data["own_deadline_set"] = draw(st.sampled_from([True, False, None, UNKNOWN, 1]))
                if draw(st.booleans()):
                    del data["own_deadline_set"]
    return data


@pytest.mark.parametrize("kind", KINDS)
def test_random_valid_dicts_are_taken_and_equal(kind: str) -> None:
    taken: list[bool] = []

    @EXAMPLES
    @given(action_strategy(kind, jurisdiction=st.sampled_from(["mini", "qianjin", "unknown"])))
    def run(data: dict[str, Any]) -> None:
        taken.append(check(data))

    run()
    # declined only where a text would be stripped (or is not valid Unicode): the strategy's free text
    assert sum(taken) >= 0.5 * len(taken)


@pytest.mark.parametrize("kind", KINDS)
def test_near_misses_are_declined_or_equal(kind: str) -> None:
    @EXAMPLES
    @given(near_misses(kind))
    def run(data: Any) -> None:
        check(data)

    run()


@given(st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers()), st.dictionaries(st.text(), st.text())))
@settings(max_examples=200, **COMMON)  # type: ignore[arg-type]
def test_anything_else_is_declined_or_equal(data: Any) -> None:
    check(data)


# --- the generator ------------------------------------------------------------------------------
def test_every_generated_source_is_checked_and_holds_only_model_text() -> None:
    for a in CASE_ACTIONS + generate(500, 7):
        for _ in range(_fastparse._WARM + 1):
            fast_action(a)
    plans = _fastparse._plans
    assert sum(len(p.shapes) for p in plans.values()) > 100
    for plan in plans.values():
        for shape, fn in plan.shapes.items():
            assert fn.__name__ == "_r", f"{plan.model.__name__} {shape}: not generated"
            src, _ = plan.source(shape)
            check_source(src, plan)
            assert "__" not in src and re.search(r"\bimport\b", src) is None
            for name in shape:  # names the source reads are the model's
                assert name in plan.model.model_fields


def test_check_source_refuses_what_the_generator_never_makes() -> None:
    plan = _fastparse._plan(ACTION_MODELS["sign_document"])
    src, _ = plan.source(("kind", "jurisdiction", "date", "actor", "issuer", "doc_type"))
    check_source(src, plan)
    for bad in (
        "import os\n",
        "def _r(d):\n    return d.__class__\n",
        "def _r(d):\n    return open('x')\n",
        "def _r(d):\n    return d['no_such_field']\n",
        "def _r(d):\n    return (lambda: 1)()\n",
        "def _r(d):\n    for x in d:\n        pass\n",
        "def _r(d):\n    return 1.5\n",
        "def _f(d):\n    return None\n",
        "def _r(d, e):\n    return None\n",
        "def _r(d):\n    import os\n",
        src.replace("return _m", "return 'a text not of the model'"),
        src.replace("return _m", "return _m.model_dump()"),
    ):
        with pytest.raises((Unsupported, SyntaxError)):
            check_source(bad, plan)


def test_models_it_cannot_reproduce_get_no_plan() -> None:
    class Validated(_Model):
        x: int

        @field_validator("x")
        @classmethod
        def _positive(cls, v: int) -> int:
            return abs(v)

    class After(_Action):
        kind: Literal["after"]

        @model_validator(mode="after")
        def _check(self) -> After:
            return self

    class Lax(BaseModel):
        model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)
        x: int

    class Aliased(_Model):
        x: int = Field(alias="y")

    class Patterned(_Model):
        x: str = Field(pattern=r"^[0-9]+$")

    class Floating(_Model):
        x: float

    class Bounded(_Model):
        x: int = Field(le=3)

    class Defaulted(_Model):
        x: str = "a"

    for model in (Validated, After, Lax, Aliased, Patterned, Floating, Bounded, Defaulted):
        with pytest.raises(Unsupported):
            _Plan(model)
    assert all(_fastparse.builder(kind) is not None for kind in ACTION_MODELS)  # the real ones all have one


def test_the_validators_reproduced_are_the_models_own() -> None:
    """Every model validator of the action models is one `_fastparse` reproduces (a new one would
    leave its kind to pydantic, and the share tests above would say so)."""
    found = {
        d.func.__func__ for m in ACTION_MODELS.values() for d in m.__pydantic_decorators__.model_validators.values()
    }
    assert found == {_fastparse._UNKNOWN_FN, _fastparse._LEAD_FN}
    for m in (*ACTION_MODELS.values(), Actor, Step):
        dec = m.__pydantic_decorators__
        assert not (dec.field_validators or dec.validators or dec.root_validators)


def test_kept_strings_are_never_stripped_by_pydantic() -> None:
    """Every character: where the fast path keeps a string with it at both ends, pydantic's
    `str_strip_whitespace` keeps it too; a lone surrogate, which pydantic refuses, is declined."""
    strip = TypeAdapter(str, config=ConfigDict(str_strip_whitespace=True)).validate_python
    kept = 0
    for code in range(sys.maxunicode + 1):
        s = chr(code) + "a" + chr(code)
        try:
            _text(s, None)
        except Decline:
            continue
        kept += 1
        assert strip(s) == s, f"U+{code:04X}"
    assert kept > 1_000_000
    with pytest.raises(ValidationError):
        strip("a\ud800")
    with pytest.raises(Decline):
        _text("a\ud800", None)


def test_shared_nested_values_stay_apart() -> None:
    """An actor of the same role is one shared frozen value, and a step's set of given fields is its
    shape's: pydantic's own ways to change one (`model_copy`) change a copy."""
    action = {"kind": "sign_document", "jurisdiction": "qianjin", "date": "2026-03-02", "actor": {"role": "head"}}
    action |= {"issuer": "government", "doc_type": "routine", "steps": [{"step": "review", "party": "head"}] * 2}
    for _ in range(_fastparse._WARM + 1):
        first, second = fast_action(copy.deepcopy(action)), fast_action(copy.deepcopy(action))
    assert first is not None and second is not None
    assert first.actor is second.actor and first is not second
    assert first.model_fields_set is not second.model_fields_set
    changed = first.steps[0].model_copy(update={"note": "x"})
    assert changed.model_fields_set == {"step", "party", "note"}
    assert first.steps[1].model_fields_set == {"step", "party"} == second.steps[0].model_fields_set
    assert first.actor.model_copy(update={"unit": "u"}).unit == "u" and first.actor.unit is None
    with pytest.raises(ValidationError):
        first.actor.unit = "u"  # type: ignore[misc]
