"""Part 2: the full bundled rulebook, a mixed stream over all kinds and jurisdictions."""

from __future__ import annotations

from collections import Counter

from .common import Section, fmt_rate, median_time, profile
from .stream import mixed


def run(n: int = 20_000, runs: int = 5, quick: bool = False) -> Section:
    import govrules

    sec = Section("full", "2. The full rulebook: a mixed stream",
                  f"python -m bench full{' --quick' if quick else ''}")
    engine = govrules.load()
    actions = mixed(n, engine)
    typed = [govrules.parse_action(a) for a in actions]
    kinds = Counter(a["kind"] for a in actions)
    jurs = Counter(a["jurisdiction"] for a in actions)
    ev = engine.evaluate
    verdicts = Counter(ev(a).verdict for a in typed)

    results = {}
    for label, fn in (
        ("typed, no trace", lambda: [ev(a) for a in typed]),
        ("typed, trace=True", lambda: [ev(a, trace=True) for a in typed]),
        ("dict, no trace", lambda: [ev(a) for a in actions]),
        ("dict, trace=True", lambda: [ev(a, trace=True) for a in actions]),
    ):
        med, _ = median_time(fn, runs)
        results[label] = n / med
    sec.add(f"{n:,} actions drawn from the rule tests' actions (`rulebook/tests/*.yaml`) with every date shifted "
            "by one random amount (±400 days) and, one in three, a yes/no fact flipped; refused actions dropped. "
            f"{len(kinds)} kinds, {len(jurs)} jurisdictions "
            f"({', '.join(f'{k} {v:,}' for k, v in sorted(jurs.items()))}); "
            f"verdicts: {', '.join(f'{k} {v:,}' for k, v in sorted(verdicts.items()))}. "
            f"Decisions per second, median of {runs} runs.", "")
    base = results["typed, no trace"]
    sec.table(["input", "decisions /s", "÷ typed without trace"],
              [[k, fmt_rate(v), f"{v / base:.2f}"] for k, v in results.items()])
    sec.figures.update({k: round(v) for k, v in results.items()})
    if not quick:
        k = min(n, 10_000)
        sec.add(f"Profile, typed input without trace, one evaluate loop over {k:,} actions "
                "(cProfile, top 15 by own time):", "", "```", profile(lambda: [ev(a) for a in typed[:k]]), "```", "")
    return sec
