"""The engine's mechanics, on the two-article Qinghemen extract in fixtures/mini (art. 70 there
stands as article 2): versions in force, refusals, missing facts, exceptions, deadlines."""

from __future__ import annotations

import datetime as dt
import shutil
import types
from pathlib import Path

import pytest

import govrules
from tests.conftest import MINI

DEPUTY = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "mini",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
    "destination": "in_province",
    "head_away": False,
}


def outcomes(d: govrules.Decision) -> dict[str, str]:
    return {f.rule: f.outcome for f in d.findings}


def test_pending_notice_makes_it_conditional_with_a_due_date(mini: govrules.Engine) -> None:
    d = mini.evaluate(DEPUTY)
    assert d.verdict == "conditional"
    assert outcomes(d) == {"mini.leave.deputy_tells_head": "pending"}
    (o,) = d.obligations
    assert (o.step, o.party, o.due) == ("notice", ("head",), dt.date(2026, 3, 6))
    assert d.findings[0].citation_zh == "依据《清河门区人民政府工作规则》第二条"


def test_notice_in_time_is_satisfied_and_allowed(mini: govrules.Engine) -> None:
    d = mini.evaluate(DEPUTY | {"steps": [{"step": "notice", "party": "head", "date": "2026-03-06"}]})
    assert d.verdict == "allowed"
    assert outcomes(d) == {"mini.leave.deputy_tells_head": "satisfied"}


def test_late_notice_is_denied_with_the_day_that_would_have_complied(mini: govrules.Engine) -> None:
    d = mini.evaluate(DEPUTY | {"steps": [{"step": "notice", "party": "head", "date": "2026-03-07"}]})
    assert d.verdict == "denied"
    assert d.findings[0].comply_by == dt.date(2026, 3, 6)


def test_as_of_past_the_due_date_without_the_step_is_denied(mini: govrules.Engine) -> None:
    assert mini.evaluate(DEPUTY | {"as_of": "2026-03-07"}).verdict == "denied"
    assert mini.evaluate(DEPUTY | {"as_of": "2026-03-06"}).verdict == "conditional"


def test_exception_defeats_its_rule(mini: govrules.Engine) -> None:
    d = mini.evaluate(DEPUTY | {"head_away": True}, trace=True)
    assert d.verdict == "allowed"
    assert outcomes(d) == {"mini.leave.head_away_exception": "permitted"}
    assert d.trace is not None
    base = next(t for t in d.trace if t.rule == "mini.leave.deputy_tells_head")
    assert base.defeated_by == ("mini.leave.head_away_exception",)


def test_a_missing_fact_is_never_a_pass(mini: govrules.Engine) -> None:
    d = mini.evaluate({k: v for k, v in DEPUTY.items() if k not in ("head_away", "destination")})
    assert d.verdict == "conditional"
    missing = {m for f in d.findings for m in f.missing}
    assert missing == {"head_away", "destination"}


def test_rule_not_applying_and_silent_kinds(mini: govrules.Engine) -> None:
    assert mini.evaluate(DEPUTY | {"actor": {"role": "head"}}).findings == ()
    d = mini.evaluate(
        {
            "kind": "publish_speech",
            "jurisdiction": "mini",
            "date": "2026-03-09",
            "actor": {"role": "head"},
            "on_behalf_of_government": True,
        }
    )
    assert (d.verdict, d.silent) == ("allowed", True)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"date": "2022-09-13"}, "date"),  # the day before the rules took effect
        ({"jurisdiction": "minj"}, "jurisdiction"),
        ({"destination": "moon"}, "destination"),
        ({"colour": "red"}, "colour"),
        ({"actor": {"role": "mayor"}}, "actor.role"),
        ({"date": "2026-02-30"}, "date"),
    ],
)
def test_bad_actions_are_refused_naming_the_field(mini: govrules.Engine, change: dict, path: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(govrules.ActionError) as err:
        mini.evaluate(DEPUTY | change)
    assert path in str(err.value)


def test_before_the_rules_took_effect_the_message_says_when(mini: govrules.Engine) -> None:
    with pytest.raises(govrules.ActionError, match="takes effect on 2022-09-14"):
        mini.evaluate(DEPUTY | {"date": "2021-01-04"})


def test_a_later_version_stands_beside_the_first(tmp_path: Path) -> None:
    shutil.copy(MINI / "mini.yaml", tmp_path / "mini.yaml")
    later = (MINI / "mini.yaml").read_text(encoding="utf-8")
    later = (
        later.replace('version: "2022"', 'version: "2026"')
        .replace("effective_from: 2022-09-14", "effective_from: 2026-06-01")
        .replace("due: {days: 3, before: date}", "due: {days: 5, before: date}")
    )
    (tmp_path / "mini-2026.yaml").write_text(later.replace("mini.leave.", "mini.leave.v2_"), encoding="utf-8")
    engine = govrules.load(tmp_path)
    early = engine.evaluate(DEPUTY)
    late = engine.evaluate(DEPUTY | {"date": "2026-06-15"})
    assert (early.rulebook, early.obligations[0].due) == ("mini@2022", dt.date(2026, 3, 6))
    assert (late.rulebook, late.obligations[0].due) == ("mini@2026", dt.date(2026, 6, 10))


def test_overlapping_versions_are_a_load_error(tmp_path: Path) -> None:
    shutil.copy(MINI / "mini.yaml", tmp_path / "mini.yaml")
    text = (MINI / "mini.yaml").read_text(encoding="utf-8").replace('version: "2022"', 'version: "b"')
    (tmp_path / "mini-b.yaml").write_text(text.replace("mini.leave.", "mini.leave.b_"), encoding="utf-8")
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(tmp_path)
    assert "E401" in {d.code for d in err.value.diagnostics}


def test_typed_and_dict_actions_agree(mini: govrules.Engine) -> None:
    typed = govrules.parse_action(DEPUTY)
    assert isinstance(typed, govrules.LeaveJurisdiction)
    assert mini.evaluate(typed) == mini.evaluate(DEPUTY)


def test_exported_names() -> None:  # pinned one by one in tests/test_exports.py
    public = {n for n in dir(govrules) if not n.startswith("_")}
    submodules = {n for n in public if isinstance(getattr(govrules, n), types.ModuleType)}  # server, site…
    assert set(govrules.__all__) - {"__version__"} == public - submodules
