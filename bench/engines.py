"""The engines of the peer comparison, each built from the one slice specification (`spec.SLICE`).

Every engine answers the same question with its own means: a verdict, `allowed`, `conditional` or
`denied`, for each action. Each has two entry points, timed separately:

- `run_typed(prepared)`: the engine's native input made beforehand by `prepare` (govrules: pydantic
  action models; the peers: their own records, requests or facts);
- `run_dicts(actions)`: plain dicts as they arrive from JSON; the engine pays its own conversion.

govrules reads the JSON actions as they are; the peers read them with the precomputed
`working_days` field (see `spec`).
"""

from __future__ import annotations

import json
from typing import Any

from .spec import SLICE, PlainPython, flatten

KINDS = ("leave_jurisdiction", "sign_document", "reply_to_consultation")


def _cases() -> list[dict[str, Any]]:
    """The slice as a list of cases, one per (verdict, situation), in a form every encoding walks:
    kind, jurisdiction (None: any), roles (in / not in), destination guard, and the date test."""
    out: list[dict[str, Any]] = []
    for jur, days in SLICE["notice_days"].items():
        by_need: dict[tuple[Any, ...], list[str]] = {}
        for role, need in SLICE["leave"].items():
            by_need.setdefault(need, []).append(role)
        for (step, party, ahead, out_of_province), roles in by_need.items():
            d = days if ahead else 0
            base = {
                "kind": "leave_jurisdiction",
                "jur": jur,
                "roles": tuple(roles),
                "not_in_province": out_of_province,
                "step": step,
                "party": party,
                "ahead": d,
            }
            out.append({**base, "verdict": "denied", "test": "late_or_overdue"})
            out.append({**base, "verdict": "conditional", "test": "pending"})
    for (issuer, doc), roles in SLICE["sign"].items():
        out.append(
            {
                "kind": "sign_document",
                "jur": None,
                "issuer": issuer,
                "doc_type": doc,
                "not_roles": tuple(roles),
                "verdict": "denied",
                "test": "sign",
            }
        )
    for jur, days in SLICE["reply_days"].items():
        out.append({"kind": "reply_to_consultation", "jur": jur, "days": days, "verdict": "denied", "test": "reply"})
    return out


# --- govrules ----------------------------------------------------------------------------------
class Govrules:
    """The full bundled rulebook plus the synthetic slice rulebook (bench/slice)."""

    name = "govrules"
    reads_govrules_json = True

    def __init__(self, engine: Any = None) -> None:
        import govrules

        from .common import SLICE_DIR

        self.engine = engine if engine is not None else govrules.load(extra=[SLICE_DIR])
        self._parse = govrules.parse_action

    def prepare(self, actions: list[dict[str, Any]]) -> list[Any]:
        return [self._parse(a) for a in actions]

    # Its streaming call (`evaluate_iter`), consumed as the peers' results are: each decision read
    # for its verdict and let go, as a caller judging a stream does (`evaluate_many` builds the
    # list of every decision first: holding 100,000 objects costs the collector about a quarter
    # more). Each call starts with nothing remembered (`forget`): the fast judge remembers
    # decisions by the facts they depend on, and a timed run must not be served what an earlier
    # run of the same actions left behind.
    def run_typed(self, prepared: list[Any]) -> list[str]:
        forget(self.engine)
        return [d.verdict for d in self.engine.evaluate_iter(prepared)]

    def run_dicts(self, actions: list[dict[str, Any]]) -> list[str]:
        forget(self.engine)
        return [d.verdict for d in self.engine.evaluate_iter(actions)]


class GovrulesReference(Govrules):
    """govrules judging the reference way (`Engine(fast=False)`: each rule's closures, weighed one
    by one, pydantic models built and validated per decision): the engine as it was before issue 13."""

    name = "govrules (reference)"

    def __init__(self, engine: Any = None) -> None:
        super().__init__(engine)
        self.engine = reference(self.engine)


def forget(engine: Any) -> None:
    """Empty the decisions govrules' fast judge remembers by their facts (what makes a repeated run
    of the same actions cheaper than a first one). What it keeps, as the reference keeps its own
    shared findings: its plans, and the findings and obligations it has built."""
    fast = getattr(engine, "_fast", None)
    if fast is not None:
        fast.forget()


def reference(engine: Any) -> Any:
    """The same compiled rulebook, judged the reference way."""
    from govrules._engine import Engine

    return Engine(engine._versions, engine._topics, engine._calendar, fast=False)


# --- durable-rules ----------------------------------------------------------------------------
def _dr_match(c: dict[str, Any]) -> dict[str, Any]:
    """A durable-rules condition (its JSON rule format) for one case."""
    terms: list[dict[str, Any]] = [{"kind": c["kind"]}]
    if c["jur"] is not None:
        terms.append({"jur": c["jur"]})
    t = c["test"]
    if t in ("late_or_overdue", "pending"):
        terms.append({"$or": [{"role": r} for r in c["roles"]]})
        if c["not_in_province"]:
            terms.append({"$neq": {"dest": "in_province"}})
        last: Any = {"$m": "date"} if not c["ahead"] else {"$sub": {"$l": {"$m": "date"}, "$r": c["ahead"]}}
        match = {"$and": [{"step_type": c["step"]}, {"step_party": c["party"]}]}
        no_match = {"$or": [{"$neq": {"step_type": c["step"]}}, {"$neq": {"step_party": c["party"]}}]}
        if t == "late_or_overdue":
            terms.append(
                {
                    "$or": [
                        {"$and": [match, {"$gt": {"step_on": last}}]},
                        {"$and": [no_match, {"$gt": {"as_of": last}}]},
                    ]
                }
            )
        else:
            terms += [no_match, {"$lte": {"as_of": last}}]
    elif t == "sign":
        terms += [{"issuer": c["issuer"]}, {"doc_type": c["doc_type"]}]
        terms += [{"$neq": {"role": r}} for r in c["not_roles"]]
    else:
        terms.append({"$gt": {"working_days": c["days"]}})
    return {"$and": terms}


class _Batches(list):  # type: ignore[type-arg]
    """JSON batches of facts, and how many facts they hold."""

    def __init__(self, batches: list[str], n: int) -> None:
        super().__init__(batches)
        self.n = n


class DurableRules:
    """durable-rules' C Rete engine (`durable_rules_engine`), driven directly as govrules'
    `_durable.py` does (no host, no timer threads): one network per run, facts asserted with its
    batch call `assert_facts` in batches of 500 (as fast as 2,000 with typed input and faster
    with dict input in our runs), matches drained after each batch (safe here: every rule matches
    one fact and none has a negation). A fact no rule matches is allowed. Typed input is the
    batches as JSON strings made beforehand; dict input pays `flatten` and `json.dumps`."""

    name = "durable-rules"
    reads_govrules_json = False
    BATCH = 500

    def __init__(self) -> None:
        import durable_rules_engine as dre

        self._dre = dre
        rules = {f"{c['verdict']}_{n}": {"all": [{"m": _dr_match(c)}]} for n, c in enumerate(_cases())}
        self._definition = json.dumps(rules)
        self._runs = 0

    def prepare(self, actions: list[dict[str, Any]]) -> _Batches:
        facts = [{**flatten(a), "id": str(i), "i": i} for i, a in enumerate(actions)]
        return _Batches([json.dumps(facts[k : k + self.BATCH]) for k in range(0, len(facts), self.BATCH)], len(facts))

    def _run(self, batches: Any, n: int) -> list[str]:
        dre = self._dre
        verdicts = ["allowed"] * n
        self._runs += 1
        handle = dre.create_ruleset(f"bench_{id(self)}_{self._runs}", self._definition)
        try:
            for batch in batches:
                dre.assert_facts(handle, batch)
                result = dre.start_action(handle)
                while result:
                    state, message = result[2], result[1]
                    while message:
                        for rule, aliases in json.loads(message).items():
                            for m in aliases if isinstance(aliases, list) else [aliases]:
                                i = m["m"]["i"]
                                if rule.startswith("denied") or verdicts[i] == "allowed":
                                    verdicts[i] = rule.split("_", 1)[0]
                        message = dre.complete_and_start_action(handle, state)
                    result = dre.start_action(handle)
        finally:
            dre.delete_ruleset(handle)
        return verdicts

    def run_typed(self, prepared: _Batches) -> list[str]:
        return self._run(prepared, prepared.n)

    def run_dicts(self, actions: list[dict[str, Any]]) -> list[str]:
        def batches() -> Any:
            for k in range(0, len(actions), self.BATCH):
                yield json.dumps(
                    [{**flatten(a), "id": str(k + j), "i": k + j} for j, a in enumerate(actions[k : k + self.BATCH])]
                )

        return self._run(batches(), len(actions))


# --- Cedar --------------------------------------------------------------------------------------
def _cedar_cond(c: dict[str, Any]) -> str:
    x = "context."
    terms = []
    if c["jur"] is not None:
        terms.append(f'{x}jur == "{c["jur"]}"')
    t = c["test"]
    if t in ("late_or_overdue", "pending"):
        terms.append(f"{json.dumps(list(c['roles']))}.contains({x}role)")
        if c["not_in_province"]:
            terms.append(f'{x}dest != "in_province"')
        last = f"{x}date - {c['ahead']}" if c["ahead"] else f"{x}date"
        match = f'({x}step_type == "{c["step"]}" && {x}step_party == "{c["party"]}")'
        if t == "late_or_overdue":
            terms.append(f"(({match} && {x}step_on > {last}) || (!{match} && {x}as_of > {last}))")
        else:
            terms.append(f"!{match} && {x}as_of <= {last}")
    elif t == "sign":
        terms += [
            f'{x}issuer == "{c["issuer"]}"',
            f'{x}doc_type == "{c["doc_type"]}"',
            f"!{json.dumps(list(c['not_roles']))}.contains({x}role)",
        ]
    else:
        terms.append(f"{x}working_days > {c['days']}")
    return " && ".join(terms)


def cedar_policies() -> tuple[str, set[str]]:
    """The slice as Cedar policies, scoped by action (the kind), and the ids of the conditional ones."""
    policies, conditional = [], set()
    for n, c in enumerate(_cases()):
        effect = "forbid" if c["verdict"] == "denied" else "permit"
        scope = f'principal, action == Action::"{c["kind"]}", resource'
        policies.append(f"{effect} ({scope}) when {{ {_cedar_cond(c)} }};")
        if c["verdict"] == "conditional":
            conditional.add(f"policy{n}")
    policies.append("permit (principal, action, resource);")
    return "\n".join(policies), conditional


class Cedar:
    """Cedar (cedarpy), its batch call `is_authorized_batch` on chunks of 1,000 requests, with the
    policies and the (empty) entities parsed once, and the uids as `{"type", "id"}` dicts (no
    Cedar syntax to parse per request). The action's kind is the Cedar action (policies are scoped
    by it); the other facts are in the request's context. Denied cases are `forbid` policies;
    conditional cases are `permit` policies whose ids we look for among the reasons of an Allow;
    one unconditional `permit` allows the rest. Typed input is the requests with their context as
    a JSON string, made beforehand; dict input builds each chunk's requests from the flat records
    (a dict context, which cedarpy encodes)."""

    name = "cedarpy"
    reads_govrules_json = False
    CHUNK = 1000

    def __init__(self) -> None:
        import cedarpy

        self._cedar = cedarpy
        self.policies_text, self._conditional = cedar_policies()
        self._actions = {k: {"type": "Action", "id": k} for k in KINDS}
        self._principal = {"type": "User", "id": "actor"}
        self._resource = {"type": "Doc", "id": "doc"}
        self._policies = cedarpy.PolicySet.from_str(self.policies_text)
        self._entities = cedarpy.Entities.from_json_str("[]")

    def _verdicts(self, requests: list[dict[str, Any]], out: list[str]) -> None:
        cond = self._conditional
        for r in self._cedar.is_authorized_batch(requests, self._policies, self._entities):
            if not r.allowed:
                out.append("denied")
            else:
                out.append("conditional" if cond.intersection(r.diagnostics.reasons) else "allowed")

    def _request(self, r: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "principal": self._principal,
            "action": self._actions[r["kind"]],
            "resource": self._resource,
            "context": context,
        }

    def prepare(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self._request(r, json.dumps(r)) for r in map(flatten, actions)]

    def run_typed(self, prepared: list[dict[str, Any]]) -> list[str]:
        out: list[str] = []
        for k in range(0, len(prepared), self.CHUNK):
            self._verdicts(prepared[k : k + self.CHUNK], out)
        return out

    def run_dicts(self, actions: list[dict[str, Any]]) -> list[str]:
        out: list[str] = []
        req = self._request
        for k in range(0, len(actions), self.CHUNK):
            self._verdicts([req(r, r) for r in map(flatten, actions[k : k + self.CHUNK])], out)
        return out


# --- ZEN Engine ---------------------------------------------------------------------------------
ZEN_COLUMNS = (
    ("jur", "jur"),
    ("role", "role"),
    ("dest", "dest"),
    ("step_type", "step_type"),
    ("step_party", "step_party"),
    ("test", "date"),
    ("working_days", "working_days"),
    ("issuer", "issuer"),
    ("doc_type", "doc_type"),
)


def _zen_rows(kind: str) -> list[dict[str, str]]:
    """The rows of one kind's first-hit decision table. A leave case becomes four rows, in order:
    the step done late (denied), the step done (allowed), overdue (denied), else pending
    (conditional)."""
    rows: list[dict[str, str]] = []

    def row(verdict: str, **cells: str) -> None:
        r = {cid: "" for cid, _ in ZEN_COLUMNS}
        r.update(cells)
        r["_id"], r["verdict"] = f"r{len(rows)}", json.dumps(verdict)
        rows.append(r)

    for c in _cases():
        if c["kind"] != kind:
            continue
        head: dict[str, str] = {}
        if c["jur"]:
            head["jur"] = json.dumps(c["jur"])
        t = c["test"]
        if t == "late_or_overdue":
            head["role"] = ", ".join(json.dumps(r) for r in c["roles"])
            if c["not_in_province"]:
                head["dest"] = '!= "in_province"'
            last = f"$ - {c['ahead']}" if c["ahead"] else "$"
            done = {"step_type": json.dumps(c["step"]), "step_party": json.dumps(c["party"])}
            row("denied", **head, **done, test=f"step_on > {last}")
            row("allowed", **head, **done)
            row("denied", **head, test=f"as_of > {last}")
            row("conditional", **head)
        elif t == "sign":
            row(
                "denied",
                **head,
                issuer=json.dumps(c["issuer"]),
                doc_type=json.dumps(c["doc_type"]),
                role=f"not ($ in {json.dumps(list(c['not_roles']))})",
            )
        elif t == "reply":
            row("denied", **head, working_days=f"> {c['days']}")
    row("allowed")
    return rows


def zen_decision(kind: str) -> dict[str, Any]:
    """One kind's cases as a JDM decision graph: one decision table, first hit, with only the
    columns that kind's rows test."""
    rows = _zen_rows(kind)
    cols = [(cid, f) for cid, f in ZEN_COLUMNS if any(r[cid] for r in rows)]
    keep = {cid for cid, _ in cols} | {"_id", "verdict"}
    table = {
        "hitPolicy": "first",
        "inputs": [{"id": cid, "name": cid, "field": f} for cid, f in cols],
        "outputs": [{"id": "verdict", "name": "verdict", "field": "verdict"}],
        "rules": [{k: v for k, v in r.items() if k in keep} for r in rows],
    }
    pos = {"x": 0, "y": 0}
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": pos},
            {"id": "table", "type": "decisionTableNode", "name": "slice", "position": pos, "content": table},
            {"id": "out", "type": "outputNode", "name": "response", "position": pos},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
        ],
    }


class Zen:
    """GoRules' ZEN Engine (zen-engine) as its documentation recommends for many decisions: one
    decision per kind (its own first-hit table, only the columns that kind tests), compiled once
    (`ZenDecisionContent`) and served per key by a loader, called per request with
    `ZenEngine.evaluate(key, context)`. Typed input is the context as a JSON string (its fastest
    path); dict input passes the flat record as a dict."""

    name = "zen-engine"
    reads_govrules_json = False

    def __init__(self) -> None:
        import zen

        self.contents = {k: zen.ZenDecisionContent(json.dumps(zen_decision(k))) for k in KINDS}
        self._engine = zen.ZenEngine({"loader": self.contents.__getitem__})

    def prepare(self, actions: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return [(r["kind"], json.dumps(r)) for r in map(flatten, actions)]

    def run_typed(self, prepared: list[tuple[str, str]]) -> list[str]:
        ev = self._engine.evaluate
        return [ev(key, ctx)["result"]["verdict"] for key, ctx in prepared]

    def run_dicts(self, actions: list[dict[str, Any]]) -> list[str]:
        ev = self._engine.evaluate
        return [ev(r["kind"], r)["result"]["verdict"] for r in map(flatten, actions)]


# --- rule-engine --------------------------------------------------------------------------------
def _re_chain(branches: list[tuple[str, str]], default: str) -> str:
    """`g1 ? v1 : (g2 ? v2 : … default)`, every part parenthesized."""
    expr = default
    for guard, value in reversed(branches):
        expr = f"(({guard}) ? ({value}) : {expr})"
    return expr


def re_expression(kind: str) -> str:
    """One rule-engine expression for a kind that evaluates to the verdict: nested ternaries over
    the kind's cases (leave: by jurisdiction, then role; sign: by issuer and document type; reply:
    by jurisdiction), each case deciding with the tests of its denied and conditional verdicts."""
    cases = [c for c in _cases() if c["kind"] == kind]
    allowed = json.dumps("allowed")
    branches: list[tuple[str, str]] = []
    if kind == "leave_jurisdiction":
        by_jur: dict[str, list[tuple[str, str]]] = {}
        for c in cases:
            if c["test"] == "pending":  # decided with its late_or_overdue sibling below
                continue
            assert c["test"] == "late_or_overdue" and {**c, "verdict": "conditional", "test": "pending"} in cases
            guard = f"role in {json.dumps(list(c['roles']))}"
            if c["not_in_province"]:
                guard += ' and dest != "in_province"'
            last = f"date - {c['ahead']}" if c["ahead"] else "date"
            match = f"step_type == {json.dumps(c['step'])} and step_party == {json.dumps(c['party'])}"
            value = (
                f'({match}) ? (step_on > {last} ? "denied" : "allowed") : (as_of > {last} ? "denied" : "conditional")'
            )
            by_jur.setdefault(c["jur"], []).append((guard, value))
        branches = [(f"jur == {json.dumps(j)}", _re_chain(b, allowed)) for j, b in by_jur.items()]
    elif kind == "sign_document":
        for c in cases:
            assert c["test"] == "sign" and c["verdict"] == "denied"
            branches.append(
                (
                    f"issuer == {json.dumps(c['issuer'])} and doc_type == {json.dumps(c['doc_type'])}",
                    f'role in {json.dumps(list(c["not_roles"]))} ? "allowed" : "denied"',
                )
            )
    else:
        for c in cases:
            assert c["test"] == "reply" and c["verdict"] == "denied"
            branches.append((f"jur == {json.dumps(c['jur'])}", f'working_days > {c["days"]} ? "denied" : "allowed"'))
    return _re_chain(branches, allowed)


class RuleEngine:
    """rule-engine: ONE `Rule` per kind, a nested ternary that evaluates to the verdict
    (`re_expression`); the host picks the kind's rule and calls `evaluate`. Typed input is the
    flat record made beforehand; dict input pays `flatten`."""

    name = "rule-engine"
    reads_govrules_json = False

    def __init__(self) -> None:
        import rule_engine

        self.rules = {k: rule_engine.Rule(re_expression(k)) for k in KINDS}

    def prepare(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [flatten(a) for a in actions]

    def run_typed(self, prepared: list[dict[str, Any]]) -> list[str]:
        rules = {k: r.evaluate for k, r in self.rules.items()}
        return [rules[r["kind"]](r) for r in prepared]

    def run_dicts(self, actions: list[dict[str, Any]]) -> list[str]:
        rules = {k: r.evaluate for k, r in self.rules.items()}
        return [rules[r["kind"]](r) for r in map(flatten, actions)]


PEERS = (DurableRules, Cedar, Zen, RuleEngine)


def all_engines(govrules_engine: Any = None) -> tuple[list[Any], list[str]]:
    """The floor, govrules and every peer that is installed; and a note for each that is not."""
    gov = Govrules(govrules_engine)
    engines: list[Any] = [PlainPython(), gov, GovrulesReference(gov.engine)]
    missing = []
    for cls in PEERS:
        try:
            engines.append(cls())
        except ImportError as exc:
            missing.append(f"{cls.name}: not installed ({exc.name}); `pip install -e '.[bench]'`")
    return engines, missing
