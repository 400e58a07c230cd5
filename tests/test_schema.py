"""Generated files are fresh (the JSON Schemas, docs/reference.md), and the files people write
validate against the schemas an editor uses: a typo'd key shows there and in `govrules validate`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govrules._cli import build_parser, main
from govrules._lang.compiled import bundled_dir, rulebook_files
from govrules._lang.document import load_document
from govrules._reference import REGENERATE as REGENERATE_REFERENCE
from govrules._reference import reference
from govrules._schema import KINDS, REGENERATE, dumps, generate, shipped
from tests.conftest import MINI

ROOT = Path(__file__).parent.parent
RULEBOOKS = rulebook_files([bundled_dir()])
CASES = sorted((bundled_dir() / "tests").glob("*.yaml"))
ACTIONS = sorted((ROOT / "examples" / "actions").glob("*.yaml"))
DECLARED = {"rulebook": "../schema/rulebook.schema.json", "cases": "../../schema/cases.schema.json"}


def plain(value: Any) -> Any:
    """YAML data as JSON sees it: dates become ISO strings."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def schema_errors(kind: str, path: Path) -> list[str]:
    schema = json.loads(shipped(kind).read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    doc = load_document(str(path))
    errors = []
    for e in validator.iter_errors(plain(doc.data)):
        where = tuple(e.absolute_path)
        name = ".".join(map(str, where)) or "(document)"
        errors.append(f"{path}:{doc.where(where)[0]}: {name}: {e.message}")
    return errors


def no_errors(errors: list[str]) -> None:
    assert not errors, "\n".join(errors[:20])


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_schema_is_the_generated_one(kind: str) -> None:
    if shipped(kind).read_text(encoding="utf-8") != dumps(generate(kind)):
        pytest.fail(f"src/govrules/schema/{kind}.schema.json is stale: run `{REGENERATE.format(kind=kind)}`")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_a_valid_draft_7_schema(kind: str) -> None:
    jsonschema.Draft7Validator.check_schema(generate(kind))


def test_reference_page_is_the_generated_one() -> None:
    if (ROOT / "docs" / "reference.md").read_text(encoding="utf-8") != reference():
        pytest.fail(f"docs/reference.md is stale: run `{REGENERATE_REFERENCE}`")


@pytest.mark.parametrize("path", [*RULEBOOKS, MINI / "mini.yaml"], ids=lambda p: p.name)
def test_rulebook_file_validates_against_its_schema(path: Path) -> None:
    no_errors(schema_errors("rulebook", path))


@pytest.mark.parametrize("path", [*CASES, MINI / "tests" / "mini.yaml"], ids=lambda p: p.name)
def test_case_file_validates_against_its_schema(path: Path) -> None:
    no_errors(schema_errors("cases", path))


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: p.name)
def test_example_actions_validate_against_their_schema(path: Path) -> None:
    no_errors(schema_errors("actions", path))


@pytest.mark.parametrize(
    ("kind", "path"),
    [("rulebook", p) for p in RULEBOOKS] + [("cases", p) for p in CASES],
    ids=lambda p: getattr(p, "name", p),
)
def test_bundled_file_declares_its_schema(kind: str, path: Path) -> None:
    modeline = f"# yaml-language-server: $schema={DECLARED[kind]}"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == modeline, f"{path}: the first line must be `{modeline}`"
    assert (path.parent / DECLARED[kind]).resolve() == shipped(kind).resolve()


def test_the_schemas_are_found_through_the_top_level_rulebook_link() -> None:
    # An editor resolves `..` in the path as opened: `rulebook/…` (a link) needs `schema/` too.
    for kind, declared in DECLARED.items():
        folder = ROOT / "rulebook" / ("tests" if kind == "cases" else "")
        assert Path(os.path.normpath(folder / declared)).is_file(), kind


def test_a_typo_in_a_key_fails_the_schema_and_validate_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (MINI / "mini.yaml").read_text(encoding="utf-8")
    bad = text.replace("        modality: shall\n", "        modalty: shall\n", 1)
    line = bad.splitlines().index("        modalty: shall") + 1
    path = tmp_path / "mini.yaml"
    path.write_text(bad, encoding="utf-8")

    errors = schema_errors("rulebook", path)
    assert any("'modalty' was unexpected" in e for e in errors), errors

    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:9: E100: articles.1.rules.0.modalty: unknown field `modalty`" in err
    assert "did you mean `modality`?" in err


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "effect: {require: {step: notice, timing: before, party: head, due: {days: 3, before: date}}}",
            "effect: {deny: true, permit: true}",
        ),
        ("kind: leave_jurisdiction", "kind: leave_jurisdction"),
        ("due: {days: 3, before: date}", "due: {days: 3}"),
    ],
)
def test_what_models_check_in_code_the_schema_flags_too(tmp_path: Path, old: str, new: str) -> None:
    text = (MINI / "mini.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert schema_errors("rulebook", path) != []


def test_schema_command_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cases.schema.json"
    assert main(["schema", "cases", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == generate("cases")
    assert main(["schema", "actions"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "govrules action file"


# --- the docs' examples ------------------------------------------------------------------------
DOCS = sorted((ROOT / "docs").glob("*.md"))


def blocks(path: Path, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_command_in_the_docs_parses(path: Path) -> None:
    for block in blocks(path, "sh"):
        for line in block.replace("\\\n", " ").splitlines():  # continuation lines joined
            command = line.split("#")[0].split(">")[0].strip()
            if command.startswith("govrules "):
                build_parser().parse_args(shlex.split(command)[1:])  # exits on a bad option


def test_the_integrators_python_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, Any] = {}
    for block in blocks(ROOT / "docs" / "integrators.md", "python"):
        exec(compile(block, "docs/integrators.md", "exec"), namespace)
    assert "actor.role" in capsys.readouterr().out
