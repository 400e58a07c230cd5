"""Part 3: start-up. A cold `govrules check` of one action, and load + validate + compile in-process."""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from . import proc
from .common import OUT, Section, profile

ONE = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
    "destination": "out_of_province",
}


def import_profile(args: list[str], top: int = 15) -> str:
    """The imports of `python ARGS` that take the most time of their own (-X importtime)."""
    r = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, check=True)
    rows = []
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = (p.strip() for p in line[len("import time:") :].split("|"))
        rows.append((int(self_us), int(cum_us), name.strip()))
    total = sum(s for s, _, _ in rows)
    rows.sort(reverse=True)
    out = [f"total of all imports (self): {total / 1e6:.3f} s", f"{'self us':>9} {'cumul. us':>10}  module"]
    out += [f"{s:>9} {c:>10}  {n}" for s, c, n in rows[:top]]
    return "\n".join(out)


def run(runs: int = 5, quick: bool = False) -> Section:
    # A rulebook cache folder of the bench's own, filled by each uncounted first run: the user's
    # folder may be shared by other govrules processes meanwhile, whose entries evict ours (KEEP).
    with (
        tempfile.TemporaryDirectory(prefix="govrules-bench-cache-") as home,
        mock.patch.dict(os.environ, {"XDG_CACHE_HOME": home}),
    ):
        return _run(runs, quick)


def _run(runs: int, quick: bool) -> Section:
    import govrules

    sec = Section("startup", "3. Start-up", f"python -m bench startup{' --quick' if quick else ''}")
    OUT.mkdir(parents=True, exist_ok=True)
    one = OUT / "one_action.json"
    one.write_text(json.dumps(ONE))
    # govrules' bytecode, as `pip install` writes it: with PYTHONDONTWRITEBYTECODE set (as on the
    # bench machine) a source tree would be compiled again by every run, the installed libraries not.
    compileall.compile_dir(Path(govrules.__file__).parent, quiet=1)
    check = [*proc.govrules_cmd(), "check", "--exit-zero", str(one)]
    imp = [sys.executable, "-c", "import govrules"]
    libs = [sys.executable, "-c", "import pydantic, yaml"]
    helps = [*proc.govrules_cmd(), "--help"]
    bare = [sys.executable, "-c", "pass"]
    rows = []
    figures = {}
    cpu_of: dict[str, float] = {}  # user + system: what a loaded machine's scheduling does not stretch
    for label, args in (
        ("`govrules check` of one action", check),
        ("`python -c 'import govrules'`", imp),
        ("`python -c 'import pydantic, yaml'` (the libraries alone)", libs),
        ("`govrules --help`", helps),
        ("`python -c pass` (the interpreter alone)", bare),
    ):
        proc.run(args)  # one run to warm the file cache, not counted
        walls, cpus, rss = [], [], []
        for _ in range(runs):
            r = proc.run(args)
            if r.code != 0:
                raise RuntimeError(f"{proc.show(args)} exited {r.code}: {r.stderr}")
            walls.append(r.wall)
            cpus.append(r.cpu)
            rss.append(r.max_rss_mib)
        med = statistics.median(walls)
        figures[label] = med
        cpu_of[label] = statistics.median(cpus)
        rows.append(
            [
                label,
                f"{proc.show(args)}",
                f"{med:.3f}",
                f"{min(walls):.3f}–{max(walls):.3f}",
                f"{cpu_of[label]:.3f}",
                f"{statistics.median(rss):.0f}",
            ]
        )
    sec.add(
        f"Whole-process wall and CPU (user + system) time, median of {runs} runs (after one uncounted run that "
        "warms the file cache and the rulebook cache), govrules' bytecode compiled as `pip install` does.",
        "",
    )
    sec.table(["what", "command", "median s", "range s", "median CPU s", "peak RSS MiB"], rows)

    def whole() -> None:  # a load, every jurisdiction read (from the cache, each is read on first use)
        engine = govrules.load()
        for j in engine.jurisdictions:
            engine._compiled_versions(j)

    first_t = time.perf_counter()
    whole()
    first = time.perf_counter() - first_t
    loads = []
    for _ in range(runs):
        t = time.perf_counter()
        whole()
        loads.append(time.perf_counter() - t)
    load_med = statistics.median(loads)
    sec.add(
        f"In-process `govrules.load()` (read, validate and compile the five bundled rulebook files, or read "
        f"them from the cache; every jurisdiction read): first call "
        f"{first:.3f} s, then median of {runs} calls **{load_med:.3f} s** "
        f"({min(loads):.3f}–{max(loads):.3f}).",
        "",
    )
    # load() of an unchanged rulebook against a cold one, each in a fresh process (imports done first,
    # so that both time the load alone): cold with GOVRULES_NO_CACHE, warm from the user's cache. A
    # load from the cache unpickles each jurisdiction on first use: the target is judged with every
    # jurisdiction read, as a cold load has them all.
    probe = (
        "import time, govrules._engine, govrules._cache, govrules._lang.compile\n"
        "t = time.perf_counter(); e = govrules._engine.load(); lazy = time.perf_counter() - t\n"
        "for j in e.jurisdictions: e._compiled_versions(j)\n"
        "print(time.perf_counter() - t, lazy)"
    )
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CACHE_HOME": home}
        timed: dict[str, list[float]] = {"cold": [], "warm": [], "lazy": []}
        subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True)  # fills it
        for _ in range(runs):
            for how in ("cold", "warm"):
                e = {**env, "GOVRULES_NO_CACHE": "1"} if how == "cold" else env
                out = subprocess.run(
                    [sys.executable, "-c", probe], env=e, check=True, capture_output=True, text=True
                ).stdout
                read_all, load_only = map(float, out.split())
                timed[how].append(read_all)
                if how == "warm":
                    timed["lazy"].append(load_only)
    load_cold, load_warm = statistics.median(timed["cold"]), statistics.median(timed["warm"])
    load_lazy = statistics.median(timed["lazy"])
    ok_cache = load_warm <= load_cold / 5
    sec.add(
        f"`load()` of the bundled rulebook in a fresh process (its modules imported first), median of {runs}: "
        f"cold (`GOVRULES_NO_CACHE=1`: read, validate, compile) **{load_cold:.3f} s**, unchanged (from the "
        f"user's cache, `_cache`, every jurisdiction read) **{load_warm:.3f} s**: {load_warm / load_cold:.2f} of "
        f"a cold one ({load_lazy:.3f} s for `load()` itself, which reads each jurisdiction on first use).",
        f"- Target: `load()` of an unchanged rulebook ≤ 1/5 of a cold one: {load_warm / load_cold:.2f} → "
        f"**{'met' if ok_cache else 'MISSED'}**.",
        "",
    )
    sec.figures.update(load_cold=load_cold, load_warm=load_warm, load_lazy=load_lazy, target_cache=ok_cache)
    cold, libs_t = figures[rows[0][0]], figures[rows[2][0]]
    sec.figures.update(
        cold_check=cold,
        load_median=load_med,
        load_first=first,
        import_only=figures[rows[1][0]],
        libraries_only=libs_t,
        help_only=figures[rows[3][0]],
        cold_check_cpu=cpu_of[rows[0][0]],
        libraries_only_cpu=cpu_of[rows[2][0]],
        python_only=figures[rows[4][0]],
    )
    ok_cold, ok_load, ok_libs = cold < 0.5, load_med < 0.2, cold <= 3 * libs_t
    # What `govrules --help` imports: none of the action models, the decision models or the rulebook.
    helped = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "govrules", "--help"], capture_output=True, text=True, check=True
    )
    heavy = ("govrules._actions", "govrules._decision", "govrules._engine", "govrules._lang", "govrules.rulebook")
    imported = sorted({line.rsplit("|", 1)[-1].strip() for line in helped.stderr.splitlines() if "|" in line})
    loaded = [m for m in imported if m.startswith(heavy)]
    ok_help = not loaded
    sec.figures.update(target_cold_vs_libraries=ok_libs, target_help=ok_help)
    sec.add(
        f"- Target (issue 13): cold `govrules check` ≤ 3× `python -c 'import pydantic, yaml'` in the same run: "
        f"{cold:.3f} s against {libs_t:.3f} s = {cold / libs_t:.2f}× → **{'met' if ok_libs else 'MISSED'}** "
        f"(CPU time, user + system: {cpu_of[rows[0][0]]:.3f} s against {cpu_of[rows[2][0]]:.3f} s = "
        f"{cpu_of[rows[0][0]] / cpu_of[rows[2][0]]:.2f}×).",
        "- Target (issue 13): `govrules --help` imports neither the pydantic models nor the rulebook: "
        + ("none of `" + "`, `".join(heavy) + "` imported" if ok_help else "imported " + ", ".join(loaded))
        + f" (`python -X importtime -m govrules --help`) → **{'met' if ok_help else 'MISSED'}**.",
        f"- Target: cold `govrules check` under 0.5 s: {cold:.3f} s → **{'met' if ok_cold else 'MISSED'}** "
        f"(of which the interpreter alone {figures[rows[4][0]]:.3f} s, `import govrules` "
        f"{figures[rows[1][0]]:.3f} s).",
        f"- Target: full rulebook load under 0.2 s: {load_med:.3f} s → **{'met' if ok_load else 'MISSED'}**.",
        "",
    )
    sec.figures.update(target_cold=ok_cold, target_load=ok_load)
    if not quick and not (ok_cold and ok_libs):
        sec.add(
            "Where a cold start goes: `python -X importtime -m govrules check --exit-zero "
            "bench/out/one_action.json`, the 15 imports with the most time of their own (µs; cumulative "
            "includes what they import):",
            "",
            "```",
            import_profile(["-m", "govrules", "check", "--exit-zero", str(one)]),
            "```",
            "",
        )
    if not quick and not (ok_cold and ok_load):
        sec.add(
            "Profile of one `govrules.load()` (cProfile, top 15 by own time):",
            "",
            "```",
            profile(govrules.load),
            "```",
            "",
        )
    return sec
