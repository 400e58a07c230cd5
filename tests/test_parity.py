"""Parity across jurisdictions (issue 10 §5): every topic is encoded in every jurisdiction, or
`topics.yaml` says why that jurisdiction's text lacks it (`absent`) or which of its rules encode it
under another topic (`elsewhere`)."""

from __future__ import annotations

import pytest

import govrules
from govrules._cli import main
from govrules._parity import parity


def test_every_topic_is_encoded_or_its_absence_explained(engine: govrules.Engine) -> None:
    cells = parity(engine)
    assert len(cells) == len(engine.topics) * len(engine.jurisdictions)
    unexplained = [
        f"{c.topic} / {c.jurisdiction}: {c.status} {c.detail}".strip() for c in cells if c.status in ("gap", "conflict")
    ]
    assert not unexplained, "\n".join(unexplained)


def test_a_declared_absence_reads_as_a_reason(engine: govrules.Engine) -> None:
    for c in parity(engine):
        if c.status == "absent":
            assert len(c.detail) > 20, f"{c.topic} / {c.jurisdiction}: `{c.detail}` says nothing"


def _amended(engine: govrules.Engine, topic: str, **entry: object) -> dict[str, object]:
    return {**engine.topics, topic: {**engine.topics[topic], **entry}}


def test_an_absence_declared_for_a_jurisdiction_that_encodes_the_topic_fails(engine: govrules.Engine) -> None:
    absent = {**engine.topics["briefing.limit"]["absent"], "zhanqian": "claimed absent, but zhanqian 33 encodes it"}
    cells = parity(engine, _amended(engine, "briefing.limit", absent=absent))
    assert [(c.topic, c.jurisdiction) for c in cells if c.status == "conflict"] == [("briefing.limit", "zhanqian")]


def test_elsewhere_must_name_rules_of_that_jurisdiction(engine: govrules.Engine) -> None:
    amended = _amended(engine, "briefing.limit", absent={}, elsewhere={"qianjin": ["qianjin.no.such.rule"]})
    cells = parity(engine, amended)
    assert [(c.topic, c.jurisdiction) for c in cells if c.status == "conflict"] == [("briefing.limit", "qianjin")]


def test_an_unexplained_gap_fails(engine: govrules.Engine) -> None:
    cells = parity(engine, _amended(engine, "briefing.limit", absent={}))
    assert [(c.topic, c.jurisdiction) for c in cells if c.status == "gap"] == [("briefing.limit", "qianjin")]


def test_the_parity_command_exits_0_when_every_cell_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parity"]) == 0
    out = capsys.readouterr().out
    assert "0 gap, 0 conflict" in out
