"""What the engine answers: a decision, its findings (each citing its article) and its obligations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._vocab import Modality, Need, Outcome, Party, StepType, Truth, Verdict

# Optional fields are written `Field(default=…)` so that a caller's type checker sees their defaults
# with or without the pydantic mypy plugin (these models are read by callers, built only here).


class _Out(BaseModel):
    # defer_build: built on first validation (start-up; see `_actions._Model`): the fast judge makes
    # its findings without validating them (`model_construct`) from values already validated
    model_config = ConfigDict(frozen=True, defer_build=True)


class Finding(_Out):
    """One rule that applied to the action, with its article."""

    rule: str
    jurisdiction: str
    article: int
    label: str
    topic: str
    modality: Modality
    outcome: Outcome
    message_zh: str
    message_en: str
    citation_zh: str  # 依据《前进区人民政府工作规则》第六十二条
    quote: str | None = Field(default=None)
    missing: tuple[str, ...] = Field(default=())
    due: dt.date | None = Field(default=None)
    comply_by: dt.date | None = Field(default=None)  # the day that would have complied, when the act failed on timing
    exception_to: tuple[str, ...] = Field(default=())
    follow_up: bool = Field(default=False)  # the rule sets a duty that follows the act: it never denies the act itself
    provenance: str = Field(default="bundled")  # the rulebook shipped with govrules, or a file's path

    # What a finding does to the decision, decided here only: the engine's verdict, the SARIF and
    # the JUnit reports all ask these.
    @property
    def breaches(self) -> bool:
        """A binding rule is broken (violated, and not merely in principle): the decision is a breach."""
        return self.outcome == "violated" and self.modality != "in_principle"

    @property
    def denies(self) -> bool:
        """The act itself is denied: a breach by the act (an overdue follow-up breaches, but after it)."""
        return self.breaches and not self.follow_up

    @property
    def need(self) -> Need | None:
        """What holds the act back, if anything: facts to give, a step to get done, or the grounds
        to record for departing from an in-principle rule (not for a duty after the act: the act
        is done, and the grounds are an open obligation)."""
        if self.outcome == "violated" and self.modality == "in_principle":
            return None if self.follow_up else "exception_grounds"
        if self.outcome == "pending":
            return "pending_steps"
        if self.outcome == "undetermined":
            return "missing_facts"
        return None

    @property
    def holds_back(self) -> bool:
        """The act may not go ahead yet (a conditional verdict), unless something denies it."""
        return self.need is not None


class Assumption(_Out):
    """A fact the action did not give, presumed as the rulebook declares (see `Rule.presume`)."""

    rule: str
    article: int
    fact: str
    value: bool | int | str
    reason_zh: str
    reason_en: str


class Obligation(_Out):
    """Something that must still be done, by or towards whom, and by when.

    `due` is a date for every step owed before the act (its deadline, or else the act's own day: a
    step before the act is done by then at the latest); only a follow-up with no deadline of its own
    (及时: promptly) has none."""

    rule: str
    article: int
    step: StepType
    party: tuple[Party, ...] = Field(default=())
    due: dt.date | None = Field(default=None)
    written: bool | None = Field(default=None)
    system: str | None = Field(default=None)
    follow_up: bool = Field(default=False)  # due after the act: it does not hold the act back
    provisional: bool = Field(default=False)  # the due date is in a year whose holiday schedule is not published


class TraceEntry(_Out):
    """How one rule was weighed: its condition's value, what defeated it, what it gave."""

    rule: str
    condition: str
    value: Truth
    defeated_by: tuple[str, ...] = Field(default=())
    outcome: Outcome | None = Field(default=None)
    exception_to: tuple[str, ...] = Field(default=())  # for an exception: the rules it was weighed against
    facts: dict[str, Any] = Field(default_factory=dict)  # the action's value of each field read (None: not given)


class Decision(_Out):
    """The engine's answer for one action."""

    action_id: str | None = Field(default=None)
    kind: str
    jurisdiction: str
    date: dt.date
    rulebook: str  # jurisdiction@version in force on `date`
    document: str  # the rules' title
    verdict: Verdict
    breach: bool = Field(default=False)  # a binding rule is violated: the act is denied, or a follow-up overdue
    conditional_on: tuple[Need, ...] = Field(default=())  # for a conditional verdict: what stands before allowed
    missing_facts: tuple[str, ...] = Field(default=())  # facts to ask for (every finding's `missing`, once each)
    findings: tuple[Finding, ...] = Field(default=())
    obligations: tuple[Obligation, ...] = Field(default=())
    assumptions: tuple[Assumption, ...] = Field(default=())  # facts presumed as the rulebook declares
    provisional: bool = Field(default=False)
    silent: bool = Field(default=False)  # no provision of the rulebook applies to this action: allowed, citing nothing
    trace: tuple[TraceEntry, ...] | None = Field(default=None)

    @model_validator(mode="before")
    @classmethod
    def _due_by_the_act(cls, data: Any) -> Any:
        """A step owed before the act with no deadline of its own is due on the act's day."""
        if isinstance(data, dict) and data.get("obligations") and data.get("date") is not None:
            day = data["date"]
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            data = {**data, "obligations": due_by(data["obligations"], day)}
        return data


def due_by(obligations: tuple[Obligation, ...], day: dt.date) -> tuple[Obligation, ...]:
    """The obligations, each step owed before the act with no deadline of its own due on `day`
    (the act's): a step before the act is done by then at the latest."""
    if not any(isinstance(o, Obligation) and o.due is None and not o.follow_up for o in obligations):
        return obligations
    return tuple(
        o.model_copy(update={"due": day}) if isinstance(o, Obligation) and o.due is None and not o.follow_up else o
        for o in obligations
    )


class FactUse(_Out):
    """A fact (a field of an action kind, or a step) that the rules in force read: one line of the
    checklist an integrator builds a form from (`Engine.facts`)."""

    name: str  # `destination`, `actor.role`, or `step: approval (head)`
    type: str  # bool, date, int, str, one of …, list, step
    description_en: str
    description_zh: str
    rules: tuple[str, ...]  # the rules that read it
    presumed: bool = Field(default=False)  # a rule presumes it when it is not given (listed in the decision)
