"""The rule tests written as data beside the rulebook (rulebook/tests/*.yaml), one pytest test each."""

from __future__ import annotations

import pytest

import govrules
from govrules._cases import case_files, load_cases, run_case, untested_rules
from govrules._lang.compiled import bundled_dir

FILES = case_files([bundled_dir()])
CASES = [(f, line, c) for f in FILES for line, c in load_cases(f)[0]]


def test_case_files_parse() -> None:
    assert FILES, "no rule test files"
    for f in FILES:
        assert load_cases(f)[1] == [], f


@pytest.mark.parametrize(("file", "line", "case"), CASES, ids=[f"{f.stem}:{c.name}" for f, _, c in CASES])
def test_rule_case(engine: govrules.Engine, file, line, case) -> None:  # type: ignore[no-untyped-def]
    result = run_case(engine, str(file), line, case)
    assert result.ok, f"{file}:{line}: {case.name}: " + "; ".join(result.problems)


def test_every_rule_has_a_firing_and_a_non_firing_case(engine: govrules.Engine) -> None:
    assert untested_rules(engine, FILES) == []
