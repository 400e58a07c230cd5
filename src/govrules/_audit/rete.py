"""The Rete backend: each check as a network of durable-rules' JSON rules (joins and negations),
fed the facts of the linked log (`encoding.Fact`), cut into shards, run by the adapter (`durable`),
its matches read back as `Match`es, the same set the plain-Python backend gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from . import durable
from .encoding import FAR, NONE, Fact, Kind, Match, parse_rule_name, rule_name
from .log import Check, Log

Definition = dict[str, Any]
Job = tuple[Definition, list[dict[str, Any]]]
SHARD = 5_000  # facts in one network, about (unless one chain of refs is longer)

# The aliases the rules give the facts they join (a match is {alias: fact}).
TRIGGER, ANSWER, ASOF, SPAN, FIRST, EXTRA = "trigger", "answer", "asof", "span", "first", "extra"
NONE_OF = "unmatched$not"  # a negation: no fact matches it
# Fact.MARKER values
MARK_ASOF, MARK_PERIOD, MARK_WINDOW = "asof", "period", "window"


def rules(c: Check) -> Definition:
    """The Rete rules of one check, in durable-rules' JSON format (fields: `encoding.Fact`).

    INVARIANT: a negation (`$not`) stands last in its rule, after the audit-date fact: durable-rules
    evaluates a negation placed earlier against the facts present when its left side matched,
    so it would fire before the events that answer it arrived.
    """
    n, F = c.n, Fact
    trigger = {TRIGGER: {F.TRIGGER: 1}}
    asof = {ASOF: {F.MARKER: MARK_ASOF}}
    if c.form in ("within", "open"):
        answer = [{F.ANSWER: 1}, {F.REF: {TRIGGER: F.ID}}]  # answers the trigger
        unanswered = {NONE_OF: {"$and": [*answer, {F.RANK: {TRIGGER: F.LAST}}]}}  # not its last answer due
        if c.form == "open":
            return {rule_name(Kind.OPEN, n): {"all": [trigger, asof, unanswered]}}
        past_due = {ASOF: {"$and": [{F.MARKER: MARK_ASOF}, {"$gt": {F.DAY: {TRIGGER: F.DUE}}}]}}
        late = {"$and": [*answer, {"$lt": {F.RANK: {TRIGGER: F.COUNT}}}, {"$gt": {F.DAY: {TRIGGER: F.DUE}}}]}
        return {
            rule_name(Kind.LATE, n): {"all": [trigger, {ANSWER: late}]},
            rule_name(Kind.MISSING, n): {"all": [trigger, past_due, unanswered]},
        }
    if c.form == "ahead":
        named = [{F.ANSWER: 1}, {F.ID: {TRIGGER: F.REF}}]  # the event the trigger names, of the type expected
        return {
            rule_name(Kind.LATE, n): {
                "all": [trigger, {ANSWER: {"$and": [*named, {"$gt": {F.DAY: {TRIGGER: F.DUE}}}]}}]
            },
            rule_name(Kind.MISSING, n): {"all": [trigger, asof, {NONE_OF: {"$and": named}}]},
        }
    if c.form == "limit":
        # Each trigger beyond the count meets the group's first (rank 0): linear, not pairwise.
        limit = c.audit.check.limit
        assert limit is not None
        return {
            rule_name(Kind.EXCESS, n): {
                "all": [
                    {FIRST: {"$and": [{F.TRIGGER: 1}, {F.RANK: 0}]}},
                    {
                        EXTRA: {
                            "$and": [{F.TRIGGER: 1}, {F.GROUP: {FIRST: F.GROUP}}, {"$gt": {F.RANK: limit.count - 1}}]
                        }
                    },
                ]
            }
        }
    freq = c.audit.check.frequency
    assert freq is not None
    if c.form == "period":  # no trigger of rank at_least - 1 in the period: fewer than at_least
        return {
            rule_name(Kind.GAP, n): {
                "all": [
                    {SPAN: {F.MARKER: MARK_PERIOD}},
                    asof,
                    {NONE_OF: {"$and": [{F.TRIGGER: 1}, {F.PERIOD: {SPAN: F.START}}, {F.RANK: freq.at_least - 1}]}},
                ]
            }
        }
    return {
        rule_name(Kind.WINDOW, n): {
            "all": [
                {SPAN: {F.MARKER: MARK_WINDOW}},
                asof,
                {
                    NONE_OF: {
                        "$and": [{F.TRIGGER: 1}, {"$gte": {F.DAY: {SPAN: F.START}}}, {"$lte": {F.DAY: {SPAN: F.END}}}]
                    }
                },
            ]
        }
    }


def fact(log: Log, c: Check, s: int, as_trigger: bool = True) -> dict[str, Any]:
    """The fact of the event at position `s` in check `c`'s network; `as_trigger=False`: only as
    what another trigger joins (an answer, the event it names), not as a trigger itself."""
    n, e = c.n, log.entries[s]
    out: dict[str, Any] = {Fact.ID: e.pos, Fact.DAY: e.day, Fact.REF: e.ref_pos}
    if as_trigger and e.triggers is not None and n in e.triggers:
        a, b = e.triggers[n]
        out[Fact.TRIGGER] = 1
        if c.form in ("within", "open", "ahead"):
            out.update({Fact.DUE: a if a >= 0 else FAR, Fact.COUNT: b, Fact.LAST: b - 1})
        elif c.form == "limit":
            out.update({Fact.GROUP: a, Fact.RANK: log.rank[e.pos][n]})
        elif c.form == "period":
            out.update({Fact.PERIOD: a, Fact.RANK: log.rank[e.pos][n]})
    for m, rank in e.linked or ():
        if m == n:
            out.update({Fact.ANSWER: 1, Fact.RANK: rank})
    if c.form == "ahead" and n in e.answers:
        out[Fact.ANSWER] = 1
    return out


def _facts(log: Log, c: Check) -> Iterator[dict[str, Any]]:
    """The facts of one check's network, in log order."""
    for s in log.members.get(c.n, ()):
        yield fact(log, c, s)


def _jobs(log: Log) -> Iterator[Job]:
    """One network per check, cut into shards of about SHARD facts that never part a trigger from
    what it joins: a follow-up or a lead time by groups of triggers, each with its answers or the
    event it names; a limit at the turn of a year; a frequency check by period (a cadence: by month
    of its windows). So what a network holds is bounded, whatever the length of the log.

    INVARIANT: every value durable-rules matches or joins on is an int (positions stand for ids; a
    limit's group is a small int): it hashes strings into 32 bits and silently loses one of two
    facts whose ids collide, which a log of 100,000 events already hits."""
    asof = {Fact.ID: -1, Fact.MARKER: MARK_ASOF, Fact.DAY: log.as_of.toordinal()}
    for c in log.checks:
        definition = rules(c)
        if c.form in ("period", "cadence"):
            yield from _frequency_jobs(log, c, definition, asof)
        elif c.form == "limit":
            yield from _limit_jobs(log, c, definition, asof)
        else:
            yield from _trigger_jobs(log, c, definition, asof)


def _trigger_jobs(log: Log, c: Check, definition: Definition, asof: dict[str, Any]) -> Iterator[Job]:
    """A follow-up's or a lead time's networks: its triggers in log order, each with what it joins
    (its answers; the event it names), about SHARD facts a network. A busy log always has some
    trigger waiting for its answer, so the log itself cannot be cut; its triggers can."""
    n, entries = c.n, log.entries
    joined: dict[int, list[int]] = {}  # trigger → the positions it joins
    for s in log.members.get(n, ()):
        e = entries[s]
        if e.triggers is not None and n in e.triggers:
            joined.setdefault(s, [])
            if c.form == "ahead" and e.ref_pos >= 0 and n in entries[e.ref_pos].answers:
                joined[s].append(e.ref_pos)
        if e.ref_pos >= 0 and any(m == n for m, _ in e.linked or ()):
            joined.setdefault(e.ref_pos, []).append(s)
    shard: dict[int, dict[str, Any]] = {}
    for t, others in joined.items():
        shard[t] = fact(log, c, t)
        for o in others:
            if o not in shard:
                shard[o] = fact(log, c, o, as_trigger=False)  # its own group may lie in another shard
        if len(shard) >= SHARD:
            yield definition, [*shard.values(), asof]
            shard = {}
    if shard:
        yield definition, [*shard.values(), asof]


def _limit_jobs(log: Log, c: Check, definition: Definition, asof: dict[str, Any]) -> Iterator[Job]:
    """A limit's networks: one per year (its groups are per year)."""
    year, shard = None, list[dict[str, Any]]()
    for f in _facts(log, c):
        y = dt.date.fromordinal(f[Fact.DAY]).year
        if shard and y != year and len(shard) >= SHARD:
            yield definition, [*shard, asof]
            shard = []
        year = y
        shard.append(f)
    if shard:
        yield definition, [*shard, asof]


def _frequency_jobs(log: Log, c: Check, definition: Definition, asof: dict[str, Any]) -> Iterator[Job]:
    """A frequency check's networks: one per judged period, with the triggers counted in it; for a
    cadence, one per month of window starts, with the triggers that can fall in those windows."""
    freq = c.audit.check.frequency
    assert freq is not None
    span = freq.every_days or 0
    chunks: dict[int, list[dict[str, Any]]] = {}
    for n, start, last, judged in log.periods:
        if n != c.n or not judged:
            continue
        if c.form == "period":
            chunks.setdefault(start, []).append({Fact.MARKER: MARK_PERIOD, Fact.START: start, Fact.END: last})
        else:
            for s in range(start, last - span + 2):
                chunks.setdefault(_month(s), []).append(
                    {Fact.MARKER: MARK_WINDOW, Fact.START: s, Fact.END: s + span - 1}
                )
    facts: dict[int, list[dict[str, Any]]] = {}
    for f in _facts(log, c):
        if c.form == "period":  # the period it counts in (a plan counts in the year it serves)
            homes = {f[Fact.PERIOD]}
        else:  # the months in which windows holding its day start
            homes = {_month(d) for d in range(f[Fact.DAY] - span + 1, f[Fact.DAY] + 1)}
        for key in homes:
            if key in chunks:
                facts.setdefault(key, []).append(f)
    for key in sorted(chunks):
        markers = [{Fact.ID: -2 - i, **q} for i, q in enumerate(chunks[key])]
        yield definition, [*facts.get(key, ()), *markers, asof]


def _month(ordinal: int) -> int:
    day = dt.date.fromordinal(ordinal)
    return day.year * 12 + day.month


def match(log: Log) -> set[Match]:
    """Every check's matches, from its networks run in durable-rules' workers."""
    out: set[Match] = set()
    for matches in durable.run_networks(_jobs(log)):
        for name, m in matches:
            kind, n = parse_rule_name(name)
            if kind in (Kind.GAP, Kind.WINDOW):
                out.add(Match(kind, n, m[SPAN][Fact.START], m[SPAN][Fact.END]))
            elif kind == Kind.EXCESS:
                out.add(Match(kind, n, m[EXTRA][Fact.ID], m[FIRST][Fact.ID]))
            elif kind == Kind.LATE:
                out.add(Match(kind, n, m[TRIGGER][Fact.ID], m[ANSWER][Fact.ID]))
            else:
                out.add(Match(kind, n, m[TRIGGER][Fact.ID], NONE))
    return out
