"""An integrator's bad action: every field at fault, as (path, message), with a did-you-mean and
never the whole list of allowed values."""

from __future__ import annotations

from typing import Any

import pytest

import govrules

BASE: dict[str, Any] = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
}


def errors(engine: govrules.Engine, **changes: Any) -> govrules.ActionError:
    with pytest.raises(govrules.ActionError) as err:
        engine.evaluate({**BASE, **changes})
    return err.value


@pytest.mark.parametrize(
    ("changes", "path", "suggestion"),
    [
        ({"kind": "leave_jurisdicton"}, "kind", "leave_jurisdiction"),
        ({"jurisdiction": "qinghemn"}, "jurisdiction", "qinghemen"),
        ({"destinaton": "abroad"}, "destinaton", "destination"),
        ({"destination": "abrod"}, "destination", "abroad"),
        ({"actor": {"role": "deputty"}}, "actor.role", "deputy"),
        ({"actor": {"role": "deputy", "nmae": "x"}}, "actor.nmae", "name"),
        ({"steps": [{"step": "aproval", "party": "head"}]}, "steps.0.step", "approval"),
        ({"steps": [{"step": "approval", "party": "hed"}]}, "steps.0.party", "head"),
    ],
)
def test_unknown_field_or_value_gets_a_did_you_mean(
    engine: govrules.Engine, changes: dict[str, Any], path: str, suggestion: str
) -> None:
    exc = errors(engine, **changes)
    assert exc.path == path
    ((where, message),) = exc.errors
    assert where == path and f"did you mean `{suggestion}`?" in message


def test_allowed_values_are_counted_not_listed(engine: govrules.Engine) -> None:
    exc = errors(engine, steps=[{"step": "nothing_like_it", "party": "head"}])
    assert exc.errors == (("steps.0.step", "`nothing_like_it` is not one of the 23 allowed values"),)
    assert "publication" not in str(exc) and "'approval'" not in str(exc)


def test_a_few_allowed_values_are_listed(engine: govrules.Engine) -> None:
    exc = errors(engine, destination="mars")
    assert exc.errors == (("destination", "`mars` is not one of `in_province`, `out_of_province`, `abroad`"),)


def test_every_error_is_a_path_and_a_message(engine: govrules.Engine) -> None:
    bad = {f"extra_{i}": i for i in range(7)}
    exc = errors(engine, actor={"role": "deputty"}, destination="abrod", **bad)
    paths = [p for p, _ in exc.errors]
    assert paths[:2] == ["actor.role", "destination"] and len(paths) == 9  # every one, not only five
    assert str(exc).endswith("; and 4 more")
    assert exc.path == "actor.role"


def test_a_message_without_a_field_keeps_an_empty_path() -> None:
    exc = govrules.ActionError("no rules in force")
    assert exc.errors == (("", "no rules in force"),) and exc.path is None and str(exc) == "no rules in force"
