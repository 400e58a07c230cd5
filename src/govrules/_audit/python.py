"""The plain-Python backend: every check over the linked log, in one pass. The reference the Rete
backend is tested against (tests/test_audit.py: both give the same matches)."""

from __future__ import annotations

from .encoding import NONE, Kind, Match
from .log import Log


def match(log: Log) -> set[Match]:
    out: set[Match] = set()
    end = log.as_of.toordinal()
    entries = log.entries
    cadence: dict[int, list[int]] = {}
    first: dict[tuple[int, int], int] = {}  # (limit check, group) → its first trigger
    for e in entries:
        for n, k in e.linked or ():  # an answer: late if past its trigger's due day, while still due
            target = entries[e.ref_pos].triggers
            assert target is not None
            due, count = target[n]
            if k < count and due >= 0 and e.day > due:
                out.add(Match(Kind.LATE, n, e.ref_pos, e.pos))
        for n, (a, b) in (e.triggers or {}).items():
            form = log.checks[n].form
            if form == "within" and log.answered.get((n, e.pos), 0) < b and end > a:
                out.add(Match(Kind.MISSING, n, e.pos, NONE))
            elif form == "open" and log.answered.get((n, e.pos), 0) < b:
                out.add(Match(Kind.OPEN, n, e.pos, NONE))
            elif form == "ahead":
                needed = entries[e.ref_pos] if e.ref_pos >= 0 else None
                if needed is None or n not in needed.answers:
                    out.add(Match(Kind.MISSING, n, e.pos, NONE))
                elif needed.day > a:
                    out.add(Match(Kind.LATE, n, e.pos, needed.pos))
            elif form == "limit":
                limit = log.checks[n].audit.check.limit
                assert limit is not None
                if log.rank[e.pos][n] == 0:
                    first[(n, a)] = e.pos
                elif log.rank[e.pos][n] >= limit.count:
                    out.add(Match(Kind.EXCESS, n, e.pos, first[(n, a)]))
            elif form == "cadence":
                cadence.setdefault(n, []).append(e.day)
    for n, start, last, judged in log.periods:
        freq = log.checks[n].audit.check.frequency
        assert freq is not None
        if not judged:
            continue
        if freq.every_days:
            span, prev = freq.every_days, start - 1
            for t in [*cadence.get(n, ()), end + 1]:
                for s in range(max(prev + 1, start), min(t - span, end - span + 1) + 1):
                    out.add(Match(Kind.WINDOW, n, s, s + span - 1))
                prev = t
        elif log.in_period.get((n, start), 0) < freq.at_least:
            out.add(Match(Kind.GAP, n, start, last))
    return out
