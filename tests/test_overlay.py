"""Overlays: a user's own rule files on top of the bundled rulebook (issue 6, item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import govrules
from govrules._cli import main
from govrules._lang.compiled import bundled_dir

ROOT = Path(__file__).parent.parent
OVERLAY = ROOT / "examples" / "overlay" / "rules"
ACTION = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "as_of": "2026-03-10",
    "actor": {"role": "office_director"},
    "destination": "out_of_province",
    "leaves_city": True,
    "purpose": "official",
}


def test_the_example_overlay_changes_a_decision(engine: govrules.Engine) -> None:
    assert engine.evaluate(ACTION).verdict == "allowed"
    overlaid = govrules.load(extra=[OVERLAY])
    decision = overlaid.evaluate(ACTION)
    assert decision.verdict == "denied"
    (finding,) = [f for f in decision.findings if f.rule == "qinghemen.local.office_directors_file_in_writing"]
    assert (finding.article, finding.citation_zh) == (70, "依据《清河门区人民政府工作规则》第七十条")


def test_the_example_overlay_tests_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--rules", str(OVERLAY), "qinghemen-local"]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out


def overlay(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    source = (OVERLAY / "qinghemen-local.yaml").read_text(encoding="utf-8")
    (folder / "local.yaml").write_text(text or source, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("article: 70", "article: 99", "E502"),  # cites an article that does not exist
        ("extends: qinghemen", "extends: qinghemn", "E501"),  # extends nothing
        (
            "id: qinghemen.local.office_directors_file_in_writing",
            "id: qinghemen.leave.deputy_reports_to_head",
            "E503",
        ),  # takes a bundled rule's id without saying so
        ("    modality: must", "    modality: must\n    modalty: must", "E100"),  # unknown field
    ],
)
def test_overlay_errors(tmp_path: Path, old: str, new: str, code: str) -> None:
    text = (OVERLAY / "qinghemen-local.yaml").read_text(encoding="utf-8")
    assert old in text
    folder = overlay(tmp_path, text.replace(old, new))
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(extra=[folder])
    assert code in {d.code for d in err.value.diagnostics}
    assert all(d.file.endswith("local.yaml") for d in err.value.diagnostics if d.code == code)


def test_a_later_version_of_a_bundled_jurisdiction(tmp_path: Path) -> None:
    folder = tmp_path / "later"
    folder.mkdir()
    text = (ROOT / "src/govrules/rulebook/zhanqian.yaml").read_text(encoding="utf-8")
    text = text.replace("version: '2024'", "version: '2027'").replace(
        "effective_from: 2024-01-29", "effective_from: 2027-01-01"
    )
    text = text.replace("id: zhanqian.", "id: zhanqian.v2027_").replace("[zhanqian.", "[zhanqian.v2027_")
    text = text.replace(", zhanqian.", ", zhanqian.v2027_")
    (folder / "zhanqian-2027.yaml").write_text(text, encoding="utf-8")
    engine = govrules.load(extra=[folder])
    act = {
        "kind": "leave_jurisdiction",
        "jurisdiction": "zhanqian",
        "actor": {"role": "deputy"},
        "destination": "out_of_province",
    }
    assert engine.evaluate(act | {"date": "2026-06-01"}).rulebook == "zhanqian@2024"
    assert engine.evaluate(act | {"date": "2027-06-01"}).rulebook == "zhanqian@2027"


def test_an_overlapping_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "same"
    folder.mkdir()
    text = (ROOT / "src/govrules/rulebook/zhanqian.yaml").read_text(encoding="utf-8")
    text = text.replace("version: '2024'", "version: bis").replace("id: zhanqian.", "id: zhanqian.bis_")
    text = text.replace("[zhanqian.", "[zhanqian.bis_").replace(", zhanqian.", ", zhanqian.bis_")
    (folder / "zhanqian-bis.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "src/govrules/rulebook/sources", folder / "sources")
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(extra=[folder])
    assert "E401" in {d.code for d in err.value.diagnostics}


# --- issue 11 §3: an overlay cannot silently take over --------------------------------------------
DEPUTY = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "as_of": "2026-03-10",
    "actor": {"role": "deputy"},
    "destination": "out_of_province",
    "leaves_city": True,
    "purpose": "official",
}
BUNDLED_RULE = "qinghemen.leave.deputy_reports_to_head"


def local_rule(rule_id: str, *, extra: str = "", when: str = 'actor.role == "deputy"', effect: str = "permit") -> str:
    return f"""extends: qinghemen
version: "2022"
rules:
  - article: 70
    id: {rule_id}
    kind: leave_jurisdiction
    topic: leave.who_is_told
    modality: may
    quote: 区政府组成人员要严格执行请销假制度
    when: '{when}'
    effect: {effect}
{extra}    message: {{zh: 本地规定。, en: A local rule.}}
"""


def refused_codes(folder: Path) -> dict[str, govrules.Diagnostic]:
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(extra=[folder])
    return {d.code: d for d in err.value.diagnostics}


def test_replacing_a_bundled_rule_needs_overrides(tmp_path: Path) -> None:
    folder = overlay(tmp_path, local_rule(BUNDLED_RULE))
    d = refused_codes(folder)["E503"]
    assert d.file.endswith("local.yaml") and d.line == 5 and "overrides: true" in (d.hint or "")
    assert "qinghemen.yaml" in d.message  # names the file of the rule it would replace


def test_an_exception_to_a_bundled_rule_needs_overrides(tmp_path: Path) -> None:
    text = local_rule("qinghemen.local.deputy_may_skip", extra=f"    exception_to: [{BUNDLED_RULE}]\n")
    d = refused_codes(overlay(tmp_path, text))["E504"]
    assert f"`{BUNDLED_RULE}`" in d.message and d.rule == "qinghemen.local.deputy_may_skip"


def test_overrides_that_override_nothing_is_refused(tmp_path: Path) -> None:
    text = local_rule("qinghemen.local.new_rule", extra="    overrides: true\n")
    assert "E505" in refused_codes(overlay(tmp_path, text))


def test_a_declared_replacement_changes_the_answer_and_says_where_from(engine: govrules.Engine, tmp_path: Path) -> None:
    before = engine.evaluate(DEPUTY)
    (bundled,) = [f for f in before.findings if f.rule == BUNDLED_RULE]
    assert bundled.provenance == "bundled" and bundled.outcome == "violated"
    folder = overlay(tmp_path, local_rule(BUNDLED_RULE, extra="    overrides: true\n"))
    after = govrules.load(extra=[folder]).evaluate(DEPUTY)
    (local,) = [f for f in after.findings if f.rule == BUNDLED_RULE]
    assert (local.outcome, local.provenance) == ("permitted", str(folder / "local.yaml"))
    assert sum(1 for r in govrules.load(extra=[folder]).rules() if r.id == BUNDLED_RULE) == 1


def test_a_declared_exception_defeats_the_bundled_rule_with_its_provenance(tmp_path: Path) -> None:
    text = local_rule(
        "qinghemen.local.deputy_may_skip", extra=f"    exception_to: [{BUNDLED_RULE}]\n    overrides: true\n"
    )
    folder = overlay(tmp_path, text)
    decision = govrules.load(extra=[folder]).evaluate(DEPUTY)
    assert BUNDLED_RULE not in {f.rule for f in decision.findings}
    (local,) = [f for f in decision.findings if f.rule == "qinghemen.local.deputy_may_skip"]
    assert local.provenance == str(folder / "local.yaml") and local.exception_to == (BUNDLED_RULE,)


def test_the_example_overlay_finding_records_its_file() -> None:
    decision = govrules.load(extra=[OVERLAY]).evaluate(ACTION)
    provenance = {f.rule: f.provenance for f in decision.findings}
    assert provenance["qinghemen.local.office_directors_file_in_writing"] == str(OVERLAY / "qinghemen-local.yaml")


def test_an_exception_to_an_exception_is_refused(tmp_path: Path) -> None:
    first = local_rule(
        "qinghemen.local.deputy_may_skip", extra=f"    exception_to: [{BUNDLED_RULE}]\n    overrides: true\n"
    )
    second = local_rule(
        "qinghemen.local.unless_abroad",
        when='destination == "abroad"',
        effect="deny",
        extra="    exception_to: [qinghemen.local.deputy_may_skip]\n",
    )
    second = second.split("rules:\n", 1)[1]
    folder = overlay(tmp_path, first + second)
    d = refused_codes(folder)["E310"]
    assert d.rule == "qinghemen.local.unless_abroad" and "`qinghemen.local.deputy_may_skip`" in d.message


def test_two_rulebooks_of_one_jurisdiction_and_version_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    text = (ROOT / "src/govrules/rulebook/zhanqian.yaml").read_text(encoding="utf-8")
    (folder / "zhanqian.yaml").write_text(text.replace("id: zhanqian.", "id: zhanqian.copy_"), encoding="utf-8")
    d = refused_codes(folder)["E402"]
    assert d.file == str(folder / "zhanqian.yaml")
    bundled = bundled_dir() / "zhanqian.yaml"  # the installed package's copy, wherever it is installed
    assert "`zhanqian@2024`" in d.message and str(bundled) in d.message


def test_the_text_report_names_the_overlay_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rules", str(OVERLAY), str(ROOT / "examples" / "overlay" / "actions.yaml")]) == 1
    out = capsys.readouterr().out
    assert " · rule qinghemen.local.office_directors_file_in_writing\n" in out
    assert f" — from {OVERLAY / 'qinghemen-local.yaml'}" in out
