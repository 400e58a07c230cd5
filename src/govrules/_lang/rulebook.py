"""The typed models of a rulebook file, as written by rule authors (before compilation)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._vocab import Level, Modality, Party, Role, StepType, Verdict

RULE_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"


class _Model(BaseModel):
    # defer_build: built when a rulebook is read from YAML, not when one comes from the cache
    # (unpickled: never validated); see `_actions._Model`
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Message(_Model):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Due(_Model):
    """A deadline counted from a date field of the action."""

    days: int = Field(ge=0, le=3660)
    unit: Literal["calendar", "working", "months"] = "calendar"
    before: str | None = None
    after: str | None = None
    counts_start: bool = Field(
        False,
        description="The day it runs from is its first day (从部署当日算起: 7 days from a Monday end on the Sunday).",
    )

    @model_validator(mode="after")
    def _one_anchor(self) -> Due:
        if (self.before is None) == (self.after is None):
            raise ValueError("give exactly one of `before` or `after`")
        return self

    @property
    def anchor(self) -> str:
        return self.before or self.after  # type: ignore[return-value]


class Require(_Model):
    """A step that must be done: an approval, a notice, a review, a report…"""

    step: StepType
    party: Party | tuple[Party, ...]
    written: bool | None = None
    system: str | None = Field(None, description="The outside system an external article defers to.")
    due: Due | None = None
    timing: Literal["before", "after"] = Field(
        description="`before`: a precondition of the act (approval, request for leave, prior report, review "
        "before signing), due by the act's day unless `due` says otherwise. `after`: a duty that follows the act "
        "(report on return, filing, publication); due by `due`, or, where the text sets no day (及时), an open "
        "obligation that is never a breach on the act's own day."
    )

    @model_validator(mode="after")
    def _timing_fits_due(self) -> Require:
        if self.due is not None and self.due.after is not None and self.timing == "before":
            raise ValueError("a deadline counted `after` a date is a follow-up duty: give `timing: after`")
        return self

    @field_validator("party", mode="after")
    @classmethod
    def _as_tuple(cls, value: Party | tuple[Party, ...]) -> tuple[Party, ...]:
        return value if isinstance(value, tuple) else (value,)

    @property
    def parties(self) -> tuple[Party, ...]:
        return self.party  # type: ignore[return-value]  # a tuple once validated


class Effect(_Model):
    """Exactly one of deny, permit or require."""

    deny: Literal[True] | None = None
    permit: Literal[True] | None = None
    require: Require | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        if value in ("deny", "permit"):
            return {value: True}
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Effect:
        given = [k for k in ("deny", "permit", "require") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an effect is exactly one of `deny`, `permit` or `require`")
        return self

    @property
    def name(self) -> str:
        return "deny" if self.deny else "permit" if self.permit else "require"


class Presumption(_Model):
    """A fact the rule presumes when the action does not give it, and why (a duty of the author, not
    a fact the engine can know). Listed in every decision that relies on it; `strict` turns it off."""

    fact: str = Field(description="A top-level field of the rule's kind.")
    value: bool | int | str
    reason: Message


class Rule(_Model):
    id: str = Field(pattern=RULE_ID)
    kind: str
    topic: str
    modality: Modality
    quote: str | None = None
    quote_reason: str | None = Field(
        None,
        description="Why the rule quotes no words of its article (the provision is the article as a whole, say): "
        "without a `quote` or this, the rule is refused, so that a wrong article number cannot pass unseen.",
    )
    scope: str | None = Field(
        None,
        description="For a `deny` rule: when the provision applies at all. The act is denied when `scope` and "
        "`when` hold, and the rule is `satisfied` (cited) when `scope` holds and `when` does not.",
    )
    when: str = "true"
    effect: Effect
    exception_to: tuple[str, ...] = ()
    presume: tuple[Presumption, ...] = ()
    judgement: str | None = None
    message: Message

    @model_validator(mode="after")
    def _scope_fits(self) -> Rule:
        if self.scope is not None and not self.effect.deny:
            raise ValueError("`scope` belongs to `deny` rules: a `require` or `permit` rule's `when` is its scope")
        return self


class Span(_Model):
    """A length of time: calendar days, working days or months. `counts_start`: the day it runs from
    is its first day (从部署当日算起: 7 days from a Monday end on the Sunday)."""

    days: int = Field(ge=0, le=3660)
    unit: Literal["calendar", "working", "months"] = "calendar"
    counts_start: bool = False


class EventPattern(_Model):
    event: str
    when: str = "true"


class Expect(EventPattern):
    """The event a check expects: after the trigger by a deadline (`within`), after it with no deadline
    the text sets (`open`: an open obligation while unanswered, never late), or before it (`ahead`).

    `due_field`: a date field of the trigger that, when given, is the deadline instead of `within`
    (a reply deadline the requester set, or agreed: 除主办部门另有时限要求外). `count_field`: an integer
    field of the trigger giving how many answers are due (one meeting deciding several documents);
    one when not given."""

    within: Span | None = None
    ahead: Span | None = None
    open: bool = False
    due_field: str | None = None
    count_field: str | None = None

    @model_validator(mode="after")
    def _one_span(self) -> Expect:
        if sum((self.within is not None, self.ahead is not None, self.open)) != 1:
            raise ValueError(
                "give exactly one of `within` (a follow-up), `open: true` (a follow-up with no "
                "deadline) or `ahead` (a lead time)"
            )
        if self.ahead is not None and (self.due_field or self.count_field):
            raise ValueError("`due_field` and `count_field` go with a follow-up, not with `ahead`")
        if self.open and self.due_field:
            raise ValueError("an open obligation has no deadline: drop `due_field`, or give `within`")
        return self


class Limit(_Model):
    """At most `count` triggers per group (`per`: fields of the trigger event) per period."""

    count: int = Field(1, ge=1, le=100)
    per: tuple[str, ...] = ()
    period: Literal["year"] = "year"


class Frequency(_Model):
    """At least `at_least` triggers in every calendar `period` the log covers whole (一个月2次: 2 a
    month; 每半年: `half`; 两个月一次: `two_months`, Jan-Feb, Mar-Apr...), or at least one in every
    run of `every_days` days (每两周: 14). A period the log starts inside, or that ends after the
    audit date, is partial and not judged; the period ending on the audit date is judged."""

    at_least: int = Field(1, ge=1, le=100)
    period: Literal["week", "month", "two_months", "quarter", "half", "year"] | None = None
    every_days: int | None = Field(None, ge=1, le=366)
    year_field: str | None = Field(
        None,
        description="An integer field of the trigger naming the year it serves (a yearly plan made "
        "ahead): the trigger counts in that year instead of the year of its date (`period: year` only).",
    )

    @model_validator(mode="after")
    def _one_period(self) -> Frequency:
        if self.year_field is not None and self.period != "year":
            raise ValueError("`year_field` goes with `period: year`")
        if (self.period is None) == (self.every_days is None):
            raise ValueError("give exactly one of `period` (calendar periods) or `every_days` (a cadence)")
        if self.every_days is not None and self.at_least != 1:
            raise ValueError("a cadence (`every_days`) asks for one trigger in every run of days")
        return self


class AuditCheck(_Model):
    """A duty that only shows over time, checked over a log of events (`govrules audit`).

    - `expect` with `within`: every trigger is followed by the expected event (its `ref` naming the
      trigger) by the deadline; none by the audit date is a breach, or consent when `silence` is
      `consent` (逾期不回复视为无不同意见).
    - `expect` with `open: true`: the text sets no deadline (及时, 返回后): an unanswered trigger is an
      open obligation, reported with its age, never a breach.
    - `expect` with `ahead`: every trigger is preceded by the event its `ref` names, at least that
      long before ("提前3天（不含出行当日）": `{days: 3}`; 事先: `{days: 0}`, the same day at the latest).
    - `limit`: at most `count` triggers per group and year (每个部门每年1次全区性会议; 一至二次: 2).
    - `frequency`: at least so many triggers per period, or one per run of days (常务会议原则上每月召开一次).
    """

    id: str = Field(pattern=RULE_ID)
    topic: str
    modality: Modality
    quote: str | None = None
    quote_reason: str | None = Field(
        None,
        description="Why the rule quotes no words of its article (the provision is the article as a whole, say): "
        "without a `quote` or this, the rule is refused, so that a wrong article number cannot pass unseen.",
    )
    trigger: EventPattern
    expect: Expect | None = None
    limit: Limit | None = None
    frequency: Frequency | None = None
    silence: Literal["breach", "consent"] = "breach"
    message: Message

    @model_validator(mode="after")
    def _one_check(self) -> AuditCheck:
        if sum(x is not None for x in (self.expect, self.limit, self.frequency)) != 1:
            raise ValueError("a check has exactly one of `expect`, `limit` or `frequency`")
        return self


class Article(_Model):
    number: int = Field(ge=1)
    label: str
    chapter: str
    status: Literal["encoded", "principle", "external"]
    note: str | None = None
    text: str = Field(min_length=1)
    rules: tuple[Rule, ...] = ()
    audits: tuple[AuditCheck, ...] = ()

    @model_validator(mode="after")
    def _status_fits(self) -> Article:
        if self.status == "principle" and (self.rules or self.audits):
            raise ValueError("a `principle` article has no rules: make it `encoded`")
        if self.status == "principle" and not (self.note and self.note != "TODO"):
            raise ValueError("a `principle` article needs a `note` saying why nothing applies")
        if self.status in ("encoded", "external") and not (self.rules or self.audits):
            raise ValueError(f"an `{self.status}` article needs at least one rule")
        return self


class RulebookFile(_Model):
    """One jurisdiction's rules, one version: metadata and every article."""

    jurisdiction: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str
    title_zh: str
    title_en: str
    short_zh: str
    level: Level
    province: str
    document_number: str | None
    issuing_body: str
    adopted: dt.date | None = None
    adopted_by: str | None = None
    issued: dt.date
    effective_from: dt.date
    effective_until: dt.date | None = None
    replaces: str | None = None
    source: str
    source_defects: tuple[str, ...] = ()
    roles: dict[Role, str]
    articles: tuple[Article, ...]


OVERRIDES = Field(
    False,
    description="Say `true` when this rule deliberately changes what the rulebook it extends answers: "
    "it replaces that rulebook's rule of the same `id`, or it is an exception (`exception_to`) to one of "
    "its rules. Either is refused without it, and it is refused where it changes nothing.",
)


class OverlayRule(Rule):
    """A rule supplied on top of a bundled rulebook, citing one of its articles."""

    article: int = Field(ge=1)
    overrides: bool = OVERRIDES


class OverlayAudit(AuditCheck):
    article: int = Field(ge=1)
    overrides: bool = OVERRIDES


class OverlayFile(_Model):
    """Supplementary rules for a loaded rulebook (`govrules.load(extra=[...])`, `--rules DIR`).

    A new jurisdiction, or a later version of one, is a full `RulebookFile` instead."""

    extends: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="The jurisdiction whose rules this supplements.")
    version: str = Field(description="The version of that jurisdiction's rules it supplements.")
    title: str | None = None
    rules: tuple[OverlayRule, ...] = ()
    audits: tuple[OverlayAudit, ...] = ()


class CaseExpect(_Model):
    verdict: Verdict | None = None
    error: str | None = Field(None, description="Expect the action to be refused; text in the message.")
    fires: tuple[str, ...] = ()
    not_fires: tuple[str, ...] = ()
    satisfies: tuple[str, ...] = Field((), description="Rules that apply and are met (satisfied or permitted).")
    assumes: tuple[str, ...] = Field((), description="Facts the decision presumes (`assumptions`).")
    articles: tuple[int, ...] = ()
    obligations: tuple[dict[str, object], ...] = ()
    missing: tuple[str, ...] = ()


class Case(_Model):
    name: str
    strict: bool = False
    action: dict[str, object]
    expect: CaseExpect


class CaseFile(_Model):
    cases: tuple[Case, ...]
