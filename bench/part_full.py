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

    many, each = engine.evaluate_many, engine.evaluate_iter

    def stream(decisions):  # a stream's consumer: each decision read, then let go
        return [d.verdict for d in decisions]

    # Two ways to take the decisions, each timed against the reference taken the same way: as a
    # stream (`evaluate_iter`, each decision read and let go, as a batch writing its results does)
    # and as a list (`evaluate_many`, every decision held: the collector then scans them all).
    cases = []
    for label, data in (("typed", typed), ("dict", actions)):
        for trace in (False, True):
            name = f"{label}, {'trace=True' if trace else 'no trace'}"
            cases.append(
                (
                    f"{name}, stream",
                    fresh(lambda data=data, trace=trace: stream(each(data, trace=trace))),
                    lambda data=data, trace=trace: stream(rev(a, trace=trace) for a in data),
                )
            )
            cases.append(
                (
                    f"{name}, list",
                    fresh(lambda data=data, trace=trace: many(data, trace=trace)),
                    lambda data=data, trace=trace: [rev(a, trace=trace) for a in data],
                )
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
        "(each run starting with nothing remembered) and the reference way "
        "(`Engine(fast=False)`, one `evaluate` per action: the engine before issue 13; the decisions are "
        "the same, tests/test_fast.py). Each is taken two ways: as a *stream* (`Engine.evaluate_iter`, "
        "and the reference's decisions one by one: each decision read for its verdict and let go) and as a "
        "*list* (`Engine.evaluate_many`, and a list of the reference's decisions: all held until the end, "
        "which makes Python's collector scan every one of them again and again).",
        "",
    )
    base = results["typed, no trace, stream"]
    sec.table(
        ["input", "decisions /s", "÷ typed stream without trace", "reference way /s", "× the reference"],
        [[k, fmt_rate(v), f"{v / base:.2f}", fmt_rate(before[k]), f"{v / before[k]:.2f}"] for k, v in results.items()],
    )
    sec.add(
        f"The same {n:,} typed actions again as a list, without forgetting (a stream that repeats its actions' "
        f"facts): {fmt_rate(n / warm_t)} /s.",
        "",
    )
    ratio = {k: results[k] / before[k] for k in results}
    ok = {k: r >= 2 for k, r in ratio.items()}
    sec.add(
        "- Target: the full-rulebook stream ≥ 2× the reference way (typed input, judged on the stream), "
        f"without trace: {ratio['typed, no trace, stream']:.2f}× → "
        f"**{'met' if ok['typed, no trace, stream'] else 'MISSED'}**; with trace: "
        f"{ratio['typed, trace=True, stream']:.2f}× → **{'met' if ok['typed, trace=True, stream'] else 'MISSED'}**. "
        f"As lists: {ratio['typed, no trace, list']:.2f}× without trace, {ratio['typed, trace=True, list']:.2f}× "
        "with it. A list is slower both ways, and its figures jump from run to run: once the held decisions "
        "pass a quarter of the objects alive (the 20,000 actions and the rulebook, about 340,000), one full "
        "collection of Python's collector walks them all (0.2–0.5 s on this machine, in the middle of a "
        "0.3–2 s run).",
        "",
    )
    sec.figures.update({k: round(v) for k, v in results.items()})
    sec.figures.update(
        reference={k: round(v) for k, v in before.items()},
        remembered=round(n / warm_t),
        target_2x=ok["typed, no trace, stream"],
        target_2x_trace=ok["typed, trace=True, stream"],
        ratio_no_trace=ratio["typed, no trace, stream"],
        ratio_trace=ratio["typed, trace=True, stream"],
        ratio_no_trace_list=ratio["typed, no trace, list"],
        ratio_trace_list=ratio["typed, trace=True, list"],
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
