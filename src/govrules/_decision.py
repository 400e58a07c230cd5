"""What the engine answers: a decision, its findings (each citing its article) and its obligations."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["allowed", "conditional", "denied"]
Outcome = Literal[
    "violated",  # the rule is broken: denies (must/shall) or holds the act back (in principle)
    "pending",  # a step the rule requires is not done yet: conditional, with an obligation
    "undetermined",  # the action lacks a fact the rule reads: conditional, `missing` says which
    "satisfied",  # the rule applies and its requirement is met
    "permitted",  # a permissive rule (可) applies
    "excepted",  # an in-principle norm not met, with the grounds recorded
    "obligation",  # a duty that follows the act (a report after return): open, not blocking
]
# Why a decision is conditional: facts to ask for, steps to get done, grounds to record.
Need = Literal["missing_facts", "pending_steps", "exception_grounds"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Finding(_Out):
    """One rule that applied to the action, with its article."""

    rule: str
    jurisdiction: str
    article: int
    label: str
    topic: str
    modality: Literal["must", "shall", "in_principle", "may"]
    outcome: Outcome
    message_zh: str
    message_en: str
    citation_zh: str  # 依据《前进区人民政府工作规则》第六十二条
    quote: str | None = None
    missing: tuple[str, ...] = ()
    due: dt.date | None = None
    comply_by: dt.date | None = None  # the day that would have complied, when the act failed on timing
    exception_to: tuple[str, ...] = ()
    follow_up: bool = False  # the rule sets a duty that follows the act: it never denies the act itself
    provenance: str = "bundled"  # where the rule comes from: the rulebook shipped with govrules, or a file's path


class Assumption(_Out):
    """A fact the action did not give, presumed as the rulebook declares (see `Rule.presume`)."""

    rule: str
    article: int
    fact: str
    value: bool | int | str
    reason_zh: str
    reason_en: str


class Obligation(_Out):
    """Something that must still be done, by or towards whom, and by when."""

    rule: str
    article: int
    step: str
    party: tuple[str, ...] = ()
    due: dt.date | None = None
    written: bool | None = None
    system: str | None = None
    follow_up: bool = False  # due after the act: it does not hold the act back
    provisional: bool = False  # the due date is in a year whose holiday schedule is not published


class TraceEntry(_Out):
    """How one rule was weighed: its condition's value, what defeated it, what it gave."""

    rule: str
    condition: str
    value: Literal["true", "false", "unknown"]
    defeated_by: tuple[str, ...] = ()
    outcome: str | None = None
    exception_to: tuple[str, ...] = ()  # for an exception: the rules it was weighed against
    facts: dict[str, Any] = {}  # the action's value of each field the condition reads (None: not given)


class Decision(_Out):
    """The engine's answer for one action."""

    action_id: str | None = None
    kind: str
    jurisdiction: str
    date: dt.date
    rulebook: str  # jurisdiction@version in force on `date`
    document: str  # the rules' title
    verdict: Verdict
    breach: bool = False  # a binding rule is violated: the act is denied, or a follow-up duty is overdue
    conditional_on: tuple[Need, ...] = ()  # for a conditional verdict: what stands between it and allowed
    missing_facts: tuple[str, ...] = ()  # facts to ask for (every finding's `missing`, once each)
    findings: tuple[Finding, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    assumptions: tuple[Assumption, ...] = ()  # facts presumed as the rulebook declares
    provisional: bool = False
    silent: bool = False  # no provision of the rulebook applies to this action: allowed, citing nothing
    trace: tuple[TraceEntry, ...] | None = None


class FactUse(_Out):
    """A fact (a field of an action kind, or a step) that the rules in force read: one line of the
    checklist an integrator builds a form from (`Engine.facts`)."""

    name: str  # `destination`, `actor.role`, or `step: approval (head)`
    type: str  # bool, date, int, str, one of …, list, step
    description_en: str
    description_zh: str
    rules: tuple[str, ...]  # the rules that read it
    presumed: bool = False  # a rule presumes it when it is not given (listed in the decision)
