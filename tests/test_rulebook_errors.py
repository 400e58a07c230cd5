"""One broken rulebook file per error: each must be refused with its code at its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import govrules
from govrules._cli import main

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))


def expected(path: Path) -> tuple[str, int]:
    m = re.match(r"# expect: (\w+) line (\d+)", path.read_text(encoding="utf-8"))
    assert m, f"{path.name} lacks its `# expect: CODE line N` header"
    return m.group(1), int(m.group(2))


def expected_column(path: Path) -> int | None:
    m = re.match(r"# expect: \w+ line \d+ column (\d+)", path.read_text(encoding="utf-8"))
    return int(m.group(1)) if m else None


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_rulebook_is_refused_at_its_line(path: Path) -> None:
    code, line = expected(path)
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(path)
    found = [(d.code, d.line) for d in err.value.diagnostics]
    assert (code, line) in found, found
    assert all(d.file == str(path) for d in err.value.diagnostics)


@pytest.mark.parametrize("path", BROKEN[:3], ids=[p.stem for p in BROKEN[:3]])
def test_validate_prints_file_line_and_fails(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, line = expected(path)
    assert main(["validate", str(path)]) == 2
    assert f"{path}:{line}:" in capsys.readouterr().err


def test_sound_rulebook_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0


# A condition's error points at the character, whatever the scalar's style: plain, quoted (with
# escapes), folded (`>-`) or literal (`|`) over two lines; its text shows the line with a caret.
AT_COLUMN = [p for p in BROKEN if expected_column(p) is not None]


@pytest.mark.parametrize("path", AT_COLUMN, ids=[p.stem for p in AT_COLUMN])
def test_condition_error_points_at_its_column(path: Path) -> None:
    code, line = expected(path)
    column = expected_column(path)
    assert column is not None
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(path)
    found = [d for d in err.value.diagnostics if d.code == code]
    assert [(d.line, d.column) for d in found] == [(line, column)]
    source = path.read_text(encoding="utf-8").splitlines()[line - 1]
    text = str(found[0]).splitlines()
    assert text[0].startswith(f"{path}:{line}:{column}: {code}: ")
    assert text[1] == f"    | {source}"
    assert text[2] == "    | " + " " * (column - 1) + "^"
    assert source[column - 1 :].startswith("head_absent")


def test_caret_under_wide_characters() -> None:
    d = govrules.Diagnostic("f.yaml", 1, 7, "E203", "m", source="text: 中文 x")
    assert str(d).splitlines()[1:] == ["    | text: 中文 x", "    |       ^"]
    wide = govrules.Diagnostic("f.yaml", 1, 10, "E203", "m", source="text: 中文 x")
    assert str(wide).splitlines()[2] == "    | " + " " * 6 + "    " + " ^"
