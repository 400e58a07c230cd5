"""The audit wing's public face and its walls: records with their lines, the audit date settled
alone, the checks each version shows, one reader for files, and no reach-in into the engine."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

import govrules

AUD = Path(__file__).parent / "fixtures" / "audit"
WING = Path(govrules.__file__).resolve().parent / "_audit"


@pytest.fixture(scope="module")
def aud() -> govrules.Engine:
    return govrules.load(AUD)


def ev(type_: str, id_: str, day: str, **facts: Any) -> dict[str, Any]:
    return {"type": type_, "id": id_, "jurisdiction": "aud", "date": day, "actor": {"role": "head"}, **facts}


LOG = [
    ev("meeting_held", "m1", "2026-03-02", meeting="topical"),
    ev("minutes_issued", "n1", "2026-03-06", ref="m1"),
    ev("meeting_held", "m2", "2026-03-02", meeting="topical"),
]


def test_audit_records_keeps_lines_and_equals_audit(aud: govrules.Engine) -> None:
    records = [
        (10, LOG[0], None),
        (11, LOG[1], None),
        (12, None, "invalid JSON: oops"),
        (13, LOG[2], None),
        (14, json.dumps(ev("minutes_issued", "n9", "2026-03-03", ref="nowhere")).encode(), None),
        (15, {"type": "meeting_hold", "id": "x"}, None),
    ]
    report = govrules.audit_records(aud, records, as_of=dt.date(2026, 3, 31), backend="python")
    assert [(p.line, p.event) for p in report.problems] == [(12, None), (14, "n9"), (15, None)]
    assert report.problems[2].message == "type: unknown type `meeting_hold` (did you mean `meeting_held`?)"
    plain = govrules.audit(aud, LOG, as_of=dt.date(2026, 3, 31), backend="python")
    assert report.findings == plain.findings and report.events == plain.events + 1


def test_audit_date_is_the_date_the_audit_stands_on(aud: govrules.Engine) -> None:
    assert govrules.audit_date(aud, LOG) == govrules.audit(aud, LOG, backend="python").as_of == dt.date(2026, 3, 6)
    assert govrules.audit_date(aud, LOG[1:2] + LOG[:1]) == dt.date(2026, 3, 6)  # the last two days are enough
    assert govrules.audit_date(aud, [], as_of=dt.date(2026, 4, 1)) == dt.date(2026, 4, 1)
    assert govrules.audit_date(aud, [{"type": "nothing"}]) is None
    with pytest.raises(govrules.ActionError, match="beyond the working-day calendar"):
        govrules.audit_date(aud, [], as_of=dt.date(2999, 1, 1))
    far = [*LOG, ev("meeting_held", "typo", "2027-06-01", meeting="topical")]
    with pytest.raises(govrules.ActionError, match="`typo`"):
        govrules.audit_date(aud, far)


def test_each_version_shows_its_checks(aud: govrules.Engine) -> None:
    (version,) = aud.versions("aud")
    checks = {c.id: c for c in version.audits}
    assert all(type(c) is govrules.AuditCheckInfo for c in checks.values())
    minutes = checks["aud.minutes_in_3_days"]
    assert (minutes.form, minutes.trigger, minutes.expects) == ("within", "meeting_held", "minutes_issued")
    assert {c.form for c in checks.values()} >= {"within", "ahead", "limit", "period"}
    by_article = {c.id for a in version.articles for c in a.audits}
    assert by_article == set(checks)
    found = {f.check for f in govrules.audit(aud, LOG, backend="python").findings}
    assert found <= set(checks)


def test_audit_file_reads_as_the_command_does(aud: govrules.Engine, tmp_path: Path) -> None:
    """One reader (`_records.read_records`): a YAML file of one event, a JSON file holding a list."""
    one = tmp_path / "one.yaml"
    one.write_text(json.dumps(LOG[2]), encoding="utf-8")
    assert govrules.audit_file(aud, str(one), as_of=dt.date(2026, 3, 31)).events == 1
    listed = tmp_path / "log.json"
    listed.write_text(json.dumps(LOG), encoding="utf-8")
    report = govrules.audit_file(aud, str(listed), as_of=dt.date(2026, 3, 31), backend="python")
    assert report == govrules.audit(aud, LOG, as_of=dt.date(2026, 3, 31), backend="python")
    assert not hasattr(govrules._audit.api, "read_events")


def test_the_wing_reaches_into_nothing_private_and_only_its_adapter_imports_durable_rules() -> None:
    for path in WING.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"engine\._|_engine import _|import _[a-z]|_calendar import _", text), path.name
        if path.name != "durable.py":
            assert "durable_rules_engine" not in text, path.name
