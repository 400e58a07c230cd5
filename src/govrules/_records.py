"""Read records (actions to judge, events to audit) from YAML, JSON or JSON Lines files, one by one,
each with its file and line. The one reader of both: the same formats, bounds and errors.

A record that cannot be read is a `Record` with an `error`, and those after it are still read.
JSON Lines files stream, so that a file of a million records is never held whole. Folders are
walked for record files (`expand`), in sorted order.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import MAX_LINE, InputError, lines, open_regular, read_bytes, read_stream

if TYPE_CHECKING:
    from ._files import Budget

SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")  # what a folder is searched for
JSON_LINES = (".jsonl", ".ndjson")


@dataclass
class Record:
    """One record read from a file: where it stands, and its data or why it cannot be used."""

    file: str
    line: int
    data: Any = None
    error: str | None = None


def expand(paths: Iterable[str]) -> Iterator[str]:
    """`paths` with each folder replaced by the record files below it (sorted; hidden ones skipped).
    A folder without any is given back as it is, and reading it says so."""
    for path in paths:
        p = Path(path)
        if path == "-" or not p.is_dir():
            yield path
            continue
        found = sorted(
            f
            for f in p.rglob("*")
            if f.suffix in SUFFIXES and f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
        )
        yield from (str(f) for f in found) if found else [path]


def read_records(path: str, noun: str = "actions", budget: Budget | None = None) -> Iterator[Record]:
    """The records in a YAML, JSON or JSON Lines file (`-`: standard input, read as YAML). A YAML
    document may hold one record, a list of them, or `{noun}:` and a list."""
    p = Path(path)
    if path != "-" and p.suffix in JSON_LINES:
        yield from _read_lines(path, noun)  # streamed
        return
    if path != "-" and p.is_dir():
        yield Record(path, 0, error="a folder with no .yaml, .yml, .json or .jsonl file")
        return
    try:
        raw = read_stream(sys.stdin.buffer) if path == "-" else read_bytes(path)
    except InputError as exc:
        yield Record(path, 0, error=str(exc))
        return
    if not raw.strip():
        yield Record(path, 0, error=f"empty file: no {noun}")
        return
    if p.suffix == ".json":
        data, error = json_value(raw)
        if error is not None:
            yield Record(path, 1, error=error)
            return
        for d in data if isinstance(data, list) else [data]:
            yield Record(path, 1, d)
        return
    from ._errors import Diagnostic
    from ._lang.document import iter_documents  # PyYAML, only when a YAML file is read

    for doc in iter_documents(path, raw, budget):
        if isinstance(doc, Diagnostic):
            yield Record(path, doc.line, error=f"{doc.code}: {doc.message}")
            continue
        data = doc.data
        base: tuple[str, ...] = ()
        if isinstance(data, dict) and set(data) == {noun}:
            data, base = data[noun], (noun,)
        if isinstance(data, list):
            for i, d in enumerate(data):
                yield Record(path, doc.where((*base, i))[0], d)
        else:
            yield Record(path, doc.where(())[0], data)


MAX_JSON_DEPTH = 64  # as for YAML (E004): no action or event nests anywhere near it


def _too_deep(raw: bytes) -> bool:
    """Whether arrays and objects nest past MAX_JSON_DEPTH, strings aside. Our own bound: how deep
    `json.loads` can go before it gives up depends on the Python version (3.13 reads 5,000 levels)."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def json_value(raw: bytes) -> tuple[Any, str | None]:
    """A JSON text's value, or why it cannot be had."""
    if _too_deep(raw):
        return None, "invalid JSON: nesting too deep"
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc}"
    except UnicodeDecodeError:
        return None, "invalid JSON: not UTF-8 text"
    except RecursionError:
        return None, "invalid JSON: nesting too deep"
    except ValueError:  # Python reads no integer of more than 4,300 digits
        return None, "invalid JSON: a number too long to read"


def _read_lines(path: str, noun: str) -> Iterator[Record]:
    try:
        fh = open_regular(path)
    except InputError as exc:
        yield Record(path, 0, error=str(exc))
        return
    empty = True
    with fh:
        try:
            for n, line in lines(fh):
                if line is None:
                    empty = False
                    yield Record(path, n, error=f"line longer than {MAX_LINE} bytes")
                elif line.strip():
                    empty = False
                    data, error = json_value(line)
                    yield Record(path, n, data, error)
        except OSError as exc:
            yield Record(path, 0, error=f"cannot read: {exc.strerror}")
            return
    if empty:
        yield Record(path, 0, error=f"empty file: no {noun}")
