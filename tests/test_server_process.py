"""End to end: a real `govrules serve` process on 127.0.0.1, over HTTP: every endpoint, error shapes,
reload by SIGHUP and by the admin endpoint (good and bad rulebooks, requests in flight), a batch
with a bad line, limits, and two worker processes."""

from __future__ import annotations

import json
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ._serve import DIRECTOR, Server, serve

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "examples" / "overlay" / "rules" / "qinghemen-local.yaml"
LOCAL_RULE = "qinghemen.local.office_directors_file_in_writing"
BROKEN = "extends: qinghemen\nversion: '2022'\nrules:\n  - article: 9999\n"
TOKEN = "e2e-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("overlay")


@pytest.fixture(scope="module")
def server(rules: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve")
    (home / "token").write_text(TOKEN + "\n", encoding="utf-8")
    with serve(
        "--rules",
        str(rules),
        "--token-file",
        str(home / "token"),
        "--decision-log",
        str(home / "decisions.jsonl"),
        "--max-batch",
        "20000",
        "--max-body",
        str(64 << 20),
    ) as s:
        s.home = home  # type: ignore[attr-defined]
        yield s


def verdict(s: Server, action: dict[str, Any] = DIRECTOR) -> str:
    with s.client(headers=AUTH) as c:
        r = c.post("/v1/decisions", json=action)
        assert r.status_code == 200, r.text
        v: str = r.json()["decision"]["verdict"]
        return v


def digest(s: Server) -> str:
    with s.client() as c:
        d: str = c.get("/readyz").json()["rulebook_digest"]
        return d


def until(predicate: Any, seconds: float = 60) -> bool:
    """Wait (bounded) for the server to get there; a wait, not a timing assertion."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_every_endpoint_over_http(server: Server) -> None:
    with server.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        d = c.get("/readyz").json()["rulebook_digest"]
        for path in ("/", "/static/playground.js", "/static/playground.css", "/docs", "/openapi.json", "/metrics"):
            r = c.get(path)
            assert r.status_code == 200, path
            assert r.headers["govrules-rulebook-digest"] == d
        assert "govrules_rulebook_info" in c.get("/metrics").text
    with server.client(headers=AUTH) as c:
        assert [j["id"] for j in c.get("/v1/jurisdictions").json()["jurisdictions"]][2] == "qinghemen"
        assert "副区长离阜" in c.get("/v1/jurisdictions/qinghemen/articles/70").json()["text"]
        assert c.get("/v1/facts/leave_jurisdiction", params={"jurisdiction": "qinghemen"}).json()["facts"]
        assert c.get("/v1/schema/actions").json()["title"] == "govrules action file"
        r = c.post("/v1/decisions", params={"explain": "zh"}, json=DIRECTOR)
        assert r.json()["decision"]["verdict"] in ("allowed", "denied") and r.json()["explanation"]
        log = (ROOT / "examples" / "audit" / "qinghemen-2026q1.jsonl").read_bytes()
        r = c.post(
            "/v1/audits", params={"as_of": "2026-03-31"}, content=log, headers={"content-type": "application/x-ndjson"}
        )
        assert r.status_code == 200 and r.json()["report"]["events"] == 451
    records = (server.home / "decisions.jsonl").read_text(encoding="utf-8").splitlines()  # type: ignore[attr-defined]
    assert json.loads(records[-1])["action"] == DIRECTOR


def test_error_shapes_over_http(server: Server) -> None:
    with server.client() as c:
        r = c.post("/v1/decisions", json=DIRECTOR)
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/v2/decisions").json()["status"] == 404
    with server.client(headers=AUTH) as c:
        r = c.post("/v1/decisions", json={**DIRECTOR, "actor": {"role": "mayor"}})
        assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/actor/role"
        r = c.post("/v1/decisions", content=b'{"kind": "leave_jurisdiction",')
        assert r.status_code == 400 and r.json()["type"] == "urn:govrules:problem:invalid-json"
        for r in (c.post("/v1/decisions", content=b"[" * 50_000), c.get("/v1/jurisdictions/qinghemen/articles/x")):
            assert r.status_code in (400, 422) and "Traceback" not in r.text


def test_a_batch_with_a_bad_line_over_http(server: Server) -> None:
    body = "\n".join(
        [
            json.dumps(DIRECTOR),
            "{not json",
            json.dumps({**DIRECTOR, "date": "2026-02-30"}),
            json.dumps({**DIRECTOR, "id": "last"}),
        ]
    )
    with (
        server.client(headers=AUTH) as c,
        c.stream("POST", "/v1/decisions:batch", content=body, headers={"content-type": "application/x-ndjson"}) as r,
    ):
        lines = [json.loads(x) for x in r.iter_lines() if x]
    assert [x["line"] for x in lines] == [1, 2, 3, 4]
    assert "decision" in lines[0] and "decision" in lines[3] and lines[3]["decision"]["action_id"] == "last"
    assert lines[1]["error"]["status"] == 400 and lines[2]["error"]["errors"][0]["path"] == "date"


def test_reload_by_sighup_and_admin_good_and_bad(server: Server, rules: Path) -> None:
    for f in rules.iterdir():
        f.unlink()
    with server.client(headers=AUTH) as c:
        assert c.post("/v1/admin/reload").status_code == 200
    first = digest(server)
    assert verdict(server) == "allowed"
    shutil.copy(OVERLAY, rules / OVERLAY.name)  # a good rule of one's own: SIGHUP loads it
    server.proc.send_signal(signal.SIGHUP)
    assert until(lambda: digest(server) != first)
    second = digest(server)
    assert verdict(server) == "denied"
    (rules / "broken.yaml").write_text(BROKEN, encoding="utf-8")  # a bad one: SIGHUP keeps the old rulebook
    server.proc.send_signal(signal.SIGHUP)
    with server.client() as c:
        assert until(lambda: "last_reload_errors" in c.get("/readyz").json())
        errors = c.get("/readyz").json()["last_reload_errors"]
    assert errors[0]["file"].endswith("broken.yaml") and errors[0]["code"]
    assert digest(server) == second and verdict(server) == "denied"
    assert server.wait_log("reload \\(SIGHUP\\) failed")
    with server.client(headers=AUTH) as c:  # the same through the admin endpoint
        r = c.post("/v1/admin/reload")
        assert r.status_code == 422 and r.json()["rulebook_digest"] == second
        assert r.json()["errors"][0]["file"].endswith("broken.yaml")
        (rules / "broken.yaml").unlink()
        r = c.post("/v1/admin/reload")
        assert r.status_code == 200 and r.json()["rulebook_digest"] == second
        assert r.headers["govrules-rulebook-digest"] == second
        (rules / OVERLAY.name).unlink()
        assert c.post("/v1/admin/reload").json()["rulebook_digest"] == first
    assert verdict(server) == "allowed"


def test_a_batch_in_flight_finishes_on_its_rulebook(server: Server, rules: Path) -> None:
    """A batch large enough to outlast a reload: every line is judged by the rulebook it started with,
    though the new one (with the local rule) answers the requests that come after."""
    assert not any(rules.iterdir())
    n = 12_000
    body = "\n".join(json.dumps({**DIRECTOR, "id": f"d{i}"}) for i in range(n))
    with (
        server.client(headers=AUTH) as c,
        server.client(headers=AUTH) as other,
        c.stream("POST", "/v1/decisions:batch", content=body, headers={"content-type": "application/x-ndjson"}) as r,
    ):
        old = r.headers["govrules-rulebook-digest"]
        lines = r.iter_lines()
        first = json.loads(next(lines))
        shutil.copy(OVERLAY, rules / OVERLAY.name)
        reloaded = other.post("/v1/admin/reload").json()
        assert reloaded["rulebook_digest"] != old
        assert other.post("/v1/decisions", json=DIRECTOR).json()["decision"]["verdict"] == "denied"
        rest = [json.loads(x) for x in lines if x]
    decided = [first, *rest]
    assert len(decided) == n and [x["index"] for x in decided] == list(range(n))
    assert all(x["decision"]["verdict"] == "allowed" for x in decided)
    assert not any(f["rule"] == LOCAL_RULE for x in decided for f in x["decision"]["findings"])
    (rules / OVERLAY.name).unlink()
    with server.client(headers=AUTH) as c:
        c.post("/v1/admin/reload")


def test_limits_over_http() -> None:
    with serve("--max-body", "3000", "--max-batch", "2") as s, s.client() as c:
        r = c.post("/v1/decisions", json={**DIRECTOR, "id": "x" * 4000})
        assert r.status_code == 413 and "3000 bytes" in r.json()["detail"]
        r = c.post("/v1/decisions", content=iter([b" " * 1000] * 4))  # chunked: no length given
        assert r.status_code == 413
        r = c.post("/v1/decisions:batch", json=[DIRECTOR] * 3)
        assert r.status_code == 413 and r.json()["type"] == "urn:govrules:problem:batch-too-large"
        r = c.post("/v1/admin/reload")
        assert r.status_code == 403  # no token: no admin endpoint


def test_a_bad_rulebook_at_start_exits_2_with_every_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "govrules", "serve", "--port", "0", "--rules", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "broken.yaml:" in r.stderr and "Traceback" not in r.stderr


def test_two_workers_reload_together_on_sighup(tmp_path: Path) -> None:
    with serve("--workers", "2", "--rules", str(tmp_path)) as s:
        first = digest(s)
        # both workers up (each installs its SIGHUP handler as it starts), or one would miss the signal
        assert until(lambda: sum("Started server process" in line for line in s.log) == 2)
        shutil.copy(OVERLAY, tmp_path / OVERLAY.name)
        s.proc.send_signal(signal.SIGHUP)  # to the supervisor: every worker reloads in place
        assert s.wait_log(r"reload \(SIGHUP\): now serving")

        def all_new() -> bool:
            with s.client() as c:
                return all(
                    c.post("/v1/decisions", json=DIRECTOR).json()["decision"]["verdict"] == "denied" for _ in range(20)
                )

        assert until(all_new)
        with s.client() as c:
            workers = {c.get("/readyz").headers["govrules-rulebook-digest"] for _ in range(20)}
        assert first not in workers
        assert until(lambda: sum("reload (SIGHUP): now serving" in line for line in s.log) == 2)  # each worker
