"""The audit bench's generated log (bench/part_audit.py) is clean on the bundled rulebook: every
fact a check's trigger reads is given, so the bench times audits, not problem reports."""

from __future__ import annotations

from pathlib import Path

from bench.part_audit import JURISDICTIONS, write_log

import govrules
from govrules._audit.api import audit_file


def test_bench_log_has_no_problems_and_planted_breaches_of_every_form(engine: govrules.Engine, tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    as_of = write_log(log, 3_000)
    report = audit_file(engine, str(log), as_of=as_of, backend="python")
    assert report.problems == ()
    assert report.events >= 3_000
    assert {f.jurisdiction for f in report.findings} == set(JURISDICTIONS)
    kinds = {f.kind for f in report.findings}
    assert {"late", "missing", "consent", "excess", "gap", "open"} <= kinds
