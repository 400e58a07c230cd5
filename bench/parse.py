"""µs per action for turning a dict into an action: `ACTION_ADAPTER.validate_python` against
`fast_action` (src/govrules/_fastparse.py), on the bench slice (`spec.generate(100_000, 7)`) and on the
full-rulebook stream (`stream.mixed`), and the JSON Lines reading of the CLI (`validate_json(line)`
against `json.loads(line)` + `fast_action`) on the batch part's lines.

`python -m bench.parse [--n N]`. CPU time of this process (`time.process_time`), the two ways
alternated, best of `--runs`: the machine is shared, and the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from .common import loadavg


def best(fn: Callable[[], Any], runs: int) -> float:
    out = float("inf")
    for _ in range(runs):
        t = time.process_time()
        fn()
        out = min(out, time.process_time() - t)
    return out


def each(fn: Callable[[Any], Any], items: list[Any]) -> None:
    """`fn` of every item, each result dropped at once (as a stream does; a list of them all would
    time the garbage collector)."""
    for x in items:
        fn(x)


def compare(label: str, ways: dict[str, Callable[[], Any]], n: int, runs: int) -> None:
    times = {k: float("inf") for k in ways}
    for _ in range(runs):  # alternated, so that a change of load hits every way alike
        for k, fn in ways.items():
            times[k] = min(times[k], best(fn, 1))
    first = next(iter(times.values()))
    cells = ", ".join(f"{k} {t / n * 1e6:.2f} µs (×{first / t:.2f})" for k, t in times.items())
    print(f"{label} ({n:,} actions): {cells}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    import govrules
    from govrules._actions import ACTION_ADAPTER
    from govrules._fastparse import fast_action

    from . import spec
    from .stream import mixed

    validate = ACTION_ADAPTER.validate_python
    print(f"load average before: {loadavg()}")
    slice_actions = spec.generate(args.n, 7)
    full_actions = mixed(min(args.n, 20_000), govrules.load())
    for label, actions in (("slice", slice_actions), ("full rulebook stream", full_actions)):
        handled = sum(fast_action(a) is not None for a in actions)  # also makes each shape's function
        assert handled == len(actions), f"{label}: {len(actions) - handled} declined"
        compare(
            label,
            {
                "validate_python": lambda actions=actions: each(validate, actions),
                "fast_action": lambda actions=actions: each(fast_action, actions),
            },
            len(actions),
            args.runs,
        )

    # what it gives a whole decision: `evaluate_many` of the dicts, with parse_action's fast path and
    # without it (as before it), nothing remembered between runs
    from govrules import _engine

    from .common import SLICE_DIR
    from .engines import forget

    engine = govrules.load(extra=[SLICE_DIR])  # as bench/engines.py loads it
    for label, actions in (("slice", slice_actions), ("full rulebook stream", full_actions)):

        def run(actions: list[Any] = actions, eng: Any = engine) -> None:
            forget(eng)
            eng.evaluate_many(actions)

        def without(run: Callable[[], None] = run) -> None:
            _engine.fast_action = lambda d: None
            try:
                run()
            finally:
                _engine.fast_action = fast_action

        run()
        compare(
            f"evaluate_many of dicts, {label}", {"without fast_action": without, "with": run}, len(actions), args.runs
        )

    # the CLI's JSON Lines reading, on lines as bench/part_batch.py writes them
    lines = [
        f'{{"id": "b{i}", {json.dumps({k: v for k, v in a.items() if k != "id"}, ensure_ascii=False)[1:]}'.encode()
        for i, a in enumerate(full_actions)
    ]
    loads, vjson = json.loads, ACTION_ADAPTER.validate_json

    def loads_fast() -> None:
        for line in lines:
            if fast_action(loads(line)) is None:
                vjson(line)

    compare(
        "JSON Lines of the batch part",
        {"validate_json(line)": lambda: each(vjson, lines), "json.loads + fast_action": loads_fast},
        len(lines),
        args.runs,
    )
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
