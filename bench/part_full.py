"""Part 2: the full bundled rulebook, a mixed stream over all kinds and jurisdictions."""

from __future__ import annotations

from collections import Counter

from .common import Section, fmt_rate, median_time, profile
from .stream import mixed


def run(n: int = 20_000, runs: int = 5, quick: bool = False) -> Section:
    import govrules

    sec = Section("full", "2. The full rulebook: a mixed stream", f"python -m bench full{' --quick' if quick else ''}")
    engine = govrules.load()
    actions = mixed(n, engine)
    typed = [govrules.parse_action(a) for a in actions]
    kinds = Counter(a["kind"] for a in actions)
    jurs = Counter(a["jurisdiction"] for a in actions)
    ev = engine.evaluate
    verdicts = Counter(ev(a).verdict for a in typed)

    from .engines import forget, reference

    ref = reference(engine)
    rev = ref.evaluate

    def fresh(fn):  # each timed call starts with nothing remembered
        def run():
            forget(engine)
            return fn()

        return run

    many = engine.evaluate_many
    cases = (
        ("typed, no trace", fresh(lambda: many(typed)), lambda: [rev(a) for a in typed]),
        ("typed, trace=True", fresh(lambda: many(typed, trace=True)), lambda: [rev(a, trace=True) for a in typed]),
        ("dict, no trace", fresh(lambda: many(actions)), lambda: [rev(a) for a in actions]),
        ("dict, trace=True", fresh(lambda: many(actions, trace=True)), lambda: [rev(a, trace=True) for a in actions]),
    )
    many(typed, trace=True)  # the plans of every (version, kind) built once, as a long run would have them
    results, before = {}, {}
    for label, fast_fn, ref_fn in cases:
        times: dict[str, list[float]] = {"fast": [], "ref": []}
        for _ in range(runs):  # alternated, so that a change of load hits both
            times["fast"].append(median_time(fast_fn, 1)[0])
            times["ref"].append(median_time(ref_fn, 1)[0])
        results[label] = n / sorted(times["fast"])[runs // 2]
        before[label] = n / sorted(times["ref"])[runs // 2]
    warm_t, _ = median_time(lambda: many(typed), runs)  # what a stream repeating these actions gets
    sec.add(
        f"{n:,} actions drawn from the rule tests' actions (`rulebook/tests/*.yaml`) with every date shifted "
        "by one random amount (±400 days) and, one in three, a yes/no fact flipped; refused actions dropped. "
        f"{len(kinds)} kinds, {len(jurs)} jurisdictions "
        f"({', '.join(f'{k} {v:,}' for k, v in sorted(jurs.items()))}); "
        f"verdicts: {', '.join(f'{k} {v:,}' for k, v in sorted(verdicts.items()))}. "
        f"Decisions per second, median of {runs} runs, alternating the two ways: govrules as it is "
        "(`Engine.evaluate_many`, each run starting with nothing remembered) and the reference way "
        "(`Engine(fast=False)`, one `evaluate` per action: the engine before issue 13; the decisions are "
        "the same, tests/test_fast.py).",
        "",
    )
    base = results["typed, no trace"]
    sec.table(
        ["input", "decisions /s", "÷ typed without trace", "reference way /s", "× the reference"],
        [[k, fmt_rate(v), f"{v / base:.2f}", fmt_rate(before[k]), f"{v / before[k]:.2f}"] for k, v in results.items()],
    )
    sec.add(
        f"The same {n:,} typed actions again, without forgetting (a stream that repeats its actions' facts): "
        f"{fmt_rate(n / warm_t)} /s.",
        "",
    )
    ok = {k: results[k] >= 2 * before[k] for k in results}
    sec.add(
        f"- Target: the full-rulebook stream ≥ 2× the reference way, without trace: "
        f"{results['typed, no trace'] / before['typed, no trace']:.2f}× typed, "
        f"{results['dict, no trace'] / before['dict, no trace']:.2f}× dict → "
        f"**{'met' if ok['typed, no trace'] else 'MISSED'}**; with trace: "
        f"{results['typed, trace=True'] / before['typed, trace=True']:.2f}× typed → "
        f"**{'met' if ok['typed, trace=True'] else 'MISSED'}**.",
        "",
    )
    sec.figures.update({k: round(v) for k, v in results.items()})
    sec.figures.update(
        reference={k: round(v) for k, v in before.items()},
        remembered=round(n / warm_t),
        target_2x=ok["typed, no trace"],
        target_2x_trace=ok["typed, trace=True"],
        ratio_no_trace=results["typed, no trace"] / before["typed, no trace"],
        ratio_trace=results["typed, trace=True"] / before["typed, trace=True"],
    )
    if not quick:
        k = min(n, 10_000)
        forget(engine)
        sec.add(
            f"Profile, typed input without trace, one `evaluate_many` over {k:,} actions, nothing remembered "
            "(cProfile, top 15 by own time):",
            "",
            "```",
            profile(lambda: many(typed[:k])),
            "```",
            "",
        )
    return sec
