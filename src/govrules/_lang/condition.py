"""The condition language: tokenize → parse into a tree → type-check against an action model →
compile into closures.

Nothing is evaluated with eval/exec, and a condition can reach only the action's declared fields:
paths are resolved against the pydantic model at load time, never with getattr on user names at
run time beyond those fields. Evaluation is three-valued (Kleene): a fact the action does not give
is `None`, "unknown"; `unknown and false` is false, `unknown or true` is true, anything else that
touches an unknown is unknown.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from .._actions import STEP_FIELDS
from .._errors import did_you_mean
from .._vocab import Party, StepType

STEP_TYPES = frozenset(get_args(StepType))
PARTIES = frozenset(get_args(Party))

Value = Any
Compiled = Callable[[Any], Value]

MAX_LENGTH = 2000
MAX_DEPTH = 50  # parentheses, `not`, lists and calls within one another
MAX_CHAIN = 100  # operands in one chain of `and`, `or`, `+`, `*`…: each is a level of the tree


class ConditionError(Exception):
    def __init__(self, code: str, message: str, offset: int, hint: str | None = None) -> None:
        self.code, self.message, self.offset, self.hint = code, message, offset, hint
        super().__init__(message)


# --- tokens ------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<date>\d{4}-\d{2}-\d{2})
    | (?P<int>\d+)
    | (?P<str>"[^"\\]*"|'[^'\\]*')
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\.|\+|-|\*)
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false"}


@dataclass(frozen=True)
class Token:
    kind: str  # date | int | str | name | op | kw | end
    text: str
    offset: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ConditionError("C001", f"condition longer than {MAX_LENGTH} characters", 0)
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            at = len(text) - len(text[pos:].lstrip())
            raise ConditionError("C002", f"unexpected character `{text[at]}`", at)
        kind = m.lastgroup or ""
        value, start = m.group(kind), m.start(kind)
        if kind == "name" and value in KEYWORDS:
            kind = "kw"
        tokens.append(Token(kind, value, start))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# --- the tree ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    offset: int


@dataclass(frozen=True)
class Lit(Node):
    value: Value


@dataclass(frozen=True)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class PathRef(Node):
    names: tuple[str, ...]


@dataclass(frozen=True)
class Unary(Node):
    op: str  # not | -
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # and or == != < <= > >= in notin + - *
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


class _Parser:
    """Recursive descent, lowest precedence first: or, and, not, comparison, sum, product, atom."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.take()
        if tok.text != text or tok.kind not in ("op", "kw"):
            found = f"`{tok.text}`" if tok.kind != "end" else "the end"
            raise ConditionError("C003", f"expected `{text}`, found {found}", tok.offset)
        return tok

    def parse(self) -> Node:
        node = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise ConditionError("C003", f"unexpected `{tok.text}`", tok.offset)
        return node

    def _nest(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError("C004", "condition nested too deep", offset)

    def _chain(self, length: int, offset: int) -> None:
        if length > MAX_CHAIN:
            raise ConditionError("C004", f"more than {MAX_CHAIN} operands in one chain", offset)

    def or_(self) -> Node:
        node = self.and_()
        length = 1
        while self.peek().text == "or" and self.peek().kind == "kw":
            tok = self.take()
            length += 1
            self._chain(length, tok.offset)
            node = Binary(tok.offset, "or", node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.not_()
        length = 1
        while self.peek().text == "and" and self.peek().kind == "kw":
            tok = self.take()
            length += 1
            self._chain(length, tok.offset)
            node = Binary(tok.offset, "and", node, self.not_())
        return node

    def not_(self) -> Node:
        tok = self.peek()
        if tok.kind == "kw" and tok.text == "not":
            self.take()
            self._nest(tok.offset)
            node = Unary(tok.offset, "not", self.not_())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum_()
        tok = self.peek()
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Binary(tok.offset, tok.text, left, self.sum_())
        if tok.kind == "kw" and tok.text == "in":
            self.take()
            return Binary(tok.offset, "in", left, self.sum_())
        if tok.kind == "kw" and tok.text == "not" and self.tokens[self.i + 1].text == "in":
            self.take()
            self.take()
            return Binary(tok.offset, "notin", left, self.sum_())
        return left

    def sum_(self) -> Node:
        node = self.product()
        length = 1
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            tok = self.take()
            length += 1
            self._chain(length, tok.offset)
            node = Binary(tok.offset, tok.text, node, self.product())
        return node

    def product(self) -> Node:
        node = self.atom()
        length = 1
        while self.peek().kind == "op" and self.peek().text == "*":
            tok = self.take()
            length += 1
            self._chain(length, tok.offset)
            node = Binary(tok.offset, "*", node, self.atom())
        return node

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "int":
            return Lit(tok.offset, int(tok.text))
        if tok.kind == "date":
            try:
                return Lit(tok.offset, dt.date.fromisoformat(tok.text))
            except ValueError:
                raise ConditionError("C005", f"`{tok.text}` is not a date", tok.offset) from None
        if tok.kind == "str":
            return Lit(tok.offset, tok.text[1:-1])
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Lit(tok.offset, tok.text == "true")
        if tok.kind == "op" and tok.text == "-":
            self._nest(tok.offset)
            node = Unary(tok.offset, "-", self.atom())
            self.depth -= 1
            return node
        if tok.kind == "op" and tok.text == "(":
            self._nest(tok.offset)
            inner = self.or_()
            self.expect(")")
            self.depth -= 1
            return inner
        if tok.kind == "op" and tok.text == "[":
            self._nest(tok.offset)
            items: list[Node] = []
            if self.peek().text != "]":
                items.append(self.sum_())
                while self.peek().text == ",":
                    self.take()
                    items.append(self.sum_())
            self.expect("]")
            self.depth -= 1
            return ListLit(tok.offset, tuple(items))
        if tok.kind == "name":
            if self.peek().text == "(" and self.peek().kind == "op":
                self._nest(self.take().offset)
                args: list[Node] = []
                if self.peek().text != ")":
                    args.append(self.or_())
                    while self.peek().text == ",":
                        self.take()
                        args.append(self.or_())
                self.expect(")")
                self.depth -= 1
                return Call(tok.offset, tok.text, tuple(args))
            names = [tok.text]
            while self.peek().text == "." and self.peek().kind == "op":
                self.take()
                part = self.take()
                if part.kind != "name":
                    raise ConditionError("C003", "expected a field name after `.`", part.offset)
                names.append(part.text)
            return PathRef(tok.offset, tuple(names))
        found = f"`{tok.text}`" if tok.kind != "end" else "the end of the condition"
        raise ConditionError("C003", f"expected a value, found {found}", tok.offset)


def parse(text: str) -> Node:
    """The tree of a condition. Raises ConditionError with the offset of the problem."""
    return _Parser(text).parse()


# --- types ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Type:
    base: str  # bool | int | str | date | list | object | any
    values: frozenset[str] | None = None  # for enumerated strings
    item: Type | None = None  # for lists
    model: type[BaseModel] | None = None  # for objects
    optional: bool = False

    def __str__(self) -> str:
        if self.base == "list":
            return f"list of {self.item}"
        if self.values is not None:
            shown = sorted(self.values)
            more = f", … ({len(shown) - 6} more)" if len(shown) > 6 else ""
            return "one of " + ", ".join(shown[:6]) + more
        return self.base


BOOL, INT, STR, DATE, ANY = Type("bool"), Type("int"), Type("str"), Type("date"), Type("any")


def type_of(annotation: Any) -> Type:
    """Our type for a pydantic field annotation."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return type_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        inner = type_of(args[0]) if len(args) == 1 else _union(args)
        return Type(inner.base, inner.values, inner.item, inner.model, optional=True)
    if origin is Literal:
        return Type("str", frozenset(str(v) for v in get_args(annotation)))
    if origin in (tuple, list):
        return Type("list", item=type_of(get_args(annotation)[0]))
    if annotation is bool:
        return BOOL
    if annotation is int:
        return INT
    if annotation is str:
        return STR
    if annotation is dt.date:
        return DATE
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Type("object", model=annotation)
    return ANY


def _union(args: list[Any]) -> Type:
    parts = [type_of(a) for a in args]
    if all(p.values is not None for p in parts):
        return Type("str", frozenset().union(*(p.values or () for p in parts)))
    return ANY


@dataclass
class Checked:
    """A condition, checked and compiled: the closure, and the fields it reads."""

    fn: Compiled
    paths: tuple[tuple[str, ...], ...]
    getters: dict[tuple[str, ...], Compiled] = field(default_factory=dict)
    done: tuple[tuple[str, str], ...] = ()  # the (step, party) pairs its `done()` calls read
    tree: Node | None = None  # the parsed, type-checked tree (for generated code, `_codegen`)

    def missing(self, action: Any) -> list[str]:
        """The facts this condition reads that `action` does not give."""
        return [".".join(p) for p, get in self.getters.items() if get(action) is None]


FUNCTIONS = {"known", "len", "days_between", "working_days_between", "done"}


def _done(steps: Any, step: str, party: str) -> bool | None:
    """Whether the action's record of steps holds `step` with `party`: true for a dated one; unknown
    when the only ones it holds are undated (done, time unknown: the decision asks for the date);
    false when it holds none (the record is the caller's account of what was done)."""
    undated = False
    for s in steps:
        if s.step == step and s.party == party:
            if s.date is not None:
                return True
            undated = True
    return None if undated else False


class _Compiler:
    def __init__(self, model: type[BaseModel], working_days: Callable[[dt.date, dt.date], int]):
        self.model = model
        self.working_days = working_days
        self.getters: dict[tuple[str, ...], Compiled] = {}
        self.done: list[tuple[str, str]] = []

    def resolve(self, node: PathRef) -> tuple[Type, Compiled]:
        current: type[BaseModel] | None = self.model
        typ = ANY
        for i, name in enumerate(node.names):
            if current is None:
                prefix = ".".join(node.names[:i])
                raise ConditionError("C010", f"`{prefix}` has no fields", node.offset)
            fields = current.model_fields
            if name not in fields or name in ("kind",):
                hint = did_you_mean(name, [f for f in fields if f != "kind"])
                if i == 0 and name in STEP_FIELDS and "steps" in fields:
                    hint = (
                        f"`{name}` is a step, not a fact: require a `{STEP_FIELDS[name]}` step in the effect, "
                        f'or read it with `done("{STEP_FIELDS[name]}", PARTY)`'
                    )
                raise ConditionError("C011", f"unknown field `{'.'.join(node.names[: i + 1])}`", node.offset, hint)
            typ = type_of(fields[name].annotation)
            current = typ.model
        if typ.base == "object":
            known = ", ".join(typ.model.model_fields) if typ.model else ""
            raise ConditionError(
                "C012",
                f"`{'.'.join(node.names)}` is an object: name one of its fields ({known})",
                node.offset,
            )
        names = node.names
        if len(names) == 1:
            (n0,) = names

            def get(a: Any) -> Value:
                return getattr(a, n0)
        else:

            def get(a: Any) -> Value:
                for n in names:
                    a = getattr(a, n)
                    if a is None:
                        return None
                return a

        self.getters[names] = get
        return typ, get

    def compile(self, node: Node) -> tuple[Type, Compiled]:
        if isinstance(node, Lit):
            v = node.value
            typ = (
                BOOL
                if isinstance(v, bool)
                else INT
                if isinstance(v, int)
                else (DATE if isinstance(v, dt.date) else Type("str", frozenset([v])))
            )
            return typ, lambda a: v
        if isinstance(node, ListLit):
            compiled = [self.compile(i) for i in node.items]
            item = compiled[0][0] if compiled else ANY
            for (t, _), sub in zip(compiled, node.items, strict=True):
                if _base(t) != _base(item):
                    raise ConditionError("C020", f"a list mixes {item} and {t}", sub.offset)
            if item.values is not None:
                literal = all(isinstance(i, Lit) for i in node.items)
                values = frozenset().union(*(t.values or () for t, _ in compiled))
                item = Type("str", values if literal else None)
            fns = [f for _, f in compiled]
            if all(isinstance(i, Lit) for i in node.items):
                const = frozenset(i.value for i in node.items)  # type: ignore[attr-defined]
                return Type("list", item=item), lambda a: const
            return Type("list", item=item), lambda a: tuple(f(a) for f in fns)
        if isinstance(node, PathRef):
            return self.resolve(node)
        if isinstance(node, Unary):
            typ, f = self.compile(node.operand)
            if node.op == "not":
                _need(typ, "bool", node.operand, "`not`")
                return BOOL, lambda a: None if (v := f(a)) is None else not v
            _need(typ, "int", node.operand, "`-`")
            return INT, lambda a: None if (v := f(a)) is None else -v
        if isinstance(node, Call):
            return self.call(node)
        assert isinstance(node, Binary)
        return self.binary(node)

    def call(self, node: Call) -> tuple[Type, Compiled]:
        if node.name not in FUNCTIONS:
            raise ConditionError(
                "C030", f"unknown function `{node.name}`", node.offset, did_you_mean(node.name, FUNCTIONS)
            )
        arity = 1 if node.name in ("known", "len") else 2
        if len(node.args) != arity:
            raise ConditionError("C031", f"`{node.name}` takes {arity} argument(s)", node.offset)
        if node.name == "done":
            return self.done_call(node)
        if node.name == "known":
            arg = node.args[0]
            if not isinstance(arg, PathRef):
                raise ConditionError("C031", "`known` takes a field", arg.offset)
            _, get = self.resolve(arg)
            return BOOL, lambda a: get(a) is not None
        compiled = [self.compile(arg) for arg in node.args]
        if node.name == "len":
            _need(compiled[0][0], "list", node.args[0], "`len`")
            f = compiled[0][1]
            return INT, lambda a: None if (v := f(a)) is None else len(v)
        for (typ, _), arg in zip(compiled, node.args, strict=True):
            _need(typ, "date", arg, f"`{node.name}`")
        (_, f1), (_, f2) = compiled
        if node.name == "days_between":
            return INT, lambda a: None if (x := f1(a)) is None or (y := f2(a)) is None else (y - x).days
        count = self.working_days
        return INT, lambda a: None if (x := f1(a)) is None or (y := f2(a)) is None else count(x, y)

    def done_call(self, node: Call) -> tuple[Type, Compiled]:
        """`done("approval", "government")`: the action's `steps` hold that step with that party."""
        if "steps" not in self.model.model_fields:
            raise ConditionError("C032", "`done` reads an action's `steps`: there are none here", node.offset)
        names = []
        for arg, known, what in zip(node.args, (STEP_TYPES, PARTIES), ("step", "party"), strict=True):
            if not isinstance(arg, Lit) or not isinstance(arg.value, str) or isinstance(arg.value, bool):
                raise ConditionError("C031", f"`done` takes a {what} name in quotes", arg.offset)
            if arg.value not in known:
                raise ConditionError(
                    "C023", f"`{arg.value}` is not a {what}", arg.offset, did_you_mean(arg.value, known)
                )
            names.append(arg.value)
        step, party = names
        self.done.append((step, party))
        pairs = self.done  # shared: the getter sees every done() of the condition

        def steps_given(a: Any) -> Value:
            """`steps`, or None (asked for) when a step a done() reads is there only undated."""
            return None if any(_done(a.steps, s, p) is None for s, p in pairs) else a.steps

        self.getters[("steps",)] = steps_given
        return BOOL, lambda a: _done(a.steps, step, party)

    def binary(self, node: Binary) -> tuple[Type, Compiled]:
        lt, lf = self.compile(node.left)
        rt, rf = self.compile(node.right)
        op = node.op
        if op in ("and", "or"):
            _need(lt, "bool", node.left, f"`{op}`")
            _need(rt, "bool", node.right, f"`{op}`")
            return BOOL, (_and(lf, rf) if op == "and" else _or(lf, rf))
        if op in ("in", "notin"):
            _need(rt, "list", node.right, "`in`")
            assert rt.item is not None
            _compatible(lt, rt.item, node.right)
            _compatible(rt.item, lt, node.left)
            neg = op == "notin"

            def member(a: Any) -> Value:
                x, ys = lf(a), rf(a)
                if x is None or ys is None:
                    return None
                if x in ys:
                    return not neg
                # `x in [a, b]` with b not given: not found among the known items is not "false".
                return None if None in ys else neg

            return BOOL, member
        if op in ("+", "-", "*"):
            _need(lt, "int", node.left, f"`{op}`")
            _need(rt, "int", node.right, f"`{op}`")
            fn: Callable[[Any, Any], Any] = {"+": operator.add, "-": operator.sub, "*": operator.mul}[op]
            return INT, lambda a: None if (x := lf(a)) is None or (y := rf(a)) is None else fn(x, y)
        # comparisons
        if "list" in (lt.base, rt.base):
            raise ConditionError("C021", f"`{op}` does not compare lists: test items with `in`", node.offset)
        if op in ("<", "<=", ">", ">=") and _base(lt) not in ("int", "date", "any"):
            raise ConditionError("C021", f"`{op}` compares numbers or dates, not {lt}", node.offset)
        _compatible(lt, rt, node.right)
        _compatible(rt, lt, node.left)
        cmp: Callable[[Any, Any], Any] = {
            "==": operator.eq,
            "!=": operator.ne,
            "<": operator.lt,
            "<=": operator.le,
            ">": operator.gt,
            ">=": operator.ge,
        }[op]
        return BOOL, lambda a: None if (x := lf(a)) is None or (y := rf(a)) is None else cmp(x, y)


def _base(t: Type) -> str:
    return t.base


def _need(t: Type, base: str, node: Node, where: str) -> None:
    if t.base not in (base, "any"):
        raise ConditionError("C022", f"{where} needs {base}, found {t}", node.offset)


def _compatible(expected: Type, got: Type, node: Node) -> None:
    """`got` (a literal or field) can be compared with a value of type `expected`."""
    if "any" in (expected.base, got.base):
        return
    if expected.base != got.base:
        raise ConditionError("C021", f"cannot compare {expected} with {got}", node.offset)
    if expected.values is not None and got.values is not None and isinstance(node, Lit | ListLit):
        unknown = sorted(got.values - expected.values)
        if unknown:
            raise ConditionError(
                "C023",
                f"`{unknown[0]}` is not a value here: expected {expected}",
                node.offset,
                did_you_mean(unknown[0], expected.values),
            )


def _and(lf: Compiled, rf: Compiled) -> Compiled:
    def f(a: Any) -> Value:
        x = lf(a)
        if x is False:
            return False
        y = rf(a)
        if y is False:
            return False
        return None if x is None or y is None else True

    return f


def _or(lf: Compiled, rf: Compiled) -> Compiled:
    def f(a: Any) -> Value:
        x = lf(a)
        if x is True:
            return True
        y = rf(a)
        if y is True:
            return True
        return None if x is None or y is None else False

    return f


def conjoin(first: Checked, second: Checked) -> Checked:
    """`first and second`, three-valued, reading the facts of both."""
    getters = {**first.getters, **second.getters}
    a_, b_ = first.getters.get(("steps",)), second.getters.get(("steps",))
    if a_ is not None and b_ is not None:
        fa, fb = a_, b_
        getters[("steps",)] = lambda a: None if fa(a) is None or fb(a) is None else a.steps
    tree = Binary(0, "and", first.tree, second.tree) if first.tree and second.tree else None
    return Checked(_and(first.fn, second.fn), (*first.paths, *second.paths), getters, (*first.done, *second.done), tree)


def nodes(tree: Node) -> Iterator[Node]:
    """Every node of a tree, depth first."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, Binary):
            todo += (node.right, node.left)
        elif isinstance(node, Unary):
            todo.append(node.operand)
        elif isinstance(node, Call):
            todo += reversed(node.args)
        elif isinstance(node, ListLit):
            todo += reversed(node.items)


def fail_open_guards(tree: Node, *, exception: bool) -> list[Call]:
    """The `known(x)` calls that would let a rule pass when x is not given.

    A binding rule whose condition holds only when x is known (`known(x) and …`) stops applying when
    the caller leaves x out: the act comes back allowed for lack of a fact. An exception that holds
    when x is not known (`not known(x)`) defeats its rule for lack of a fact. Both fail open."""
    found: list[Call] = []
    split: set[int] = set()  # ids of known() calls in a complete case split: `(known(x) and A) or (not known(x) and B)`

    def guards(node: Node) -> dict[tuple[tuple[str, ...], bool], Call]:
        """The known() calls among the conjuncts of `node`, by (path, negated)."""
        if isinstance(node, Binary) and node.op == "and":
            return {**guards(node.left), **guards(node.right)}
        negated = isinstance(node, Unary) and node.op == "not"
        inner = node.operand if isinstance(node, Unary) and negated else node
        if isinstance(inner, Call) and inner.name == "known" and inner.args and isinstance(inner.args[0], PathRef):
            return {(inner.args[0].names, negated): inner}
        return {}

    def disjuncts(node: Node) -> list[Node]:
        if isinstance(node, Binary) and node.op == "or":
            return disjuncts(node.left) + disjuncts(node.right)
        return [node]

    def walk(node: Node, positive: bool | None) -> None:
        """`positive`: the polarity of `node` in the condition; None where it counts both ways (an
        operand of a comparison). Each node is visited once: a chain of 100 `+` stays linear."""
        if isinstance(node, Binary) and node.op == "or":
            sides = [guards(d) for d in disjuncts(node)]
            every = {key for g in sides for key in g}
            for g in sides:
                for (path, negated), call in g.items():
                    if (path, not negated) in every:
                        split.add(id(call))
        if isinstance(node, Call) and node.name == "known":
            if (positive is None or positive != exception) and id(node) not in split:
                found.append(node)
        elif isinstance(node, Unary):
            walk(node.operand, (not positive if positive is not None else None) if node.op == "not" else positive)
        elif isinstance(node, Binary):
            if node.op in ("and", "or"):
                walk(node.left, positive)
                walk(node.right, positive)
            else:  # known() compared with a value: either polarity
                walk(node.left, None)
                walk(node.right, None)
        elif isinstance(node, Call):
            for arg in node.args:
                walk(arg, None)
        elif isinstance(node, ListLit):
            for item in node.items:
                walk(item, None)

    walk(tree, True)
    return found


def done_guards(tree: Node, *, exception: bool) -> list[tuple[Call, str]]:
    """The `done()` calls that would stand in for a `require`, each with why.

    `done(step, party)` answers "was it done", from the action's record of steps; it never answers
    "is the act allowed". It is safe where a duty follows from a step done (a department document
    issued with the government's approval says so): without the step, the duty does not arise, which
    is the text's own answer. It is refused where it would decide the act on a step owed:
    `not done(x)` in a binding rule (a step still owed is a `require`, which says *pending* while it
    can still be done and checks its date), and any `done()` in an exception (one that applies for
    lack of a step fails open; one that needs a step carries it as a `require`)."""
    found: list[tuple[Call, str]] = []

    def walk(node: Node, positive: bool | None) -> None:  # None: both polarities (visited once)
        if isinstance(node, Call) and node.name == "done":
            if exception:
                found.append((node, "an exception does not read `done()`: give it a `require` effect instead"))
            elif positive is not True:
                found.append((node, "`not done(…)` in a binding rule asks for a step owed: `require` it instead"))
        elif isinstance(node, Unary):
            walk(node.operand, (not positive if positive is not None else None) if node.op == "not" else positive)
        elif isinstance(node, Binary):
            if node.op in ("and", "or"):
                walk(node.left, positive)
                walk(node.right, positive)
            else:
                walk(node.left, None)
                walk(node.right, None)
        elif isinstance(node, Call | ListLit):
            for sub in node.args if isinstance(node, Call) else node.items:
                walk(sub, None)

    walk(tree, True)
    return found


def compile_condition(
    text: str,
    model: type[BaseModel],
    working_days: Callable[[dt.date, dt.date], int],
    *,
    guard: Literal["rule", "exception"] | None = None,
) -> Checked:
    """Parse, type-check against `model` and compile `text`. Raises ConditionError.

    With `guard`, refuse a `known()` that would make a binding rule (or an exception) fail open."""
    tree = parse(text)
    if guard is not None:
        for call in fail_open_guards(tree, exception=guard == "exception"):
            arg = call.args[0] if call.args else call
            name = ".".join(arg.names) if isinstance(arg, PathRef) else "…"
            raise ConditionError(
                "C040",
                f"`known({name})` lets the rule pass when `{name}` is not given (fail open)",
                call.offset,
                "read the fact itself: three-valued logic reports it missing; or declare a presumption",
            )
        for call, why in done_guards(tree, exception=guard == "exception"):
            raise ConditionError("C041", f"`done()` here would decide the act on a step owed: {why}", call.offset)
    compiler = _Compiler(model, working_days)
    typ, fn = compiler.compile(tree)
    if typ.base not in ("bool", "any"):
        raise ConditionError("C024", f"a condition must be true or false, not {typ}", 0)
    return Checked(fn, tuple(compiler.getters), compiler.getters, tuple(compiler.done), tree)
