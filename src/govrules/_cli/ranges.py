"""JSON Lines files judged by byte range: the parent only splits a file into spans of whole lines
(counting the lines before each, for their numbers) and merges the rendered results in order; each
span is read, judged and rendered where it is judged (a worker, or the command itself). Memory stays
flat whatever the file's size: a span is about `BLOCK` bytes, and a bounded number are in flight.

A line is read with `action_adapter().validate_json` on its raw bytes (no `json.loads`, no dict). Any
line that this does not take, or that the engine refuses, is read again the one way of `_records`
and judged by `check._judge`, so that every error says exactly what it says without spans.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_core import to_json

from .._actions import action_adapter
from .._errors import ActionError
from .._files import MAX_LINE, Budget, InputError, lines, open_regular
from .._records import JSON_LINES, json_value
from . import formats
from .formats import Item

if TYPE_CHECKING:
    from .._engine import Engine

BLOCK = 1 << 19  # bytes of a span, about (whole lines: a longer line makes a longer span)
FAST_LINE = 4_000  # longer lines take the `json.loads` way (it refuses numbers of over 4,300 digits)


@dataclass(frozen=True)
class Span:
    """Whole lines of a JSON Lines file: bytes [start, end), after `before` lines."""

    path: str
    start: int
    end: int
    before: int


@dataclass(frozen=True)
class FileEnd:
    """The end of a file's spans: the parent says "empty file" if none of them held an action."""

    path: str


def is_json_lines(path: str) -> bool:
    return path != "-" and Path(path).suffix in JSON_LINES and Path(path).is_file()


Unit = Span | FileEnd | list[Item]


def units(paths: list[str], items: Iterator[Item], chunk: int) -> Iterator[Unit]:
    """What to judge, in order: the spans of each JSON Lines file, and chunks of the items of the
    others. Without any JSON Lines file, chunks of `items` as they come."""
    from itertools import islice

    from .._records import expand, read_records

    def chunks(its: Iterator[Item]) -> Iterator[list[Item]]:
        return iter(lambda: list(islice(its, chunk)), [])

    files = list(expand(paths))
    if not any(is_json_lines(f) for f in files):
        yield from chunks(items)
        return
    budget = Budget()  # what YAML aliases may add, over every file of the run
    for path in files:
        if is_json_lines(path):
            found = spans(path)
            try:
                first = next(found)
            except InputError:
                pass  # said by the reader, below, as without spans
            else:
                yield first
                yield from found
                continue
        yield from chunks(Item(r.file, r.line, r.data, r.error) for r in read_records(path, "actions", budget))


def judge_unit(
    engine: Engine, unit: Span | list[Item], trace: bool, render: str | None, lang: str, strict: bool
) -> tuple[list[Any], bool]:
    """A unit judged and rendered (here or in a worker): its results, and whether it held anything."""
    if isinstance(unit, Span):
        return judge_span(engine, unit, trace, render, lang, strict)
    from .check import _process

    return _process(engine, unit, trace, render, lang, strict), True


class Merge:
    """The results of units, in order, with "empty file" for a JSON Lines file that held nothing."""

    def __init__(self, render: str | None, lang: str) -> None:
        self.render, self.lang = render, lang
        self.seen: dict[str, bool] = {}

    def done(self, unit: Unit, result: tuple[list[Any], bool] | None) -> list[Any]:
        if isinstance(unit, FileEnd):
            return [] if self.seen.pop(unit.path, False) else [empty(unit.path, self.render, self.lang)]
        assert result is not None
        out, seen = result
        if isinstance(unit, Span) and seen:
            self.seen[unit.path] = True
        return out


def spans(path: str) -> Iterator[Span | FileEnd]:
    """The spans of a JSON Lines file, then its FileEnd. Raises InputError before the first."""
    fh = open_regular(path)
    with fh:
        pos = start = before = 0
        while True:
            block = fh.read(BLOCK)
            if not block:
                break
            last = block.rfind(b"\n")
            pos += len(block)
            if last < 0:  # no line ends in this block: the span grows (a long line)
                continue
            end = pos - len(block) + last + 1
            yield Span(path, start, end, before)
            before += block.count(b"\n")  # the bytes carried over from earlier blocks hold none
            start = end
        if start < pos:  # a last line without its newline
            yield Span(path, start, pos, before)
    yield FileEnd(path)


def judge_span(
    engine: Engine, span: Span, trace: bool, render: str | None, lang: str, strict: bool
) -> tuple[list[Any], bool]:
    """The span's lines judged and rendered as `check._process` does, and whether any line held
    something (an action, or a line too long)."""
    out: list[Any] = []
    seen = False
    try:
        fh = open_regular(span.path)
    except InputError as exc:
        return [_rendered(Item(span.path, 0, error=str(exc)), render, lang)], True
    with fh:
        fh.seek(span.start)
        pos = span.start
        try:
            for k, line in lines(fh):
                n = span.before + k
                it: Item | None = None
                if line is None:
                    it = Item(span.path, n, error=f"line longer than {MAX_LINE} bytes")
                    pos = fh.tell()
                else:
                    pos += len(line)
                    if line.strip():
                        it = _judge_line(engine, span.path, n, line, trace, strict, render)
                if it is not None:
                    seen = True
                    out.append(_rendered(it, render, lang))
                if pos >= span.end:
                    break
        except OSError as exc:
            out.append(_rendered(Item(span.path, 0, error=f"cannot read: {exc.strerror}"), render, lang))
    return out, seen


def _judge_line(engine: Engine, path: str, n: int, line: bytes, trace: bool, strict: bool, render: str | None) -> Item:
    if render is not None and len(line) <= FAST_LINE:
        try:
            decision = engine.evaluate(action_adapter().validate_json(line), trace=trace, strict=strict)
        except (ValidationError, ActionError):
            pass  # said below, the one way
        else:
            it = Item(path, n)
            it.decision = decision
            return it
    from .check import _judge

    data, error = json_value(line)
    return _judge(engine, Item(path, n, data, error), trace, strict)


def _rendered(it: Item, render: str | None, lang: str) -> Any:
    if render is None:
        return (it, None)
    if render == "json":
        return (formats.tag(it), _JSON.result(it))
    return (formats.tag(it), formats.text(it, lang))


class _JsonResults:
    """`formats.json_result`, remembered by what a decision holds beyond the action's own fields.

    Decisions of the same facts share their parts (the fast judge remembers them), and their JSON
    differs only in the first fields: it is rendered once, and each time the first fields (through
    pydantic's own encoder) and the file and line are put before the rest. The result is compared
    with `formats.json_result` whenever it is rendered in full; on any difference nothing is
    remembered any more, and every result is `formats.json_result`'s."""

    FIRST = ("action_id", "kind", "jurisdiction", "date")

    def __init__(self) -> None:
        self.rest: dict[tuple[int, ...], tuple[str, Any]] = {}
        self.files: dict[str, str] = {}  # the head of each file's results, seen equal to formats' own
        self.parts: dict[tuple[str, Any], str] = {}  # `"kind":"sign_document"`… by field and value
        self.on = True

    def result(self, it: Item) -> str:
        d = it.decision
        if d is None or not self.on:
            return formats.json_result(it)
        values = list(d.__dict__.values())
        key = tuple(map(id, values[4:]))
        found = self.rest.get(key)
        head = self.files.get(it.file)
        if found is not None and head is not None:
            return f'{head}"line": {it.line}, "decision": {self.first(d)}{found[0]}'
        text = formats.json_result(it)
        mine = f'{self.head(it)}"line": {it.line}, "decision": {self.first(d)}'
        if not text.startswith(mine):
            self.on = False
            return text
        self.files[it.file] = self.head(it)
        if len(self.rest) > 10_000:
            self.rest.clear()
        self.rest[key] = (text[len(mine) :], d)  # the decision kept: the ids of its parts stay theirs
        return text

    @staticmethod
    def head(it: Item) -> str:
        import json

        return f'{{"file": {json.dumps(it.file, ensure_ascii=False)}, '

    def first(self, d: Any) -> str:
        """`{"action_id":…,"kind":…,"jurisdiction":…,"date":…,` as pydantic writes them (None left out)."""
        parts = self.parts
        out = []
        for k in self.FIRST:
            v = getattr(d, k)
            if v is None:
                continue
            if k == "action_id":
                out.append(f'"action_id":{to_json(v).decode()}')
                continue
            part = parts.get((k, v))
            if part is None:
                if len(parts) > 10_000:
                    parts.clear()
                part = parts[(k, v)] = f'"{k}":{to_json(v).decode()}'
            out.append(part)
        return "{" + ",".join(out) + ","


_JSON = _JsonResults()


def empty(path: str, render: str | None, lang: str) -> Any:
    return _rendered(Item(path, 0, error="empty file: no actions"), render, lang)
