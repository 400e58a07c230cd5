"""govrules on Dask: judge actions and audit event logs over a cluster (the `dask` extra).

    >>> from govrules.dask import EngineRef, read_actions, evaluate_partitions   # doctest: +SKIP
    >>> ref = EngineRef.load()                        # the bundled rulebook, and its digest
    >>> records = evaluate_partitions(read_actions(["s3://bucket/actions/*.jsonl"]), ref)
    >>> records.to_dataframe(meta=RECORD_META).to_parquet("s3://bucket/decisions/")

Three stages, in one direction: read (files → a bag of *sources*: file, line, the action or why it
cannot be used, by the same rules as `govrules check`), judge (sources → flat decision records, on
the workers, one bad record giving one error record), write (records → Parquet or JSON Lines).
Each block of a file is read once, on a worker; the client holds a few objects per partition,
never the input (line numbers: a count per block, summed in a tree, `_before`).

The engine never travels: an `EngineRef` does (the rulebook's paths and the digest of what they
held when the client loaded them). Each worker process loads the rulebook once, keeps it, keyed by
digest, and refuses to judge if what it loaded has another digest (`RulebookMismatch`): a cluster
never judges with two rulebooks. `govrules.Engine` itself is not meant to be pickled.

Audits: events are grouped by *component* (the events of one jurisdiction, joined with those of
another wherever an id or a reference crosses between them: found by a shuffle of the ids on the
cluster), and each component is audited on a worker by the single-machine audit; the reports merge
into the same report (`audit`).

The core of govrules never imports this module; `dask` and `distributed` are imported here only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import operator
import os
import pickle
import re
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
from ._records import _too_deep, read_records
from ._records import json_value as _json_value

__all__ = [
    "RECORD_META",
    "CheckLines",
    "CheckPart",
    "EngineRef",
    "RulebookMismatch",
    "audit",
    "check_parts",
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


def _packed(items: list[Any]) -> bytes:
    """A list as one bytes object, to send between processes: distributed sends a list of tuples
    item by item (about 8 µs each: 1.7 s for 210,000 events between two workers), a bytes object
    at the speed of memory. `pickle.loads` gives the list back."""
    return pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)


def _block_sources(path: str, start: int, length: int, events: bool) -> tuple[int, list[Source]]:
    """One block of a JSON Lines file, read once: how many lines it holds, and its sources, parsed
    as `govrules check` parses each line, numbered from 1 within the block (`_numbered` makes them
    the file's). For `events`, each line is left as its bytes: the audit's split parses it, and
    sends on the bytes of an event, which the audit reads in one pass (`audit_records`)."""
    lines = _lines_of(_block(path, start, length))
    out: list[Source] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE and not (len(line) == MAX_LINE + 1 and line.endswith(b"\n")):
            out.append((path, n, None, f"line longer than {MAX_LINE} bytes"))
        elif events:
            out.append((path, n, line, None))
        else:
            data, error = _json_value(line)
            out.append((path, n, data, error))
    return len(lines), out


def _numbered(block: tuple[int, list[Source]], before: tuple[int, bool]) -> list[Source]:
    """A block's sources, numbered as lines of the file: after the `before[0]` lines of the blocks
    before it."""
    offset = before[0]
    return [(f, n + offset, data, error) for f, n, data, error in block[1]] if offset else block[1]


def _lines_in(block: tuple[int, list[Source]]) -> tuple[int, bool]:
    """(lines, whether any held a record) of one block: computed where the block is, so that only
    these two numbers travel."""
    return block[0], bool(block[1])


def _total(counts: Sequence[tuple[int, bool]]) -> tuple[int, bool]:
    """(lines, whether any held a record) of consecutive blocks."""
    return sum(c[0] for c in counts), any(c[1] for c in counts)


def _before(counts: list[Any]) -> list[Any]:
    """For k = 0…P, (lines, whether any held a record) of the first k of P blocks, as delayed
    values. Each adds at most log2(P) + 1 sums of a binary tree over the blocks' counts, so no
    block's numbering waits on a chain of P tasks, one after another: the depth is log2(P)."""
    levels = [counts]  # levels[j][i]: the blocks [i * 2**j, (i + 1) * 2**j)
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([delayed(_total, pure=True)(below[i : i + 2]) for i in range(0, len(below), 2)])
    out = []
    for k in range(len(counts) + 1):
        terms, start = [], 0
        for j in reversed(range(len(levels))):  # [0, k) as aligned runs of 2**j blocks, largest first
            if start + (1 << j) <= k:
                terms.append(levels[j][start >> j])
                start += 1 << j
        out.append(delayed(_total, pure=True)(terms))
    return out


def _if_empty(path: str, seen: tuple[int, bool], events: bool) -> list[Source]:
    return [] if seen[1] else [(path, 0, None, f"empty file: no {'events' if events else 'actions'}")]


def _jsonl_parts(files: list[str], blocksize: int, events: bool) -> dict[str, list[Delayed]]:
    """For each JSON Lines file, one delayed partition per block of `blocksize` bytes, then one
    that says "empty file" if no block held a record. Each block is read once, where it is judged,
    its lines numbered within it; the count of the lines before it comes from the blocks' counts
    (two numbers a block, summed in a tree: `_before`), so the client holds a few objects per
    block, never the input, and nothing is read before the work starts."""
    out: dict[str, list[Delayed]] = {}
    for path in files:
        blocks = [
            delayed(_block_sources, pure=True)(path, s, blocksize, events)
            for s in range(0, max(_size(path), 1), blocksize)
        ]
        before = _before([delayed(_lines_in, pure=True)(b) for b in blocks])
        parts = [delayed(_numbered, pure=True)(b, n) for b, n in zip(blocks, before, strict=False)]
        parts.append(delayed(_if_empty, pure=True)(path, before[-1], events))
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
    """A bag of sources of events, read as `govrules audit` reads a log (JSON Lines or YAML),
    for `audit`. The data of a line of JSON Lines is its bytes, parsed where it is audited (as
    `govrules.audit_records` takes it); of a YAML record, the record."""
    return _sources(paths, blocksize, events=True)


def _from_dataframe(df: Any) -> db.Bag:
    """A dataframe of actions (one column per field, nested fields as structs) as sources; `line`
    is the row's position in the dataframe, from 1."""

    def rows(part: Any, before: tuple[int, bool]) -> list[Source]:
        return [
            ("<dataframe>", before[0] + i + 1, _no_nulls(_plain(r)), None)
            for i, r in enumerate(part.to_dict(orient="records"))
        ]

    def size(part: Any) -> tuple[int, bool]:  # where the partition is: only two numbers travel
        return len(part), True

    parts = df.to_delayed()
    before = _before([delayed(size)(p) for p in parts])  # the rows before each partition, as a tree
    return db.from_delayed([delayed(rows)(p, b) for p, b in zip(parts, before, strict=False)])


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


def _check_block(
    path: str, start: int, length: int, ref: EngineRef, trace: bool, render: str | None, lang: str, strict: bool
) -> bytes:
    """One block of a JSON Lines file, read, judged and rendered on the worker line by line as
    `govrules check` judges a span (its fast way: the line's bytes validated straight into an
    action, the JSON of like decisions remembered), with each line numbered within the block.
    Returns (lines in the block, whether any held a record, [(tag, text, line in block)]),
    packed to travel (`_packed`); `CheckLines` renumbers them as lines of the file."""
    from ._cli.ranges import _judge_line, _rendered

    engine = ref.engine()
    lines = _lines_of(_block(path, start, length))
    out: list[tuple[Any, Any, int]] = []
    for k, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE and not (len(line) == MAX_LINE + 1 and line.endswith(b"\n")):
            it = Item(path, k, error=f"line longer than {MAX_LINE} bytes")
        else:
            it = _judge_line(engine, path, k, line, trace, strict, render)
        a, b = _rendered(it, render, lang)
        out.append((a, b, k))
    return _packed([len(lines), bool(out), out])


@dataclasses.dataclass(frozen=True)
class CheckPart:
    """One partition of `govrules check --dask`, in output order: a block of the JSON Lines file
    `path` (`_check_block`'s result), the end of that file (no task), or other sources rendered as
    read (`path` None: YAML, JSON, Parquet, a file that cannot be read)."""

    task: Delayed | None
    path: str | None = None


def check_parts(
    paths: Sequence[str],
    ref: EngineRef,
    *,
    blocksize: int = BLOCKSIZE,
    trace: bool = False,
    render: str | None = "json",
    lang: str = "en",
    strict: bool = False,
) -> list[CheckPart]:
    """The partitions of `govrules check --dask` over `paths`, in order. A JSON Lines block is read
    once, on a worker, and judged there; nothing waits for the blocks before it (their line counts
    are added by the client, `CheckLines`, which writes the results in order anyway)."""
    files = _expand(paths)
    errors = {path: _file_error(path) for path in files}
    out: list[CheckPart] = []
    rest: list[str] = []  # consecutive files that are not JSON Lines: read as sources

    def flush() -> None:
        if rest:
            bag = render_partitions(
                read_actions(rest, blocksize=blocksize), ref, trace=trace, render=render, lang=lang, strict=strict
            )
            out.extend(CheckPart(d) for d in bag.to_delayed())
            rest.clear()

    for path in files:
        if errors[path] is None and os.path.splitext(path)[1] in LINES:
            flush()
            for s in range(0, max(_size(path), 1), blocksize):
                task = delayed(_check_block, pure=True)(path, s, blocksize, ref, trace, render, lang, strict)
                out.append(CheckPart(task, path))
            out.append(CheckPart(None, path))
        else:
            rest.append(path)
    flush()
    return out


class CheckLines:
    """The client's side of `check_parts`: each part's results in order, a block's lines numbered
    as lines of its file (the count of the lines before it, kept per file here: two numbers a
    file), and "empty file" where no block of a JSON Lines file held a record, as `check` says it."""

    def __init__(self, render: str | None, lang: str) -> None:
        self.render, self.lang = render, lang
        self.before: dict[str, int] = {}
        self.seen: dict[str, bool] = {}

    def results(self, part: CheckPart, result: Any) -> Iterator[Any]:
        path = part.path
        if path is None:
            yield from result
            return
        if part.task is None:  # the end of the file
            self.before.pop(path, None)
            if not self.seen.pop(path, False):
                from ._cli.ranges import empty

                yield empty(path, self.render, self.lang)
            return
        lines, seen, out = pickle.loads(result)
        before = self.before.get(path, 0)
        self.before[path] = before + lines
        self.seen[path] = self.seen.get(path, False) or seen
        if self.render is None:
            for it, _, k in out:
                it.line = before + k
                yield it, None
            return
        if self.render == "json":  # where the line number starts: `{"file": …, "line": 12, …`
            cut = len(f'{{"file": {json.dumps(path, ensure_ascii=False)}, "line": ')
        else:  # `file:12: …`
            cut = len(path) + 1
        for tag, text, k in out:
            if not before:
                yield tag, text
                continue
            # INVARIANT: the line number is the first thing after the file in both renderings
            # (`formats.json_result`, `formats.text`); the tests compare with `check` byte for byte
            n = str(k)
            assert text[cut : cut + len(n)] == n, text[: cut + len(n)]
            yield tag, f"{text[:cut]}{before + k}{text[cut + len(n) :]}"


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
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _split(sources: Iterable[Source], ref: EngineRef) -> tuple[dict[str, list[Source]], dict[str, Any], Any]:
    """One partition of events, in one pass, validating almost none of them: its sources by
    jurisdiction, in log order (the send side of the shuffle; "" for records the audit cannot keep:
    they give problems wherever they are audited); what the client needs of it (its last two days,
    `_last_days`, the jurisdictions it holds, how many records could be events); and the (id,
    jurisdiction) pairs of its records' ids and references, as a pandas frame, for the join."""
    import pandas as pd

    by_jur: dict[str, list[Source]] = {}
    pairs: set[tuple[str, str]] = set()
    dated: dict[str, list[Source]] = {}  # plain ISO date text → its records, in log order
    odd: list[Source] = []  # records dated otherwise: validated, to know their day
    count = 0
    for src in sources:
        f, n, data, error = src
        raw = data if isinstance(data, bytes) else None
        if raw is not None:  # a line of JSON Lines, parsed here as the audit's reader parses it
            data, error = _parsed(raw)
            src = (f, n, data, error)
        jur = _jurisdiction(src)
        # an event goes on as its line's bytes (smaller to send and to hold, read in one pass by
        # the audit), and its parsed form is dropped at once; anything else as the reader gives
        # it, so that its problem says what the audit says
        sent = (f, n, raw, None) if jur and raw is not None else src
        by_jur.setdefault(jur, []).append(sent)
        if not jur:
            continue
        count += 1
        # every id and reference with its record's jurisdiction, kept or not: a record the audit
        # will not keep may join two jurisdictions for nothing, which changes no finding (the
        # audit of a union of components is the union of their audits), only the spread
        for field in ("id", "ref"):
            value = data.get(field)
            if isinstance(value, str):
                pairs.add((value, jur))
        day = data.get("date")
        if isinstance(day, str) and _ISO_DAY.fullmatch(day):
            dated.setdefault(day, []).append(sent)
        else:
            odd.append(sent)
    summary = {"days": _last_days(dated, odd, ref), "jurs": set(by_jur), "count": count}
    frame = pd.DataFrame(list(pairs), columns=["id", "jur"], dtype=object)
    return by_jur, summary, frame


def _parsed(raw: bytes) -> tuple[Any, str | None]:
    """`json_value(raw)`, at half the cost on a usual line: UTF-8 decoded first (`json.loads` of
    bytes guesses their encoding, slowly); any line this does not take goes the one way, for the
    same value or message."""
    if not _too_deep(raw):
        try:
            return json.loads(raw.decode()), None
        except (ValueError, RecursionError):  # not UTF-8 (a BOM, UTF-16…), not JSON: said below
            pass
    return _json_value(raw)


def _keeps(engine: Engine, data: Any) -> Any:
    """The event the audit keeps of a record (valid, within the calendar, under a version in
    force), as the audit's reader decides it; None if it keeps none."""
    from pydantic import ValidationError

    from ._audit.events import EVENT_ADAPTER

    try:
        ev = EVENT_ADAPTER.validate_python(data)
        if ev.date > engine.calendar.last_day:
            return None
        engine.version_for(ev.jurisdiction, ev.date)
    except (ValidationError, ActionError):
        return None
    return ev


def _last_days(dated: dict[str, list[Source]], odd: list[Source], ref: EngineRef) -> dict[int, tuple[int, Any]]:
    """The last two days of the events the audit keeps, each with its first such event (line,
    data), as the audit date needs them (`_as_of`). Records with a plain date are validated from
    the last day back, and only until two days hold a kept event: a few per partition, not all."""
    engine = ref.engine()
    days: dict[int, tuple[int, Any]] = {}

    def note(src: Source) -> bool:
        data = _parsed(src[2])[0] if isinstance(src[2], bytes) else src[2]
        ev = _keeps(engine, data)
        if ev is None:
            return False
        d = ev.date.toordinal()
        if d not in days or days[d][0] > src[1]:
            days[d] = (src[1], data)
        return True

    for src in odd:
        note(src)
    for text in sorted(dated, reverse=True):  # ISO dates sort as days do
        try:
            day = dt.date.fromisoformat(text).toordinal()
        except ValueError:  # not a day (2026-02-30): never kept, but said by the audit itself
            continue
        if len(days) >= 2 and day < sorted(days)[-2]:
            break
        for src in dated[text]:  # in log order: the first kept is the day's first
            if note(src):
                break
    return {d: days[d] for d in sorted(days)[-2:]}


def _jurisdiction(src: Source) -> str:
    data = src[2]
    jur = data.get("jurisdiction") if isinstance(data, dict) and src[3] is None else None
    if not isinstance(jur, str):
        return ""  # an event the audit cannot keep: it gives a problem, wherever it is audited
    return jur


def _crossings(frame: Any) -> Any:
    """The sets of jurisdictions that share an id, from a partition of the shuffled pairs (which
    holds every pair of each of its ids), each as one text, tab-separated."""
    import pandas as pd

    pairs = frame.drop_duplicates()
    shared = pairs[pairs.duplicated("id", keep=False)]
    if shared.empty:
        return pd.DataFrame({"jurs": pd.Series([], dtype=object)})
    sets = shared.groupby("id")["jur"].agg(lambda s: "\t".join(sorted(s)))
    return pd.DataFrame({"jurs": pd.Series(sorted(set(sets)), dtype=object)})


def _pick(split: tuple[dict[str, list[Source]], Any, Any], jurs: tuple[str, ...]) -> bytes:
    """A partition's events of one component, in log order (the receive side of the shuffle),
    packed to travel."""
    import heapq

    lists = [split[0][j] for j in jurs if j in split[0]]
    return _packed(lists[0] if len(lists) == 1 else list(heapq.merge(*lists, key=lambda s: s[1])))


def _audit_component(pieces: list[bytes], ref: EngineRef, as_of: dt.date | None, backend: str) -> AuditReport:
    """The single-machine audit of one component: its pieces, in log order."""
    items = ((line, data, error) for piece in pieces for _f, line, data, error in pickle.loads(piece))
    return audit_records(ref.engine(), items, as_of=as_of, backend=backend)  # type: ignore[arg-type]


def _as_of(ref: EngineRef, summaries: list[dict[int, tuple[int, Any]]], as_of: dt.date | None) -> dt.date | None:
    """The audit date, settled as the single-machine audit settles it (`audit_date`, on the first
    event of each of the last two days), or the one given, checked the same way. None: no event
    the audit can keep."""
    if as_of is not None:
        return audit_date(ref.engine(), [], as_of=as_of)
    days: dict[int, tuple[tuple[int, int], Any]] = {}
    for k, s in enumerate(summaries):  # partitions in log order, lines in order within one
        for d, (line, data) in s.items():
            if d not in days or days[d][0] > (k, line):
                days[d] = ((k, line), data)
    return audit_date(ref.engine(), [days[d][1] for d in sorted(days)[-2:]])


def _roots(joined: Iterable[Iterable[str]]) -> dict[str, str]:
    """Jurisdictions joined by an id or a reference that crosses between them: each → its root."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for jurs in joined:
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


def _backend(choice: str, events: int) -> str:
    """The backend the single-machine audit picks for `choice` over a log of `events` it keeps."""
    from ._audit import durable
    from ._audit.api import RETE_AUTO_EVENTS

    if choice != "auto":
        return choice
    return "rete" if durable.available() and events <= RETE_AUTO_EVENTS else "python"


def audit(
    events: db.Bag, ref: EngineRef, *, as_of: dt.date | None = None, backend: str = "auto", client: Any = None
) -> AuditReport:
    """Audit a bag of event sources (`read_events`) on the cluster: the same report as
    `govrules.audit_file` on the same log. Each partition is read and parsed once, and split by
    jurisdiction where it is read (`_split`, kept in the workers' memory); the client learns the
    partitions' last days and jurisdictions (a few objects each), and which jurisdictions share
    an id (a shuffle of the ids on the cluster, `_crossings`); each component (the jurisdictions
    so joined) then gathers its events from the partitions that hold some, and is audited on a
    worker by the single-machine audit; the reports are merged."""
    import dask.dataframe as dd
    import pandas as pd

    def run(graphs: list[Any]) -> list[Any]:
        return list(client.gather(client.compute(graphs)) if client is not None else dask.compute(*graphs))

    def persist(graphs: list[Any]) -> list[Any]:
        return list(client.persist(graphs) if client is not None else dask.persist(*graphs))

    # an unknown backend, or Rete where durable-rules is absent: said here, as the audit says it
    audit_records(ref.engine(), [], backend=backend)  # type: ignore[arg-type]
    split = persist([delayed(_split, pure=True)(part, ref) for part in events.to_delayed()])
    meta = pd.DataFrame({"id": pd.Series([], dtype=object), "jur": pd.Series([], dtype=object)})
    pairs = dd.from_delayed([delayed(operator.getitem)(s, 2) for s in split], meta=meta, verify_meta=False)
    joined = pairs.shuffle("id").map_partitions(_crossings, meta={"jurs": object})
    # two calls: dask refuses to compute a dataframe's expression with delayed objects
    summaries, (crossing,) = run([delayed(operator.getitem)(s, 1) for s in split]), run([joined])
    day = _as_of(ref, [s["days"] for s in summaries], as_of)
    roots = _roots(jurs.split("\t") for jurs in crossing["jurs"])
    components: dict[str, set[str]] = {}
    for s in summaries:
        for j in s["jurs"]:
            components.setdefault(roots.get(j, j), set()).add(j)

    def reports(choice: str) -> list[AuditReport]:
        tasks = []
        for root in sorted(components):
            jurs = tuple(sorted(components[root]))
            pieces = [
                delayed(_pick, pure=True)(sp, jurs)
                for sp, s in zip(split, summaries, strict=True)
                if s["jurs"] & set(jurs)
            ]
            tasks.append(delayed(_audit_component, pure=True)(pieces, ref, day, choice))
        return run(tasks)

    ran = _backend(backend, sum(s["count"] for s in summaries))  # of at least the events kept
    done = reports(ran)
    if _backend(backend, sum(r.events for r in done)) != ran:  # more records than Rete takes, fewer kept
        ran = _backend(backend, sum(r.events for r in done))
        done = reports(ran)
    if not done:  # no record at all
        return audit_records(ref.engine(), [], as_of=as_of, backend=backend)  # type: ignore[arg-type]
    return merge_reports(done, ref.engine(), done[0].as_of if day is None else day, ran)
