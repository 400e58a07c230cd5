"""The HTTP decision service: `create_app(engine_loader, …)` gives an ASGI app (FastAPI) over one
rulebook at a time.

- Each request takes the rulebook answering when it starts (`_Holder.current`) and keeps it to the
  end, headers included: a reload swaps the reference for later requests, never under a running one.
- Judging runs in worker threads (the engine is immutable and shared), under a per-request deadline.
- Every error is a problem+json (`_problems`); a failure of our own is a 500 with the request id, its
  traceback only in the server's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import hmac
import json
import logging
import os
import re
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, TypeAdapter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import govrules

from ._metrics import Metrics
from ._problems import MEDIA_TYPE, Problem, action_problem, field_error, json_problem, loads
from ._rulebook import ArticleView, EngineLoader, JurisdictionView, LoadedRulebook

log = logging.getLogger("govrules.server")
T = TypeVar("T")

DIGEST_HEADER = "Govrules-Rulebook-Digest"
NOT_AN_ACTION = "an action is a JSON object with `kind`, `jurisdiction`, `date` and `actor`"
CHUNK = 256  # batch actions judged per hop to a worker thread: few hops, and lines still flow early
_DECISION = TypeAdapter(govrules.Decision)
_REQUEST_ID = re.compile(r"^[\w.:-]{1,128}$")
_LINES_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines", "application/ndjson")


@dataclass(frozen=True)
class Limits:
    """What one request may ask: its body's bytes, a batch's actions, and its time."""

    max_body: int = 16 * 1024 * 1024
    max_batch: int = 10_000
    timeout: float = 30.0


# --- response models (the OpenAPI document is generated from them) -----------------------------
class DecisionResponse(BaseModel):
    rulebook_digest: str
    decision: govrules.Decision
    explanation: str | None = None


class BatchLine(BaseModel):
    """One line of the JSON Lines answer of /v1/decisions:batch, in input order."""

    index: int  # 0-based position of the action in the batch
    line: int | None = None  # 1-based line of the input, for JSON Lines input
    decision: govrules.Decision | None = None
    error: dict[str, Any] | None = None  # a problem detail (RFC 9457) for this action alone


class AuditResponse(BaseModel):
    rulebook_digest: str
    report: govrules.AuditReport


class JurisdictionsResponse(BaseModel):
    rulebook_digest: str
    jurisdictions: tuple[JurisdictionView, ...]


class FactsResponse(BaseModel):
    kind: str
    jurisdiction: str
    date: dt.date
    facts: tuple[govrules.FactUse, ...]


class ReloadResponse(BaseModel):
    status: Literal["reloaded", "unchanged"]
    rulebook_digest: str
    previous_digest: str


# --- state --------------------------------------------------------------------------------------
class _Holder:
    """The rulebook answering now, and how the last reload went. A reference swap, under a lock for
    reloads only: readers take `current` once, with no lock."""

    def __init__(self, loader: EngineLoader, initial: LoadedRulebook | None) -> None:
        self.loader = loader
        self.current: LoadedRulebook = initial if initial is not None else loader()
        self.lock = asyncio.Lock()
        self.last_error: list[dict[str, Any]] | None = None

    async def reload(self, metrics: Metrics, why: str) -> LoadedRulebook:
        """Load anew; on failure keep serving the old rulebook and raise a Problem with the errors."""
        async with self.lock:
            try:
                fresh = await anyio.to_thread.run_sync(self.loader)
            except govrules.RulebookError as exc:
                metrics.reloaded(False)
                self.last_error = [
                    {
                        "file": d.file,
                        "line": d.line,
                        "column": d.column,
                        "code": d.code,
                        "message": d.message,
                        "rule": d.rule,
                    }
                    for d in exc.diagnostics
                ]
                log.error("reload (%s) failed, still serving %s:\n%s", why, self.current.digest, exc)
                raise Problem(
                    422,
                    "rulebook-invalid",
                    "The new rulebook does not validate; the old one still answers",
                    f"{len(exc.diagnostics)} error(s); still serving {self.current.digest}",
                    errors=self.last_error,
                    rulebook_digest=self.current.digest,
                ) from None
            except (govrules.GovrulesError, OSError) as exc:
                metrics.reloaded(False)
                self.last_error = [{"message": str(exc)}]
                log.error("reload (%s) failed, still serving %s: %s", why, self.current.digest, exc)
                raise Problem(
                    422,
                    "rulebook-invalid",
                    "The rulebook could not be loaded; the old one still answers",
                    str(exc),
                    rulebook_digest=self.current.digest,
                ) from None
            metrics.reloaded(True)
            self.last_error = None
            self.current = fresh
            log.info("reload (%s): now serving %s", why, fresh.digest)
            return fresh


class DecisionLog:
    """Decisions appended as JSON Lines (time, request id, action, verdict, cited articles, digest),
    one write per request or batch chunk on a file opened for appending, so that several worker
    processes can share it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)

    @staticmethod
    def line(request_id: str, action: Any, d: govrules.Decision, digest: str, index: int | None = None) -> bytes:
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id,
            "index": index,
            "action": action,
            "verdict": d.verdict,
            "breach": d.breach,
            "rulebook": d.rulebook,
            "articles": sorted({f.article for f in d.findings}),
            "rules": [f.rule for f in d.findings if f.outcome not in ("satisfied",)],
            "rulebook_digest": digest,
        }
        if index is None:
            del record["index"]
        return (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode()

    def write(self, lines: Sequence[bytes]) -> None:
        if lines:
            os.write(self.fd, b"".join(lines))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


# --- the middleware: request id, digest header, metrics, last-resort errors ------------------------
class _Envelope:
    """Pure ASGI (streams pass through untouched): takes the rulebook for the request, names the
    request, adds the digest and request id to every answer, counts it, and turns any exception that
    escapes into a problem+json 500 with no traceback."""

    def __init__(self, app: ASGIApp, holder: _Holder, metrics: Metrics) -> None:
        self.app, self.holder, self.metrics = app, holder, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state = scope.setdefault("state", {})
        state["rulebook"] = self.holder.current
        given = dict(scope.get("headers") or ()).get(b"x-request-id", b"").decode("latin-1")
        state["request_id"] = rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        status = 500
        started = False

        async def send_wrapped(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((DIGEST_HEADER.lower().encode(), state["rulebook"].digest.encode()))
                headers.append((b"x-request-id", rid.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapped)
        except Exception:
            log.exception("request %s %s (id %s) failed", scope.get("method"), scope.get("path"), rid)
            if not started:
                body = Problem(
                    500,
                    "internal-error",
                    "Internal error",
                    f"govrules failed on this request (id {rid}); the server's log has the details",
                    request_id=rid,
                ).render()
                await send_wrapped(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", MEDIA_TYPE.encode()),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send_wrapped({"type": "http.response.body", "body": body})
        finally:
            route = scope.get("route")
            static = scope.get("path", "").startswith("/static/")
            name = getattr(route, "path", None) or ("static" if static else "other")
            self.metrics.request(scope.get("method", ""), name, status, time.perf_counter() - start)


# --- helpers ------------------------------------------------------------------------------------
def _rulebook(request: Request) -> LoadedRulebook:
    rb: LoadedRulebook = request.state.rulebook
    return rb


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, default=str).encode(), status, media_type="application/json")


def _model(model: BaseModel, status: int = 200) -> Response:
    return Response(model.model_dump_json(exclude_none=True).encode(), status, media_type="application/json")


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) past `limit` bytes, whether or not it says its length."""
    declared = request.headers.get("content-length")
    too_big = Problem(
        413,
        "body-too-large",
        "The request body is too large",
        f"the body is limited to {limit} bytes (--max-body)",
        limit=limit,
    )
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


async def _in_thread(fn: Callable[[], T], timeout: float) -> T:
    """`fn` in a worker thread, given up (503) after `timeout` seconds; the thread is left to finish."""
    try:
        with anyio.fail_after(timeout):
            return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)
    except TimeoutError:
        raise Problem(
            503,
            "timeout",
            "The request took too long",
            f"not answered within {timeout:g} s (--timeout)",
            headers={"Retry-After": "1"},
        ) from None


def _items(raw: bytes, content_type: str, what: str) -> list[tuple[int | None, Any, Problem | None]]:
    """The records of a JSON array or of JSON Lines: (line, value, problem), in order. A line that is
    not JSON is a problem of its own; an array that is not JSON is a problem of the whole body."""
    media = content_type.split(";")[0].strip().lower()
    if media not in _LINES_TYPES and raw.lstrip()[:1] == b"[":
        data = loads(raw)
        if not isinstance(data, list):  # pragma: no cover - starts with [ so it is a list
            raise Problem(400, "invalid-batch", f"{what} is a JSON array or JSON Lines")
        return [(None, d, None) for d in data]
    out: list[tuple[int | None, Any, Problem | None]] = []
    for n, line in enumerate(raw.split(b"\n"), 1):
        if line.strip():
            try:
                out.append((n, json.loads(line), None))
            except (ValueError, RecursionError) as exc:
                p = json_problem(exc, f"line {n}")
                p.extra["line"] = n  # the column, if any, is within the line
                out.append((n, None, p))
    return out


def _static_dir() -> Path:
    return Path(str(resources.files("govrules.server").joinpath("static")))


def _actions_schema() -> bytes:
    return resources.files("govrules").joinpath("schema", "actions.schema.json").read_bytes()


# --- the app ------------------------------------------------------------------------------------
def create_app(
    engine_loader: EngineLoader,
    *,
    initial: LoadedRulebook | None = None,
    limits: Limits = Limits(),
    token: str | None = None,
    decision_log: str | None = None,
    cors_origins: Sequence[str] = (),
    sighup: bool = False,
    on_reloaded: Callable[[], None] | None = None,
) -> FastAPI:
    """The decision service over the rulebook `engine_loader()` gives (called now, unless `initial`
    is that first load, and again on each reload).

    `token`: the bearer token every /v1 endpoint asks for (and without which /v1/admin/reload is
    off). `decision_log`: a JSON Lines file where each decision is appended. `cors_origins`: the
    origins browsers may call from (none by default). `sighup`: reload on SIGHUP (a server process's
    main thread only). `on_reloaded`: called after a reload through the admin endpoint succeeds (the
    CLI tells sibling worker processes to reload too)."""
    holder = _Holder(engine_loader, initial)
    metrics = Metrics()
    dlog = DecisionLog(decision_log) if decision_log else None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        tasks: set[asyncio.Task[Any]] = set()
        if sighup and threading.current_thread() is threading.main_thread():

            def hup() -> None:
                async def run() -> None:
                    with contextlib.suppress(Problem):
                        await holder.reload(metrics, "SIGHUP")

                task = loop.create_task(run())
                tasks.add(task)
                task.add_done_callback(tasks.discard)

            loop.add_signal_handler(signal.SIGHUP, hup)
        try:
            yield
        finally:
            if sighup and threading.current_thread() is threading.main_thread():
                loop.remove_signal_handler(signal.SIGHUP)
            if dlog is not None:
                dlog.close()

    app = FastAPI(
        title="govrules decision service",
        version="1",
        summary="Judge actions against the work rules of Chinese local governments, citing the article.",
        description="Every answer carries the `Govrules-Rulebook-Digest` header: the sha256 of the rulebook files "
        "that answered. Errors are RFC 9457 problem details (`application/problem+json`).",
        lifespan=lifespan,
        redoc_url=None,
    )

    def authorized(request: Request) -> None:
        if token is None:
            return
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise Problem(
                401,
                "unauthorized",
                "A bearer token is required",
                "send `Authorization: Bearer <token>` (the server's --token-file)",
                headers={"WWW-Authenticate": 'Bearer realm="govrules"'},
            )

    guarded = [Depends(authorized)]

    # -- errors as problem+json
    def problem_response(request: Request, p: Problem) -> Response:
        return Response(p.render(request.url.path), p.status, headers=p.headers, media_type=MEDIA_TYPE)

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc)

    @app.exception_handler(govrules.ActionError)
    async def on_action_error(request: Request, exc: govrules.ActionError) -> Response:
        return problem_response(request, action_problem(exc))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [field_error(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
        detail = "; ".join(f"{e['path']}: {e['detail']}" for e in errors)
        return problem_response(
            request, Problem(422, "invalid-parameter", "A parameter is invalid", detail, errors=errors)
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed"}
        p = Problem(
            exc.status_code,
            {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http"),
            titles.get(exc.status_code, str(exc.detail)),
            f"no route {request.method} {request.url.path}" if exc.status_code in (404, 405) else None,
            headers=dict(exc.headers or {}),
        )
        return problem_response(request, p)

    # -- judging
    @app.post(
        "/v1/decisions",
        tags=["decisions"],
        dependencies=guarded,
        responses={200: {"model": DecisionResponse}, 422: {"description": "the action cannot be judged"}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Action"}}},
            }
        },
    )
    async def decide(
        request: Request, trace: bool = False, strict: bool = False, explain: Literal["zh", "en"] | None = None
    ) -> Response:
        """Judge one action: allowed, conditional (with the steps owed and their due dates) or denied,
        each finding citing its article. `trace` adds how every rule was weighed; `explain` adds the
        explanation a reviewer reads; `strict` sets aside the rulebook's presumptions."""
        rb = _rulebook(request)
        data = loads(await _body(request, limits.max_body))
        if not isinstance(data, dict):
            raise Problem(
                422,
                "invalid-action",
                "The action cannot be judged",
                NOT_AN_ACTION,
                errors=[field_error("", NOT_AN_ACTION)],
            )

        def work() -> tuple[govrules.Decision, str | None]:
            d = rb.engine.evaluate(data, trace=trace, strict=strict)
            return d, (_explanation(rb.engine, data, explain) if explain else None)

        d, text = await _in_thread(work, limits.timeout)
        metrics.decided({d.verdict: 1})
        if dlog is not None:
            dlog.write([dlog.line(request.state.request_id, data, d, rb.digest)])
        body = (
            b'{"rulebook_digest":'
            + json.dumps(rb.digest).encode()
            + b',"decision":'
            + _DECISION.dump_json(d, exclude_none=True)
        )
        if text is not None:
            body += b',"explanation":' + json.dumps(text, ensure_ascii=False).encode()
        return Response(body + b"}", media_type="application/json")

    @app.post(
        "/v1/decisions:batch",
        tags=["decisions"],
        dependencies=guarded,
        responses={
            200: {
                "description": "one JSON line per action, in input order (BatchLine)",
                "content": {"application/x-ndjson": {"schema": BatchLine.model_json_schema()}},
            },
            413: {"description": "the body or the batch is too large"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Action"}}},
                    "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Action"}},
                },
            }
        },
    )
    async def decide_batch(request: Request, trace: bool = False, strict: bool = False) -> Response:
        """Judge many actions, sent as a JSON array or as JSON Lines: the answer is JSON Lines, one line per
        action in input order, streamed as they are judged. An action that cannot be judged is an `error`
        line (a problem detail) and the rest are still judged. At most --max-batch actions."""
        rb = _rulebook(request)
        rid = request.state.request_id
        items = _items(await _body(request, limits.max_body), request.headers.get("content-type", ""), "the batch")
        if len(items) > limits.max_batch:
            raise Problem(
                413,
                "batch-too-large",
                "The batch is too large",
                f"{len(items)} actions; a batch holds at most {limits.max_batch} (--max-batch)",
                limit=limits.max_batch,
            )
        if not items:
            raise Problem(400, "empty-batch", "The batch is empty", "no actions: send a JSON array or JSON Lines")
        deadline = time.monotonic() + limits.timeout

        def judge(start: int, chunk: list[tuple[int | None, Any, Problem | None]]) -> list[bytes]:
            out, logged, tally = [], [], {"allowed": 0, "conditional": 0, "denied": 0, "error": 0}
            for i, (line, data, problem) in enumerate(chunk, start):
                head = b'{"index":%d' % i + (b',"line":%d' % line if line is not None else b"")
                if problem is None and not isinstance(data, dict):
                    problem = Problem(
                        422,
                        "invalid-action",
                        "The action cannot be judged",
                        NOT_AN_ACTION,
                        errors=[field_error("", NOT_AN_ACTION)],
                    )
                if problem is None:
                    try:
                        d = rb.engine.evaluate(data, trace=trace, strict=strict)
                    except govrules.ActionError as exc:
                        problem = action_problem(exc)
                    else:
                        tally[d.verdict] += 1
                        out.append(head + b',"decision":' + _DECISION.dump_json(d, exclude_none=True) + b"}\n")
                        if dlog is not None:
                            logged.append(dlog.line(rid, data, d, rb.digest, i))
                        continue
                tally["error"] += 1
                out.append(head + b',"error":' + problem.render() + b"}\n")
            metrics.decided(tally)
            if dlog is not None:
                dlog.write(logged)
            return out

        async def stream() -> AsyncIterator[bytes]:
            for start in range(0, len(items), CHUNK):
                left = deadline - time.monotonic()
                try:
                    if left <= 0:
                        raise Problem(503, "timeout", "The request took too long")
                    lines = await _in_thread(functools.partial(judge, start, items[start : start + CHUNK]), left)
                except Problem as late:
                    late.detail = (
                        f"stopped after {start} of {len(items)} actions: not answered within "
                        f"{limits.timeout:g} s (--timeout)"
                    )
                    yield b'{"index":%d,"error":' % start + late.render() + b"}\n"
                    return
                except Exception:  # after the first line the status is sent: the error goes in the stream
                    log.exception("batch %s failed at action %d", rid, start)
                    crash = Problem(
                        500,
                        "internal-error",
                        "Internal error",
                        f"govrules failed on this batch at action {start} (id {rid}); the server's log has the details",
                        request_id=rid,
                    )
                    yield b'{"index":%d,"error":' % start + crash.render() + b"}\n"
                    return
                yield b"".join(lines)

        return StreamingResponse(stream(), media_type="application/x-ndjson")

    @app.post(
        "/v1/audits",
        tags=["audits"],
        dependencies=guarded,
        responses={200: {"model": AuditResponse}},
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                    "application/x-ndjson": {"schema": {"type": "object"}},
                },
            }
        },
    )
    async def audit(request: Request, as_of: dt.date | None = None) -> Response:
        """Audit a log of events (a JSON array or JSON Lines) as it stands on `as_of` (default: the day of
        its last event): late or missing replies, minutes never issued, meetings not held…"""
        rb = _rulebook(request)
        items = _items(await _body(request, limits.max_body), request.headers.get("content-type", ""), "the log")
        bad = [(n, p) for n, _, p in items if p is not None]
        if bad:
            raise Problem(
                400,
                "invalid-json",
                "The log is not valid JSON Lines",
                "; ".join(str(p.detail) for _, p in bad[:5]),
                errors=[{"line": n, "detail": p.detail} for n, p in bad[:100]],
            )
        if len(items) > limits.max_batch * 10:
            raise Problem(
                413,
                "log-too-large",
                "The log is too large",
                f"{len(items)} events; a log holds at most {limits.max_batch * 10}",
            )
        events = [d for _, d, _ in items]
        # The plain-Python backend: the same report as durable-rules' Rete network (tests/test_audit.py), without
        # its worker processes and the memory it keeps, in a process that runs for months.
        report = await _in_thread(
            lambda: govrules.audit(rb.engine, events, as_of=as_of, backend="python"), limits.timeout
        )
        return _model(AuditResponse(rulebook_digest=rb.digest, report=report))

    # -- what is loaded
    @app.get("/v1/jurisdictions", tags=["rulebook"], dependencies=guarded, response_model=JurisdictionsResponse)
    async def jurisdictions(request: Request) -> Response:
        """The jurisdictions loaded, each with its versions of the rules and the days they are in force."""
        rb = _rulebook(request)
        return _model(JurisdictionsResponse(rulebook_digest=rb.digest, jurisdictions=rb.jurisdictions))

    @app.get(
        "/v1/jurisdictions/{jurisdiction}/articles/{number}",
        tags=["rulebook"],
        dependencies=guarded,
        response_model=ArticleView,
    )
    async def article(
        request: Request,
        jurisdiction: str,
        number: int,
        date: Annotated[dt.date | None, Query(description="the version in force on this day (default: today)")] = None,
    ) -> Response:
        """An article: its text in the original, its status (encoded, principle, external) and its rules."""
        rb = _rulebook(request)
        if not any(j.id == jurisdiction for j in rb.jurisdictions):
            from govrules._errors import did_you_mean

            hint = did_you_mean(jurisdiction, [j.id for j in rb.jurisdictions])
            raise Problem(
                404,
                "unknown-jurisdiction",
                "No such jurisdiction",
                f"unknown jurisdiction `{jurisdiction}`" + (f"; {hint}" if hint else ""),
                errors=[field_error("jurisdiction", "unknown")],
            )
        a = rb.article(jurisdiction, number, date)
        if a is None:
            raise Problem(
                404,
                "unknown-article",
                "No such article",
                f"`{jurisdiction}` has no article {number}",
                errors=[field_error("number", "unknown")],
            )
        return _model(a)

    @app.get("/v1/facts/{kind}", tags=["rulebook"], dependencies=guarded, response_model=FactsResponse)
    async def facts(
        request: Request,
        kind: str,
        jurisdiction: str,
        date: Annotated[dt.date | None, Query(description="the rules in force on this day (default: today)")] = None,
    ) -> Response:
        """The checklist of one kind of action in one jurisdiction: the facts the rules in force read (with
        zh/en descriptions) and the steps they require. A form is built from it."""
        rb = _rulebook(request)
        day = date or dt.date.today()
        found = rb.engine.facts(kind, jurisdiction, day)
        return _model(FactsResponse(kind=kind, jurisdiction=jurisdiction, date=day, facts=found))

    @app.get(
        "/v1/schema/actions",
        tags=["rulebook"],
        dependencies=guarded,
        responses={200: {"content": {"application/schema+json": {}}}},
    )
    async def actions_schema() -> Response:
        """The JSON Schema of an action file (one action, a list, or `actions:` and a list)."""
        return Response(_actions_schema(), media_type="application/schema+json")

    @app.post(
        "/v1/admin/reload",
        tags=["admin"],
        response_model=ReloadResponse,
        responses={422: {"description": "the new rulebook does not validate: the old one still answers"}},
    )
    async def reload(request: Request) -> Response:
        """Load the rulebook files anew. If they do not validate, the old rulebook keeps answering and the
        errors are returned. Requests already running finish on the rulebook they started with. Needs
        the server's bearer token (--token-file); without one the endpoint is off."""
        if token is None:
            raise Problem(
                403,
                "admin-off",
                "Admin endpoints are off",
                "start the server with --token-file to reload over HTTP, or send it SIGHUP",
            )
        authorized(request)
        previous = holder.current.digest
        fresh = await holder.reload(metrics, "admin")
        request.state.rulebook = fresh
        if on_reloaded is not None:
            on_reloaded()
        return _model(
            ReloadResponse(
                status="reloaded" if fresh.digest != previous else "unchanged",
                rulebook_digest=fresh.digest,
                previous_digest=previous,
            )
        )

    # -- operations
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> Response:
        """The process answers."""
        return _json({"status": "ok"})

    @app.get("/readyz", tags=["operations"])
    async def readyz(request: Request) -> Response:
        """A rulebook is loaded and answers; the last reload's errors, if it failed."""
        rb = _rulebook(request)
        body: dict[str, Any] = {
            "status": "ready",
            "rulebook_digest": rb.digest,
            "loaded_at": rb.loaded_at.isoformat(timespec="seconds"),
            "jurisdictions": [j.id for j in rb.jurisdictions],
        }
        if holder.last_error is not None:
            body["last_reload_errors"] = holder.last_error
        return _json(body)

    @app.get("/metrics", tags=["operations"], responses={200: {"content": {"text/plain": {}}}})
    async def prometheus(request: Request) -> Response:
        """Prometheus text: requests, decisions by verdict, latency histogram, reloads, rulebook digest."""
        rb = _rulebook(request)
        return Response(
            metrics.render(rb.digest, rb.loaded_at.timestamp()), media_type="text/plain; version=0.0.4; charset=utf-8"
        )

    # -- the playground: static files of the package, no CDN
    static = _static_dir()

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def playground() -> Response:
        return FileResponse(
            static / "index.html",
            headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"},
        )

    app.mount("/static", StaticFiles(directory=static), name="static")

    # -- the OpenAPI document: the action union (the library's models) as a named schema
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title, version=app.version, summary=app.summary, description=app.description, routes=app.routes
        )
        union = TypeAdapter(govrules.Action).json_schema(ref_template="#/components/schemas/{model}")
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(union.pop("$defs", {}))
        schemas["Action"] = union
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]

    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
            expose_headers=[DIGEST_HEADER, "X-Request-Id"],
        )
    app.add_middleware(_Envelope, holder=holder, metrics=metrics)
    app.state.holder = holder
    app.state.metrics = metrics
    return app


def _explanation(engine: govrules.Engine, action: dict[str, Any], lang: str) -> str:
    """The explanation `govrules explain` prints (a private helper of govrules)."""
    from govrules._explain import explain

    return explain(engine, action, lang)
