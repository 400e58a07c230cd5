"""The one module that talks to durable-rules (its Rete engine, `durable_rules_engine`).

durable-rules has been unmaintained since 2020: its Python host starts timer threads that live
forever, and its C engine keeps rulesets in global tables that are not safe to share between
threads. So we use neither the host nor its decorators: a network is created under a unique name,
fed, drained and deleted inside one call, under one process-wide lock. Callers see a pure function
from (network definition, facts) to the matches it produced.

Three defects shape how we run it (reproduced in tests/test_audit.py): facts asserted over
several calls let negations fire wrongly, so a network gets its facts in one call; string values
are hashed into 32 bits, so two facts whose string ids collide lose one of them, so every id and
join value we give it is an int; and a deleted network does not give its memory back (about 170 MB
per 20,000 facts), so networks run in worker processes that are replaced once they have taken
FACTS_PER_POOL facts, which also keeps its global state out of the caller's process altogether.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import durable_rules_engine as _dre  # type: ignore[import-not-found]

_LOCK = threading.Lock()
_NAMES = itertools.count()

Definition = dict[str, Any]
Match = tuple[str, dict[str, dict[str, Any]]]


WORKERS = 2  # the machine's cores: the networks of one audit run side by side
FACTS_PER_POOL = 100_000  # then the workers are replaced, and the memory durable-rules kept with them
_POOL: ProcessPoolExecutor | None = None
_POOL_FACTS = 0
_POOL_LOCK = threading.Lock()


def run_networks(jobs: Sequence[tuple[Definition, list[dict[str, Any]]]]) -> list[list[Match]]:
    """Run each (definition, facts) network in a worker process; the matches of each, in order.
    At most two networks per worker are in flight, so that what waits is not copied out early."""
    results: list[list[Match]] = []
    pending: deque[Future[list[Match]]] = deque()
    for definition, facts in jobs:
        pending.append(_submit(definition, facts))
        if len(pending) >= 2 * WORKERS:
            results.append(pending.popleft().result())
    results += [f.result() for f in pending]
    return results


def _submit(definition: Definition, facts: list[dict[str, Any]]) -> Future[list[Match]]:
    global _POOL, _POOL_FACTS  # stateless workers shared by every caller, replaced as they grow
    with _POOL_LOCK:
        if _POOL is None or _POOL_FACTS > FACTS_PER_POOL:
            if _POOL is not None:
                _POOL.shutdown(wait=False)  # its workers finish what they were given, then exit
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            _POOL, _POOL_FACTS = ProcessPoolExecutor(WORKERS, mp_context=context), 0
        _POOL_FACTS += len(facts)
        return _POOL.submit(run_network, definition, facts)


def run_network(definition: Definition, facts: Iterable[dict[str, Any]]) -> list[Match]:
    """Assert `facts` into a fresh Rete network built from `definition` (durable-rules' JSON rule
    format, without actions) and return every match: (rule name, {alias: fact}).

    INVARIANT: the facts go in with one `assert_facts` call. Asserted over several calls,
    durable-rules 2.0.28 lets a negation (`$not`) fire although the fact that should block it was
    asserted earlier (seen with three facts asserted one by one; tests/test_audit.py keeps the case).
    """
    if not definition:
        return []
    matches: list[Match] = []
    payload = json.dumps(list(facts), ensure_ascii=False)
    with _LOCK:
        handle = _dre.create_ruleset(f"govrules_{next(_NAMES)}", json.dumps(definition, ensure_ascii=False))
        try:
            _dre.assert_facts(handle, payload)
            _drain(handle, matches)
        finally:
            _dre.delete_ruleset(handle)
    return matches


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
