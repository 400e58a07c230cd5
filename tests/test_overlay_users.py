"""A department's own rules as its author meets them: `validate` on the overlay folder alone, the
overlay's tests run with the rulebook's, a failing test that says what decided, and a quote that
ties each rule to its article."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import govrules
from govrules._cli import main

ROOT = Path(__file__).parent.parent
OVERLAY = ROOT / "examples" / "overlay" / "rules"
RULE = "qinghemen.local.office_directors_file_in_writing"


def copy_overlay(tmp_path: Path) -> Path:
    folder = tmp_path / "my_rules"
    shutil.copytree(OVERLAY, folder)
    return folder


def test_validate_an_overlay_folder_loads_the_rulebook_it_extends(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(OVERLAY)]) == 0
    assert capsys.readouterr().out == f"ok: {OVERLAY} (overlays on the bundled rulebook)\n"


def test_validate_an_overlay_folder_reports_its_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_overlay(tmp_path)
    f = folder / "qinghemen-local.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("  - article: 70", "  - article: 700"), encoding="utf-8")
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "E502" in err and "E501" not in err


def test_test_runs_the_overlay_tests_with_the_rulebook(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "qinghemen"]) == 0
    alone = int(capsys.readouterr().out.rsplit("\n", 2)[-2].split()[0])
    assert main(["test", "qinghemen", "--rules", str(OVERLAY)]) == 0
    out = capsys.readouterr().out
    assert out.endswith(f"{alone + 2} passed, 0 failed\n")  # the overlay's two cases, run
    assert f"untested: {RULE}" not in out


def test_an_overlay_rule_without_tests_is_reported_untested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy_overlay(tmp_path)
    shutil.rmtree(folder / "tests")
    assert main(["test", "qinghemen", "--rules", str(folder)]) == 0  # no test file of the overlay: nothing to run
    (folder / "tests").mkdir()
    (folder / "tests" / "local.yaml").write_text("cases: []\n", encoding="utf-8")
    assert main(["test", "--rules", str(folder)]) == 1
    assert f"untested: {RULE}: no firing and no non-firing" in capsys.readouterr().out


def test_a_failing_rule_test_names_the_findings_that_decided(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_overlay(tmp_path)
    tests = folder / "tests" / "qinghemen-local.yaml"
    text = tests.read_text(encoding="utf-8")
    assert "verdict: denied" in text
    tests.write_text(text.replace("verdict: denied", "verdict: allowed", 1), encoding="utf-8")
    assert main(["test", "qinghemen", "--rules", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL office director who never filed" in out
    assert (
        f"verdict denied, expected allowed, decided by: {RULE} violated (art. 70, from "
        f"{folder / 'qinghemen-local.yaml'})"
    ) in out


def test_a_rule_without_a_quote_needs_a_reason(tmp_path: Path) -> None:
    folder = copy_overlay(tmp_path)
    f = folder / "qinghemen-local.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("    quote: 区政府组成人员要严格执行请销假制度\n", ""), encoding="utf-8")
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(extra=[folder])
    (d,) = err.value.diagnostics
    assert (d.code, d.line, d.column) == ("E206", 12, 5) and "article 70" in d.message
    f.write_text(
        text.replace(
            "    quote: 区政府组成人员要严格执行请销假制度\n",
            "    quote_reason: the office's own rule, resting on the article as a whole\n",
        ),
        encoding="utf-8",
    )
    govrules.load(extra=[folder])


def test_a_wrong_article_number_is_caught_by_its_quote(tmp_path: Path) -> None:
    folder = copy_overlay(tmp_path)
    f = folder / "qinghemen-local.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("  - article: 70", "  - article: 69"), encoding="utf-8")
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(extra=[folder])
    assert [d.code for d in err.value.diagnostics] == ["E204"]


def test_every_bundled_rule_and_check_quotes_its_article(engine: govrules.Engine) -> None:
    for jur in engine.jurisdictions:
        for v in engine._compiled_versions(jur):
            for art in v.meta.articles:
                for item in (*art.rules, *art.audits):
                    assert item.quote and item.quote_reason is None, item.id
