"""Overlays: a user's own rule files on top of the bundled rulebook (issue 6, item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import govrules
from govrules._cli import main

ROOT = Path(__file__).parent.parent
OVERLAY = ROOT / "examples" / "overlay" / "rules"
ACTION = {"kind": "leave_jurisdiction", "jurisdiction": "qinghemen", "date": "2026-03-09", "as_of": "2026-03-10",
          "actor": {"role": "office_director"}, "destination": "out_of_province", "leaves_city": True,
          "purpose": "official"}


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
        ("id: qinghemen.local.office_directors_file_in_writing", "id: qinghemen.leave.deputy_reports_to_head",
         "E301"),  # takes a bundled rule's id
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
    text = text.replace('version: "2024"', 'version: "2027"').replace("effective_from: 2024-01-29",
                                                                        "effective_from: 2027-01-01")
    text = text.replace("id: zhanqian.", "id: zhanqian.v2027_").replace("[zhanqian.", "[zhanqian.v2027_")
    text = text.replace(", zhanqian.", ", zhanqian.v2027_")
    (folder / "zhanqian-2027.yaml").write_text(text, encoding="utf-8")
    engine = govrules.load(extra=[folder])
    act = {"kind": "leave_jurisdiction", "jurisdiction": "zhanqian", "actor": {"role": "deputy"},
           "destination": "out_of_province"}
    assert engine.evaluate(act | {"date": "2026-06-01"}).rulebook == "zhanqian@2024"
    assert engine.evaluate(act | {"date": "2027-06-01"}).rulebook == "zhanqian@2027"


def test_an_overlapping_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "same"
    folder.mkdir()
    text = (ROOT / "src/govrules/rulebook/zhanqian.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2024"', 'version: "bis"').replace("id: zhanqian.", "id: zhanqian.bis_")
    text = text.replace("[zhanqian.", "[zhanqian.bis_").replace(", zhanqian.", ", zhanqian.bis_")
    (folder / "zhanqian-bis.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "src/govrules/rulebook/sources", folder / "sources")
    with pytest.raises(govrules.RulebookError) as err:
        govrules.load(extra=[folder])
    assert "E401" in {d.code for d in err.value.diagnostics}
