"""The one module that talks to durable-rules (its Rete engine, `durable_rules_engine`).

durable-rules has been unmaintained since 2020: its Python host starts timer threads that live
forever, and its C engine keeps rulesets in global tables that are not safe to share between
threads. So we use neither the host nor its decorators: a network is created under a unique name,
fed, drained and deleted inside one call, under one process-wide lock. Callers see a pure function
from (network definition, facts) to the matches it produced.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import durable_rules_engine as _dre  # type: ignore[import-not-found]

_LOCK = threading.Lock()
_NAMES = itertools.count()
BATCH = 2000

Definition = dict[str, Any]
Match = tuple[str, dict[str, dict[str, Any]]]


def run_network(definition: Definition, facts: Iterable[dict[str, Any]]) -> list[Match]:
    """Assert `facts` in order into a fresh Rete network built from `definition` (durable-rules'
    JSON rule format, without actions) and return every match: (rule name, {alias: fact}).

    The network is drained after each batch, so a rule with a negation (`$not`) must be completed
    by a fact asserted last (our `$asof` fact) to see every fact before it fires.
    """
    if not definition:
        return []
    matches: list[Match] = []
    with _LOCK:
        handle = _dre.create_ruleset(f"govrules_{next(_NAMES)}", json.dumps(definition, ensure_ascii=False))
        try:
            for batch in _batches(facts):
                _dre.assert_facts(handle, json.dumps(batch, ensure_ascii=False))
                _drain(handle, matches)
        finally:
            _dre.delete_ruleset(handle)
    return matches


def _batches(facts: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    rest = iter(facts)
    return iter(lambda: list(islice(rest, BATCH)), [])


def _drain(handle: int, matches: list[Match]) -> None:
    result = _dre.start_action(handle)
    while result:
        state = result[2]
        message: str | None = result[1]
        while message:
            for rule, aliases in json.loads(message).items():
                matches.append((rule, aliases))
            message = _dre.complete_and_start_action(handle, state)
        result = _dre.start_action(handle)
