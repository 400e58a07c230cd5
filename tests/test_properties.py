"""Property tests over the action models, judged by the `mini` rulebook.

The strategies are derived from the pydantic models themselves (`ACTION_MODELS`): a field's
Literal values, bool, int from its `ge` bound, dates in 2026, optional fields sometimes absent or
None, tuples of `Step`s with valid `StepType`/`Party` values. A field type the derivation does not
know fails loudly, so a new kind or field cannot silently escape these tests.

Properties:
  (a) any valid action is judged without raising, with a verdict allowed / conditional / denied;
  (b) judging is deterministic: the same action twice gives byte-identical JSON;
  (c) a plain mapping and its typed model (and the model dumped back to JSON data) are judged alike;
  (d) a valid action with one mutation (unknown field, wrong type, required field deleted, unknown
      role, unknown jurisdiction, impossible date) raises `ActionError`, never another exception and
      never a decision; for a mutation of one field, the message names that field.

The default run is 200 examples per property, derandomized (the same examples every run) and with
no example database (nothing is written to the tree). The long run is documented on
`test_properties_long_run`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import govrules
from govrules._actions import ACTION_ADAPTER, ACTION_MODELS, Actor, Step

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
JURISDICTION = "mini"
VERDICTS = ("allowed", "conditional", "denied")
MINI_RULES = (
    "mini.leave.deputy_tells_head",
    "mini.leave.office_informs",
    "mini.leave.head_away_exception",
)

COMMON = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DEFAULT = settings(max_examples=200, **COMMON)  # type: ignore[arg-type]
LONG = settings(max_examples=100_000, **COMMON)  # type: ignore[arg-type]


# --- strategies derived from the models --------------------------------------------------------
YEAR_2026 = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
DATES = YEAR_2026.map(dt.date.isoformat)  # as a JSON action would give them
# Any text pydantic takes as a str (lone surrogates are refused, rightly: not valid Unicode).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def _ge(field: Any) -> int | None:
    for meta in getattr(field, "metadata", ()):
        if getattr(meta, "ge", None) is not None:
            return int(meta.ge)
    return None


def _strategy(annotation: Any, field: Any = None) -> st.SearchStrategy[Any]:
    """Valid JSON-like data for a field annotation."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _strategy(get_args(annotation)[0], field)
    if origin in (Union, types.UnionType):
        args = get_args(annotation)
        inner = st.one_of(*(_strategy(a, field) for a in args if a is not type(None)))
        return st.one_of(st.none(), inner) if type(None) in args else inner
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is tuple:
        item, *_ = get_args(annotation)
        return st.lists(_strategy(item), max_size=3)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        low = _ge(field) or 0
        return st.integers(low, low + 10_000)
    if annotation is str:
        return TEXT
    if annotation is dt.date:
        return DATES
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation)
    raise TypeError(f"no strategy for {annotation!r}: teach tests/test_properties.py this type")


def _model(
    model: type[BaseModel], overrides: dict[str, st.SearchStrategy[Any]] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """A dict for `model`: every required field, each optional field sometimes."""
    overrides = overrides or {}
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        strategy = overrides[name] if name in overrides else _strategy(field.annotation, field)
        (required if field.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


# Steps: any valid step, and, often enough to reach the mini rules' satisfied/late paths, the ones
# they ask for (a notice to the head or to the other leaders, exception grounds for a mini rule).
ANY_STEP = _model(Step, {"rule": st.one_of(st.none(), st.sampled_from(MINI_RULES), TEXT)})
USEFUL_STEP = _model(
    Step,
    {
        "step": st.sampled_from(["notice", "exception_grounds"]),
        "party": st.sampled_from(["head", "other_leaders"]),
        "rule": st.one_of(st.none(), st.sampled_from(MINI_RULES)),
    },
)
STEPS = st.lists(st.one_of(ANY_STEP, USEFUL_STEP), max_size=4)


def action_strategy(kind: str, **overrides: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return _model(
        ACTION_MODELS[kind],
        {
            "kind": st.just(kind),
            "jurisdiction": st.just(JURISDICTION),
            "date": DATES,
            "steps": STEPS,
            **overrides,
        },
    )


KINDS = sorted(ACTION_MODELS)
ROLES = get_args(Actor.model_fields["role"].annotation)
# The mini rulebook judges only `leave_jurisdiction`, mostly for deputies: half the examples are
# leave actions, and among them the deputy is the likeliest actor, so that every outcome
# (pending, satisfied, late, undetermined, excepted) and every verdict is reached.
MINI_LEAVE = action_strategy(
    "leave_jurisdiction",
    actor=_model(Actor, {"role": st.one_of(st.just("deputy"), st.sampled_from(ROLES))}),
)
ANY_KIND = st.one_of(*(action_strategy(k) for k in KINDS))
VALID_ACTIONS = st.booleans().flatmap(lambda leave: MINI_LEAVE if leave else ANY_KIND)


# --- mutations ---------------------------------------------------------------------------------
# Values of the wrong type for each kind of field; none is accepted by pydantic's lax mode (no int
# for a date, which would be read as a timestamp, no 0/1 for a bool).
WRONG = {
    "bool": ["maybe", 2, [True]],
    "int": ["many", 1.5, [1]],
    "str": [12, ["x"], {"x": 1}],
    "date": ["soon", [2026], {"year": 2026}],
    "literal": [12, ["deputy"], "no_such_value"],
    "tuple": [12, {"a": 1}],
    "model": [12, "x", [1]],
}
IMPOSSIBLE_DATES = [
    "2026-02-30",
    "2026-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-1-1x",
]


def _category(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _category(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in get_args(annotation) if a is not type(None)]
        return _category(inner)
    if origin is Literal:
        return "literal"
    if origin is tuple:
        return "tuple"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model"
    return {bool: "bool", int: "int", str: "str", dt.date: "date"}[annotation]


def _places(action: dict[str, Any]) -> list[tuple[tuple[str | int, ...], type[BaseModel]]]:
    """Where a field-level mutation can land: the action, its actor, each of its steps."""
    places: list[tuple[tuple[str | int, ...], type[BaseModel]]] = [
        ((), ACTION_MODELS[action["kind"]]),
        (("actor",), Actor),
    ]
    places += [(("steps", i), Step) for i in range(len(action.get("steps", ())))]
    return places


def _at(action: dict[str, Any], where: tuple[str | int, ...]) -> dict[str, Any]:
    node: Any = action
    for part in where:
        node = node[part]
    return node  # type: ignore[no-any-return]


def _named(where: tuple[str | int, ...], name: str) -> str:
    return ".".join(str(p) for p in (*where, name))


Mutation = Callable[[st.DrawFn, dict[str, Any]], str | None]


def unknown_field(draw: st.DrawFn, action: dict[str, Any]) -> str | None:
    where, model = draw(st.sampled_from(_places(action)))
    near_misses = st.sampled_from(["role", "Date", "juristiction", "kind_", "step", "parties", "on_", "extra"])
    name = draw(
        st.one_of(near_misses, st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10)).filter(
            lambda n: n not in model.model_fields
        )
    )
    _at(action, where)[name] = draw(st.one_of(st.none(), st.integers(), TEXT))
    return _named(where, name)


def wrong_type(draw: st.DrawFn, action: dict[str, Any]) -> str | None:
    where, model = draw(st.sampled_from(_places(action)))
    name = draw(st.sampled_from(sorted(model.model_fields)))
    _at(action, where)[name] = draw(st.sampled_from(WRONG[_category(model.model_fields[name].annotation)]))
    return _named(where, name)


def delete_required(draw: st.DrawFn, action: dict[str, Any]) -> str | None:
    where, model = draw(st.sampled_from(_places(action)))
    name = draw(st.sampled_from([n for n, f in model.model_fields.items() if f.is_required()]))
    del _at(action, where)[name]
    return _named(where, name)


def unknown_role(draw: st.DrawFn, action: dict[str, Any]) -> str | None:
    action["actor"]["role"] = draw(
        st.one_of(st.sampled_from(["king", "mayor", "Deputy", ""]), TEXT).filter(lambda r: r.strip() not in ROLES)
    )
    return "actor.role"


def unknown_jurisdiction(draw: st.DrawFn, action: dict[str, Any]) -> str | None:
    action["jurisdiction"] = "nowhere"
    return "jurisdiction"


def impossible_date(draw: st.DrawFn, action: dict[str, Any]) -> str | None:
    model = ACTION_MODELS[action["kind"]]
    dates = [n for n, f in model.model_fields.items() if _category(f.annotation) == "date"]
    name = draw(st.sampled_from(dates))
    action[name] = draw(st.sampled_from(IMPOSSIBLE_DATES))
    return name


MUTATIONS: tuple[Mutation, ...] = (
    unknown_field,
    wrong_type,
    delete_required,
    unknown_role,
    unknown_jurisdiction,
    impossible_date,
)


@st.composite
def invalid_actions(draw: st.DrawFn) -> tuple[dict[str, Any], str, str | None]:
    action = copy.deepcopy(draw(VALID_ACTIONS))
    mutation = draw(st.sampled_from(MUTATIONS))
    named = mutation(draw, action)
    return action, mutation.__name__, named


# --- the properties ----------------------------------------------------------------------------
def check_valid(engine: govrules.Engine, action: dict[str, Any]) -> None:
    before = copy.deepcopy(action)
    typed = ACTION_ADAPTER.validate_python(action)  # valid by construction
    decision = engine.evaluate(action)
    assert decision.verdict in VERDICTS  # (a)
    first = decision.model_dump_json()
    assert engine.evaluate(action).model_dump_json() == first  # (b)
    assert engine.evaluate(typed).model_dump_json() == first  # (c)
    assert engine.evaluate(json.loads(typed.model_dump_json())).model_dump_json() == first  # (c)
    assert action == before, "evaluate changed the action it was given"


def check_invalid(engine: govrules.Engine, case: tuple[dict[str, Any], str, str | None]) -> None:
    action, mutation, named = case
    try:
        decision = engine.evaluate(action)
    except govrules.ActionError as exc:
        message = str(exc)
    else:
        pytest.fail(f"{mutation}: the invalid action was judged ({decision.verdict}): {action!r}")
    if named is not None:
        assert named in message, f"{mutation}: `{named}` not named in: {message}"


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=20, **COMMON)  # type: ignore[arg-type]
@given(data=st.data())
def test_strategy_makes_valid_actions_of_every_kind(kind: str, data: st.DataObject) -> None:
    action = data.draw(action_strategy(kind))
    assert ACTION_ADAPTER.validate_python(action).kind == kind


@DEFAULT
@given(action=VALID_ACTIONS)
def test_valid_actions_are_judged_deterministically(mini: govrules.Engine, action: dict[str, Any]) -> None:
    check_valid(mini, action)


@DEFAULT
@given(case=invalid_actions())
def test_invalid_actions_raise_action_error(
    mini: govrules.Engine, case: tuple[dict[str, Any], str, str | None]
) -> None:
    check_invalid(mini, case)


@pytest.mark.slow
@LONG
@given(action=VALID_ACTIONS, case=invalid_actions())
def test_properties_long_run(
    mini: govrules.Engine, action: dict[str, Any], case: tuple[dict[str, Any], str, str | None]
) -> None:
    """The same properties, 100,000 examples each. A documented long run, deselected from the
    default suite (pyproject: `-m "not slow"`); run it with

        .venv/bin/python -m pytest -m slow tests/test_properties.py
    """
    check_valid(mini, action)
    check_invalid(mini, case)


# --- regressions: bugs these tests found (fixed in the tree while they were written) ------------
# Engine.evaluate/parse_action passed any non-Mapping through unvalidated, so None, a list, a
# string, a number or a non-action model failed with AttributeError on `act.jurisdiction`.
@pytest.mark.parametrize(
    "thing",
    [None, [], "leave_jurisdiction", 42, Actor(role="deputy")],
    ids=["none", "list", "str", "int", "actor_model"],
)
def test_non_mapping_action_raises_action_error(mini: govrules.Engine, thing: Any) -> None:
    with pytest.raises(govrules.ActionError):
        mini.evaluate(thing)


# A valid action dated 9999-12-30/31, judged by a rule whose `due` is `after: date`, made
# _Judgement.apply call WorkCalendar.shift past date.max: OverflowError (calendar, working days)
# or dateutil's ValueError (months).
@pytest.mark.parametrize("day", ["9999-12-30", "9999-12-31"])
@pytest.mark.parametrize("unit", ["calendar", "working", "months"])
def test_due_date_past_the_end_of_the_calendar(tmp_path: Path, unit: str, day: str) -> None:
    text = (MINI_DIR / "mini.yaml").read_text(encoding="utf-8")
    before = "timing: before, party: head, due: {days: 3, before: date}"
    assert before in text
    (tmp_path / "mini.yaml").write_text(
        text.replace(before, f"timing: after, party: head, due: {{days: 2, unit: {unit}, after: date}}"),
        encoding="utf-8",
    )
    engine = govrules.load(tmp_path / "mini.yaml")
    action = {
        "kind": "leave_jurisdiction",
        "jurisdiction": JURISDICTION,
        "date": day,
        "actor": {"role": "deputy"},
        "head_away": False,
    }
    try:
        decision = engine.evaluate(action)
    except govrules.ActionError:
        return
    assert decision.verdict in VERDICTS
