"""The audit wing: duties that only show across events over time (minutes never issued, a reply that
never came, a second district-wide meeting in a year, a month without its meetings).

The checks are written in the rulebook, next to their articles (`audits:`); the engine hands them
over through `Engine.audit_checks` (see `log.AuditSource`). The stages read in one direction:

    events.py    the event models (public: `govrules.MeetingHeld`, …)
    log.py       1. read: events → entries (validated, judged against each check's conditions, due
                 dates computed by the engine's calendar); 2. link: entries → a `Log` (sorted, refs
                 resolved, answers ranked, periods laid out)
    encoding.py  the one legend: what a trigger carries, what a match says, the fields of a Rete fact
    python.py    3. match, plain Python (the reference)
    rete.py      3. match, as Rete networks of durable-rules' JSON rules, sharded
    durable.py   the durable-rules adapter: the only module that imports it, in worker processes
    report.py    4. report: matches → findings (the public report models)
    api.py       the entry points: `audit`, `audit_records`, `audit_file`, `audit_date`

Event dates, never the wall clock, drive time: `as_of` is the day the audit stands.

Nothing is imported here, so that a submodule (the compiler reads `events`) loads only what it needs.
"""
