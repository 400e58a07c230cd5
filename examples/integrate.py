"""What a government system writes: load the rulebook once, judge actions as they come, act on the
verdict. Run: .venv/bin/python examples/integrate.py"""

import datetime as dt

import govrules

engine = govrules.load()  # once, at start-up; share it between threads

request = govrules.LeaveJurisdiction(
    kind="leave_jurisdiction",
    jurisdiction="qinghemen",
    date=dt.date(2026, 3, 9),
    actor=govrules.Actor(role="deputy"),
    destination="out_of_province",
    purpose="official",
    return_date=dt.date(2026, 3, 12),
    leaves_city=True,
    leads_delegation=False,
)

decision = engine.evaluate(request)
print(f"{decision.verdict}: {decision.document}")
for finding in decision.findings:
    print(f"  [{finding.outcome}] {finding.citation_zh}（{finding.label}）{finding.message_zh}")
for todo in decision.obligations:
    print(f"  to do: {todo.step} → {', '.join(todo.party)}, by {todo.due or decision.date}")

try:
    engine.evaluate(
        {"kind": "leave_jurisdiction", "jurisdiction": "qinghemen", "date": "2020-01-06", "actor": {"role": "deputy"}}
    )
except govrules.ActionError as exc:  # before the rules took effect: refused, never a verdict
    print(f"refused: {exc}")
