"""`Engine.digest` names what an engine judges with: its rules, texts, checks and topics, and where
each rule comes from (a decision's `provenance`), not the files' bytes or comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import govrules
from govrules._lang.compiled import bundled_dir


def test_the_same_rules_have_the_same_digest(tmp_path: Path) -> None:
    engine = govrules.load()
    assert engine.digest.startswith("sha256:") and len(engine.digest) == 7 + 64
    assert engine.digest == govrules.load().digest
    copy = tmp_path / "rulebook"
    shutil.copytree(bundled_dir(), copy)
    before = govrules.load(copy).digest
    assert before != engine.digest  # each rule's provenance is now the copy's path
    for f in copy.glob("*.yaml"):  # a comment is not a rule
        f.write_text("# a comment\n" + f.read_text(encoding="utf-8"), encoding="utf-8")
    assert govrules.load(copy).digest == before
    moved = tmp_path / "moved"
    shutil.copytree(bundled_dir(), moved)
    assert govrules.load(moved).digest != govrules.load(copy).digest  # another path, another provenance


def test_a_changed_rule_changes_the_digest(tmp_path: Path) -> None:
    copy = tmp_path / "rulebook"
    shutil.copytree(bundled_dir(), copy)
    f = next(p for p in sorted(copy.glob("*.yaml")) if "message:" in p.read_text(encoding="utf-8"))
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("message: {zh: ", "message: {zh: 改", 1), encoding="utf-8")
    assert govrules.load(copy).digest != govrules.load().digest


def test_a_version_shows_its_document() -> None:
    v = govrules.load().versions("qinghemen")[-1]
    assert v.issuing_body and v.source and v.level in ("district", "city", "county", "province")
    assert v.roles["head"]
