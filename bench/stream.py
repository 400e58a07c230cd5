"""A mixed stream over the whole bundled rulebook: every kind, all five jurisdictions.

Derived from the actions of the rule tests (rulebook/tests/*.yaml, ~630 cases): each action of the
stream is a test action with all its dates moved by one random shift (±400 days) and, one time in
three, one of its yes/no facts flipped. Actions the engine refuses (a date before the rules took
effect) are dropped, so every action of the stream is valid.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

from .common import ROOT


def _jsonable(x: Any) -> Any:
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    return x


def test_actions(root: Path | None = None) -> list[dict[str, Any]]:
    """The actions of the bundled rulebook's tests, as JSON dicts."""
    folder = root or ROOT / "rulebook" / "tests"
    out = []
    for f in sorted(folder.glob("*.yaml")):
        for case in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("cases", []):
            if isinstance(case.get("action"), dict):
                out.append(_jsonable(case["action"]))
    return out


def _shift(value: Any, days: int) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: (_shift(v, days) if k not in ("id", "kind", "jurisdiction") else v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    return value


def mixed(n: int, engine: Any, seed: int = 11) -> list[dict[str, Any]]:
    """`n` valid actions as JSON dicts, drawn from the test actions with varied dates and facts."""
    from govrules import ActionError

    rnd = random.Random(seed)
    base = test_actions()
    out: list[dict[str, Any]] = []
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 20 * n + 1000:
            raise RuntimeError("could not draw enough valid actions")
        a = _shift(rnd.choice(base), rnd.randint(-400, 400))
        flags = [k for k, v in a.items() if isinstance(v, bool)]
        if flags and rnd.random() < 1 / 3:
            k = rnd.choice(flags)
            a[k] = not a[k]
        a["id"] = f"m{len(out)}"
        try:
            engine.evaluate(a)
        except ActionError:
            continue
        out.append(a)
    return out
