"""Part 6: evaluation cost per action as the rulebook grows: ×1, ×10, ×100 the five jurisdictions.

The copies are the real rulebook files under new jurisdiction ids (`qinghemen` → `qinghemen_g7`, its
rule ids renamed alike), written to bench/out/growth/xN/ with each copy's source text linked
beside them; they are loaded as extra rulebook folders beside the bundled one. The action stream is the
same for every size: the mixed stream of part 2, over the five real jurisdictions.
"""

from __future__ import annotations

import os
import re
import shutil
import time

from .common import OUT, Section, median_time, profile
from .stream import mixed


def make_copies(factor: int) -> list[str]:
    """Folders holding (factor - 1) copies of each bundled rulebook file; [] for ×1."""
    from govrules._lang.compiled import bundled_dir, rulebook_files

    if factor <= 1:
        return []
    folder = OUT / "growth" / f"x{factor}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sources = folder / "sources"  # each copy's source is the original's text, under the copy's name
    sources.mkdir()
    for f in rulebook_files([bundled_dir()]):
        text = f.read_text(encoding="utf-8")
        jur = re.search(r"^jurisdiction:\s*(\S+)", text, re.M)
        assert jur is not None
        j = jur.group(1)
        for k in range(1, factor):
            new = f"{j}_g{k}"
            copy = re.sub(rf"^jurisdiction:\s*{j}\b", f"jurisdiction: {new}", text, count=1, flags=re.M)
            copy = re.sub(rf"(?<![\w.]){re.escape(j)}\.(?=\w)", f"{new}.", copy)
            (folder / f"{new}.yaml").write_text(copy, encoding="utf-8")
            try:  # a hard link: a symbolic one would lead outside `sources/`, which the loader refuses
                os.link(bundled_dir() / "sources" / f"{j}.txt", sources / f"{new}.txt")
            except OSError:
                shutil.copyfile(bundled_dir() / "sources" / f"{j}.txt", sources / f"{new}.txt")
    return [str(folder)]


def run(factors: tuple[int, ...] = (1, 10, 100), n: int = 20_000, runs: int = 5, quick: bool = False) -> Section:
    import govrules

    sec = Section(
        "growth",
        "6. Growth: cost per action as the rulebook grows",
        f"python -m bench growth{' --quick' if quick else ''}",
    )
    base_engine = govrules.load()
    actions = mixed(n, base_engine)
    typed = [govrules.parse_action(a) for a in actions]
    engines = {}
    load_s = {}
    for factor in factors:
        extra = make_copies(factor)
        t = time.perf_counter()
        engines[factor] = govrules.load(extra=extra)
        load_s[factor] = time.perf_counter() - t
    times: dict[int, list[float]] = {f: [] for f in factors}
    for r in range(runs + 1):  # every size in each round, so that a change of load hits them all
        for factor in factors:
            ev = engines[factor].evaluate
            t = median_time(lambda ev=ev: [ev(a) for a in typed], 1)[0]
            if r:  # round 0 warms up, uncounted
                times[factor].append(t)
    per = {f: sorted(v)[len(v) // 2] / n for f, v in times.items()}
    rows = []
    for factor in factors:
        engine = engines[factor]
        rules = sum(1 for _ in engine.rules())
        rows.append(
            [
                f"×{factor}",
                f"{len(engine.jurisdictions):,}",
                f"{rules:,}",
                f"{load_s[factor]:.1f}",
                f"{per[factor] * 1e6:.1f}",
                f"{per[factor] / per[factors[0]]:.2f}",
            ]
        )
    sec.add(
        f"The same {n:,} typed actions (the mixed stream of part 2, over the five real jurisdictions) "
        f"evaluated against rulebooks of growing size; median of {runs} rounds, every size in each round, "
        "after one uncounted warm-up round.",
        "",
    )
    sec.table(["size", "jurisdictions", "rules", "load s", "µs per action", "÷ ×1"], rows)
    ratios = {f: per[f] / per[factors[0]] for f in factors[1:]}
    ok = all(0.8 <= x <= 1.2 for x in ratios.values())
    sec.figures.update(ratios={f"x{f}": x for f, x in ratios.items()}, target_flat=ok)
    said = ", ".join(f"×{f}: {x:.2f}" for f, x in ratios.items())
    sec.add(
        f"- Target: cost per action flat within 20% from ×1 to ×{factors[-1]}: {said} of ×1 → "
        f"**{'met' if ok else 'MISSED'}**"
        + ("" if ok or max(ratios.values()) > 1.2 else " (cheaper, not dearer, with more jurisdictions)")
        + ".",
        "",
    )
    if not ok and not quick:
        big = engines[factors[-1]]
        k = min(n, 10_000)
        sec.add(
            f"Profile at ×{factors[-1]}, one evaluate loop over {k:,} actions (cProfile, top 15 by own time):",
            "",
            "```",
            profile(lambda: [big.evaluate(a) for a in typed[:k]]),
            "```",
            "",
        )
    return sec
