"""The benchmark suite runs (tiny sizes, no timed assertions): every installed engine's verdicts on
the shared slice equal plain Python's, and an engine that answers wrong is caught before timing."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from bench import part_full, part_slice
from bench.engines import Govrules, all_engines
from bench.spec import PlainPython, generate, with_working_days


@pytest.fixture(scope="module")
def engines() -> list[Any]:
    found, _missing = all_engines()  # the peers that are not installed are left out
    return found


def test_slice_quick_run_verifies_every_engine(engines: list[Any]) -> None:
    sec = part_slice.run(n=300, runs=1, quick=True, engines=engines)
    names = {e.name for e in engines}
    # durable-rules does not build on Python 3.13 (see pyproject): there the bench compares without it.
    peers = {"durable-rules"} if importlib.util.find_spec("durable_rules_engine") else set()
    assert {"plain Python", "govrules", *peers} <= names
    assert all(name in sec.figures["typed"] for name in names)
    assert "checked equal to plain Python's" in "\n".join(sec.body)


def test_slice_rulebook_loads_beside_the_bundled_one() -> None:
    engine = Govrules().engine
    assert {"bench_a", "bench_b", "bench_c", "qinghemen"} <= set(engine.jurisdictions)


class _Wrong(PlainPython):
    """Plain Python, but every countersign reply is allowed: wrong whenever one is late."""

    name = "wrong engine"

    def run_typed(self, prepared: list[dict[str, Any]]) -> list[str]:
        return [
            "allowed" if r["kind"] == "reply_to_consultation" else v
            for r, v in zip(prepared, super().run_typed(prepared), strict=True)
        ]


def test_a_wrong_engine_is_caught_before_timing() -> None:
    gov_json = generate(300)
    peer_json = with_working_days(gov_json)
    with pytest.raises(part_slice.VerificationError, match=r"wrong engine \(typed\): \d+ of 300 verdicts differ"):
        part_slice.verify([PlainPython(), _Wrong()], gov_json, peer_json)


def test_full_rulebook_stream_runs() -> None:
    sec = part_full.run(n=50, runs=1, quick=True)
    assert sec.figures["typed, no trace, stream"] > 0 and sec.figures["typed, trace=True, list"] > 0
