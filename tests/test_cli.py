"""The command line, as CI uses it: formats, exit codes, bad input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from govrules._cli import main
from tests.conftest import MINI

RB = ["--rulebook", str(MINI)]
GOOD = (
    "{kind: leave_jurisdiction, jurisdiction: mini, date: 2026-03-09, actor: {role: deputy}, "
    "destination: in_province, head_away: false}"
)
DENIED = GOOD.replace("}, destination", "}, as_of: 2026-03-08, destination")


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(p)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *RB, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, write(tmp_path, "a.yaml", f"- {GOOD}\n"))[0] == 0
    assert run(capsys, write(tmp_path, "b.yaml", f"- {GOOD}\n- {DENIED}\n"))[0] == 1
    assert run(capsys, "--exit-zero", write(tmp_path, "c.yaml", f"- {DENIED}\n"))[0] == 0


def test_text_report_cites_articles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, write(tmp_path, "a.yaml", f"- {DENIED}\n"))
    assert code == 1
    assert "DENIED" in out and "依据《清河门区人民政府工作规则》第二条" in out
    assert "would have complied by 2026-03-06" in out


def test_json_lines_and_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.dumps(
        {
            "kind": "leave_jurisdiction",
            "jurisdiction": "mini",
            "date": "2026-03-09",
            "actor": {"role": "deputy"},
            "destination": "in_province",
            "head_away": False,
        }
    )
    path = write(tmp_path, "a.jsonl", f"{good}\n{{not json\n{good}\n")
    code, out, _ = run(capsys, "--format", "json", path)
    doc = json.loads(out)
    assert code == 2  # one bad line: unusable input, the good ones still judged
    assert doc["version"] == 1
    assert [r.get("error", "")[:12] for r in doc["results"]] == ["", "invalid JSON", ""]
    assert [r["line"] for r in doc["results"]] == [1, 2, 3]
    assert doc["results"][0]["decision"]["verdict"] == "conditional"


def test_junit_is_well_formed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "junit", write(tmp_path, "a.yaml", f"- {GOOD}\n- {DENIED}\n"))
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failure = suite.findall("testcase")[1].find("failure")
    assert failure is not None and "mini.leave.deputy_tells_head" in (failure.text or "")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.yaml", "", "empty file"),
        ("binary.yaml", b"\x00\xff\xfe\x00", "not UTF-8"),
        ("broken.yaml", "- {kind: [", "invalid YAML"),
        ("scalar.yaml", "hello\n", "an action is a mapping"),
        ("unknown.yaml", GOOD.replace("head_away", "heed_away") + "\n", "heed_away"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | bytes, message: str
) -> None:
    code, out, err = run(capsys, write(tmp_path, name, content))
    assert code == 2
    assert message in err and message not in out  # errors on stderr, results (the tally) on stdout
    assert "Traceback" not in out + err


def test_missing_path_and_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tmp_path / "nope.yaml"), str(tmp_path))
    assert code == 2
    assert "no such file" in err and "a folder with no .yaml, .yml, .json or .jsonl file" in err


def test_check_walks_folders_in_sorted_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    write(tmp_path / "b", "z.yaml", GOOD)
    write(tmp_path / "b", "a.json", json.dumps([]))
    write(tmp_path, "c.yml", GOOD)
    write(tmp_path / ".hidden", "x.yaml", "not: an action")
    write(tmp_path, "notes.txt", "not read")
    code, out, _ = run(capsys, "--format", "json", str(tmp_path))
    files = [Path(r["file"]).relative_to(tmp_path).as_posix() for r in json.loads(out)["results"]]
    assert files == ["b/z.yaml", "c.yml"]  # b/a.json holds no action
    assert code == 0


def test_rule_tests_command_passes_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", *RB]) == 0
    assert "4 passed, 0 failed" in capsys.readouterr().out
