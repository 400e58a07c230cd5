"""Fail closed, over the bundled rulebook: taking information away never turns an answer into allowed.

For every action of the bundled rule tests whose decision is not `allowed`, each of these changes
is judged again, with presumptions set aside (`strict`): leaving out any optional fact it gives,
leaving out any step, and undating any step. None may come back `allowed`: a fact, step or date that
a rule needs and the action does not give never yields allowed (issue 11). There are no exceptions.

One change is not a loss of information for some rules: leaving out a step that a rule reads with
`done()`. Such a rule states a duty that *follows from* the step (a department document approved by
the government says so); the action's steps are its record of what was done, and without the step
the duty does not arise, which is the text's own answer. Such a variation may come back allowed only
when every rule that held the act back reads that very step with `done()`.
"""

from __future__ import annotations

from typing import Any

import pytest

import govrules
from govrules._cases import case_files, load_cases
from govrules._lang.compiled import bundled_dir

# `as_of` is when the check stands, not a fact of the act: without it nothing is overdue yet.
REQUIRED = {"kind", "jurisdiction", "date", "actor", "id", "steps", "as_of"}


def _actions() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for file in case_files([bundled_dir()]):
        cases, _ = load_cases(file)
        out += [(f"{file.stem}:{c.name}", c.action) for _, c in cases if c.expect.error is None]
    return out


ACTIONS = _actions()


def _weaker(action: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """Every action with one piece of information taken away (and the step left out, if one was)."""
    out: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    for key in action:
        if key not in REQUIRED:
            out.append((f"without {key}", {k: v for k, v in action.items() if k != key}, None))
    steps = list(action.get("steps") or ())
    for i, step in enumerate(steps):
        out.append((f"without steps[{i}]", {**action, "steps": steps[:i] + steps[i + 1 :]}, step))
        if "date" in step:
            undated = {k: v for k, v in step.items() if k != "date"}
            out.append((f"steps[{i}] undated", {**action, "steps": [*steps[:i], undated, *steps[i + 1 :]]}, None))
    return out


def test_the_bundled_tests_give_enough_actions() -> None:
    assert len(ACTIONS) > 500


@pytest.mark.parametrize("jurisdiction", ["qianjin", "zhanqian", "qinghemen", "hegang", "xiangshan"])
def test_taking_information_away_never_yields_allowed(engine: govrules.Engine, jurisdiction: str) -> None:
    failures = []
    checked = 0
    readers = {
        r.rule.id: set(r.condition.done)
        for j in engine.jurisdictions
        for v in engine._compiled_versions(j)
        for rules in v.by_kind.values()
        for r in rules
    }
    for name, action in ACTIONS:
        if action.get("jurisdiction") != jurisdiction:
            continue
        try:
            base = engine.evaluate(action, strict=True)
        except govrules.ActionError:
            continue
        if base.verdict == "allowed" or all(
            f.follow_up for f in base.findings if f.outcome in ("violated", "pending", "undetermined")
        ):
            continue  # a follow-up late or open never held the act back: nothing to fail open
        holding = {
            f.rule for f in base.findings if f.outcome in ("violated", "pending", "undetermined") and not f.follow_up
        }
        for change, weaker, removed in _weaker(action):
            try:
                decision = engine.evaluate(weaker, strict=True)
            except govrules.ActionError:
                continue  # a fact the kind requires: refused, never allowed
            checked += 1
            if decision.verdict != "allowed":
                continue
            if removed and all((removed.get("step"), removed.get("party")) in readers.get(r, ()) for r in holding):
                continue  # only duties that follow from the step left was lifted: see the module's note
            failures.append(f"{name}: {change}: {base.verdict} → allowed")
    assert checked > 50
    assert not failures, "\n".join(failures[:20]) + (f"\n… {len(failures)} in all" if len(failures) > 20 else "")
