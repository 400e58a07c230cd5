"""CI outputs against their published schemas (vendored in tests/schemas/, see its README), and the
pre-commit hooks and the example workflow call commands that exist."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from govrules._cli import build_parser, main
from govrules._lang.document import load_document
from tests.conftest import MINI

ROOT = Path(__file__).parent.parent
SCHEMAS = Path(__file__).parent / "schemas"
BASE = "kind: leave_jurisdiction, jurisdiction: mini, date: 2026-03-09, actor: {role: deputy}"
ACTIONS = f"""# one allowed, one denied, one conditional, one unusable
- {{id: told, {BASE}, destination: in_province, head_away: false,
   steps: [{{step: notice, party: head, date: 2026-03-05}}]}}
- {{id: late, {BASE}, destination: in_province, head_away: false, as_of: 2026-03-08}}
- {{id: abroad, {BASE}, destination: abroad, head_away: false}}
- {{id: "bad <&'>", {BASE}, destination: moon, head_away: false}}
"""


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, Path]:
    path = tmp_path / "actions 行动.yaml"  # a space and Chinese: the SARIF URI must encode them
    path.write_text(ACTIONS, encoding="utf-8")
    code = main(["check", "--rulebook", str(MINI), *args, str(path)])
    return code, capsys.readouterr().out, path


def test_sarif_validates_and_points_at_each_action(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, path = check(tmp_path, capsys, "--format", "sarif")
    assert code == 2  # one unusable action
    log = json.loads(out)
    schema = json.loads((SCHEMAS / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)

    (run,) = log["runs"]
    found = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]
    ]
    assert found == [
        ("mini.leave.deputy_tells_head", "error", 4),  # denied: told nobody, as of past the due day
        ("mini.leave.deputy_tells_head", "warning", 5),  # conditional: still to tell the head
        ("mini.leave.office_informs", "warning", 5),
    ]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert [ids[r["ruleIndex"]] for r in run["results"]] == [r for r, _, _ in found]
    first = run["results"][0]
    assert first["message"]["text"].startswith("依据《清河门区人民政府工作规则》第二条（七十、）：")
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == path.as_uri()
    assert "%20" in path.as_uri()
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert "destination" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_relative_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a b.yaml").write_text(ACTIONS.splitlines()[3] + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--rulebook", str(MINI), "--format", "sarif", "a b.yaml"]) == 1
    (result,) = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%20b.yaml"


def test_junit_validates_against_the_jenkins_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(tmp_path, capsys, "--format", "junit")
    assert code == 2
    xmlschema.XMLSchema(SCHEMAS / "junit-10.xsd").validate(out)
    doc = xmlschema.XMLSchema(SCHEMAS / "junit-10.xsd").to_dict(out)
    (suite,) = doc["testsuite"]
    assert (suite["@tests"], suite["@failures"], suite["@errors"]) == ("4", "1", "1")


def test_pre_commit_hooks_run_govrules_commands() -> None:
    hooks = load_document(str(ROOT / ".pre-commit-hooks.yaml")).data
    assert {h["id"] for h in hooks} == {"govrules-check", "govrules-validate", "govrules-fmt"}
    for hook in hooks:
        assert hook["language"] == "python"
        command, *args = shlex.split(hook["entry"]) + hook.get("args", [])
        assert command == "govrules"
        files = ["actions.yaml"] if hook.get("pass_filenames", True) else []
        build_parser().parse_args([*args, *files])  # exits on an unknown option


def test_example_workflow_runs_check_with_junit() -> None:
    workflow = load_document(str(ROOT / "examples" / "ci" / "github-workflow.yml")).data
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    commands = [line.strip() for run in runs for line in run.splitlines() if line.strip().startswith("govrules ")]
    assert any("--format junit" in c for c in commands)
    for c in commands:
        build_parser().parse_args(shlex.split(c.split(">")[0])[1:])  # exits on an unknown option
