"""`python -m bench [PART ...] [--quick]`: run the benchmark suite and regenerate bench/RESULTS.md.

Parts: slice, full, startup, batch, audit, growth (default: these, in that order), and dask (only when
named: `python -m bench dask`, about 15 minutes; it also writes the tables of bench/DASK.md). `--quick` is a smoke
run with small sizes: it checks that everything runs (verdicts verified as in a full run) and
writes nothing to RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from .common import DEFAULT_PARTS, PARTS, Section
from .report import write_results


def run_part(part: str, quick: bool) -> Section:
    if part == "slice":
        from . import part_slice

        return part_slice.run(n=2_000, runs=1, quick=True) if quick else part_slice.run()
    if part == "full":
        from . import part_full

        return part_full.run(n=500, runs=1, quick=True) if quick else part_full.run()
    if part == "startup":
        from . import part_startup

        return part_startup.run(runs=1, quick=True) if quick else part_startup.run()
    if part == "batch":
        from . import part_batch

        return part_batch.run(sizes=(2_000,), quick=True) if quick else part_batch.run()
    if part == "audit":
        from . import part_audit

        return part_audit.run(sizes=(2_000,), quick=True) if quick else part_audit.run()
    if part == "growth":
        from . import part_growth

        return part_growth.run(factors=(1, 2), n=300, runs=1, quick=True) if quick else part_growth.run()
    if part == "dask":
        from . import part_dask

        return part_dask.run(quick=quick)
    raise ValueError(part)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument(
        "parts", nargs="*", metavar="PART", help=f"parts to run: {', '.join(PARTS)} (default: all but dask)"
    )
    ap.add_argument("--quick", action="store_true", help="a smoke run with small sizes; RESULTS.md untouched")
    args = ap.parse_args(argv)
    parts = args.parts or list(DEFAULT_PARTS)
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        ap.error(f"unknown part {', '.join(unknown)}; the parts are {', '.join(PARTS)}")
    failed: dict[str, Any] = {}
    for part in parts:
        t = time.perf_counter()
        print(f"[bench] {part}{' (quick)' if args.quick else ''} …", file=sys.stderr, flush=True)
        try:
            sec = run_part(part, args.quick)
        except Exception as exc:  # a part that fails is reported, and the others still run
            failed[part] = exc
            print(f"[bench] {part} FAILED: {exc}", file=sys.stderr, flush=True)
            continue
        print("\n".join(sec.body), flush=True)
        print(f"[bench] {part} done in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
        if not args.quick:
            sec.finish()
    if not args.quick:
        path = write_results(failed)
        print(f"[bench] wrote {path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
