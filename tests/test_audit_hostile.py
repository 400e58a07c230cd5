"""Hostile logs (issue 11 §2), through the real CLI in a subprocess: each bad record is one problem
naming its line, the good records around it are still audited, the exit code is 2 (bad input), and
there is never a traceback. A log that is not a regular file, or too large, is refused unread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import govrules

ACTOR = {"role": "deputy"}


def meeting(id_: str, day: str) -> str:
    """A topical meeting of Qinghemen with no minutes: a missing duty under 第三十九条 (3 days)."""
    return json.dumps(
        {
            "type": "meeting_held",
            "id": id_,
            "jurisdiction": "qinghemen",
            "date": day,
            "actor": ACTOR,
            "meeting": "topical",
            "legal_matters": False,
        }
    )


def audit_cli(path: Path, *extra: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    src = str(Path(govrules.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "govrules", "audit", str(path), "--as-of", "2026-03-31", "--backend", "python", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_each_bad_line_is_one_problem_and_the_rest_is_audited(tmp_path: Path) -> None:
    log = tmp_path / "hostile.jsonl"
    with log.open("wb") as f:
        f.write(meeting("m1", "2026-03-02").encode() + b"\n")
        f.write(b'{"type": "meeting_held", "id": "x", "members_total": ' + b"9" * 5000 + b"}\n")  # line 2
        f.write(b"[" * 5000 + b"]" * 5000 + b"\n")  # line 3: 5,000 deep
        f.write(b'{"id": "\xff\xfe"}\n')  # line 4: not UTF-8
        f.write(meeting("m2", "2026-02-30").encode() + b"\n")  # line 5: no such day
        f.write(meeting("m3", "9999-12-31").encode() + b"\n")  # line 6: past any deadline arithmetic
        f.write(b"{" + b" " * (1024 * 1024 + 10) + b"}\n")  # line 7: over the line bound
        f.write(meeting("m4", "2026-03-03").encode() + b"\n")
    out = audit_cli(log)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and out.stderr == ""
    problems = [line for line in out.stdout.splitlines() if ": problem" in line]
    assert [p.split(": problem")[0] for p in problems] == [f"{log}:{n}" for n in range(2, 8)]
    assert "a number too long to read" in problems[0]
    # Python 3.11-3.12 cannot read JSON nested 5,000 deep; 3.13 can, and then it is not an event
    assert "nesting too deep" in problems[1] or "valid dictionary" in problems[1]
    assert "not UTF-8" in problems[2] and "day value is outside expected range" in problems[3]
    assert "beyond the working-day calendar" in problems[4] and "line longer than" in problems[5]
    # the good records before and after are judged: both meetings lack their minutes
    missing = [line for line in out.stdout.splitlines() if "BREACH missing" in line]
    assert [line.split()[5] for line in missing] == ["m1", "m4"]
    assert "2 events as of 2026-03-31" in out.stdout


def test_json_report_of_a_hostile_log_lists_the_problems(tmp_path: Path) -> None:
    log = tmp_path / "hostile.jsonl"
    log.write_bytes(meeting("m1", "2026-03-02").encode() + b"\n" + b"[" * 5000 + b"\n")
    out = audit_cli(log, "--format", "json")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    report = json.loads(out.stdout)
    assert [(p["line"], p["message"].startswith("invalid JSON: ")) for p in report["problems"]] == [(2, True)]
    assert [f["events"] for f in report["findings"]] == [["m1"]]


def test_yaml_log_with_an_impossible_date_keeps_the_other_events(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    rows = [("a", "2026-03-02"), ("b", "2026-02-30"), ("c", "2026-03-03")]  # unquoted: YAML dates
    log.write_text(
        "events:\n"
        + "".join(
            f"  - {{type: meeting_held, id: {i}, jurisdiction: qinghemen, date: {d}, actor: {{role: deputy}}, "
            "meeting: topical, legal_matters: false}\n"
            for i, d in rows
        ),
        encoding="utf-8",
    )
    out = audit_cli(log)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"{log}:3: problem" in out.stdout
    assert [line.split()[5] for line in out.stdout.splitlines() if "BREACH missing" in line] == ["a", "c"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "log.jsonl"
    os.mkfifo(fifo)  # no writer: reading it would block forever
    out = audit_cli(fifo, timeout=30)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "not a regular file" in out.stdout


def test_a_yaml_log_over_the_size_bound_is_refused_unread(tmp_path: Path) -> None:
    log = tmp_path / "huge.yaml"
    with log.open("wb") as f:
        f.truncate(64 * 1024 * 1024)  # sparse: 64 MB that cost nothing to write, nor must to refuse
    out = audit_cli(log)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"{log}: problem: file larger than" in out.stdout  # the shared reader's words, before reading


def test_a_directory_and_a_missing_file_are_problems(tmp_path: Path) -> None:
    for path, why in ((tmp_path, "a folder with no .yaml"), (tmp_path / "none.jsonl", "no such file")):
        out = audit_cli(path)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert why in out.stdout
