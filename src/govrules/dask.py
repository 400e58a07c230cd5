"""govrules on Dask: judge actions and audit event logs over a cluster (the `dask` extra).

    >>> from govrules.dask import EngineRef, read_actions, evaluate_partitions   # doctest: +SKIP
    >>> ref = EngineRef.load()                        # the bundled rulebook, and its digest
    >>> records = evaluate_partitions(read_actions(["s3://bucket/actions/*.jsonl"]), ref)
    >>> records.to_dataframe(meta=RECORD_META).to_parquet("s3://bucket/decisions/")

Three stages, in one direction: read (files → a bag of *sources*: file, line, the action or why it
cannot be used, by the same rules as `govrules check`), judge (sources → flat decision records, on
the workers, one bad record giving one error record), write (records → Parquet or JSON Lines).

The engine never travels: an `EngineRef` does (the rulebook's paths and the digest of what they
held when the client loaded them). Each worker process loads the rulebook once, keeps it, keyed by
digest, and refuses to judge if what it loaded has another digest (`RulebookMismatch`): a cluster
never judges with two rulebooks. `govrules.Engine` itself is not meant to be pickled.

Audits: events are grouped by *component* (the events of one jurisdiction, joined with those of
another wherever an id or a reference crosses between them), with a shuffle, and each component is
audited on a worker by the single-machine audit; the reports merge into the same report.

The core of govrules never imports this module; `dask` and `distributed` are imported here only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import dask
import dask.bag as db
import fsspec
from dask.delayed import Delayed, delayed

from . import ActionError, Decision, Engine, GovrulesError, load
from ._audit.api import audit_date, audit_records
from ._audit.report import AuditReport
from ._cli.check import NOT_AN_ACTION, _process
from ._cli.check import read_actions as _read_local  # the CLI's own reader: YAML and JSON files
from ._cli.formats import Item
from ._files import MAX_LINE, Budget, InputError, open_regular
from ._records import json_value as _json_value
from ._records import read_records

__all__ = [
    "RECORD_META",
    "EngineRef",
    "RulebookMismatch",
    "audit",
    "check_workers",
    "evaluate_partitions",
    "read_actions",
    "read_events",
    "render_partitions",
    "to_dataframe",
    "write_jsonl",
    "write_parquet",
]

BLOCKSIZE = 4 * 1024 * 1024  # bytes of JSON Lines per partition (about 12,000 actions, 150 MB of objects)
LINES = (".jsonl", ".ndjson")
Source = tuple[str, int, Any, "str | None"]  # (file, line, data, error): one record as read


# --- the engine, by reference -----------------------------------------------------------------
class RulebookMismatch(GovrulesError):
    """A worker loaded a rulebook whose digest differs from the client's: it judges nothing."""


def digest_of(engine: Engine) -> str:
    """What an engine judges with, as its `Engine.digest` names it."""
    return engine.digest


_ENGINES: dict[str, Engine] = {}  # in each process: the engines loaded, by digest
_ENGINES_LOCK = threading.Lock()  # a worker's threads load it once between them


@dataclasses.dataclass(frozen=True)
class EngineRef:
    """What travels to the workers instead of an engine: where the rulebook is (paths every worker
    can read: the bundled rulebook when `rulebook` is None, overlays in `rules`) and its digest."""

    rulebook: str | None
    rules: tuple[str, ...]
    digest: str

    @classmethod
    def load(cls, rulebook: str | None = None, rules: Iterable[str] = ()) -> EngineRef:
        """Load the rulebook here (a broken one raises RulebookError here, once) and refer to it.
        Local paths are made absolute, since workers need not share the client's directory."""

        def where(p: str) -> str:
            return p if "://" in p else os.path.abspath(p)

        ref_rules = tuple(where(p) for p in rules)
        ref_book = where(rulebook) if rulebook is not None else None
        engine = load(ref_book, extra=ref_rules)
        ref = cls(ref_book, ref_rules, digest_of(engine))
        with _ENGINES_LOCK:
            _ENGINES.setdefault(ref.digest, engine)
        return ref

    def engine(self) -> Engine:
        """The engine, loaded once per process and kept. Raises RulebookMismatch when the files
        this process reads hold another rulebook than the client's."""
        engine = _ENGINES.get(self.digest)
        if engine is not None:
            return engine
        with _ENGINES_LOCK:
            engine = _ENGINES.get(self.digest)
            if engine is None:
                engine = load(self.rulebook, extra=self.rules)
                found = digest_of(engine)
                if found != self.digest:
                    raise RulebookMismatch(
                        f"this worker (pid {os.getpid()}) loaded a rulebook with digest {found[:12]}, "
                        f"the client's has {self.digest[:12]}: every worker must read the same rulebook "
                        f"and overlays ({self.rulebook or 'bundled'}; {', '.join(self.rules) or 'no overlays'})"
                    )
                _ENGINES[self.digest] = engine
        return engine

    def __reduce__(self) -> tuple[Any, ...]:  # explicit: the paths and the digest, nothing more
        return (EngineRef, (self.rulebook, self.rules, self.digest))


def _worker_digest(ref: EngineRef) -> str:
    try:
        ref.engine()
        return ref.digest
    except RulebookMismatch as exc:
        return f"refused: {exc}"


def check_workers(client: Any, ref: EngineRef) -> int:
    """Load the rulebook on every worker now and check its digest there. Returns how many workers
    hold it; raises RulebookMismatch naming each worker that holds another."""
    answers: dict[str, str] = client.run(_worker_digest, ref)
    bad = {w: a for w, a in answers.items() if a != ref.digest}
    if bad:
        raise RulebookMismatch("; ".join(f"{w}: {a}" for w, a in sorted(bad.items())))
    return len(answers)


# --- 1. read: files → sources -----------------------------------------------------------------
def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def _expand(paths: Sequence[str]) -> list[str]:
    """Local paths as given (the CLI's messages name them so); globs and remote URLs expanded."""
    out: list[str] = []
    for p in paths:
        if _is_local(p) and not any(c in p for c in "*?["):
            out.append(p)
        else:
            fs, _, found = fsspec.get_fs_token_paths(p)
            protocol = fs.protocol[0] if isinstance(fs.protocol, tuple) else fs.protocol
            out += sorted(found) if protocol == "file" else [fs.unstrip_protocol(f) for f in sorted(found)]
            if not found:
                out.append(p)  # reported as missing, by the reader
    return out


def _file_error(path: str) -> str | None:
    """Why `path` cannot be read, by the CLI's rules for a local file; None if it can."""
    if _is_local(path):
        try:
            open_regular(path.removeprefix("file://")).close()
        except InputError as exc:
            return str(exc)
        return None
    fs, _, (p,) = fsspec.get_fs_token_paths(path)
    if not fs.exists(p):
        return "no such file"
    return None if fs.isfile(p) else "not a file"


def _size(path: str) -> int:
    with fsspec.open(path, "rb") as f:
        return int(f.size) if getattr(f, "size", None) is not None else f.seek(0, 2)


def _block(path: str, start: int, length: int) -> bytes:
    """The lines starting in [start, start + length) of a file: the line a cut falls in belongs to
    the block it starts in (fsspec's `read_block` with a newline delimiter)."""
    from fsspec.utils import read_block

    with fsspec.open(path, "rb") as f:
        return bytes(read_block(f, start, length, delimiter=b"\n"))


def _lines_of(raw: bytes) -> list[bytes]:
    """A block's lines, each with its newline, as Python reads a binary file line by line."""
    parts = raw.split(b"\n")
    out = [p + b"\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _count(path: str, start: int, length: int) -> tuple[int, bool]:
    """(lines, whether any is not blank) in one block."""
    raw = _block(path, start, length)
    return len(_lines_of(raw)), bool(raw.strip())


def _sources_of_block(path: str, start: int, length: int, first: int, events: bool) -> list[Source]:
    """The sources of one block of a JSON Lines file, numbered from line `first`, parsed as
    `govrules check` parses each line (or `govrules audit`, for `events`)."""
    out: list[Source] = []
    for n, line in enumerate(_lines_of(_block(path, start, length)), first):
        if not line.strip():
            continue
        if len(line) > MAX_LINE and not (len(line) == MAX_LINE + 1 and line.endswith(b"\n")):
            out.append((path, n, None, f"line longer than {MAX_LINE} bytes"))
        else:
            data, error = _json_value(line)
            out.append((path, n, data, error))
    return out


def _jsonl_parts(files: list[str], blocksize: int, events: bool) -> dict[str, list[Delayed]]:
    """For each JSON Lines file, one delayed partition per block (numbered from its first line), or
    the one error of a file that holds nothing. The lines of every block are counted first, in one
    pass on the cluster, so that no partition waits on those before it."""
    starts = {path: list(range(0, max(_size(path), 1), blocksize)) for path in files}
    counts = (
        dask.compute(*[delayed(_count, pure=True)(path, s, blocksize) for path in files for s in starts[path]])
        if files
        else ()
    )
    out: dict[str, list[Delayed]] = {}
    k = 0
    for path in files:
        first, parts = 1, []
        mine = counts[k : k + len(starts[path])]
        k += len(mine)
        if not any(nonblank for _, nonblank in mine):
            out[path] = [delayed([(path, 0, None, f"empty file: no {'events' if events else 'actions'}")])]
            continue
        for s, (lines, nonblank) in zip(starts[path], mine, strict=True):
            if nonblank:
                parts.append(delayed(_sources_of_block, pure=True)(path, s, blocksize, first, events))
            first += lines
        out[path] = parts
    return out


def _parquet_groups(path: str) -> int:
    import pyarrow.parquet as pq

    with fsspec.open(path, "rb") as f:
        return int(pq.ParquetFile(f).num_row_groups)


def _parquet_part(path: str, group: int) -> list[Source]:
    """The rows of one row group of a Parquet file, as actions; `line` is the row's number in the
    file, from 1. Null fields are left out, as a JSON record would not hold them."""
    import pyarrow.parquet as pq

    with fsspec.open(path, "rb") as f:
        pf = pq.ParquetFile(f)
        first = sum(pf.metadata.row_group(i).num_rows for i in range(group)) + 1
        rows = pf.read_row_group(group).to_pylist()
    return [(path, first + i, _no_nulls(r), None) for i, r in enumerate(rows)]


def _no_nulls(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _no_nulls(v) for k, v in x.items() if v is not None}
    if isinstance(x, list):
        return [_no_nulls(v) for v in x]
    if isinstance(x, dt.datetime):
        return x.isoformat()
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


def _local_part(path: str, budget: Budget | None, events: bool) -> list[Source]:
    if events:  # the reader of `govrules audit` and `govrules.audit_file`
        return [(r.file, r.line, r.data, r.error) for r in read_records(path, "events", budget)]
    return [(it.file, it.line, it.data, it.error) for it in _read_local([path], budget)]


def _sources(paths: Sequence[str], blocksize: int, events: bool) -> db.Bag:
    files = _expand(paths)
    errors = {path: _file_error(path) for path in files}

    def lines_file(path: str) -> bool:
        suffix = os.path.splitext(path)[1]
        return errors[path] is None and suffix in LINES

    blocks = _jsonl_parts([p for p in dict.fromkeys(files) if lines_file(p)], blocksize, events)
    parts: list[Any] = []
    budget = Budget()  # what YAML aliases may add, over every file of the run, as in `check`
    for path in files:
        error = errors[path]
        if error is not None:
            parts.append(delayed([(path, 0, None, error)]))
        elif lines_file(path):
            parts += blocks[path]
        elif os.path.splitext(path)[1] == ".parquet" and not events:
            parts += [delayed(_parquet_part, pure=True)(path, g) for g in range(_parquet_groups(path))]
        elif _is_local(path):  # YAML or JSON: read here, by the CLI's own reader, as one partition
            parts.append(delayed(_local_part(path.removeprefix("file://"), budget, events)))
        else:
            parts.append(
                delayed(
                    [
                        (
                            path,
                            0,
                            None,
                            "YAML and JSON files are read from local paths only: "
                            "give JSON Lines or Parquet on object storage",
                        )
                    ]
                )
            )
    return db.from_delayed(parts)


def read_actions(paths: Sequence[str], *, blocksize: int = BLOCKSIZE) -> db.Bag:
    """A bag of sources (file, line, data, error), in the order of `paths` and of their lines:
    JSON Lines (`.jsonl`, `.ndjson`, cut into blocks of `blocksize` bytes, whose lines are counted
    at once, on the current scheduler, to number them) and Parquet (one
    partition per row group) from local paths or fsspec URLs (`s3://…`, `gs://…`, globs);
    YAML and JSON from local paths. Lines are read as `govrules check` reads them: a line that is
    not JSON, longer than 1 MiB, or a file that is missing or empty is a source with an error."""
    return _sources(paths, blocksize, events=False)


def read_events(paths: Sequence[str], *, blocksize: int = BLOCKSIZE) -> db.Bag:
    """A bag of sources of events, read as `govrules audit` reads a log (JSON Lines or YAML)."""
    return _sources(paths, blocksize, events=True)


def _from_dataframe(df: Any) -> db.Bag:
    """A dataframe of actions (one column per field, nested fields as structs) as sources; `line`
    is the row's position in the dataframe, from 1."""

    def rows(part: Any, offset: int) -> list[Source]:
        return [
            ("<dataframe>", offset + i + 1, _no_nulls(_plain(r)), None)
            for i, r in enumerate(part.to_dict(orient="records"))
        ]

    parts, offset = [], delayed(0)
    for part in df.to_delayed():
        parts.append(delayed(rows)(part, offset))
        offset = delayed(lambda a, p: a + len(p))(offset, part)
    return db.from_delayed(parts)


def _plain(x: Any) -> Any:
    """pandas/numpy values as plain Python (NaN as a null)."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if hasattr(x, "tolist") and not isinstance(x, str):
        return _plain(x.tolist())
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, float) and x != x:
        return None
    if hasattr(x, "to_pydatetime"):
        return x.to_pydatetime().date().isoformat()
    return x


def _as_sources(actions: Any) -> db.Bag:
    if isinstance(actions, db.Bag):
        return actions
    import dask.dataframe as dd

    if isinstance(actions, dd.DataFrame):
        return _from_dataframe(actions)
    raise TypeError(f"a dask Bag of sources or a dask DataFrame of actions, not {type(actions).__name__}")


# --- 2. judge: sources → records --------------------------------------------------------------
RECORD_META: dict[str, Any] = {
    "file": "object",
    "line": "int64",
    "id": "object",
    "kind": "object",
    "jurisdiction": "object",
    "date": "object",
    "rulebook": "object",
    "verdict": "object",
    "breach": "bool",
    "articles": "object",
    "citations": "object",
    "obligations": "object",
    "error": "object",
}


def _record(file: str, line: int, decision: Decision | None, error: str | None) -> dict[str, Any]:
    """One flat decision record: scalars, lists of strings, and the obligations as a JSON text."""
    if decision is None:
        return {
            "file": file,
            "line": line,
            "id": None,
            "kind": None,
            "jurisdiction": None,
            "date": None,
            "rulebook": None,
            "verdict": "error",
            "breach": False,
            "articles": [],
            "citations": [],
            "obligations": "[]",
            "error": error,
        }
    d = decision
    articles = list(dict.fromkeys(f"{f.jurisdiction}:{f.article}" for f in d.findings))
    citations = list(dict.fromkeys(f.citation_zh for f in d.findings))
    obligations = json.dumps(
        [o.model_dump(mode="json", exclude_defaults=True) for o in d.obligations], ensure_ascii=False
    )
    return {
        "file": file,
        "line": line,
        "id": d.action_id,
        "kind": d.kind,
        "jurisdiction": d.jurisdiction,
        "date": d.date.isoformat(),
        "rulebook": d.rulebook,
        "verdict": d.verdict,
        "breach": d.breach,
        "articles": articles,
        "citations": citations,
        "obligations": obligations,
        "error": None,
    }


def _judge_one(engine: Engine, src: Source, trace: bool, strict: bool) -> dict[str, Any]:
    file, line, data, error = src
    if error is not None:
        return _record(file, line, None, error)
    if not isinstance(data, dict):
        return _record(file, line, None, NOT_AN_ACTION)
    try:
        return _record(file, line, engine.evaluate(data, trace=trace, strict=strict), None)
    except ActionError as exc:
        return _record(file, line, None, str(exc))
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:  # never a failed job
        return _record(file, line, None, f"internal error: {type(exc).__name__}: {exc}")


def _judge_partition(sources: Iterable[Source], ref: EngineRef, trace: bool, strict: bool) -> list[dict[str, Any]]:
    engine = ref.engine()  # INVARIANT: checked against the client's digest before any judging
    return [_judge_one(engine, s, trace, strict) for s in sources]


def evaluate_partitions(actions: Any, ref: EngineRef, *, trace: bool = False, strict: bool = False) -> db.Bag:
    """A bag of flat decision records (RECORD_META's fields), one per source, in order, from a bag
    of sources (`read_actions`) or a dask DataFrame of actions. A source that cannot be judged is a
    record with `verdict` "error" and the message `govrules check` gives; no record fails the job.
    A worker whose rulebook differs from `ref`'s fails the job (RulebookMismatch)."""
    return _as_sources(actions).map_partitions(_judge_partition, ref, trace, strict)


def _render_partition(
    sources: Iterable[Source], ref: EngineRef, trace: bool, render: str | None, lang: str, strict: bool
) -> list[Any]:
    items = [Item(f, n, data, error) for f, n, data, error in sources]
    return _process(ref.engine(), items, trace, render, lang, strict)


def render_partitions(
    sources: db.Bag,
    ref: EngineRef,
    *,
    trace: bool = False,
    render: str | None = "json",
    lang: str = "en",
    strict: bool = False,
) -> db.Bag:
    """For the CLI: (verdict tag, text) per source, rendered on the worker exactly as `govrules
    check --format json|text` renders it; with render=None, (Item, None)."""
    return sources.map_partitions(_render_partition, ref, trace, render, lang, strict)


# --- 3. write ---------------------------------------------------------------------------------
def to_dataframe(records: db.Bag) -> Any:
    """The records as a dask DataFrame (RECORD_META's columns)."""
    import pandas as pd

    meta = pd.DataFrame({k: pd.Series(dtype=v) for k, v in RECORD_META.items()})
    return records.to_dataframe(meta=meta)


def write_parquet(records: db.Bag, path: str, **kwargs: Any) -> None:
    """Write the records as Parquet files under `path` (a folder, local or an fsspec URL)."""
    import pyarrow as pa

    schema = pa.schema(
        [
            ("file", pa.string()),
            ("line", pa.int64()),
            ("id", pa.string()),
            ("kind", pa.string()),
            ("jurisdiction", pa.string()),
            ("date", pa.string()),
            ("rulebook", pa.string()),
            ("verdict", pa.string()),
            ("breach", pa.bool_()),
            ("articles", pa.list_(pa.string())),
            ("citations", pa.list_(pa.string())),
            ("obligations", pa.string()),
            ("error", pa.string()),
        ]
    )
    to_dataframe(records).to_parquet(path, schema=schema, write_index=False, **kwargs)


def write_jsonl(records: db.Bag, path: str) -> list[str]:
    """Write the records as JSON Lines, one file per partition (`path` holds a `*`, e.g.
    `out/decisions-*.jsonl`). Returns the files written."""
    return list(records.map(lambda r: json.dumps(r, ensure_ascii=False)).to_textfiles(path))


# --- audits -----------------------------------------------------------------------------------
def _scan(
    sources: Iterable[Source], ref: EngineRef
) -> list[tuple[dict[int, tuple[int, Any]], list[tuple[str, str]], set[str]]]:
    """What the client needs of one partition of events, in one pass: the last two days of the
    events the audit keeps, each with its first event (line, data), to settle the audit date as the
    audit does; (id, jurisdiction) of each event kept and of each reference it makes, to join the
    jurisdictions they cross; and the components the partition's events fall in."""
    sources = list(sources)
    days: dict[int, tuple[int, Any]] = {}
    ids: list[tuple[str, str]] = []
    for line, data, ev in _kept(sources, ref):
        d = ev.date.toordinal()
        if d not in days or days[d][0] > line:
            days[d] = (line, data)
        ids.append((ev.id, ev.jurisdiction))
        if getattr(ev, "ref", None) is not None:
            ids.append((ev.ref, ev.jurisdiction))
    return [({d: days[d] for d in sorted(days)[-2:]}, ids, {_component(s, {}) for s in sources})]


def _kept(sources: Iterable[Source], ref: EngineRef) -> Iterator[tuple[int, Any, Any]]:
    """(line, data, event) of the events the audit keeps: valid, and under a version in force."""
    from pydantic import TypeAdapter, ValidationError

    from . import Event

    adapter: TypeAdapter[Any] = _ADAPTER.setdefault("event", TypeAdapter(Event))
    engine = ref.engine()
    for _file, line, data, error in sources:
        if error is not None or not isinstance(data, dict):
            continue
        try:
            ev = adapter.validate_python(data)
            engine.version_for(ev.jurisdiction, ev.date)
        except (ValidationError, ActionError):
            continue
        yield line, data, ev


_ADAPTER: dict[str, Any] = {}


def _component(src: Source, roots: dict[str, str]) -> str:
    data = src[2]
    jur = data.get("jurisdiction") if isinstance(data, dict) and src[3] is None else None
    if not isinstance(jur, str):
        return ""  # an event the audit cannot keep: it gives a problem, wherever it is audited
    return roots.get(jur, jur)


def _route(sources: Iterable[Source], roots: dict[str, str]) -> dict[str, list[Source]]:
    """One partition's events, by component (the send side of the shuffle)."""
    out: dict[str, list[Source]] = {}
    for src in sources:
        out.setdefault(_component(src, roots), []).append(src)
    return out


def _pick(routed: dict[str, list[Source]], key: str) -> list[Source]:
    return routed.get(key, [])


def _audit_component(pieces: list[list[Source]], ref: EngineRef, as_of: dt.date, backend: str) -> AuditReport:
    """The single-machine audit of one component (the receive side: its pieces, in log order)."""
    items = ((line, data, error) for piece in pieces for _f, line, data, error in piece)
    return audit_records(ref.engine(), items, as_of=as_of, backend=backend)  # type: ignore[arg-type]


def _as_of(ref: EngineRef, summaries: list[dict[int, tuple[int, Any]]], as_of: dt.date | None) -> dt.date | None:
    """The audit date, settled as the single-machine audit settles it (`audit_date`, on the first
    event of each of the last two days), or the one given, checked the same way. None: no event
    the audit can keep."""
    if as_of is not None:
        return audit_date(ref.engine(), [], as_of=as_of)
    days: dict[int, tuple[int, Any]] = {}
    for s in summaries:
        for d, (line, data) in s.items():
            if d not in days or days[d][0] > line:
                days[d] = (line, data)
    return audit_date(ref.engine(), [days[d][1] for d in sorted(days)[-2:]])


def _roots(crossings: Iterable[tuple[str, frozenset[str]]]) -> dict[str, str]:
    """Jurisdictions joined by an id or a reference that crosses between them: each → its root."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for _id, jurs in crossings:
        first, *rest = sorted(jurs)
        for j in rest:
            a, b = find(first), find(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {j: find(j) for j in parent}


def merge_reports(reports: Sequence[AuditReport], engine: Engine, as_of: dt.date, backend: str) -> AuditReport:
    """The reports of disjoint components as the one report of the whole log."""
    findings = sorted((f for r in reports for f in r.findings), key=lambda f: (f.on, f.jurisdiction, f.check, f.events))
    problems = sorted((p for r in reports for p in r.problems), key=lambda p: (p.line or 0, p.event or "", p.message))
    order = {j: i for i, j in enumerate(engine.jurisdictions)}
    periods = sorted((p for r in reports for p in r.periods), key=lambda p: order.get(p.jurisdiction, -1))
    return AuditReport(
        as_of=as_of,
        events=sum(r.events for r in reports),
        backend=reports[0].backend if reports else backend,
        findings=tuple(findings),
        problems=tuple(problems),
        periods=tuple(periods),
    )


def audit(
    events: db.Bag, ref: EngineRef, *, as_of: dt.date | None = None, backend: str = "auto", client: Any = None
) -> AuditReport:
    """Audit a bag of event sources (`read_events`) on the cluster: the same report as
    `govrules.audit_file` on the same log. Three passes: the events' ids and days (to join
    jurisdictions that refer across, and settle the audit date); a shuffle that sends each
    partition's events to their components' tasks; the single-machine audit of each component, on
    a worker, merged."""

    def run(*graphs: Any) -> Any:
        return client.gather(client.compute(list(graphs))) if client is not None else dask.compute(*graphs)

    scan = events.map_partitions(_scan, ref)
    joined = (
        scan.map(lambda x: x[1])
        .flatten()
        .foldby(lambda kv: kv[0], lambda acc, kv: acc | {kv[1]}, frozenset(), lambda a, b: a | b, frozenset())
        .filter(lambda kv: len(kv[1]) > 1)
    )
    summaries_v, joined_v, keys_v = run(scan.map(lambda x: x[0]), joined, scan.map(lambda x: x[2]))
    if backend == "auto":
        from ._audit import durable

        backend = "rete" if durable.available() else "python"
    day = _as_of(ref, list(summaries_v), as_of)
    if day is None:  # no event the audit can keep: nothing to shard
        (items,) = run(events)
        return audit_records(ref.engine(), ((line, data, error) for _f, line, data, error in items), backend=backend)  # type: ignore[arg-type]
    roots = _roots(joined_v)
    components = sorted({roots.get(k, k) for keys in keys_v for k in keys})
    routed = [delayed(_route, pure=True)(part, roots) for part in events.to_delayed()]
    reports = [
        delayed(_audit_component, pure=True)([delayed(_pick, pure=True)(r, key) for r in routed], ref, day, backend)
        for key in components
    ]
    done = client.gather(client.compute(reports)) if client is not None else dask.compute(*reports)
    return merge_reports(list(done), ref.engine(), day, backend)
