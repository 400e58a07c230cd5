"""`govrules fmt`: one canonical layout for rulebook YAML (rulebook files, overlays, rule-test files,
`topics.yaml`), like `opa fmt` and `cedar format`. Idempotent; comments are kept, and the meaning is
not touched: the formatted file loads to exactly the same models (checked before a file is written).

The layout (docs/rule-language.md, "Layout"):
- two spaces per level; a list is indented under its key (`key:` then `  - item`); no blank lines;
- keys in the order of the model's fields (`rulebook.py`), unknown keys after them as written; an
  overlay rule or check starts with its `article`;
- a field at its default is left out (`note: null`, `rules: []`, `when: "true"`, `exception_to: []`,
  `unit: calendar`…), except in a rulebook's header, which states every field of the document's
  metadata (`adopted: null`: the notice gives none), and except a key that carries a comment;
  `effect: {deny: true}` is written `effect: deny`, and a single `party: [x]` is written `party: x`;
- flow style (`{step: report, timing: after, party: head}`, `[a, b]`) for a small value whose items
  are all scalars or lists of scalars, when its line fits in 120 columns: `require`, `due`, `trigger`,
  `within`, `limit`, `frequency`, lists of ids or numbers, and the data inside an action (`actor`, a
  step, an obligation). Records are always in block style, whatever their size: a rulebook's header
  and `roles`, an article, a rule, a check, `effect`, `message` (prose), a test case, its `action`
  and `expect`, a topic;
- an article's `text` is a literal block (`|-`), its own line breaks kept; every other string is on
  one line, plain where YAML allows, quoted (as PyYAML quotes) where it does not;
- a condition (`when`, `scope`) whose line would pass 120 columns is a folded block (`>-`) broken
  before `and` / `or` at the shallowest depth of brackets, and again inside a line still too long;
- a comment stays with the key or list item it stands before, at that item's indentation; a comment
  at the end of a line, with the last key or item that starts before it (two spaces before the `#`);
  a comment inside what is written in flow style goes before it or at the end of its line.

It reads with PyYAML, the loader's own library (so what it reads is what `load` reads: YAML 1.1
booleans and dates alike), through `document.load_document` first (the loader's errors and positions),
then PyYAML's composer for the nodes' positions; comments are found in the text outside every
scalar, and attached to the next key or item. PyYAML writes each scalar (so that each one reads back
as the same value); the layout around them is written here.
"""

from __future__ import annotations

import bisect
import functools
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .._errors import Diagnostic
from . import rulebook as rb
from .document import YamlError, load_document

__all__ = ["FormatError", "format_text", "formattable", "kind_of", "yaml_files"]

WIDTH = 120
INDENT = 2

# Records: always in block style. Prose: never in flow style.
_RECORDS: frozenset[type[BaseModel]] = frozenset(
    {
        rb.RulebookFile,
        rb.Article,
        rb.Rule,
        rb.AuditCheck,
        rb.OverlayFile,
        rb.OverlayRule,
        rb.OverlayAudit,
        rb.Effect,
        rb.Message,
        rb.Presumption,
        rb.CaseFile,
        rb.Case,
        rb.CaseExpect,
    }
)
_CONDITIONS = {(rb.Rule, "when"), (rb.Rule, "scope"), (rb.EventPattern, "when")}
_LITERAL = {(rb.Article, "text")}
_COMPLETE = {rb.RulebookFile}  # every field written, defaults too
_FIRST = {rb.OverlayRule: ("article",), rb.OverlayAudit: ("article",)}


class FormatError(Exception):
    """A file fmt cannot format (invalid YAML, or not a rulebook file): one diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


# --- shapes: what the models say about each mapping and list -------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What is known of a node: a model, a mapping of values of one shape, a list, or nothing."""

    model: type[BaseModel] | None = None
    values: _Shape | None = None  # a mapping's values, a list's items
    seq: bool = False
    record: bool = False  # always in block style
    order: tuple[str, ...] = ()  # a key order where there is no model (a topic)


_ANY = _Shape()
_TOPIC = _Shape(record=True, order=("zh", "en", "elsewhere", "absent"))
_TOPICS_FILE = _Shape(record=True, order=("topics",))


def _model_of(annotation: Any, want_seq: bool, want_map: bool) -> _Shape:
    """The shape a field's annotation gives a node that is a list (`want_seq`), a mapping or a scalar."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            s = _model_of(arg, want_seq, want_map)
            if s is not _ANY:
                return s
        return _ANY
    if want_map and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _Shape(model=annotation, record=annotation in _RECORDS)
    if want_seq and origin in (tuple, list):
        args = typing.get_args(annotation)
        return _Shape(seq=True, values=_model_of(args[0], False, True) if args else _ANY)
    if want_map and origin is dict:
        args = typing.get_args(annotation)
        return _Shape(values=_model_of(args[1], True, True) if len(args) == 2 else _ANY)
    return _ANY


def _field_shape(parent: _Shape, key: str, node: yaml.Node) -> _Shape:
    is_seq, is_map = isinstance(node, yaml.SequenceNode), isinstance(node, yaml.MappingNode)
    if parent.model is not None:
        info = parent.model.model_fields.get(key)
        if info is None:
            return _ANY
        shape = _model_of(info.annotation, is_seq, is_map)
        if (parent.model, key) in {(rb.RulebookFile, "roles"), (rb.Case, "action")}:
            shape = _Shape(values=shape.values, record=True)
        if (parent.model, key) == (rb.RulebookFile, "source_defects"):
            shape = _Shape(seq=True, values=_ANY, record=True)
        return shape
    if parent is _TOPICS_FILE:
        return _Shape(values=_TOPIC) if key == "topics" else _ANY
    if parent is _TOPIC and key == "absent":
        return _Shape(record=True)
    if parent.values is not None:
        if (is_seq and parent.values.seq) or (is_map and not parent.values.seq):
            return parent.values
        if is_seq and not parent.values.seq and parent.values.model is not None:
            return _ANY
    return _ANY


def kind_of(data: Any) -> _Shape | None:
    """The shape of a whole file from its top-level keys, or None when it is none of the four kinds."""
    if not isinstance(data, dict):
        return None
    if "jurisdiction" in data and "articles" in data:
        return _Shape(model=rb.RulebookFile, record=True)
    if "extends" in data:
        return _Shape(model=rb.OverlayFile, record=True)
    if "cases" in data:
        return _Shape(model=rb.CaseFile, record=True)
    if "topics" in data:
        return _TOPICS_FILE
    return None


# --- comments -------------------------------------------------------------------------------------


@dataclass
class _Notes:
    lead: list[str] = field(default_factory=list)  # full-line comments before the item
    eol: list[str] = field(default_factory=list)  # comments at the end of its first line


def _scalar_spans(node: yaml.Node, out: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    if isinstance(node, yaml.ScalarNode):
        start = (node.start_mark.line, node.start_mark.column)
        if node.style in ("|", ">"):  # its header line (`|-  # a comment`) is not its content
            start = (start[0] + 1, 0)
        out.append((start, (node.end_mark.line, node.end_mark.column)))
    elif isinstance(node, yaml.SequenceNode):
        for n in node.value:
            _scalar_spans(n, out)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _scalar_spans(k, out)
            _scalar_spans(v, out)


def _comments(lines: list[str], root: yaml.Node) -> Iterator[tuple[int, int, bool, str]]:
    """Each comment as (line, column, alone on its line, text): a `#` at a line's start or after a
    blank, outside every scalar."""
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    _scalar_spans(root, spans)
    spans.sort()
    starts = [s for s, _ in spans]
    for i, line in enumerate(lines):
        col = line.find("#")
        while col >= 0:
            if col == 0 or line[col - 1] in " \t":
                k = bisect.bisect_right(starts, (i, col)) - 1
                if k < 0 or spans[k][1] <= (i, col):
                    yield i, col, not line[:col].strip(), line[col:].rstrip()
                    break
            col = line.find("#", col + 1)


def _anchors(node: yaml.Node, depth: int, out: list[tuple[int, int, int, int]]) -> None:
    """The keys and list items, as (line, column, depth, id of the node)."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            out.append((item.start_mark.line, item.start_mark.column, depth, id(item)))
            _anchors(item, depth + 1, out)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out.append((k.start_mark.line, k.start_mark.column, depth, id(k)))
            _anchors(v, depth + 1, out)


def _attach(lines: list[str], root: yaml.Node) -> tuple[dict[int, _Notes], list[str]]:
    """Every comment attached to a key or an item (by node id); those after the last, apart."""
    anchors: list[tuple[int, int, int, int]] = []
    _anchors(root, 0, anchors)
    anchors.sort()
    notes: dict[int, _Notes] = {}
    tail: list[str] = []
    keys = [(a[0], a[1]) for a in anchors]
    for line, _col, alone, text in _comments(lines, root):
        if alone:
            k = bisect.bisect_left(keys, (line + 1, -1))
            if k == len(anchors):
                tail.append(text)
            else:
                notes.setdefault(anchors[k][3], _Notes()).lead.append(text)
        else:
            k = bisect.bisect_left(keys, (line + 1, -1)) - 1
            if k < 0:
                tail.append(text)
                continue
            notes.setdefault(anchors[k][3], _Notes()).eol.append(text)  # the last key or item before it
    return notes, tail


# --- scalars --------------------------------------------------------------------------------------


class _Literal(str):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|"))


@functools.lru_cache(maxsize=65536, typed=True)
def _block_scalar(value: Any, literal: bool = False) -> str:
    """`value` as PyYAML writes it after `key: ` (lines after the first indented by 2)."""
    if literal or (isinstance(value, str) and ("\n" in value or "\r" in value)):
        value = _Literal(value)
    out = yaml.dump({"k": value}, Dumper=_Dumper, allow_unicode=True, width=1 << 30, sort_keys=False)
    return out[3:].rstrip("\n")


@functools.lru_cache(maxsize=65536, typed=True)
def _flow_scalar(value: Any) -> str | None:
    """`value` as PyYAML writes it inside a flow collection, or None where it takes more than a line."""
    out = yaml.dump([value], Dumper=_Dumper, default_flow_style=True, allow_unicode=True, width=1 << 30).rstrip("\n")
    if "\n" in out:
        return None
    return out[1:-1]


_CONSTRUCTOR = yaml.SafeLoader("")
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # positions in characters either way


def _node(value: Any) -> yaml.Node:
    """A node for a value the file does not give (a header field at its default)."""
    if isinstance(value, tuple | list):
        return yaml.SequenceNode("tag:yaml.org,2002:seq", [_node(v) for v in value])
    return yaml.representer.SafeRepresenter().represent_data(value)


def _value(node: yaml.ScalarNode) -> Any:
    value = _CONSTRUCTOR.construct_object(node)
    _CONSTRUCTOR.constructed_objects.pop(node, None)
    return value


def _plain(node: yaml.Node) -> Any:
    """A node's data, lists as tuples (as the models hold them)."""
    if isinstance(node, yaml.ScalarNode):
        return _value(node)
    if isinstance(node, yaml.SequenceNode):
        return tuple(_plain(n) for n in node.value)
    return {_plain(k): _plain(v) for k, v in node.value}


_WORD = re.compile(r"(and|or)(?=[\s(\[]|$)")


def _breaks(text: str, lo: int, hi: int) -> list[int]:
    """The positions of ` and ` / ` or ` in text[lo:hi] at the shallowest bracket depth that has any
    (outside string literals): where a folded condition breaks (the space before the word)."""
    found: dict[int, list[int]] = {}
    depth, quote, i = 0, "", lo
    while i < hi:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == " " and i + 1 < hi and text[i - 1] != " " and _WORD.match(text, i + 1):
            found.setdefault(depth, []).append(i)
        i += 1
    return found[min(found)] if found else []


def _fold(text: str, room: int) -> list[str] | None:
    """A condition's lines, each within `room` where a break allows, or None if it cannot be folded."""
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return None

    def split(lo: int, hi: int) -> list[tuple[int, int]]:
        if hi - lo <= room:
            return [(lo, hi)]
        cuts = _breaks(text, lo, hi)
        if not cuts:
            return [(lo, hi)]
        parts, start = [], lo
        for c in cuts:
            parts.append((start, c))
            start = c + 1
        parts.append((start, hi))
        if len(parts) == 1:
            return parts
        return [p for a, b in parts for p in split(a, b)]

    lines = [text[a:b] for a, b in split(0, len(text))]
    if len(lines) < 2 or any(not ln or ln != ln.strip() for ln in lines):
        return None
    if yaml.safe_load(">-\n  " + "\n  ".join(lines)) != text:
        return None
    return lines


# --- the writer -----------------------------------------------------------------------------------


class _Writer:
    def __init__(self, notes: dict[int, _Notes]) -> None:
        self.notes = notes
        self.used: set[int] = set()

    def _notes(self, node: yaml.Node) -> _Notes:
        self.used.add(id(node))
        return self.notes.get(id(node), _Notes())

    def _inner_notes(self, node: yaml.Node) -> _Notes:
        """The comments of every key and item inside `node` (written in flow style: they go outside)."""
        got = _Notes()
        items: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            items = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            items = [n for kv in node.value for n in kv]
        for n in items:
            got.lead += self._notes(n).lead
            got.eol += self._notes(n).eol
            inner = self._inner_notes(n)
            got.lead += inner.lead
            got.eol += inner.eol
        return got

    # which entries, in which order, how
    def _entries(self, node: yaml.MappingNode, shape: _Shape) -> list[tuple[str, yaml.Node, yaml.Node]]:
        given: dict[Any, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in node.value:
            given[_value(k) if isinstance(k, yaml.ScalarNode) else id(k)] = (k, v)
        model = shape.model
        if model is not None:
            first = _FIRST.get(model, ())
            order = [*first, *(f for f in model.model_fields if f not in first)]
        else:
            order = list(shape.order)
        known = [k for k in order if k in given]
        rest = [k for k in given if k not in set(order)]
        out = []
        for key in known + rest:
            k, v = given[key]
            if (
                model is not None
                and model not in _COMPLETE
                and key in model.model_fields
                and self._is_default(model, key, v)
                and not (self.notes.get(id(k)) or self.notes.get(id(v)))
            ):
                continue
            out.append((key, k, v))
        if model in _COMPLETE:  # the fields not given, at their defaults, in the model's order
            place = {key: i for i, key in enumerate(order)}
            for key, info in model.model_fields.items():
                if key not in given and not info.is_required():
                    out.append((key, _node(key), _node(info.get_default(call_default_factory=True))))
            out.sort(key=lambda e: place.get(e[0], len(place)))
        return out

    @staticmethod
    def _is_default(model: type[BaseModel], key: str, node: yaml.Node) -> bool:
        info = model.model_fields[key]
        if info.is_required():
            return False
        default = info.get_default(call_default_factory=True)
        value = _plain(node)
        if isinstance(default, list):
            default = tuple(default)
        return bool(value == default and type(value) is type(default))

    def _canonical(self, model: type[BaseModel] | None, key: str, node: yaml.Node) -> yaml.Node:
        """`effect: {deny: true}` as `effect: deny`; a single `party: [x]` as `party: x`."""
        if model is not None and key == "effect" and isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            ((k, v),) = node.value
            if (
                isinstance(k, yaml.ScalarNode)
                and k.value in ("deny", "permit")
                and isinstance(v, yaml.ScalarNode)
                and _value(v) is True
                and id(k) not in self.notes
            ):
                return yaml.ScalarNode("tag:yaml.org,2002:str", k.value, node.start_mark, node.end_mark)
        if model is rb.Require and key == "party" and isinstance(node, yaml.SequenceNode) and len(node.value) == 1:
            item = node.value[0]
            if isinstance(item, yaml.ScalarNode) and id(item) not in self.notes:
                return item
        return node

    def _flow(self, node: yaml.Node, shape: _Shape, nested: bool = False) -> str | None:
        """`node` in flow style, or None where it is not written so (a record, prose, not flat)."""
        if isinstance(node, yaml.ScalarNode):
            return _flow_scalar(_value(node))
        if not node.value:
            return "[]" if isinstance(node, yaml.SequenceNode) else "{}"
        if shape.record:
            return None
        if isinstance(node, yaml.SequenceNode):
            if not node.value:
                return "[]"
            parts = []
            for item in node.value:
                if not isinstance(item, yaml.ScalarNode):
                    return None
                s = _flow_scalar(_value(item))
                if s is None:
                    return None
                parts.append(s)
            return "[" + ", ".join(parts) + "]"
        assert isinstance(node, yaml.MappingNode)
        if not node.value:
            return "{}"
        if nested:
            return None
        parts = []
        for key, k, v in self._entries(node, shape):
            v = self._canonical(shape.model, key, v)
            sub = _field_shape(shape, key, v)
            if isinstance(v, yaml.MappingNode) or sub.record:
                return None
            s = self._flow(v, sub, nested=True)
            ks = _flow_scalar(key) if isinstance(k, yaml.ScalarNode) else None
            if s is None or ks is None:
                return None
            parts.append(f"{ks}: {s}")
        return "{" + ", ".join(parts) + "}"

    def mapping(self, node: yaml.MappingNode, shape: _Shape, indent: int) -> list[str]:
        out: list[str] = []
        pad = " " * indent
        for key, k, v in self._entries(node, shape):
            v = self._canonical(shape.model, key, v)
            notes = self._notes(k)
            lead, eol = list(notes.lead), list(notes.eol)
            sub = _field_shape(shape, key, v)
            ks = _block_scalar(key) if isinstance(k, yaml.ScalarNode) else None
            if ks is None or "\n" in ks:
                raise ValueError("a key that is not a plain scalar")
            head = f"{pad}{ks}:"
            body: list[str]
            if isinstance(v, yaml.ScalarNode):
                body = self._scalar_lines(v, shape.model, key, head, indent)
            else:
                flow = self._flow(v, sub)
                if flow is not None and (len(head) + 1 + len(flow) <= WIDTH or not v.value):
                    inner = self._inner_notes(v)
                    lead += inner.lead
                    eol += inner.eol
                    body = [f"{head} {flow}"]
                elif isinstance(v, yaml.SequenceNode):
                    body = [head, *self.sequence(v, sub, indent + INDENT)]
                else:
                    assert isinstance(v, yaml.MappingNode)
                    body = [head, *self.mapping(v, sub, indent + INDENT)]
            vnotes = self._notes(v)
            lead += vnotes.lead
            eol += vnotes.eol
            out += [pad + c for c in lead]
            if eol:
                body[0] += "  " + " ".join(eol)
            out += body
        return out

    def _scalar_lines(
        self, v: yaml.ScalarNode, model: type[BaseModel] | None, key: str, head: str, indent: int
    ) -> list[str]:
        value = _value(v)
        literal = model is not None and any(issubclass(model, m) and key == f for m, f in _LITERAL)
        text = _block_scalar(value, literal and isinstance(value, str))
        lines = text.split("\n")
        cond = model is not None and any(issubclass(model, m) and key == f for m, f in _CONDITIONS)
        if cond and isinstance(value, str) and len(lines) == 1 and len(head) + 1 + len(text) > WIDTH:
            folded = _fold(value, WIDTH - indent - INDENT)
            if folded is not None:
                return [f"{head} >-", *(" " * (indent + INDENT) + ln for ln in folded)]
        return [f"{head} {lines[0]}", *((" " * indent + ln) if ln else "" for ln in lines[1:])]

    def sequence(self, node: yaml.SequenceNode, shape: _Shape, indent: int) -> list[str]:
        out: list[str] = []
        pad = " " * indent
        item_shape = shape.values or _ANY
        for item in node.value:
            notes = self._notes(item)
            lead, eol = list(notes.lead), list(notes.eol)
            if isinstance(item, yaml.ScalarNode):
                text = _block_scalar(_value(item))
                lines = text.split("\n")
                body = [f"{pad}- {lines[0]}", *((pad + ln) if ln else "" for ln in lines[1:])]
            else:
                flow = self._flow(item, item_shape)
                if flow is not None and (indent + 2 + len(flow) <= WIDTH or not item.value):
                    inner = self._inner_notes(item)
                    lead += inner.lead
                    eol += inner.eol
                    body = [f"{pad}- {flow}"]
                else:
                    if isinstance(item, yaml.MappingNode):
                        inner_lines = self.mapping(item, item_shape, indent + INDENT)
                    else:
                        inner_lines = self.sequence(item, _ANY, indent + INDENT)
                    # comments before the first key of the item go before its dash
                    while inner_lines and inner_lines[0].lstrip().startswith("#"):
                        lead.append(inner_lines.pop(0).lstrip())
                    body = [f"{pad}- {inner_lines[0].lstrip()}", *inner_lines[1:]] if inner_lines else [f"{pad}- {{}}"]
            out += [pad + c for c in lead]
            if eol:
                body[0] += "  " + " ".join(eol)
            out += body
        return out


def format_text(text: str, file: str = "<text>") -> str:
    """The canonical layout of one rulebook YAML file's text. Raises FormatError (invalid YAML, not
    one of the four kinds of file) and ValueError (a construct fmt does not rewrite)."""
    try:
        doc = load_document(file, text)
    except YamlError as exc:
        raise FormatError(exc.diagnostic) from None
    shape = kind_of(doc.data)
    if shape is None:
        raise FormatError(Diagnostic(file, 1, 1, "E100", "not a rulebook, overlay, rule-test or topics file"))
    source = text[1:] if text.startswith("\ufeff") else text
    root = yaml.compose(source, Loader=_LOADER)
    assert isinstance(root, yaml.MappingNode)
    notes, tail = _attach(source.splitlines(), root)
    head: list[str] = []
    if root.value:  # the comments before the first key are the file's: they stay at its top
        first = notes.get(id(root.value[0][0]))
        if first is not None:
            head, first.lead = first.lead, []
    writer = _Writer(notes)
    lines = head + writer.mapping(root, shape, 0)
    lines += tail
    out = "\n".join(lines) + "\n"
    _check_same(file, source, out, doc.data, shape)
    return out


def _comment_texts(text: str) -> list[str]:
    root = yaml.compose(text, Loader=_LOADER)
    return sorted(c[3] for c in _comments(text.splitlines(), root)) if root is not None else []


def _check_same(file: str, before: str, after: str, data: Any, shape: _Shape) -> None:
    """INVARIANT: the formatted text loads to the same models, and keeps every comment."""
    new = load_document(file, after).data
    if shape.model is not None:
        try:
            old = shape.model.model_validate(data)
        except ValidationError:  # an invalid file: `validate` says why; the layout is still given
            old = None
        try:
            same = old is None or old == shape.model.model_validate(new)
        except ValidationError:
            same = False
    else:
        same = data == new
    if not same or _comment_texts(before) != _comment_texts(after):
        raise AssertionError(f"{file}: formatting would change its meaning or drop a comment (a bug in fmt)")


def formattable(path: Path) -> bool:
    """Whether a YAML file found in a folder is one fmt formats (by its top-level keys)."""
    try:
        data = load_document(str(path)).data
    except YamlError:
        return True  # reported when formatted
    return kind_of(data) is not None


def yaml_files(paths: Iterable[str | Path]) -> list[Path]:
    """The rulebook YAML files named, and those under the folders named (sorted); other YAML files
    (actions, event logs, CI configuration) are left out, so that a hook can pass any changed file."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file() and formattable(f))
        elif formattable(p):
            found.append(p)
    return found
