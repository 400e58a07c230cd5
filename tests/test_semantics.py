"""The rule language's meaning, one behaviour per test, on a two-article rulebook written per test.

Each test writes the rules of article 2 of the `mini` extract (qinghemen art. 70's text) and judges
actions against them: timing of duties, citations of compliant acts, presumptions, fail-closed steps.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest

import govrules

MINI = Path(__file__).parent / "fixtures" / "mini" / "mini.yaml"
QUOTE = "副区长离阜和休假,应事先报告区长"


def book(tmp_path: Path, rules: str) -> govrules.Engine:
    """The mini rulebook with article 2's rules replaced by `rules` (YAML list items)."""
    text = MINI.read_text(encoding="utf-8")
    head = text[: text.index("    rules:\n", text.index("number: 2"))]
    (tmp_path / "mini.yaml").write_text(
        head + "    rules:\n" + textwrap.indent(textwrap.dedent(rules), " " * 6), encoding="utf-8"
    )
    return govrules.load(tmp_path / "mini.yaml")


def leave(**facts: Any) -> dict[str, Any]:
    return {
        "kind": "leave_jurisdiction",
        "jurisdiction": "mini",
        "date": "2026-03-09",
        "actor": {"role": "deputy"},
        **facts,
    }


def outcomes(decision: govrules.Decision) -> dict[str, str]:
    return {f.rule: f.outcome for f in decision.findings}


REPORT_BACK = """\
- id: mini.leave.report_back
  kind: leave_jurisdiction
  topic: leave.who_is_told
  modality: shall
  quote: 应事先报告区长
  when: actor.role == "deputy"
  effect: {require: {step: report_back, timing: after, party: head%s}}
  message: {zh: 返回后报告。, en: Report back on return.}
"""


# --- 1. a duty has a time --------------------------------------------------------------------
def test_follow_up_without_deadline_is_an_open_obligation_never_a_breach(tmp_path: Path) -> None:
    engine = book(tmp_path, REPORT_BACK % "")
    d = engine.evaluate(leave(as_of="2027-03-09"))
    assert d.verdict == "allowed" and not d.breach
    assert outcomes(d) == {"mini.leave.report_back": "obligation"}
    (o,) = d.obligations
    assert o.follow_up and o.due is None


def test_follow_up_with_deadline_is_violated_only_past_it_and_never_denies_the_act(tmp_path: Path) -> None:
    engine = book(tmp_path, REPORT_BACK % ", due: {days: 5, after: date}")
    on_the_day = engine.evaluate(leave())
    assert on_the_day.verdict == "allowed" and on_the_day.obligations[0].due == dt.date(2026, 3, 14)
    not_yet_due = engine.evaluate(leave(as_of="2026-03-14"))
    assert outcomes(not_yet_due) == {"mini.leave.report_back": "obligation"} and not not_yet_due.breach
    overdue = engine.evaluate(leave(as_of="2026-03-15"))
    assert outcomes(overdue) == {"mini.leave.report_back": "violated"}
    assert overdue.breach and overdue.verdict == "allowed"  # the trip itself was not wrong
    assert overdue.findings[0].follow_up and overdue.findings[0].comply_by == dt.date(2026, 3, 14)


def test_follow_up_done_before_the_act_does_not_count(tmp_path: Path) -> None:
    engine = book(tmp_path, REPORT_BACK % "")
    d = engine.evaluate(leave(steps=[{"step": "report_back", "party": "head", "date": "2026-03-01"}]))
    assert outcomes(d) == {"mini.leave.report_back": "obligation"}
    d = engine.evaluate(leave(steps=[{"step": "report_back", "party": "head", "date": "2026-03-12"}]))
    assert outcomes(d) == {"mini.leave.report_back": "satisfied"}


def test_a_requirement_without_timing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(govrules.RulebookError, match="timing"):
        book(tmp_path, (REPORT_BACK % "").replace("timing: after, ", ""))


NOTICE = f"""\
- id: mini.leave.tells_head
  kind: leave_jurisdiction
  topic: leave.who_is_told
  modality: shall
  quote: {QUOTE}
  when: actor.role == "deputy"
  effect: {{require: {{step: notice, timing: before, party: head%s}}}}
  message: {{zh: 事先报告区长。, en: Tell the head beforehand.}}
"""


# --- fail closed on steps ----------------------------------------------------------------------
def test_a_step_without_a_date_is_never_done_on_time(tmp_path: Path) -> None:
    engine = book(tmp_path, NOTICE % "")
    d = engine.evaluate(leave(steps=[{"step": "notice", "party": "head"}]))
    assert d.verdict == "conditional" and d.conditional_on == ("missing_facts",)
    assert d.missing_facts == ("steps[0].date",)


def test_a_written_requirement_needs_written_true(tmp_path: Path) -> None:
    engine = book(tmp_path, NOTICE % ", written: true")
    step = {"step": "notice", "party": "head", "date": "2026-03-08"}
    assert engine.evaluate(leave(steps=[step])).missing_facts == ("steps[0].written",)
    assert engine.evaluate(leave(steps=[{**step, "written": False}])).verdict == "denied"
    assert engine.evaluate(leave(steps=[{**step, "written": True}])).verdict == "allowed"


def test_of_several_matching_steps_the_one_that_satisfies_counts(tmp_path: Path) -> None:
    engine = book(tmp_path, NOTICE % ", written: true")
    oral = {"step": "notice", "party": "head", "date": "2026-03-02", "written": False}
    written = {"step": "notice", "party": "head", "date": "2026-03-05", "written": True}
    d = engine.evaluate(leave(steps=[oral, written]))
    assert d.verdict == "allowed" and outcomes(d) == {"mini.leave.tells_head": "satisfied"}


def test_a_prior_step_done_after_the_act_is_late(tmp_path: Path) -> None:
    engine = book(tmp_path, NOTICE % "")
    d = engine.evaluate(leave(steps=[{"step": "notice", "party": "head", "date": "2026-03-10"}]))
    assert d.verdict == "denied" and d.findings[0].comply_by == dt.date(2026, 3, 9)


# --- 2. compliant acts cite the rule -----------------------------------------------------------
BAN = f"""\
- id: mini.leave.no_abroad
  kind: leave_jurisdiction
  topic: leave.who_is_told
  modality: must
  quote: {QUOTE}
  scope: actor.role == "deputy"
  when: destination == "abroad"
  effect: deny
  message: {{zh: 示例禁止。, en: An example ban.}}
"""


def test_a_deny_rule_with_scope_cites_the_compliant_act(tmp_path: Path) -> None:
    engine = book(tmp_path, BAN)
    ok = engine.evaluate(leave(destination="in_province"))
    assert ok.verdict == "allowed" and not ok.silent
    assert outcomes(ok) == {"mini.leave.no_abroad": "satisfied"} and ok.findings[0].article == 2
    assert engine.evaluate(leave(destination="abroad")).verdict == "denied"
    out_of_scope = engine.evaluate({**leave(destination="abroad"), "actor": {"role": "head"}})
    assert out_of_scope.verdict == "allowed" and out_of_scope.silent and not out_of_scope.findings


def test_scope_is_refused_on_a_requirement(tmp_path: Path) -> None:
    with pytest.raises(govrules.RulebookError, match="scope"):
        book(tmp_path, (NOTICE % "").replace("  when:", "  scope: true\n  when:"))


# --- 3. presumptions ---------------------------------------------------------------------------
PRESUMED = (
    BAN.replace('  when: destination == "abroad"\n', "  when: leads_delegation\n")
    + """\
  presume:
    - fact: leads_delegation
      value: false
      reason: {zh: 示例推定。, en: An example presumption.}
"""
)


def test_a_presumption_is_listed_and_strict_sets_it_aside(tmp_path: Path) -> None:
    engine = book(tmp_path, PRESUMED)
    d = engine.evaluate(leave())
    assert d.verdict == "allowed"
    (a,) = d.assumptions
    assert (a.rule, a.fact, a.value, a.article) == ("mini.leave.no_abroad", "leads_delegation", False, 2)
    strict = engine.evaluate(leave(), strict=True)
    assert strict.verdict == "conditional" and strict.missing_facts == ("leads_delegation",)
    assert not strict.assumptions
    given = engine.evaluate(leave(leads_delegation=True))
    assert given.verdict == "denied" and not given.assumptions


def test_a_presumption_of_an_unknown_fact_or_a_wrong_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(govrules.RulebookError, match="E312"):
        book(tmp_path, PRESUMED.replace("fact: leads_delegation", "fact: leads_delegaton"))
    with pytest.raises(govrules.RulebookError, match="E313"):
        book(tmp_path, PRESUMED.replace("value: false", "value: 3"))


def test_unknown_as_a_value_is_the_same_as_not_given(tmp_path: Path) -> None:
    engine = book(tmp_path, BAN)
    d = engine.evaluate(leave(destination="unknown"))
    assert d.verdict == "conditional" and d.missing_facts == ("destination",)


# --- exceptions ---------------------------------------------------------------------------------
EXCEPTION_WITH_REQUIREMENT = (
    BAN
    + """\
- id: mini.leave.abroad_if_approved
  kind: leave_jurisdiction
  topic: leave.who_is_told
  modality: may
  quote_reason: a rule of the engine's tests
  when: destination == "abroad"
  exception_to: [mini.leave.no_abroad]
  effect: {require: {step: approval, timing: before, party: head}}
  message: {zh: 经批准可以。, en: Allowed with approval.}
"""
)


def test_an_exception_whose_requirement_is_broken_does_not_defeat_its_rule(tmp_path: Path) -> None:
    engine = book(tmp_path, EXCEPTION_WITH_REQUIREMENT)
    before = engine.evaluate(leave(destination="abroad"))
    assert before.verdict == "conditional" and before.conditional_on == ("pending_steps",)
    after = engine.evaluate(leave(destination="abroad", as_of="2026-03-20"))
    assert after.verdict == "denied"
    approved = engine.evaluate(
        leave(destination="abroad", steps=[{"step": "approval", "party": "head", "date": "2026-03-01"}])
    )
    assert approved.verdict == "allowed"


# --- conditions that fail open are refused, in every rulebook -----------------------------------
def test_known_guard_is_refused_in_a_binding_rule(tmp_path: Path) -> None:
    guarded = BAN.replace('when: destination == "abroad"', 'when: known(destination) and destination == "abroad"')
    with pytest.raises(govrules.RulebookError, match="C040"):
        book(tmp_path, guarded)


def test_a_deny_rule_needs_a_scope(tmp_path: Path) -> None:
    with pytest.raises(govrules.RulebookError, match="E311"):
        book(tmp_path, BAN.replace('  scope: actor.role == "deputy"\n', ""))


def test_the_migrated_key_is_gone(tmp_path: Path) -> None:
    book(tmp_path, BAN)
    f = tmp_path / "mini.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("roles:", "migrated: true\nroles:", 1), encoding="utf-8")
    with pytest.raises(govrules.RulebookError, match="migrated"):
        govrules.load(f)


def test_a_complete_case_split_on_known_is_accepted(tmp_path: Path) -> None:
    split = BAN.replace(
        'when: destination == "abroad"',
        "when: (known(return_date) and days_between(date, return_date) > 30)"
        ' or (not known(return_date) and destination == "abroad")',
    )
    engine = book(tmp_path, split)
    assert engine.evaluate(leave(destination="abroad")).verdict == "denied"


# --- done(step, party): was a step done -----------------------------------------------------------
DONE_BAN = BAN.replace('when: destination == "abroad"', 'when: done("approval", "head") and destination == "abroad"')


def test_done_reads_a_dated_step_of_that_type_and_party(tmp_path: Path) -> None:
    engine = book(tmp_path, DONE_BAN)
    approved = [{"step": "approval", "party": "head", "date": "2026-03-01"}]
    assert engine.evaluate(leave(destination="abroad", steps=approved)).verdict == "denied"
    assert engine.evaluate(leave(destination="abroad")).verdict == "allowed"  # not done: the duty never arose
    other = [{"step": "approval", "party": "deputy", "date": "2026-03-01"}]
    assert engine.evaluate(leave(destination="abroad", steps=other)).verdict == "allowed"
    undated = engine.evaluate(leave(destination="abroad", steps=[{"step": "approval", "party": "head"}]))
    assert undated.verdict == "conditional" and "steps" in undated.missing_facts  # done, but when? asked


@pytest.mark.parametrize(
    ("call", "code", "hint"),
    [
        ('done("aproval", "head")', "C023", "approval"),
        ('done("approval", "haed")', "C023", "head"),
        ("done(approval, head)", "C031", None),
        ('done("approval")', "C031", None),
    ],
)
def test_done_names_are_checked_at_load(tmp_path: Path, call: str, code: str, hint: str | None) -> None:
    with pytest.raises(govrules.RulebookError, match=code) as exc:
        book(tmp_path, BAN.replace('when: destination == "abroad"', f"when: '{call} and destination == \"abroad\"'"))
    if hint:
        assert hint in str(exc.value.diagnostics[0].hint)


def test_not_done_in_a_binding_rule_is_refused_a_step_owed_is_a_require(tmp_path: Path) -> None:
    with pytest.raises(govrules.RulebookError, match="C041"):
        book(tmp_path, BAN.replace('when: destination == "abroad"', 'when: \'not done("approval", "head")\''))


def test_done_in_an_exception_is_refused(tmp_path: Path) -> None:
    exception = f"""\
- id: mini.leave.unless_approved
  kind: leave_jurisdiction
  topic: leave.who_is_told
  modality: may
  quote: {QUOTE}
  exception_to: [mini.leave.no_abroad]
  when: done("approval", "head")
  effect: permit
  message: {{zh: 经批准可以。, en: Allowed once approved.}}
"""
    book(tmp_path, BAN + exception)  # a permission is not binding: nothing to fail open
    with pytest.raises(govrules.RulebookError, match="C041"):
        book(
            tmp_path,
            BAN
            + exception.replace("modality: may", "modality: must").replace(
                "effect: permit", "effect: {require: {step: notice, timing: before, party: head}}"
            ),
        )


def test_a_step_field_in_a_condition_says_which_step_to_read(tmp_path: Path) -> None:
    with pytest.raises(govrules.RulebookError, match="C011") as exc:
        book(
            tmp_path,
            BAN.replace("kind: leave_jurisdiction", "kind: sign_document")
            .replace('scope: actor.role == "deputy"', 'scope: issuer == "department"')
            .replace('when: destination == "abroad"', "when: government_approved"),
        )
    assert 'done("approval"' in str(exc.value.diagnostics[0].hint)


@pytest.mark.parametrize(
    ("name", "step"),
    [
        ("approved", "approval"),
        ("entrusted_by_head", "entrustment"),
        ("legality_reviewed", "legality_review"),
        ("consulted", "consultation"),
        ("reviewed_by_office", "review"),
        ("asked_government_first", "request"),
    ],
)
def test_an_action_that_gives_a_step_as_a_field_is_refused_naming_the_step(name: str, step: str) -> None:
    engine = govrules.load()
    action = {
        "kind": "sign_document",
        "jurisdiction": "qinghemen",
        "date": "2026-03-09",
        "actor": {"role": "deputy"},
        "issuer": "government",
        "doc_type": "routine",
        name: True,
    }
    with pytest.raises(govrules.ActionError) as exc:
        engine.evaluate(action)
    assert exc.value.path == name
    assert f"`{name}` is a step: give it in `steps` as {{step: {step}, party: …, date: …}}" in str(exc.value)


def test_membership_in_a_list_with_an_unknown_item_is_unknown(tmp_path: Path) -> None:
    rule = BAN.replace('when: destination == "abroad"', 'when: \'"abroad" in [destination, "in_province"]\'')
    engine = book(tmp_path, rule)
    assert engine.evaluate(leave()).verdict == "conditional"
    assert engine.evaluate(leave(destination="abroad")).verdict == "denied"
    assert engine.evaluate(leave(destination="out_of_province")).verdict == "allowed"


def test_lists_are_not_compared_with_equals(tmp_path: Path) -> None:
    with pytest.raises(govrules.RulebookError, match="C021"):
        book(tmp_path, BAN.replace('when: destination == "abroad"', 'when: \'["a"] == ["a"]\''))


# --- 另有时限要求: whether the lead unit set its own deadline is asked, never read from a missing date -----
def test_a_lead_deadline_says_one_was_set_and_may_not_be_contradicted() -> None:
    engine = govrules.load()
    reply = {
        "kind": "reply_to_consultation",
        "jurisdiction": "zhanqian",
        "date": "2026-03-11",
        "actor": {"role": "department_head"},
        "requested_on": "2026-03-09",
        "replied": True,
    }
    assert govrules.parse_action({**reply, "lead_deadline": "2026-03-10"}).own_deadline_set is True
    with pytest.raises(govrules.ActionError, match="own_deadline_set"):
        engine.evaluate({**reply, "lead_deadline": "2026-03-10", "own_deadline_set": False})
    asked = engine.evaluate(reply)
    assert asked.verdict == "conditional" and "own_deadline_set" in asked.missing_facts
    assert engine.evaluate({**reply, "own_deadline_set": False}).verdict == "allowed"
    assert engine.evaluate({**reply, "lead_deadline": "2026-03-10"}).verdict == "conditional"  # late, in principle
