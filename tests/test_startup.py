"""Start-up (issue 13): a cold `govrules check` of one action imports only what it needs. With the
rulebook in the user's cache, it imports neither the compiler nor YAML nor the audit, nor the other
commands. Asserted on the modules a real process has loaded, never on time (speed is in bench/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import govrules

SRC = str(Path(govrules.__file__).parent.parent)
ONE = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
    "destination": "out_of_province",
}
# What a `check` loads only when it needs it (the lazy imports of `_cache`, `_cli.main`, `_engine`,
# `_lang.compiled`, `_files`): the compiler and YAML on a cache miss, the audit's event models for an
# audit, the other commands when they run, the public views of versions and rules when asked for.
NOT_FROM_THE_CACHE = (
    "govrules._lang.compile",
    "govrules._lang.document",
    "yaml",
    "govrules._audit",
    "govrules._audit.events",
    "govrules._cli.audit",
    "govrules._cli.commands",
    "govrules._info",
    "logging",
)
# The process runs the command, then writes the names of the modules it has loaded.
CODE = (
    "import json, sys\n"
    "from govrules._cli import main\n"
    "code = main(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as f: json.dump(sorted(sys.modules), f)\n"
    "sys.exit(code)\n"
)


def check(tmp_path: Path, fmt: str) -> tuple[str, set[str]]:
    """`govrules check --format FMT` of one action in a fresh process with its own cache folder: its
    output, and the modules it loaded."""
    action, loaded = tmp_path / "one.json", tmp_path / "modules.json"
    action.write_text(json.dumps(ONE), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": SRC, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("GOVRULES_NO_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", CODE, str(loaded), "check", "--format", fmt, "--exit-zero", str(action)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, set(json.loads(loaded.read_text(encoding="utf-8")))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="the rulebook cache is POSIX-only (`_cache.folder`)")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_check_from_the_cache_imports_no_compiler_yaml_audit_or_other_command(tmp_path: Path, fmt: str) -> None:
    first, built = check(tmp_path, fmt)  # an empty cache: the rulebook is compiled, and kept
    assert {"govrules._lang.compile", "yaml", "govrules._audit.events"} <= built
    again, cached = check(tmp_path, fmt)
    assert again == first
    # qinghemen art. 70: a deputy leaving Fuxin reports to the head beforehand (conditional)
    if fmt == "text":
        assert first.startswith(f"{tmp_path / 'one.json'}:1: CONDITIONAL")
    else:
        assert json.loads(first)["results"][0]["decision"]["verdict"] == "conditional"
    assert "govrules._engine" in cached and "govrules._cache" in cached
    assert sorted(m for m in NOT_FROM_THE_CACHE if m in cached) == []
