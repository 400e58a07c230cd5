"""One engine shared by many threads judges exactly as one thread does.

`Engine` promises to be immutable after loading and safe to share between threads ("share it freely
between threads"); the work-day calendar fills the holiday library's years lazily, under a lock.
Here 16 threads judge the same 2,000 valid actions (generated from the action models with a seeded
random, so every run judges the same actions), each thread all of them in its own order, all
starting together, and every decision's JSON must equal the single-threaded one.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import types
import typing
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel

import govrules
from govrules._actions import ACTION_ADAPTER, ACTION_MODELS, Actor, Step

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
THREADS = 16
ACTIONS = 2_000
SEED = 20260101
MINI_RULES = (
    "mini.leave.deputy_tells_head",
    "mini.leave.office_informs",
    "mini.leave.head_away_exception",
)
TEXTS = ("", "区政府办公室", "unit 7", "  padded  ", "分管 A", "x" * 40)


# --- a seeded generator of valid actions, derived from the models ---------------------------------
def _ge(field: Any) -> int:
    for meta in getattr(field, "metadata", ()):
        if getattr(meta, "ge", None) is not None:
            return int(meta.ge)
    return 0


def _value(rng: random.Random, annotation: Any, field: Any, first: dt.date, days: int) -> Any:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _value(rng, get_args(annotation)[0], field, first, days)
    if origin in (Union, types.UnionType):
        args = get_args(annotation)
        if type(None) in args and rng.random() < 0.3:
            return None
        return _value(rng, rng.choice([a for a in args if a is not type(None)]), field, first, days)
    if origin is Literal:
        return rng.choice(get_args(annotation))
    if origin is tuple:
        item = get_args(annotation)[0]
        return [_value(rng, item, None, first, days) for _ in range(rng.randrange(4))]
    if annotation is bool:
        return rng.random() < 0.5
    if annotation is int:
        low = _ge(field)
        return rng.randint(low, low + 60)
    if annotation is str:
        return rng.choice(TEXTS)
    if annotation is dt.date:
        return (first + dt.timedelta(days=rng.randrange(days))).isoformat()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(rng, annotation, {}, first, days)
    raise TypeError(f"no generator for {annotation!r}: teach tests/test_concurrency.py this type")


Override = Callable[[random.Random], Any]


def _model(
    rng: random.Random,
    model: type[BaseModel],
    overrides: dict[str, Override],
    first: dt.date,
    days: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in overrides:
            out[name] = overrides[name](rng)
        elif field.is_required() or rng.random() < 0.5:
            out[name] = _value(rng, field.annotation, field, first, days)
    return out


def random_action(rng: random.Random, first: dt.date = dt.date(2026, 1, 1), days: int = 365) -> dict[str, Any]:
    """A valid action with jurisdiction `mini`, dated in [first, first + days)."""

    def day(r: random.Random) -> str:
        return (first + dt.timedelta(days=r.randrange(days))).isoformat()

    def step(r: random.Random) -> dict[str, Any]:
        if r.random() < 0.5:  # the steps the mini rules ask for, often enough to satisfy them
            return _model(
                r,
                Step,
                {
                    "step": lambda r: r.choice(["notice", "exception_grounds"]),
                    "party": lambda r: r.choice(["head", "other_leaders"]),
                    "rule": lambda r: r.choice(MINI_RULES),
                },
                first,
                days,
            )
        return _model(r, Step, {}, first, days)

    def actor(r: random.Random) -> dict[str, Any]:
        roles = get_args(Actor.model_fields["role"].annotation)
        return _model(
            r,
            Actor,
            {"role": lambda r: "deputy" if r.random() < 0.5 else r.choice(roles)},
            first,
            days,
        )

    # Half are leave actions, the only kind the mini rulebook judges; the rest any kind (silent).
    kind = "leave_jurisdiction" if rng.random() < 0.5 else rng.choice(sorted(ACTION_MODELS))
    return _model(
        rng,
        ACTION_MODELS[kind],
        {
            "kind": lambda r: kind,
            "jurisdiction": lambda r: "mini",
            "date": day,
            "actor": actor,
            "steps": lambda r: [step(r) for _ in range(r.randrange(4))],
        },
        first,
        days,
    )


def generate(n: int, seed: int, **kw: Any) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    actions = [random_action(rng, **kw) for _ in range(n)]
    for a in actions:  # a lead unit's deadline given says one was set (ReplyToConsultation)
        if a.get("lead_deadline") is not None and a.get("own_deadline_set") is False:
            a["own_deadline_set"] = True
    for a in actions:  # valid by construction; a failure here is a bug in the generator
        ACTION_ADAPTER.validate_python(a)
    return actions


# --- judging alone and together -------------------------------------------------------------------
def judge_alone(engine: govrules.Engine, actions: list[dict[str, Any]], trace: bool = False) -> list[str]:
    return [engine.evaluate(a, trace=trace).model_dump_json() for a in actions]


def judge_together(engine: govrules.Engine, actions: list[dict[str, Any]], trace: bool = False) -> list[list[str]]:
    """Each of THREADS threads judges every action, in its own (seeded) order, starting together;
    the results come back in the actions' order, one list per thread."""
    start = threading.Barrier(THREADS)

    def worker(n: int) -> list[str]:
        order = list(range(len(actions)))
        random.Random(n).shuffle(order)
        out: list[str | None] = [None] * len(actions)
        start.wait()
        for i in order:
            out[i] = engine.evaluate(actions[i], trace=trace).model_dump_json()
        assert all(o is not None for o in out)
        return out  # type: ignore[return-value]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(worker, range(THREADS)))


def assert_same(alone: list[str], together: list[list[str]], actions: list[dict[str, Any]]) -> None:
    assert len(together) == THREADS
    for n, results in enumerate(together):
        if results != alone:
            i = next(i for i, (a, b) in enumerate(zip(alone, results, strict=True)) if a != b)
            pytest.fail(
                f"thread {n} judged action {i} differently:\n{actions[i]}\nalone:    {alone[i]}\ntogether: {results[i]}"
            )


def test_generator_reaches_every_verdict(mini: govrules.Engine) -> None:
    actions = generate(ACTIONS, SEED)
    assert {a["kind"] for a in actions} == set(ACTION_MODELS)
    verdicts = {mini.evaluate(a).verdict for a in actions}
    assert verdicts == {"allowed", "conditional", "denied"}


def test_shared_engine_judges_as_one_thread(mini: govrules.Engine) -> None:
    actions = generate(ACTIONS, SEED)
    alone = judge_alone(mini, actions)
    assert_same(alone, judge_together(mini, actions), actions)


def test_shared_engine_traces_as_one_thread(mini: govrules.Engine) -> None:
    actions = generate(ACTIONS // 4, SEED + 1)
    alone = judge_alone(mini, actions, trace=True)
    assert_same(alone, judge_together(mini, actions, trace=True), actions)


def test_cold_calendar_shared_by_threads(tmp_path: Path) -> None:
    """Working-day deadlines on a freshly loaded engine: the threads race to fill the calendar's
    years (2025-2027, 2027 provisional) for the first time, and still judge as one thread does."""
    text = (MINI_DIR / "mini.yaml").read_text(encoding="utf-8")
    before = "due: {days: 3, before: date}"
    assert before in text
    (tmp_path / "mini.yaml").write_text(
        text.replace(before, "due: {days: 5, unit: working, before: date}"), encoding="utf-8"
    )
    actions = generate(ACTIONS // 4, SEED + 2, first=dt.date(2026, 1, 1), days=730)
    alone = judge_alone(govrules.load(tmp_path / "mini.yaml"), actions)
    cold = govrules.load(tmp_path / "mini.yaml")  # its calendar has not looked at any year yet
    assert_same(alone, judge_together(cold, actions), actions)
    assert any('"provisional":true' in d for d in alone)


@pytest.mark.slow
def test_shared_engine_judges_100k_actions_as_one_thread(engine: govrules.Engine) -> None:
    """Issue 5's full run: the bundled rulebook, 16 threads, the same 100,000 actions (taken from
    the rule tests of all five jurisdictions, cycled). Deselected by default; `pytest -m slow`."""
    from govrules._cases import case_files, load_cases
    from govrules._lang.compiled import bundled_dir

    pool = [c.action for f in case_files([bundled_dir()]) for _, c in load_cases(f)[0]]
    valid = []
    for a in pool:
        try:
            engine.evaluate(a)
            valid.append(a)
        except govrules.ActionError:
            pass  # cases that expect a refusal
    actions = [valid[i % len(valid)] for i in range(100_000)]
    assert_same(judge_alone(engine, actions), judge_together(engine, actions), actions)


def test_reloading_while_judging_never_mixes_two_rulebooks(tmp_path: Path) -> None:
    """One thread judges through whatever engine is current while another loads a changed rulebook
    and swaps it in: every decision is wholly the old engine's or wholly the new one's."""
    text = (MINI_DIR / "mini.yaml").read_text(encoding="utf-8")
    (tmp_path / "mini.yaml").write_text(
        text.replace("due: {days: 3, before: date}", "due: {days: 5, before: date}"), encoding="utf-8"
    )
    old, new = govrules.load(MINI_DIR), govrules.load(tmp_path / "mini.yaml")
    actions = generate(300, SEED + 3)
    allowed = [{old.evaluate(a).model_dump_json(), new.evaluate(a).model_dump_json()} for a in actions]
    assert any(len(both) == 2 for both in allowed)  # the change shows in some decisions
    current = [old]
    seen: list[tuple[int, str]] = []
    stop = threading.Event()

    def judge() -> None:
        while not stop.is_set():
            for i, a in enumerate(actions):
                seen.append((i, current[0].evaluate(a).model_dump_json()))

    def reload() -> None:
        for n in range(6):
            current[0] = govrules.load(tmp_path / "mini.yaml" if n % 2 == 0 else MINI_DIR)

    judges = [threading.Thread(target=judge) for _ in range(4)]
    for t in judges:
        t.start()
    reload()
    stop.set()
    for t in judges:
        t.join()
    assert seen
    for i, decision in seen:
        assert decision in allowed[i], f"action {i} got a decision neither rulebook gives"


# --- models built on first use, by many threads at once -------------------------------------------
FIRST_USE = """
import json, sys, threading
from govrules._actions import ACTION_MODELS, action_adapter
from govrules._decision import Decision
import govrules

data = json.load(open(sys.argv[1], encoding="utf-8"))
barrier = threading.Barrier(16)
out = [None] * 16

def work(k):
    barrier.wait()  # every model is still unbuilt here: all threads build them at once
    engine = govrules.load(sys.argv[2])  # the rulebook's models, from YAML (no cache)
    got = []
    for a, d in zip(data["actions"], data["decisions"]):
        typed = ACTION_MODELS[a["kind"]].model_validate(a)
        assert typed == action_adapter().validate_python(a)
        got.append(engine.evaluate(typed).model_dump_json())
        got.append(Decision.model_validate_json(d).model_dump_json())
    out[k] = got

threads = [threading.Thread(target=work, args=(k,)) for k in range(16)]
for t in threads: t.start()
for t in threads: t.join()
json.dump(out, sys.stdout)
"""


def test_models_built_on_first_use_by_16_threads_at_once(mini: govrules.Engine, tmp_path: Path) -> None:
    """The models build their validators on first use (`defer_build`, for start-up): in a fresh
    process, 16 threads validating actions, loading the rulebook from YAML and reading decisions
    back, all at once and before anything is built, get exactly what one thread gets. (Before
    pydantic 2.14, a model built by two threads at once could be validated by its parent's
    validator: pydantic#11849, #13438.)"""
    import json
    import os
    import subprocess
    import sys

    actions = generate(300, SEED + 7)
    decisions = [mini.evaluate(a).model_dump_json() for a in actions]
    (tmp_path / "data.json").write_text(json.dumps({"actions": actions, "decisions": decisions}, default=str))
    env = {**os.environ, "GOVRULES_NO_CACHE": "1", "PYTHONPATH": str(Path(govrules.__file__).parent.parent)}
    run = subprocess.run(
        [sys.executable, "-c", FIRST_USE, str(tmp_path / "data.json"), str(MINI_DIR)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    want = [x for d in decisions for x in (d, d)]
    assert all(r == want for r in results)
