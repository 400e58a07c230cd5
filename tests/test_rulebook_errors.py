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
