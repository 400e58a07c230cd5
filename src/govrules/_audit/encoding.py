"""The audit's encoding, in one place: what a trigger carries, what a match says, and the fields of
the facts the Rete network joins on. Both backends produce `Match`es; the report reads them; only
`rete` writes `Fact`s and rule names, and only `rete` reads them back.

A trigger's payload (`Triggered`), by the form of its check:

    form       value                                          answers
    within     the due day (ordinal; a `due_field` wins)      answers due (`count_field`, else 1)
    open       -1: no due day (an open obligation)            answers due
    ahead      the day the event it names is due by           0
    limit      its group (a small int: check, `per` fields,   0
               year)
    period     the first day of the period it counts in       0
    cadence    0                                              0

A match (`Match`): (kind, check, first, second), positions in the sorted log or days:

    kind       first                            second
    late       the trigger                      the late answer (within), the event named (ahead)
    missing    the trigger                      -1
    open       the trigger                      -1
    excess     a trigger beyond the limit       the group's first trigger
    gap        the period's first day           its last day
    window     a window's first day (cadence)   its last day (the report joins runs of them)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, NamedTuple


class Triggered(NamedTuple):
    """What an event that triggers a check carries into the match (see the module's table)."""

    value: int
    answers: int  # answers due


NO_DUE: Final = -1  # Triggered.value of an open obligation


class Kind(StrEnum):
    """What a match found (see the module's table)."""

    LATE = "late"
    MISSING = "missing"
    OPEN = "open"
    EXCESS = "excess"
    GAP = "gap"
    WINDOW = "window"


class Match(NamedTuple):
    """One raw match of a backend, before it becomes a finding (see the module's table)."""

    kind: Kind
    check: int
    first: int
    second: int


NONE: Final = -1  # Match.second where there is no second event


def rule_name(kind: Kind, check: int) -> str:
    """The name of a Rete rule: its kind and check, read back by `parse_rule_name`."""
    return f"{kind.value}_{check}"


def parse_rule_name(name: str) -> tuple[Kind, int]:
    kind, _, check = name.rpartition("_")
    return Kind(kind), int(check)


class Fact:
    """The fields of a fact in a check's Rete network (durable-rules' JSON). One network holds the
    facts of one check, so no field names its check.

    INVARIANT: every value matched or joined on is an int (see `rete._jobs`)."""

    # every event
    ID: Final = "id"  # its position in the sorted log (markers: negative)
    DAY: Final = "day"  # its date, as an ordinal
    REF: Final = "ref"  # the position of the event its `ref` names; -3: none, or unknown
    # an event that triggers the check
    TRIGGER: Final = "trigger"  # 1
    DUE: Final = "due"  # within/open/ahead: the due day (an open obligation: FAR, never past)
    COUNT: Final = "count"  # within/open: answers due
    LAST: Final = "last"  # within/open: the rank of the last answer due (count - 1)
    GROUP: Final = "group"  # limit: its group
    PERIOD: Final = "period"  # period: the first day of its period
    RANK: Final = "rank"  # limit/period: its rank among the triggers of its group or period
    # an event that answers a trigger (within/open: the one its `ref` names), or is named by one (ahead)
    ANSWER: Final = "answer"  # 1; and within/open: RANK, its rank among the answers of that trigger
    # markers, one kind of fact each: the audit date; a period or a cadence's window to judge
    MARKER: Final = "marker"  # "asof", "period" or "window"
    START: Final = "start"  # a period's or window's first day
    END: Final = "end"  # its last day


FAR: Final = 10**9  # Fact.DUE of an open obligation: after every day
