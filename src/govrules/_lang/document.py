"""Load YAML safely, keeping the position of every node.

The only module that imports `yaml`. Duplicate keys are rejected, aliases are bounded (no billion
laughs), nesting and size are bounded, and every value's position is kept in a side table so that
later stages can point at the line and column of what they reject.

Bounds, and where they hold:
- size: MAX_BYTES per file, checked from the file's size before it is read (`_files`);
- nesting: MAX_DEPTH per document;
- values once aliases are expanded: MAX_NODES per document; and what aliases add beyond the text
  itself, MAX_ALIAS_NODES per file and per run (a `Budget` shared by the files of one load or one
  check), so that a bomb spread over many documents or many files is refused as well;
- a multi-document file is split at its `---` lines (a document marker at the start of a line
  ends any scalar, so the split is exact) and each document is parsed on its own: a broken
  document is one error, and those after it are still read.

A scalar that PyYAML resolves but cannot construct (an impossible date such as `2026-02-30`, an
integer of more than 4,300 digits) is kept as its text: the models then refuse it, with its
position, like any other value of the wrong type.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .._errors import Diagnostic
from .._files import MAX_ALIAS_NODES, MAX_BYTES, Budget, InputError, read_bytes

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[attr-defined,assignment,unused-ignore]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

__all__ = ["MAX_BYTES", "Budget", "Document", "YamlError", "iter_documents", "load_document", "load_documents"]

MAX_DEPTH = 64
MAX_NODES = 1_000_000  # values in one document, aliases expanded

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Span:
    """Where a text scalar stands in its document's lines (0-based), and its style: None (plain),
    `'`, `"`, `>` (folded) or `|` (literal)."""

    start: tuple[int, int]
    end: tuple[int, int]
    style: str | None


@dataclass(frozen=True)
class Document:
    """A loaded YAML document: its plain data and the position of every node by path; the span of
    every text scalar and the document's lines (from line `offset` of its file), so that an error
    inside a text points at its character and shows its line."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]]
    spans: dict[Path, Span] = field(default_factory=dict, repr=False)
    lines: tuple[str, ...] = field(default=(), repr=False)
    offset: int = 0

    def line_text(self, line: int) -> str | None:
        """The text of line `line` (1-based, in the file), if it is one of this document's."""
        n = line - 1 - self.offset
        return self.lines[n] if 0 <= n < len(self.lines) else None

    def within(self, path: Path, k: int) -> tuple[int, int]:
        """The position (1-based line and column) of the `k`-th character of the text at `path`,
        counted in its value: the scalar's style says how its value lies over the source lines
        (quotes, escapes, a block's header and indentation, folded line breaks)."""
        span = self.spans.get(tuple(path))
        value = self._value(path)
        if span is None or not isinstance(value, str):
            line, col = self.where(path)
            return line, col + k
        (l0, c0), (l1, c1) = span.start, span.end
        l1, c1 = (l1, c1) if l1 < len(self.lines) else (len(self.lines) - 1, len(self.lines[-1]))
        raw = "\n".join([self.lines[l0][c0:], *self.lines[l0 + 1 : l1 + 1]])
        raw = raw[: len(raw) - (len(self.lines[l1]) - c1)] if l1 > l0 else self.lines[l0][c0:c1]
        j = _align(value, raw, span.style, k)
        before = raw[:j]
        breaks = before.count("\n")
        col = c0 + j if not breaks else j - before.rindex("\n") - 1
        return l0 + breaks + 1 + self.offset, col + 1

    def _value(self, path: Path) -> Any:
        value = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    def where(self, path: Path) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def diagnostic(self, path: Path, code: str, message: str, **kw: Any) -> Diagnostic:
        line, col = self.where(path)
        return Diagnostic(self.file, line, col, code, message, source=self.line_text(line), **kw)


def _align(value: str, raw: str, style: str | None, k: int) -> int:
    """The index in `raw` (a scalar's source text, line breaks as `\\n`) of the `k`-th character of
    its `value`. Each character of the value is found in turn in the source, skipping what the
    value does not hold (the header line of a block, quotes, escapes' backslashes, indentation,
    folded line breaks); a character that cannot be found (an escape such as `\\u4e2d`) leaves the
    position where it was."""
    if style in (">", "|"):
        j = raw.find("\n") + 1 if "\n" in raw else len(raw)
    elif style in ("'", '"'):
        j = 1
    else:
        j = 0
    for c in value[:k]:
        if c in " \n":  # a space or a line break of the value: where the source has one, else kept
            if j < len(raw) and raw[j] in " \n":
                j += 1
            continue
        found = raw.find(c, j)
        if found < 0:
            return min(j, len(raw))
        j = found + 1
    if k < len(value) and value[k] not in " \n":  # skip to the character itself
        found = raw.find(value[k], j)
        if found >= 0:
            j = found
    return min(j, len(raw))


class YamlError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


@dataclass
class _FileBudget:
    run: Budget
    alias_nodes: int = MAX_ALIAS_NODES
    spent: list[int] = field(default_factory=list)


def _read(file: str, text: str | bytes | None) -> str:
    if text is None:
        try:
            raw = read_bytes(file)
        except InputError as exc:
            code = "E001" if exc.too_large else "E000"
            raise YamlError(Diagnostic(file, 1, 1, code, str(exc))) from None
    else:
        raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_BYTES:
        raise YamlError(Diagnostic(file, 1, 1, "E001", f"file larger than {MAX_BYTES} bytes"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(Diagnostic(file, line, 1, "E002", "not UTF-8 text")) from None


# A `---` at the start of a line, then a space or the line's end, starts a document wherever it
# stands: inside a block or quoted scalar too (YAML forbids it there), so a split there is exact.
_DOC_START = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.MULTILINE)
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what libyaml counts as a line break


def _split(source: str) -> list[tuple[int, str]]:
    """The documents of a YAML stream as (lines before it, its text). Comments and directives
    before the first `---` stay with the document they precede."""
    starts = [m.start() for m in _DOC_START.finditer(source) if m.start() > 0]
    if starts and not _has_content(source[: starts[0]]):
        starts = starts[1:]
    bounds = [0, *starts, len(source)]
    chunks, line = [], 0
    for a, b in itertools.pairwise(bounds):
        chunks.append((line, source[a:b]))
        line += len(_BREAK.findall(source, a, b))
    return chunks


def _has_content(text: str) -> bool:
    return any(s and not s.startswith(("#", "%")) for s in (ln.strip() for ln in _BREAK.split(text)))


def iter_documents(
    file: str, text: str | bytes | None = None, budget: Budget | None = None
) -> Iterator[Document | Diagnostic]:
    """Each YAML document of a file (or of `text`), with positions, or a Diagnostic for each one
    that cannot be loaded; the documents after a broken one are still read. A problem with the
    file as a whole (unreadable, too large, not UTF-8) is one Diagnostic, and the end."""
    try:
        source = _read(file, text)
    except YamlError as exc:
        yield exc.diagnostic
        return
    spend = _FileBudget(budget or Budget())
    for offset, chunk in _split(source):
        yield from _parse(file, chunk, offset, spend)


def load_documents(file: str, text: str | bytes | None = None, budget: Budget | None = None) -> Iterator[Document]:
    """Each YAML document of a file (or of `text`), with positions. Raises YamlError at the first
    document that cannot be loaded."""
    for item in iter_documents(file, text, budget):
        if isinstance(item, Diagnostic):
            raise YamlError(item)
        yield item


def load_document(file: str, text: str | bytes | None = None, budget: Budget | None = None) -> Document:
    """The single document of a file; an empty file is an error, and so is a second document,
    refused before it is read."""
    source = _read(file, text)
    chunks = _split(source)
    if len(chunks) > 1:
        raise YamlError(
            Diagnostic(
                file,
                chunks[1][0] + 1,
                1,
                "E005",
                "expected one YAML document, found more (a `---` line starts another)",
            )
        )
    found: list[Document] = []
    for item in _parse(file, source, 0, _FileBudget(budget or Budget())):
        if isinstance(item, Diagnostic):
            raise YamlError(item)
        found.append(item)
        if len(found) > 1:
            line = found[1].where(())[0]
            raise YamlError(Diagnostic(file, line, 1, "E005", "expected one YAML document, found more"))
    if not found:
        raise YamlError(Diagnostic(file, 1, 1, "E005", "expected one YAML document, found 0"))
    return found[0]


def _parse(file: str, source: str, offset: int, spend: _FileBudget) -> Iterator[Document | Diagnostic]:
    """The documents of one piece of a stream, or a Diagnostic and the end of the piece."""
    loader = _Loader(source)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover
                break
            _spend(file, node, offset, spend)
            positions: dict[Path, tuple[int, int]] = {}
            spans: dict[Path, Span] = {}
            budget = [MAX_NODES]
            data = _convert(file, node, (), positions, 0, budget, yaml.constructor.SafeConstructor(), spans)
            if offset:
                positions = {k: (line + offset, col) for k, (line, col) in positions.items()}
            yield Document(file, data, positions, spans, tuple(_BREAK.split(source)), offset)
    except YamlError as exc:
        d = exc.diagnostic
        yield Diagnostic(d.file, d.line + offset, d.column, d.code, d.message, rule=d.rule, hint=d.hint)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        last = len(_BREAK.findall(source.rstrip())) + 1
        if line > last:  # "but found end of stream": the document's last line, not the next one's
            line, col = last, len(_BREAK.split(source.rstrip())[-1]) + 1
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        yield Diagnostic(file, line + offset, col, "E003", f"invalid YAML: {message}")
    except yaml.YAMLError as exc:
        yield Diagnostic(file, offset + 1, 1, "E003", f"invalid YAML: {exc}")
    except RecursionError:
        yield Diagnostic(file, offset + 1, 1, "E004", "nesting too deep")
    finally:
        loader.dispose()


def _spend(file: str, root: yaml.Node, offset: int, spend: _FileBudget) -> None:
    """Charge what a document's aliases add to the file's and the run's budgets."""
    expanded, distinct = _check_size(file, root)
    added = expanded - distinct
    if not added:
        return
    spend.alias_nodes -= added
    spend.run.alias_nodes -= added
    if spend.alias_nodes < 0 or spend.run.alias_nodes < 0:
        where = "file" if spend.alias_nodes < 0 else "run"
        mark = root.start_mark
        raise YamlError(
            Diagnostic(
                file,
                mark.line + 1,
                mark.column + 1,
                "E006",
                f"aliases add more than {MAX_ALIAS_NODES} values in this {where} (alias bomb?)",
            )
        )


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _check_size(file: str, root: yaml.Node) -> tuple[int, int]:
    """(values once aliases are expanded, distinct nodes) of a document. Refuses a document whose
    aliases would expand past MAX_NODES (billion laughs) or into themselves, before expanding
    anything: sizes are counted once per distinct node."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        mark = node.start_mark
        if key in open_:
            raise YamlError(Diagnostic(file, mark.line + 1, mark.column + 1, "E006", "an alias refers to itself"))
        if depth > MAX_DEPTH:
            raise YamlError(Diagnostic(file, mark.line + 1, mark.column + 1, "E004", "nesting too deep"))
        open_.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(v, depth + 1) for v in node.value)
        open_.discard(key)
        if total > MAX_NODES:
            raise YamlError(
                Diagnostic(
                    file,
                    mark.line + 1,
                    mark.column + 1,
                    "E006",
                    f"more than {MAX_NODES} values once aliases are expanded (alias bomb?)",
                )
            )
        sizes[key] = total
        return total

    return size(root, 0), len(sizes)


def _convert(
    file: str,
    node: yaml.Node,
    path: Path,
    positions: dict[Path, tuple[int, int]],
    depth: int,
    budget: list[int],
    scalars: yaml.constructor.SafeConstructor,
    spans: dict[Path, Span],
) -> Any:
    mark = node.start_mark
    positions[path] = (mark.line + 1, mark.column + 1)
    budget[0] -= 1
    if budget[0] < 0:
        raise YamlError(Diagnostic(file, mark.line + 1, 1, "E006", "too many nodes (alias bomb?)"))
    if depth > MAX_DEPTH:
        raise YamlError(Diagnostic(file, mark.line + 1, mark.column + 1, "E004", "nesting too deep"))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                kmark = key_node.start_mark
                raise YamlError(Diagnostic(file, kmark.line + 1, kmark.column + 1, "E007", "keys must be plain text"))
            key = key_node.value
            if key == "<<":
                kmark = key_node.start_mark
                raise YamlError(
                    Diagnostic(file, kmark.line + 1, kmark.column + 1, "E007", "merge keys are not allowed")
                )
            if key in out:
                kmark = key_node.start_mark
                raise YamlError(Diagnostic(file, kmark.line + 1, kmark.column + 1, "E008", f"duplicate key `{key}`"))
            out[key] = _convert(file, value_node, (*path, key), positions, depth + 1, budget, scalars, spans)
            # A key's own line points better at an unknown or mistyped field than its value's.
            kmark = key_node.start_mark
            positions[(*path, key)] = (kmark.line + 1, kmark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(file, item, (*path, i), positions, depth + 1, budget, scalars, spans)
            for i, item in enumerate(node.value)
        ]
    # A scalar: let PyYAML's safe constructor resolve it (int, bool, null, date…), but keep dates
    # as dates and refuse datetimes' time part silently becoming a date.
    if node.tag == "tag:yaml.org,2002:str":
        end = node.end_mark
        spans[path] = Span((mark.line, mark.column), (end.line, end.column), node.style)  # type: ignore[attr-defined]
        return scalars.construct_scalar(node)  # type: ignore[arg-type]
    try:
        constructed = scalars.construct_object(node)
    except (ValueError, OverflowError):
        # `2026-02-30`, an integer past Python's 4,300 digits: kept as text, for the models to refuse.
        scalars.recursive_objects.pop(node, None)  # PyYAML leaves it marked when construction fails
        return node.value
    if isinstance(constructed, dt.datetime):
        return constructed.isoformat()
    return constructed
