"""The command line as people and CI meet it: the whole report in Chinese, colour and progress only
on a terminal (run through a real pseudo-terminal with `script`), GitHub annotations, JUnit that
parses whatever the ids hold, and the obligations as an iCalendar file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from govrules._cli import main
from govrules._cli.formats import _fold
from tests.conftest import MINI

ROOT = Path(__file__).parent.parent
RB = ["--rulebook", str(MINI)]
GOOD = (
    "{kind: leave_jurisdiction, jurisdiction: mini, date: 2026-03-09, actor: {role: deputy}, "
    "destination: in_province, head_away: false}"
)
DENIED = GOOD.replace("}, destination", "}, as_of: 2026-03-08, destination")
# A report due 2 working days after the act, in a year whose holiday schedule is not published (bundled rulebook).
LATE = (
    "{kind: report_matter, jurisdiction: qinghemen, date: 2028-03-09, actor: {role: deputy}, matter: outside_meeting}"
)
LEAVE = (
    "{kind: leave_jurisdiction, jurisdiction: qinghemen, date: 2026-03-09, actor: {role: deputy}, destination: abroad}"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def check(capsys: pytest.CaptureFixture[str], *args: str, bundled: bool = False) -> tuple[int, str, str]:
    code = main(["check", *([] if bundled else RB), *args])
    out, err = capsys.readouterr()
    return code, out, err


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    e.update(PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}", TERM="xterm", **extra)
    return e


def govrules(*args: str) -> list[str]:
    return [sys.executable, "-m", "govrules", *args]


def on_terminal(tmp_path: Path, argv: list[str], redirect: Path | None = None, **extra: str) -> str:
    """Run in a real pseudo-terminal (util-linux `script`): what a person at it would see (stdout
    sent to `redirect` instead, if given)."""
    if shutil.which("script") is None:
        pytest.skip("needs script(1)")
    log = tmp_path / "typescript"
    command = " ".join(map(_quote, argv)) + (f" > {_quote(str(redirect))}" if redirect else "")
    subprocess.run(
        ["script", "-q", "-e", "-c", command, str(log)],
        env=env(**extra),
        check=False,
        timeout=120,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    return log.read_bytes().decode("utf-8", errors="replace")  # as written: \r stays \r


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


# --- the words ------------------------------------------------------------------------------------
def test_lang_zh_translates_the_whole_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.yaml", f"- {GOOD}\n- {DENIED}\n")
    _, out, _ = check(capsys, "--lang", "zh", path)
    assert "附条件准许" in out and "不予准许" in out
    assert "[尚未办理]" in out and "[违反本条规定]" in out
    assert "尚须办理: 事先报告 (区（市）长) 2026-03-06前" in out
    assert out.endswith("共2项：准许0项，附条件准许1项，不予准许1项，输入有误0项\n")
    english = re.findall(r"\b(ALLOWED|CONDITIONAL|DENIED|obligation|violated|pending|actions|conditional on)\b", out)
    assert english == [], english


def test_citation_and_rule_id_stand_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, write(tmp_path, "a.yaml", f"- {DENIED}\n"))
    assert "依据《清河门区人民政府工作规则》第二条（七十、） · rule mini.leave.deputy_tells_head\n" in out
    assert "\n        A deputy head leaving reports to the head beforehand. — due 2026-03-06" in out


def test_jargon_is_said_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, write(tmp_path, "a.yaml", f"- {GOOD}\n"))
    assert "conditional on: steps to get done first" in out
    assert "pending_steps" not in out and "missing_facts" not in out and "exception_grounds" not in out
    from govrules._cli import words

    assert "recorded exceptional grounds" in words.need("exception_grounds", "en")
    assert words.step("exception_grounds", "en") == "record the exceptional grounds"


def test_provisional_dates_are_marked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, write(tmp_path, "a.yaml", f"- {LATE}\n"), bundled=True)
    assert "provisional: a working-day count reaches a year" in out
    assert "(provisional: the holiday schedule of that year is not published yet)" in out


def test_errors_on_stderr_results_on_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, write(tmp_path, "a.yaml", f"- {GOOD}\n- {{kind: nope}}\n"))
    assert code == 2
    assert ":2: error: kind: unknown kind `nope`" in err and ": error:" not in out
    assert "CONDITIONAL" in out and "CONDITIONAL" not in err


# --- colour and progress: only on a terminal --------------------------------------------------------
def test_colour_on_a_terminal_only(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", f"- {GOOD}\n- {DENIED}\n")
    seen = on_terminal(tmp_path, govrules("check", *RB, path))
    assert "\x1b[1;31mDENIED\x1b[0m" in seen and "\x1b[33mCONDITIONAL\x1b[0m" in seen
    assert "\x1b[31m[violated]\x1b[0m" in seen
    piped = subprocess.run(govrules("check", *RB, path), env=env(), capture_output=True, text=True, check=False)
    assert "DENIED" in piped.stdout and not ANSI.search(piped.stdout + piped.stderr)
    assert piped.stdout in ANSI.sub("", seen).replace("\r\n", "\n")  # the same words, colour aside


def test_no_colour_when_no_color_is_set(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", f"- {DENIED}\n")
    seen = on_terminal(tmp_path, govrules("check", *RB, path), NO_COLOR="1")
    assert "DENIED" in seen and not ANSI.search(seen)


def test_progress_on_a_terminal_with_rate_and_eta(tmp_path: Path) -> None:
    line = json.dumps(
        {
            "kind": "leave_jurisdiction",
            "jurisdiction": "mini",
            "date": "2026-03-09",
            "actor": {"role": "deputy"},
            "destination": "in_province",
            "head_away": False,
        }
    )
    path = write(tmp_path, "a.jsonl", (line + "\n") * 3000)
    argv = govrules("check", *RB, "--format", "json", path)
    seen = on_terminal(tmp_path, argv, redirect=tmp_path / "out.json", GOVRULES_PROGRESS_AFTER="0")
    assert re.search(r"\r\x1b\[K[\d,]+ actions · [\d,]+/s · \d+% · ETA \d+:\d\d", seen), seen[-300:]
    assert seen.split("\nScript done")[0].endswith("\r\x1b[K")  # wiped at the end
    assert len(json.loads((tmp_path / "out.json").read_text())["results"]) == 3000
    piped = subprocess.run(argv, env=env(GOVRULES_PROGRESS_AFTER="0"), capture_output=True, text=True, check=False)
    assert piped.stderr == ""  # not a terminal: no progress


# --- GitHub annotations -----------------------------------------------------------------------------
def test_github_annotations_on_the_action_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yaml", f"- {GOOD}\n- {DENIED}\n- {{kind: nope}}\n")
    code, out, _ = check(capsys, "--format", "github", "a.yaml")
    assert code == 2
    lines = out.splitlines()
    assert lines[0].startswith(
        "::warning file=a.yaml,line=1,title=govrules CONDITIONAL%3A mini.leave.deputy_tells_head::"
    )
    assert lines[1].startswith(
        "::error file=a.yaml,line=2,title=govrules DENIED%3A mini.leave.deputy_tells_head::"
        "依据《清河门区人民政府工作规则》第二条"
    )
    assert "%0A" in lines[1] and "\r" not in out
    assert lines[2].startswith("::error file=a.yaml,line=3,title=govrules%3A unusable action::kind: unknown kind")
    assert lines[-1] == "3 actions: 0 allowed, 1 conditional, 1 denied, 1 errors"


# --- JUnit ---------------------------------------------------------------------------------------------
def test_junit_survives_control_characters_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_id = GOOD.replace("{kind:", '{id: "trip\\x01\\x1b\\x0b-1", kind:')
    _, out, _ = check(capsys, "--format", "junit", write(tmp_path, "a.yaml", f"- {bad_id}\n- {DENIED}\n"))
    suite = ET.fromstring(out.encode()).find("testsuite")  # well-formed, or this raises
    assert suite is not None
    first, second = suite.findall("testcase")
    assert first.get("name", "").endswith(" trip-1")  # the control characters removed
    why = first.findtext("system-out") or ""
    assert "conditional on: steps to get done first" in why and "obligation: notice (head) by 2026-03-06" in why
    failure = second.find("failure")
    assert failure is not None and "mini.leave.deputy_tells_head" in failure.get("message", "")


# --- iCalendar ------------------------------------------------------------------------------------------
def ics(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    path = write(tmp_path, "a.yaml", f"- {LEAVE}\n- {LATE}\n")
    code, out, err = check(capsys, "--format", "ics", *args, path, bundled=True)
    assert code == 0
    return out, err


def test_ics_is_strict_rfc_5545(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = ics(tmp_path, capsys)
    raw = out.encode("utf-8")
    assert raw.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends CRLF
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line  # folded at 75 octets
        line.decode("utf-8")  # never inside a character
    unfolded = out.replace("\r\n ", "").split("\r\n")
    events = out.count("BEGIN:VEVENT")
    assert events == out.count("END:VEVENT") == 3 and "3 calendar event(s)" in err
    assert len({x for x in unfolded if x.startswith("UID:")}) == 3
    assert sum(x.startswith("DTSTAMP:") for x in unfolded) == 3
    assert "DTSTART;VALUE=DATE:20260309" in unfolded and "DTEND;VALUE=DATE:20260310" in unfolded
    assert "DTSTART;VALUE=DATE:20280313" in unfolded  # 2 working days after 2028-03-09
    provisional = [x for x in unfolded if x.startswith("SUMMARY:") and "(provisional)" in x]
    assert len(provisional) == 1 and "STATUS:TENTATIVE" in unfolded and "X-GOVRULES-PROVISIONAL:TRUE" in unfolded


def test_ics_folding_counts_octets() -> None:
    folded = _fold("SUMMARY:" + "销假" * 40)
    parts = folded.encode().split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in parts) and all(p.startswith(b" ") for p in parts[1:])
    assert folded.replace("\r\n ", "").rstrip("\r\n") == "SUMMARY:" + "销假" * 40


def test_ics_parses_with_icalendar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    icalendar = pytest.importorskip("icalendar")
    import datetime as dt

    out, _ = ics(tmp_path, capsys, "--lang", "zh")
    cal = icalendar.Calendar.from_ical(out)
    events = list(cal.walk("VEVENT"))
    assert [e.decoded("DTSTART") for e in events] == [dt.date(2026, 3, 9), dt.date(2026, 3, 9), dt.date(2028, 3, 13)]
    assert str(events[0]["SUMMARY"]).startswith("事先报告 (区（市）长)")
    assert str(events[2]["STATUS"]) == "TENTATIVE" and "暂定" in str(events[2]["SUMMARY"])
    assert "依据《清河门区人民政府工作规则》第七十条" in str(events[0]["DESCRIPTION"])
