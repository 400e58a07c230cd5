"""`govrules fmt`: the canonical layout of rulebook YAML. The repository's own files are in it (CI
fails otherwise), formatting keeps the models and the comments, and it is idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from govrules._cli import main
from govrules._lang import rulebook as rb
from govrules._lang.fmt import _comments, format_text, kind_of, yaml_files

ROOT = Path(__file__).resolve().parents[1]
FORMATTED = [ROOT / "src/govrules/rulebook", ROOT / "examples/overlay", ROOT / "bench/slice"]
FILES = yaml_files(FORMATTED)


def _id(p: Path) -> str:
    return str(p.relative_to(ROOT))


def test_every_rulebook_file_is_found() -> None:
    names = {_id(p) for p in FILES}
    assert {
        "src/govrules/rulebook/hegang.yaml",
        "src/govrules/rulebook/tests/hegang.yaml",
        "src/govrules/rulebook/topics.yaml",
        "examples/overlay/rules/qinghemen-local.yaml",
        "bench/slice/bench_a.yaml",
    } <= names
    assert "examples/overlay/actions.yaml" not in names  # an action file: not fmt's


def test_repository_is_formatted(capsys: pytest.CaptureFixture[str]) -> None:
    """What CI and the pre-commit hook run: `govrules fmt --check` on the repository's rulebook YAML."""
    code = main(["fmt", "--check", *map(str, FORMATTED)])
    out, err = capsys.readouterr()
    assert code == 0, f"run `govrules fmt` on:\n{out}{err}"


def _without_comments(text: str) -> str:
    lines = text.splitlines()
    for line, col, alone, _ in sorted(_comments(lines, yaml.compose(text)), reverse=True):
        if alone:
            del lines[line]
        else:
            lines[line] = lines[line][:col].rstrip()
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_any_layout_formats_to_the_same(path: Path) -> None:
    """The file written in another layout (other indentation, folded at 60 columns, no
    comments) formats to the repository's file, comments aside, and to the same models."""
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    messy = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=60, indent=4)
    out = format_text(messy, str(path))
    assert out == _without_comments(text)
    assert format_text(out, str(path)) == out
    shape = kind_of(data)
    assert shape is not None
    if shape.model is not None:
        assert shape.model.model_validate(yaml.load(out, Loader=yaml.CSafeLoader)) == shape.model.model_validate(data)


RULE = """\
# a file comment
articles:
  - text: "十、区长离开本地。\\n区长出国。"   # its own line breaks
    status: encoded
    chapter: 第一章
    label: 十、
    number: 10
    note: null
    audits: []
    rules:
      # the rule's comment
      - message: {en: The head asks., zh: 区长请示。}
        effect: {deny: true}
        exception_to: []
        judgement: null
        when: "true"
        modality: shall
        topic: leave.who_is_asked
        kind: leave_jurisdiction
        id: x.leave.head_asks
      - id: x.leave.long
        kind: leave_jurisdiction
        topic: leave.who_is_asked
        modality: shall
        when: actor.role in ["deputy", "executive_deputy"] and destination in ["out_of_province", "abroad"] \
and not (head_away or executive_deputy_away)
        effect:
          require:
            party: [head]
            timing: before
            step: approval
            due: {days: 3, unit: calendar, before: date}
        message: {zh: 请示。, en: Ask.}
jurisdiction: x
version: "2020"
"""

RULE_FORMATTED = """\
# a file comment
jurisdiction: x
version: '2020'
adopted: null
adopted_by: null
effective_until: null
replaces: null
source_defects: []
articles:
  - number: 10
    label: 十、
    chapter: 第一章
    status: encoded
    text: |-  # its own line breaks
      十、区长离开本地。
      区长出国。
    rules:
      # the rule's comment
      - id: x.leave.head_asks
        kind: leave_jurisdiction
        topic: leave.who_is_asked
        modality: shall
        effect: deny
        message:
          zh: 区长请示。
          en: The head asks.
      - id: x.leave.long
        kind: leave_jurisdiction
        topic: leave.who_is_asked
        modality: shall
        when: >-
          actor.role in ["deputy", "executive_deputy"]
          and destination in ["out_of_province", "abroad"]
          and not (head_away or executive_deputy_away)
        effect:
          require:
            step: approval
            party: head
            due: {days: 3, before: date}
            timing: before
        message:
          zh: 请示。
          en: Ask.
"""


def test_layout_rules() -> None:
    """Key order of the models, defaults left out (a rulebook's header aside), comments kept, text as a
    literal block, a long condition folded before `and`, shorthand effects, small values in flow style."""
    out = format_text(RULE)
    assert out == RULE_FORMATTED
    assert format_text(out) == out
    article = lambda t: rb.Article.model_validate(yaml.safe_load(t)["articles"][0])  # noqa: E731
    assert article(out) == article(RULE)


def test_a_commented_default_stays() -> None:
    text = "cases:\n  - name: a\n    strict: false  # said on purpose\n    action: {kind: k}\n    expect: {}\n"
    out = format_text(text)
    assert "strict: false  # said on purpose" in out
    assert "expect: {}" in out


def test_check_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(RULE_FORMATTED, encoding="utf-8")
    messy = tmp_path / "messy.yaml"
    messy.write_text(RULE, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("jurisdiction: x\narticles: [\n", encoding="utf-8")

    assert main(["fmt", "--check", str(good)]) == 0
    assert main(["fmt", "--check", str(good), str(messy)]) == 1
    out, _ = capsys.readouterr()
    assert out == f"would reformat {messy}\n"
    assert messy.read_text(encoding="utf-8") == RULE  # --check changes nothing

    assert main(["fmt", str(messy)]) == 0
    assert messy.read_text(encoding="utf-8") == RULE_FORMATTED

    assert main(["fmt", "--check", str(bad), str(good)]) == 2
    _, err = capsys.readouterr()
    assert err.startswith(f"{bad}:2:12: E003: invalid YAML")
    assert main(["fmt", str(tmp_path / "nothing.yaml")]) == 2
