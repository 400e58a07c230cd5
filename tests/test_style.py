"""The code's habits, held in the suite so that CI enforces them: ruff's lint and format, mypy
--strict over the library, and the canonical layout of every rulebook file (`govrules fmt`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ["src", "tests", "bench", "tools", "fuzz", "examples"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint_passes() -> None:
    out = run("ruff", "check", *CODE)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_is_kept() -> None:
    out = run("ruff", "format", "--check", *CODE)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_passes_on_the_library() -> None:
    out = run("mypy", "src/govrules")
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_rulebook_file_is_in_the_canonical_layout() -> None:
    out = run("govrules", "fmt", "--check")
    assert out.returncode == 0, out.stdout + out.stderr
