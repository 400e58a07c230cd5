"""Load YAML safely, keeping the position of every node.

The only module that imports `yaml`. Duplicate keys are rejected, aliases are bounded (no billion
laughs), nesting and size are bounded, and every value's position is kept in a side table so that
later stages can point at the line and column of what they reject.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from ._errors import Diagnostic

try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[attr-defined,assignment,unused-ignore]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A loaded YAML document: its plain data and the position of every node by path."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]]

    def where(self, path: Path) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def diagnostic(self, path: Path, code: str, message: str, **kw: Any) -> Diagnostic:
        line, col = self.where(path)
        return Diagnostic(self.file, line, col, code, message, **kw)


class YamlError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


def _read(file: str, text: str | bytes | None) -> str:
    if text is None:
        with open(file, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    else:
        raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_BYTES:
        raise YamlError(Diagnostic(file, 1, 1, "E001", f"file larger than {MAX_BYTES} bytes"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(Diagnostic(file, line, 1, "E002", "not UTF-8 text")) from None


def load_documents(file: str, text: str | bytes | None = None) -> Iterator[Document]:
    """Each YAML document of a file (or of `text`), with positions. Raises YamlError."""
    source = _read(file, text)
    loader = _Loader(source)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover
                break
            _check_size(file, node)
            positions: dict[Path, tuple[int, int]] = {}
            budget = [MAX_NODES]
            data = _convert(file, node, (), positions, 0, budget, yaml.constructor.SafeConstructor())
            yield Document(file, data, positions)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise YamlError(Diagnostic(file, line, col, "E003", f"invalid YAML: {message}")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Diagnostic(file, 1, 1, "E003", f"invalid YAML: {exc}")) from None
    except RecursionError:
        raise YamlError(Diagnostic(file, 1, 1, "E004", "nesting too deep")) from None
    finally:
        loader.dispose()


def load_document(file: str, text: str | bytes | None = None) -> Document:
    """The single document of a file; an empty file is an error."""
    docs = list(load_documents(file, text))
    if len(docs) != 1:
        raise YamlError(Diagnostic(file, 1, 1, "E005", f"expected one YAML document, found {len(docs)}"))
    return docs[0]


_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _check_size(file: str, root: yaml.Node) -> None:
    """Refuse a document whose aliases would expand past MAX_NODES (billion laughs) or into
    themselves, before expanding anything: sizes are counted once per distinct node."""
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
            raise YamlError(Diagnostic(file, mark.line + 1, mark.column + 1, "E006",
                                       f"more than {MAX_NODES} values once aliases are expanded (alias bomb?)"))
        sizes[key] = total
        return total

    size(root, 0)


def _convert(
    file: str,
    node: yaml.Node,
    path: Path,
    positions: dict[Path, tuple[int, int]],
    depth: int,
    budget: list[int],
    scalars: yaml.constructor.SafeConstructor,
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
                raise YamlError(
                    Diagnostic(file, kmark.line + 1, kmark.column + 1, "E007", "keys must be plain text")
                )
            key = key_node.value
            if key == "<<":
                kmark = key_node.start_mark
                raise YamlError(
                    Diagnostic(file, kmark.line + 1, kmark.column + 1, "E007", "merge keys are not allowed")
                )
            if key in out:
                kmark = key_node.start_mark
                raise YamlError(
                    Diagnostic(file, kmark.line + 1, kmark.column + 1, "E008", f"duplicate key `{key}`")
                )
            out[key] = _convert(file, value_node, (*path, key), positions, depth + 1, budget, scalars)
            # A key's own line points better at an unknown or mistyped field than its value's.
            kmark = key_node.start_mark
            positions[(*path, key)] = (kmark.line + 1, kmark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(file, item, (*path, i), positions, depth + 1, budget, scalars)
            for i, item in enumerate(node.value)
        ]
    # A scalar: let PyYAML's safe constructor resolve it (int, bool, null, date…), but keep dates
    # as dates and refuse datetimes' time part silently becoming a date.
    if node.tag == "tag:yaml.org,2002:str":
        return scalars.construct_scalar(node)  # type: ignore[arg-type]
    constructed = scalars.construct_object(node)
    if isinstance(constructed, dt.datetime):
        return constructed.isoformat()
    return constructed

