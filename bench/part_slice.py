"""Part 1: the peer comparison on the shared slice."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .common import Section, fmt_rate, median_time, profile
from .engines import all_engines
from .spec import generate, plain_verdict, with_working_days


class VerificationError(AssertionError):
    """An engine's verdicts differ from the plain-Python verdicts."""


def _inputs(engine: Any, gov_json: list[dict[str, Any]], peer_json: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return gov_json if getattr(engine, "reads_govrules_json", False) else peer_json


def verify(
    engines: list[Any],
    gov_json: list[dict[str, Any]],
    peer_json: list[dict[str, Any]],
    prepared: dict[str, Any] | None = None,
) -> list[str]:
    """Check every engine's verdicts, on both inputs, against the plain-Python verdicts of every
    action. Raises VerificationError with a diff; returns the expected verdicts."""
    from .spec import flatten

    expected = [plain_verdict(flatten(a)) for a in peer_json]
    problems = []
    for e in engines:
        data = _inputs(e, gov_json, peer_json)
        typed = prepared[e.name] if prepared is not None else e.prepare(data)
        for label, got in (("typed", e.run_typed(typed)), ("dict", e.run_dicts(data))):
            if len(got) != len(expected):
                problems.append(f"{e.name} ({label}): {len(got)} verdicts for {len(expected)} actions")
                continue
            diff = [i for i, (g, x) in enumerate(zip(got, expected, strict=True)) if g != x]
            if diff:
                lines = [f"{e.name} ({label}): {len(diff)} of {len(expected)} verdicts differ from plain Python"]
                for i in diff[:5]:
                    lines.append(f"  action {i}: {e.name} says {got[i]}, plain Python says {expected[i]}: {data[i]}")
                problems.append("\n".join(lines))
    if problems:
        raise VerificationError("verdicts differ; nothing was timed:\n" + "\n".join(problems))
    return expected


def run(
    n: int = 100_000, runs: int = 5, quick: bool = False, engines: list[Any] | None = None, seed: int = 7
) -> Section:
    sec = Section(
        "slice", "1. Peer comparison on the shared slice", f"python -m bench slice{' --quick' if quick else ''}"
    )
    missing: list[str] = []
    if engines is None:
        engines, missing = all_engines()
    gov_json = generate(n, seed)
    peer_json = with_working_days(gov_json)
    prepared = {e.name: e.prepare(_inputs(e, gov_json, peer_json)) for e in engines}
    expected = verify(engines, gov_json, peer_json, prepared)
    counts = Counter(expected)

    typed: dict[str, list[float]] = {e.name: [] for e in engines}
    dicts: dict[str, list[float]] = {e.name: [] for e in engines}
    for _ in range(runs):  # all engines in each round, so that a change of load hits them all
        for e in engines:
            data = prepared[e.name]
            typed[e.name].append(median_time(lambda e=e, data=data: e.run_typed(data), 1)[0])
        for e in engines:
            data = _inputs(e, gov_json, peer_json)
            dicts[e.name].append(median_time(lambda e=e, data=data: e.run_dicts(data), 1)[0])

    def rate(times: list[float]) -> float:
        return n / sorted(times)[len(times) // 2]

    rt = {k: rate(v) for k, v in typed.items()}
    rd = {k: rate(v) for k, v in dicts.items()}
    g_t, g_d = rt["govrules"], rd["govrules"]
    sec.add(
        f"{n:,} random actions (seed {seed}; {counts['allowed']:,} allowed, {counts['conditional']:,} "
        f"conditional, {counts['denied']:,} denied), three kinds × three synthetic jurisdictions "
        '(`bench/slice/`), loaded with the full bundled rulebook: `govrules.load(extra=["bench/slice"])`; '
        "govrules through `Engine.evaluate_iter` (each decision read for its verdict, as the peers' "
        "results are read), each timed call starting with nothing remembered, and "
        "`govrules (reference)` the same rulebook judged the reference way (`Engine(fast=False)`, the engine "
        "before issue 13). "
        f"Every engine's verdicts were checked equal to plain Python's on all {n:,} actions, both inputs, "
        f"before timing. Decisions per second, median of {runs} runs; all engines in each round.",
        "",
    )
    rows = []
    for e in engines:
        rows.append(
            [e.name, fmt_rate(rt[e.name]), f"{rt[e.name] / g_t:.2f}", fmt_rate(rd[e.name]), f"{rd[e.name] / g_d:.2f}"]
        )
    sec.table(["engine", "typed input /s", "÷ govrules", "dict input /s", "÷ govrules"], rows)
    peers = [e.name for e in engines if e.name != "plain Python" and not e.name.startswith("govrules")]
    for m in missing:
        sec.add(f"- not measured: {m}")
    if peers:
        fastest_t = max(peers, key=lambda k: rt[k])
        fastest_d = max(peers, key=lambda k: rd[k])
        ok_t = g_t >= 2 * rt[fastest_t]
        ok_d = all(g_d > rd[p] for p in peers)
        ok_d15 = g_d >= 1.5 * rd[fastest_d]  # issue 13's dict target
        sec.figures.update(
            typed_ratio_to_fastest_peer=g_t / rt[fastest_t],
            fastest_typed=fastest_t,
            dict_ratio_to_fastest_peer=g_d / rd[fastest_d],
            fastest_dict=fastest_d,
            target_typed=ok_t,
            target_dict=ok_d,
            target_dict_1_5=ok_d15,
        )
        sec.add(
            f"- Target: govrules ≥ 2× the fastest peer with typed input: govrules / {fastest_t} = "
            f"{g_t / rt[fastest_t]:.2f} → **{'met' if ok_t else 'MISSED'}**.",
            f"- Target: govrules ahead of every peer with dict input: govrules / {fastest_d} (the fastest) = "
            f"{g_d / rd[fastest_d]:.2f} → **{'met' if ok_d else 'MISSED'}**.",
            f"- Target (issue 13): govrules ≥ 1.5× the fastest peer with dict input: govrules / {fastest_d} = "
            f"{g_d / rd[fastest_d]:.2f} → **{'met' if ok_d15 else 'MISSED'}**.",
            "",
        )
        if not (ok_t and ok_d and ok_d15) and not quick:
            gov = next(e for e in engines if e.name == "govrules")
            k = min(n, 20_000)
            sec.add(
                f"Profile of govrules, typed input, one evaluate loop over {k:,} slice actions "
                "(cProfile, top 15 by own time):",
                "",
                "```",
                profile(lambda: gov.run_typed(prepared["govrules"][:k])),
                "```",
                "",
            )
            sec.add(
                f"Profile of govrules, dict input, one evaluate loop over {k:,} slice actions:",
                "",
                "```",
                profile(lambda: gov.run_dicts(gov_json[:k])),
                "```",
                "",
            )
    sec.figures.update(typed={k: round(v) for k, v in rt.items()}, dicts={k: round(v) for k, v in rd.items()})
    return sec
