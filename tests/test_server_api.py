"""The decision service through the ASGI test client: every endpoint, its errors as problem+json,
limits, auth, the decision log and reload, on the real bundled rulebook."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import govrules
from govrules.server import Limits, create_app, rulebook_loader
from govrules.server._rulebook import LoadedRulebook

from ._serve import DIRECTOR

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "examples" / "overlay" / "rules" / "qinghemen-local.yaml"
LEAVE = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "as_of": "2026-03-10",
    "actor": {"role": "deputy"},
    "destination": "out_of_province",
    "leaves_city": True,
    "leads_delegation": False,
}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def loaded() -> LoadedRulebook:
    return rulebook_loader()()


@pytest.fixture(scope="module")
def client(loaded: LoadedRulebook) -> TestClient:
    return TestClient(create_app(rulebook_loader(), initial=loaded))


def expected(engine: govrules.Engine, action: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return engine.evaluate(action, **kw).model_dump(mode="json", exclude_none=True)


def problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["type"].startswith("urn:govrules:problem:") and body["title"]
    assert "Traceback" not in r.text
    return body


def test_a_decision_is_the_engines_with_the_digest(client: TestClient, loaded: LoadedRulebook) -> None:
    r = client.post("/v1/decisions", json=LEAVE)
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == expected(loaded.engine, LEAVE)
    assert body["decision"]["verdict"] == "denied"
    assert {f["article"] for f in body["decision"]["findings"]} == {70}
    assert r.headers["govrules-rulebook-digest"] == body["rulebook_digest"] == loaded.digest
    assert loaded.digest.startswith("sha256:") and len(loaded.digest) == 7 + 64
    assert r.headers["x-request-id"]


def test_trace_strict_and_explain(client: TestClient, loaded: LoadedRulebook) -> None:
    r = client.post("/v1/decisions?trace=true&strict=true&explain=en", json=LEAVE)
    body = r.json()
    assert body["decision"] == expected(loaded.engine, LEAVE, trace=True, strict=True)
    assert body["decision"]["trace"]
    from govrules._explain import explain

    assert body["explanation"] == explain(loaded.engine, LEAVE, "en")
    zh = client.post("/v1/decisions?explain=zh", json=LEAVE).json()["explanation"]
    assert "第七十条" in zh


def test_request_id_is_echoed(client: TestClient) -> None:
    r = client.post("/v1/decisions", json=LEAVE, headers={"X-Request-Id": "case-42"})
    assert r.headers["x-request-id"] == "case-42"
    r = client.post("/v1/decisions", json=LEAVE, headers={"X-Request-Id": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces"


def test_a_bad_action_names_each_field(client: TestClient) -> None:
    body = problem(client.post("/v1/decisions", json={**LEAVE, "actor": {"role": "mayor"}, "colour": "red"}), 422)
    paths = {e["path"]: e for e in body["errors"]}
    assert set(paths) == {"actor.role", "colour"}
    assert paths["actor.role"]["pointer"] == "#/actor/role"
    assert paths["colour"]["detail"] == "unknown field `colour`"
    body = problem(client.post("/v1/decisions", json={**LEAVE, "jurisdiction": "qinhemen"}), 422)
    assert body["errors"][0]["path"] == "jurisdiction" and "did you mean `qinghemen`" in body["detail"]
    body = problem(client.post("/v1/decisions", json={**LEAVE, "date": "1990-01-01"}), 422)
    assert body["errors"][0]["path"] == "date"


def test_bodies_that_are_not_actions(client: TestClient) -> None:
    body = problem(client.post("/v1/decisions", content=b'{"kind": '), 400)
    assert body["type"] == "urn:govrules:problem:invalid-json" and "line 1" in body["detail"]
    problem(client.post("/v1/decisions", content=b"\xff\xfe"), 400)
    problem(client.post("/v1/decisions", content=b"[" * 100_000 + b"]" * 100_000), 400)
    problem(client.post("/v1/decisions", content=b"1" * 5000), 400)
    body = problem(client.post("/v1/decisions", json=[LEAVE]), 422)
    assert body["errors"][0]["path"] == ""


def test_a_bad_parameter_names_it(client: TestClient) -> None:
    body = problem(client.post("/v1/decisions?explain=fr", json=LEAVE), 422)
    assert body["errors"][0]["path"] == "query.explain"
    body = problem(client.get("/v1/facts/leave_jurisdiction"), 422)
    assert body["errors"][0]["path"] == "query.jurisdiction"


def test_unknown_routes_and_methods(client: TestClient) -> None:
    assert problem(client.get("/v1/nothing"), 404)["detail"] == "no route GET /v1/nothing"
    problem(client.get("/v1/decisions"), 405)


def test_batch_json_lines_in_order_with_a_bad_line(client: TestClient, loaded: LoadedRulebook) -> None:
    actions = [LEAVE, DIRECTOR, {**LEAVE, "actor": {"role": "head"}}]
    body = (
        "\n".join(
            [
                json.dumps(actions[0]),
                "{oops",
                "",
                json.dumps(actions[1]),
                json.dumps({**LEAVE, "kind": "fly"}),
                "[1, 2]",
                json.dumps(actions[2]),
            ]
        )
        + "\n"
    )
    r = client.post("/v1/decisions:batch", content=body, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["index"] for x in lines] == [0, 1, 2, 3, 4, 5]
    assert [x["line"] for x in lines] == [1, 2, 4, 5, 6, 7]
    assert lines[0]["decision"] == expected(loaded.engine, actions[0])
    assert lines[1]["error"]["type"] == "urn:govrules:problem:invalid-json" and lines[1]["error"]["line"] == 2
    assert lines[2]["decision"] == expected(loaded.engine, actions[1])
    assert lines[3]["error"]["errors"][0]["path"] == "kind"
    assert lines[4]["error"]["status"] == 422
    assert lines[5]["decision"] == expected(loaded.engine, actions[2])


def test_batch_json_array(client: TestClient, loaded: LoadedRulebook) -> None:
    import datetime as dt

    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(600)]  # three chunks
    actions = [
        {**LEAVE, "id": f"a{i}", "date": d.isoformat(), "as_of": (d + dt.timedelta(days=i % 3)).isoformat()}
        for i, d in enumerate(days)
    ]
    r = client.post("/v1/decisions:batch", json=actions)
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert [x["index"] for x in lines] == list(range(600))
    assert all("line" not in x for x in lines)
    assert [x["decision"] for x in lines] == [expected(loaded.engine, a) for a in actions]
    problem(client.post("/v1/decisions:batch", content=b"[1, "), 400)
    problem(client.post("/v1/decisions:batch", content=b"\n\n"), 400)


def test_limits(loaded: LoadedRulebook) -> None:
    small = TestClient(create_app(rulebook_loader(), initial=loaded, limits=Limits(max_body=2000, max_batch=3)))
    body = problem(small.post("/v1/decisions", json={**LEAVE, "id": "x" * 3000}), 413)
    assert "2000 bytes" in body["detail"]

    def chunks() -> Any:  # no Content-Length: counted as it comes
        for _ in range(10):
            yield b" " * 500

    problem(small.post("/v1/decisions", content=chunks()), 413)
    body = problem(small.post("/v1/decisions:batch", json=[LEAVE] * 4), 413)
    assert "at most 3" in body["detail"]
    assert small.post("/v1/decisions:batch", json=[LEAVE] * 3).status_code == 200


def test_timeout_is_a_problem_never_a_hang(loaded: LoadedRulebook) -> None:
    hasty = TestClient(create_app(rulebook_loader(), initial=loaded, limits=Limits(timeout=1e-9)))
    body = problem(hasty.post("/v1/decisions", json=LEAVE), 503)
    assert body["type"] == "urn:govrules:problem:timeout"
    lines = hasty.post("/v1/decisions:batch", json=[LEAVE] * 5).text.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["error"]["status"] == 503


def test_audit(client: TestClient, loaded: LoadedRulebook) -> None:
    log = (ROOT / "examples" / "audit" / "qinghemen-2026q1.jsonl").read_text(encoding="utf-8")
    r = client.post("/v1/audits?as_of=2026-03-31", content=log, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200
    events = [json.loads(x) for x in log.splitlines() if x.strip()]
    want = govrules.audit(loaded.engine, events, as_of=__import__("datetime").date(2026, 3, 31), backend="python")
    assert r.json()["report"] == want.model_dump(mode="json", exclude_none=True)
    assert r.json()["report"]["findings"]
    assert client.post("/v1/audits?as_of=2026-03-31", json=events).json() == r.json()
    body = problem(client.post("/v1/audits", content="{}\n{bad\n"), 400)
    assert body["errors"][0]["line"] == 2
    problem(client.post("/v1/audits?as_of=2026-02-30", json=events), 422)


def test_the_rulebook_catalogue(client: TestClient) -> None:
    body = client.get("/v1/jurisdictions").json()
    assert [j["id"] for j in body["jurisdictions"]] == ["hegang", "qianjin", "qinghemen", "xiangshan", "zhanqian"]
    a = client.get("/v1/jurisdictions/qinghemen/articles/70").json()
    assert a["rulebook"] == "qinghemen@2022" and a["status"] == "encoded"
    assert "副区长离阜和休假,应事先报告区长" in a["text"]
    assert "qinghemen.leave.deputy_reports_to_head" in [r["id"] for r in a["rules"]]
    assert problem(client.get("/v1/jurisdictions/qinghemen/articles/999"), 404)["errors"][0]["path"] == "number"
    assert "did you mean `qinghemen`" in problem(client.get("/v1/jurisdictions/qinhemen/articles/70"), 404)["detail"]
    problem(client.get("/v1/jurisdictions/qinghemen/articles/seventy"), 422)


def test_facts_and_schema(client: TestClient, engine: govrules.Engine) -> None:
    import datetime as dt

    body = client.get("/v1/facts/leave_jurisdiction?jurisdiction=qinghemen&date=2026-03-09").json()
    want = engine.facts("leave_jurisdiction", "qinghemen", dt.date(2026, 3, 9))
    assert body["facts"] == [f.model_dump(mode="json") for f in want]
    assert any(f["name"] == "leaves_city" and f["description_zh"] for f in body["facts"])
    assert problem(client.get("/v1/facts/leave?jurisdiction=qinghemen"), 422)["errors"][0]["path"] == "kind"
    r = client.get("/v1/schema/actions")
    shipped = ROOT / "src" / "govrules" / "schema" / "actions.schema.json"
    assert r.json() == json.loads(shipped.read_text(encoding="utf-8"))


def test_health_readiness_and_metrics(client: TestClient, loaded: LoadedRulebook) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["rulebook_digest"] == loaded.digest
    client.post("/v1/decisions", json=LEAVE)
    text = client.get("/metrics").text
    assert "# TYPE govrules_request_duration_seconds histogram" in text
    denied = [ln for ln in text.splitlines() if ln.startswith('govrules_decisions_total{verdict="denied"')]
    assert denied and int(denied[0].split()[-1]) >= 1
    assert f'govrules_rulebook_info{{digest="{loaded.digest}"' in text
    assert 'route="/v1/decisions",status="200"' in text and 'le="+Inf"' in text


def test_openapi_names_the_librarys_models(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path in (
        "/v1/decisions",
        "/v1/decisions:batch",
        "/v1/audits",
        "/v1/jurisdictions",
        "/v1/facts/{kind}",
        "/v1/jurisdictions/{jurisdiction}/articles/{number}",
        "/v1/schema/actions",
        "/v1/admin/reload",
        "/healthz",
        "/readyz",
        "/metrics",
    ):
        assert path in doc["paths"]
    schemas = doc["components"]["schemas"]
    assert {"Action", "Decision", "Finding", "LeaveJurisdiction", "AuditReport"} <= set(schemas)
    assert schemas["Action"]["discriminator"]["propertyName"] == "kind"
    assert client.get("/docs").status_code == 200


def test_the_playground_is_served_from_the_package(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]
    for asset in ("/static/playground.js", "/static/playground.css"):
        assert client.get(asset).status_code == 200
    for text in (r.text, client.get("/static/playground.js").text):
        assert "http://" not in text and "https://" not in text  # no CDN: it works offline


def test_bearer_token(loaded: LoadedRulebook) -> None:
    guarded = TestClient(create_app(rulebook_loader(), initial=loaded, token="s3cret"))
    body = problem(guarded.post("/v1/decisions", json=LEAVE), 401)
    assert body["type"] == "urn:govrules:problem:unauthorized"
    problem(guarded.get("/v1/jurisdictions", headers={"Authorization": "Bearer wrong"}), 401)
    ok = {"Authorization": "Bearer s3cret"}
    assert guarded.post("/v1/decisions", json=LEAVE, headers=ok).status_code == 200
    assert guarded.get("/healthz").status_code == 200  # probes need no token
    problem(guarded.post("/v1/admin/reload"), 401)
    assert guarded.post("/v1/admin/reload", headers=ok).json()["status"] == "unchanged"


def test_admin_reload_is_off_without_a_token(client: TestClient) -> None:
    problem(client.post("/v1/admin/reload"), 403)


def test_cors_is_off_by_default(client: TestClient, loaded: LoadedRulebook) -> None:
    origin = {"Origin": "https://portal.example.gov.cn"}
    assert "access-control-allow-origin" not in client.get("/v1/jurisdictions", headers=origin).headers
    open_ = TestClient(create_app(rulebook_loader(), initial=loaded, cors_origins=["https://portal.example.gov.cn"]))
    r = open_.get("/v1/jurisdictions", headers=origin)
    assert r.headers["access-control-allow-origin"] == "https://portal.example.gov.cn"


def test_an_internal_error_is_a_500_problem(loaded: LoadedRulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    c = TestClient(create_app(rulebook_loader(), initial=loaded), raise_server_exceptions=False)

    def boom(*a: Any, **k: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr(govrules.Engine, "evaluate", boom)
    r = c.post("/v1/decisions", json=LEAVE, headers={"X-Request-Id": "req-7"})
    body = problem(r, 500)
    assert body["request_id"] == "req-7" and "a bug" not in r.text
    assert r.headers["govrules-rulebook-digest"] == loaded.digest
    lines = c.post("/v1/decisions:batch", json=[LEAVE]).text.splitlines()
    assert json.loads(lines[-1])["error"]["status"] == 500


def test_the_decision_log(tmp_path: Path, loaded: LoadedRulebook) -> None:
    path = tmp_path / "decisions.jsonl"
    c = TestClient(create_app(rulebook_loader(), initial=loaded, decision_log=str(path)))
    c.post("/v1/decisions", json=LEAVE, headers={"X-Request-Id": "one"})
    c.post("/v1/decisions:batch", json=[LEAVE, {"bad": 1}, DIRECTOR], headers={"X-Request-Id": "two"})
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["request_id"], r.get("index")) for r in records] == [("one", None), ("two", 0), ("two", 2)]
    first = records[0]
    assert first["action"] == LEAVE and first["verdict"] == "denied" and first["articles"] == [70]
    assert first["rulebook_digest"] == loaded.digest and first["rulebook"] == "qinghemen@2022" and first["time"]


def test_reload_keeps_the_old_rulebook_when_the_new_one_fails(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    c = TestClient(create_app(rulebook_loader(rules=[rules]), token="t"))
    auth = {"Authorization": "Bearer t"}
    before = c.get("/readyz").json()["rulebook_digest"]
    assert c.post("/v1/decisions", json=DIRECTOR, headers=auth).json()["decision"]["verdict"] == "allowed"
    shutil.copy(OVERLAY, rules / OVERLAY.name)
    r = c.post("/v1/admin/reload", headers=auth)
    assert r.json()["status"] == "reloaded" and r.json()["previous_digest"] == before
    after = r.json()["rulebook_digest"]
    assert r.headers["govrules-rulebook-digest"] == after != before
    assert c.post("/v1/decisions", json=DIRECTOR, headers=auth).json()["decision"]["verdict"] == "denied"
    (rules / "broken.yaml").write_text(
        "extends: qinghemen\nversion: '2022'\nrules:\n  - article: 9999\n", encoding="utf-8"
    )
    body = problem(c.post("/v1/admin/reload", headers=auth), 422)
    assert body["rulebook_digest"] == after
    assert body["errors"] and all(
        e["file"].endswith("broken.yaml") and e["line"] >= 1 and e["code"] for e in body["errors"]
    )
    # the old one answers
    assert c.post("/v1/decisions", json=DIRECTOR, headers=auth).json()["decision"]["verdict"] == "denied"
    assert c.get("/readyz").json()["last_reload_errors"] == body["errors"]
    assert 'govrules_rulebook_reloads_total{result="failed"' in c.get("/metrics").text
    (rules / "broken.yaml").unlink()
    assert c.post("/v1/admin/reload", headers=auth).json()["rulebook_digest"] == after
    assert "last_reload_errors" not in c.get("/readyz").json()


def test_import_govrules_does_not_import_the_server() -> None:
    code = (
        "import sys, govrules, govrules._cli; govrules._cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn', 'anyio')"
        " or m in ('govrules.server._app', 'govrules.server._rulebook')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
