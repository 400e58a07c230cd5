"""The typed models of a rulebook file, as written by rule authors (before compilation)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._actions import Party, Role, StepType

Modality = Literal["must", "shall", "in_principle", "may"]
RULE_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(_Model):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Due(_Model):
    """A deadline counted from a date field of the action."""

    days: int = Field(ge=0, le=3660)
    unit: Literal["calendar", "working", "months"] = "calendar"
    before: str | None = None
    after: str | None = None

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
        "before", description="Before the act (the default), or a duty that follows it (`after`)."
    )

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


class Rule(_Model):
    id: str = Field(pattern=RULE_ID)
    kind: str
    topic: str
    modality: Modality
    quote: str | None = None
    when: str = "true"
    effect: Effect
    exception_to: tuple[str, ...] = ()
    judgement: str | None = None
    message: Message


class Span(_Model):
    """A length of time: calendar days, working days or months."""

    days: int = Field(ge=0, le=3660)
    unit: Literal["calendar", "working", "months"] = "calendar"


class EventPattern(_Model):
    event: str
    when: str = "true"


class Expect(EventPattern):
    """The event a check expects: after the trigger (`within`) or before it (`ahead`)."""

    within: Span | None = None
    ahead: Span | None = None

    @model_validator(mode="after")
    def _one_span(self) -> Expect:
        if (self.within is None) == (self.ahead is None):
            raise ValueError("give exactly one of `within` (a follow-up) or `ahead` (a lead time)")
        return self


class Limit(_Model):
    """At most `count` triggers per group (`per`: fields of the trigger event) per period."""

    count: Literal[1] = 1
    per: tuple[str, ...] = ()
    period: Literal["year"] = "year"


class Frequency(_Model):
    """At least one trigger in every complete period, from the log's first to the audit date."""

    at_least: Literal[1] = 1
    period: Literal["week", "month", "quarter", "year"]


class AuditCheck(_Model):
    """A duty that only shows over time, checked over a log of events (`govrules audit`).

    - `expect` with `within`: every trigger is followed by the expected event (its `ref` naming the
      trigger) by the deadline; none by the audit date is a breach, or consent when `silence` is
      `consent` (逾期不回复视为无不同意见).
    - `expect` with `ahead`: every trigger is preceded by the event its `ref` names, at least that
      long before ("提前3天（不含出行当日）": `{days: 3}`).
    - `limit`: at most one trigger per group and year (每个部门每年1次全区性会议).
    - `frequency`: at least one trigger per period (常务会议原则上每月召开一次).
    """

    id: str = Field(pattern=RULE_ID)
    topic: str
    modality: Modality
    quote: str | None = None
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
    level: Literal["district", "city", "county", "province"]
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
    verdict: Literal["allowed", "conditional", "denied"] | None = None
    error: str | None = Field(None, description="Expect the action to be refused; text in the message.")
    fires: tuple[str, ...] = ()
    not_fires: tuple[str, ...] = ()
    articles: tuple[int, ...] = ()
    obligations: tuple[dict[str, object], ...] = ()
    missing: tuple[str, ...] = ()


class Case(_Model):
    name: str
    action: dict[str, object]
    expect: CaseExpect


class CaseFile(_Model):
    cases: tuple[Case, ...]
