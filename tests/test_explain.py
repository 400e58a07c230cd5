"""`govrules explain`: every rule weighed with the facts it read, exceptions, the findings with
their articles quoted in the original, and the dates — in Chinese and in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest

import govrules
from govrules._cli import main
from govrules._explain import explain
from govrules._records import read_records
from govrules._vocab import PARTY_ZH, STEP_ZH, Party, StepType
from tests.conftest import MINI

ROOT = Path(__file__).parent.parent
ART_2 = "区政府组成人员要严格执行请销假制度。副区长离阜和休假,应事先报告区长,由区政府办公室通报区政府其他领导同志。"
DEPUTY: dict[str, Any] = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "mini",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
    "destination": "in_province",
    "head_away": False,
}


def test_trace_carries_the_facts_each_condition_read(mini: govrules.Engine) -> None:
    d = mini.evaluate(DEPUTY | {"destination": None}, trace=True)
    assert d.trace is not None
    by_rule = {t.rule: t for t in d.trace}
    assert by_rule["mini.leave.deputy_tells_head"].facts == {"actor.role": "deputy"}
    assert by_rule["mini.leave.office_informs"].facts == {
        "actor.role": "deputy",
        "destination": None,
    }
    exc = by_rule["mini.leave.head_away_exception"]
    assert (exc.value, exc.exception_to, exc.facts) == (
        "false",
        ("mini.leave.deputy_tells_head",),
        {"head_away": False},
    )
    assert mini.evaluate(DEPUTY).trace is None


def test_chinese_explanation_of_a_pending_step(mini: govrules.Engine) -> None:
    text = explain(mini, DEPUTY, "zh")
    assert text.startswith("结论：附条件准许")
    assert "1. mini.leave.deputy_tells_head 第二条（七十、）" in text
    assert '条件：actor.role == "deputy" → 成立' in text
    assert '所读事实：actor.role = "deputy"' in text
    assert "审查结果：尚未办理，办理期限：2026年3月6日（应当）" in text
    assert "依据《清河门区人民政府工作规则》第二条，副区长离阜，应事先报告区长。" in text
    assert f"> {ART_2}" in text  # the article, quoted in the original
    assert "例外 mini.leave.head_away_exception" in text and "head_away = false" in text
    assert "尚须办理：\n  - 事先报告（notice）：区长，办理期限：2026年3月6日" in text
    # the other rule of the same article does not hold: weighed, its facts shown, nothing found
    assert 'destination = "in_province"' in text and text.count(f"> {ART_2}") == 1


def test_english_explanation_still_quotes_the_article_in_chinese(mini: govrules.Engine) -> None:
    text = explain(mini, DEPUTY | {"as_of": "2026-03-08"}, "en")
    assert text.startswith("Verdict: denied")
    assert "result: violated, would have complied by 2026-03-06 (shall)" in text
    assert "Under article 2 of 《清河门区人民政府工作规则》: A deputy head leaving reports" in text
    assert f"> {ART_2}" in text


def test_exception_that_overrode_its_rule(mini: govrules.Engine) -> None:
    text = explain(mini, DEPUTY | {"head_away": True}, "zh")
    assert "被例外排除：mini.leave.head_away_exception" in text
    assert "条件：head_away == true → 成立" in text
    assert "审查结果：准许（可以）" in text


def test_missing_facts_are_named(mini: govrules.Engine) -> None:
    text = explain(mini, {k: v for k, v in DEPUTY.items() if k != "head_away"}, "zh")
    assert "head_away = 未提供" in text and "缺少事实：head_away" in text
    assert "无法判断（所需事实未提供）" in text


def test_silent_kind(mini: govrules.Engine) -> None:
    text = explain(
        mini,
        {
            "kind": "publish_speech",
            "jurisdiction": "mini",
            "date": "2026-03-09",
            "actor": {"role": "head"},
            "on_behalf_of_government": True,
        },
        "en",
    )
    assert "has no provision that applies to this action: allowed, citing nothing" in text


def test_every_step_and_party_has_a_chinese_name() -> None:
    assert set(get_args(StepType)) <= set(STEP_ZH)
    assert set(get_args(Party)) <= set(PARTY_ZH)


def test_explain_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "- {id: leaving, kind: leave_jurisdiction, jurisdiction: mini, date: 2026-03-09,\n"
        "   actor: {role: deputy}, destination: abroad, head_away: false}\n"
        "- {kind: leave_jurisdiction, jurisdiction: mini, date: 2020-01-01,\n"
        "   actor: {role: deputy}}\n",
        encoding="utf-8",
    )
    assert main(["explain", "--rulebook", str(MINI), "--lang", "en", str(path)]) == 2
    out, err = capsys.readouterr()
    assert f"{path}:1: leaving\nVerdict: conditional" in out
    assert f"{path}:3: error: date: no rules of `mini` in force on 2020-01-01" in err


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "actions").glob("*.yaml")), ids=lambda p: p.name)
def test_explain_names_every_findings_article_text_and_dates(engine: govrules.Engine, path: Path) -> None:
    """The issue's acceptance test, on the example actions and the bundled rulebook."""
    for item in read_records(str(path)):
        d = engine.evaluate(item.data)
        text = explain(engine, item.data, "zh")
        (version,) = [v for v in engine.versions(d.jurisdiction) if v.key == d.rulebook]
        articles = {a.number: a for a in version.articles}
        for f in d.findings:
            assert f"{f.citation_zh}，{f.message_zh}" in text
            assert articles[f.article].text.strip().splitlines()[0] in text
            for day in (f.due, f.comply_by):
                if day is not None:
                    assert f"{day.year}年{day.month}月{day.day}日" in text
