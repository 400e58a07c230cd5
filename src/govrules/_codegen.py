"""Generated Python for the conditions of one (version, kind): a faster form of the closures of
`_condition`, with the same three-valued results.

Source is generated only from the parsed, type-checked tree (`Checked.tree`), never from text a user
wrote: a field name is emitted only after it is found among the model's fields (and is an
identifier), a literal only through `repr` of the parsed value (str, int, bool, date, or a frozenset
of them), and every other name is one this module makes (`a`, `_v3`, `_p1`, `_k2`, the helpers of
`NAMESPACE`). `check_source` proves that of any text this module returns, and the fuzz tests run it
on random trees.

Each node is evaluated exactly as its closure is: the same operands, in the same order, with the same
short cuts (`x and y` does not read y when x is false; a comparison does not read its right side
when its left is unknown), so that even the one evaluation that can raise (a working-day count past
the calendar) raises where the closure would. Field reads are hoisted to the top of the function:
reading a field of a frozen model has no effect and always gives the same value.
"""

from __future__ import annotations

import ast
import datetime
import keyword
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from ._lang.condition import Binary, Call, ListLit, Lit, Node, PathRef, Unary, _done

MAX_NESTING = 40  # blocks within one another; Python allows 100, a deeper tree keeps its closure
NAMESPACE_NAMES = ("datetime", "frozenset", "len", "_done", "_wd", "_steps")
_CMP = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ARITH = {"+": "+", "-": "-", "*": "*"}


class Unsupported(Exception):
    """A tree this generator leaves to its closure (too deep, or a shape it does not know)."""


def _is_local(expr: str) -> bool:
    """A local of the generated function (a temporary or a field read), which may hold None."""
    return expr[:2] in ("_v", "_p") and expr[2:].isdigit()


def _literal(value: Any) -> str:
    """The source of a parsed literal, through repr; only the types the parser makes."""
    if type(value) in (bool, int, str, datetime.date):
        return repr(value)
    if type(value) is frozenset and all(type(v) in (bool, int, str, datetime.date) for v in value):
        return "frozenset({" + ", ".join(sorted(repr(v) for v in value)) + "})" if value else "frozenset()"
    raise Unsupported(f"literal of type {type(value).__name__}")


def _field_names(model: type[BaseModel] | None, names: tuple[str, ...]) -> tuple[str, ...]:
    """`names` checked against the model, level by level: each a declared field and an identifier."""
    from ._lang.condition import type_of

    current = model
    for name in names:
        if current is None or name not in current.model_fields or not name.isidentifier() or keyword.iskeyword(name):
            raise Unsupported(f"`{name}` is not a field here")
        current = type_of(current.model_fields[name].annotation).model
    return names


class Generator:
    """Source for one function of the conditions of one model: `add` a tree, get the name of the
    local holding its value; `function` wraps what was added."""

    def __init__(self, model: type[BaseModel], consts: dict[str, str] | None = None) -> None:
        self.model = model
        self.lines: list[str] = []
        self.paths: dict[tuple[str, ...], str] = {}  # hoisted field reads
        # module-level constants: name → source (frozensets, dates), shared by a Module's functions
        self.consts: dict[str, str] = {} if consts is None else consts
        self.n = 0
        self.depth = 1

    # --- helpers -------------------------------------------------------------------------------
    def tmp(self) -> str:
        self.n += 1
        return f"_v{self.n}"

    def emit(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def nest(self, by: int = 1) -> None:
        self.depth += by
        if self.depth > MAX_NESTING:
            raise Unsupported("nested too deep")

    def const(self, value: Any) -> str:
        src = _literal(value)
        if type(value) in (bool, int, str):
            return src
        for name, have in self.consts.items():
            if have == src:
                return name
        name = f"_k{len(self.consts)}"
        self.consts[name] = src
        return name

    def path(self, names: tuple[str, ...]) -> str:
        _field_names(self.model, names)
        if names not in self.paths:
            self.paths[names] = f"_p{len(self.paths)}"
        return self.paths[names]

    def named(self, expr: str) -> str:
        """`expr` as a local name (identity tests are made on names, never on literals)."""
        if _is_local(expr) or (expr[:2] == "_k" and expr[2:].isdigit()):
            return expr
        t = self.tmp()
        self.emit(f"{t} = {expr}")
        return t

    # --- nodes ---------------------------------------------------------------------------------
    def add(self, node: Node) -> str:
        """Emit the statements computing `node`; the expression (a name or a literal) of its value."""
        if isinstance(node, Lit):
            return self.const(node.value)
        if isinstance(node, PathRef):
            return self.path(node.names)
        if isinstance(node, ListLit):
            if all(isinstance(i, Lit) for i in node.items):
                return self.const(frozenset(i.value for i in node.items))  # type: ignore[attr-defined]
            items = [self.add(i) for i in node.items]
            t = self.tmp()
            self.emit(f"{t} = ({''.join(i + ', ' for i in items)})")
            return t
        if isinstance(node, Unary):
            x = self.named(self.add(node.operand))
            t = self.tmp()
            op = "not " if node.op == "not" else "-"
            self.emit(f"{t} = None if {x} is None else {op}{x}")
            return t
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Binary):
            if node.op in ("and", "or"):
                return self.chain(node)
            if node.op in ("in", "notin"):
                return self.member(node)
            if node.op in _CMP:
                return self.lazy(node.left, node.right, lambda x, y: f"{x} {_CMP[node.op]} {y}")
            if node.op in _ARITH:
                return self.lazy(node.left, node.right, lambda x, y: f"{x} {_ARITH[node.op]} {y}")
        raise Unsupported(f"node {type(node).__name__}")

    def lazy(self, left: Node, right: Node, combine: Callable[[str, str], str]) -> str:
        """`None if (x := left) is None or (y := right) is None else combine(x, y)`: the right side is
        not read when the left is unknown."""
        x = self.named(self.add(left))
        t = self.tmp()
        mark = len(self.lines)
        depth = self.depth
        self.nest()
        y = self.add(right)
        self.depth = depth
        inner = self.lines[mark:]
        y_known = "" if _is_local(y) else "_"  # a literal or a constant is never unknown
        if not inner:  # the right side is a name or a literal: nothing to defer
            test = f"{x} is None or {y} is None" if not y_known else f"{x} is None"
            self.emit(f"{t} = None if {test} else ({combine(x, y)})")
            return t
        del self.lines[mark:]
        self.emit(f"if {x} is None:")
        self.emit(f"    {t} = None")
        self.emit("else:")
        self.lines += inner
        self.emit(f"    {t} = " + (f"None if {y} is None else " if not y_known else "") + f"({combine(x, y)})")
        return t

    def chain(self, node: Binary) -> str:
        """A chain of `and` (or of `or`): operands in order, stopping at the first false (true); else
        unknown if any was, else true (false). The same as the nested closures, flattened."""
        op = node.op
        stop, go = ("False", "True") if op == "and" else ("True", "False")
        operands: list[Node] = []

        def flatten(n: Node) -> None:
            if isinstance(n, Binary) and n.op == op:
                flatten(n.left)
                flatten(n.right)
            else:
                operands.append(n)

        flatten(node)
        t = self.tmp()
        self.emit(f"{t} = {go}")
        self.emit("while True:")
        self.nest()
        for sub in operands:
            x = self.named(self.add(sub))
            self.emit(f"if {x} is {stop}:")
            self.emit(f"    {t} = {stop}")
            self.emit("    break")
            self.emit(f"if {x} is None:")
            self.emit(f"    {t} = None")
        self.emit("break")
        self.depth -= 1
        return t

    def member(self, node: Binary) -> str:
        neg = node.op == "notin"
        x = self.named(self.add(node.left))
        ys = self.add(node.right)
        t = self.tmp()
        if isinstance(node.right, ListLit) and all(isinstance(i, Lit) for i in node.right.items):
            # a frozenset of parsed literals: never unknown, never holds None
            self.emit(f"{t} = None if {x} is None else ({x} {'not in' if neg else 'in'} {ys})")
            return t
        ys = self.named(ys)
        self.emit(f"if {x} is None or {ys} is None:")
        self.emit(f"    {t} = None")
        self.emit(f"elif {x} in {ys}:")
        self.emit(f"    {t} = {not neg}")
        self.emit("else:")
        self.emit(f"    {t} = None if None in {ys} else {neg}")
        return t

    def call(self, node: Call) -> str:
        t = self.tmp()
        if node.name == "known":
            (arg,) = node.args
            if not isinstance(arg, PathRef):
                raise Unsupported("known() of a non-field")
            self.emit(f"{t} = {self.path(arg.names)} is not None")
            return t
        if node.name == "len":
            x = self.named(self.add(node.args[0]))
            self.emit(f"{t} = None if {x} is None else len({x})")
            return t
        if node.name == "done":
            step, party = node.args
            if not (
                isinstance(step, Lit)
                and isinstance(party, Lit)
                and type(step.value) is str
                and type(party.value) is str
            ):
                raise Unsupported("done() of non-literals")
            self.emit(f"{t} = _done({self.path(('steps',))}, {_literal(step.value)}, {_literal(party.value)})")
            return t
        if node.name in ("days_between", "working_days_between"):
            first, second = node.args
            if node.name == "days_between":
                return self.lazy(first, second, lambda x, y: f"({y} - {x}).days")
            return self.lazy(first, second, lambda x, y: f"_wd({x}, {y})")
        raise Unsupported(f"function {node.name}")

    # --- the function --------------------------------------------------------------------------
    def source(self, name: str, body: list[str], returns: str) -> str:
        """A module defining the constants and `def name(a)`, the field reads hoisted."""
        return "".join(f"{k} = {v}\n" for k, v in self.consts.items()) + self.function(name, body, returns)

    def function(self, name: str, body: list[str], returns: str) -> str:
        """`def name(a)`, the field reads hoisted (the constants are the module's)."""
        out = [f"def {name}(a):"]
        for names, local in self.paths.items():
            first, *rest = names
            out.append(f"    {local} = a.{first}")
            for n in rest:
                out.append(f"    {local} = None if {local} is None else {local}.{n}")
        out += body
        out.append(f"    return {returns}")
        return "\n".join(out) + "\n"


class Module:
    """Generated functions of one model that share their constants: one source, checked and
    compiled once (a plan's conditions, its selection of rules, its facts)."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.consts: dict[str, str] = {}
        self.functions: list[str] = []
        self.n = 0

    def generator(self) -> Generator:
        return Generator(self.model, self.consts)

    def add(self, gen: Generator, returns: str) -> str:
        """Add the function `gen` made; its name."""
        name = f"_f{self.n}"
        self.n += 1
        self.functions.append(gen.function(name, gen.lines, returns))
        return name

    def load(self, ns: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
        """The functions, by name. Raises Unsupported (or SyntaxError, RecursionError: the caller
        keeps the closures)."""
        src = "".join(f"{k} = {v}\n" for k, v in self.consts.items()) + "".join(self.functions)
        from ._cache import checked_code

        code = checked_code(src, "<govrules:plan>", lambda: check_source(src, self.model))
        scope = dict(ns)
        exec(code, scope)
        return {k: v for k, v in scope.items() if k.startswith("_f") and callable(v)}


def check_source(src: str, model: type[BaseModel]) -> None:
    """Prove that `src` holds only names this module makes, field names of `model` (or of the models
    below it) after a dot, and literals that are str, int, bool or None. Raises Unsupported."""
    fields: set[str] = set()
    todo: list[type[BaseModel]] = [model]
    from ._lang.condition import type_of

    while todo:
        m = todo.pop()
        for name, info in m.model_fields.items():
            fields.add(name)
            sub = type_of(info.annotation).model
            if sub is not None and sub.__name__ not in {t.__name__ for t in todo}:
                todo.append(sub)
    fields.add("date")  # datetime.date, the class of a date literal
    tree = ast.parse(src)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            ok = (
                node.id in NAMESPACE_NAMES
                or node.id == "a"
                or (node.id[:2] in ("_v", "_p", "_k", "_f", "_r") and node.id[2:].isdigit())
            )
            if not ok:
                raise Unsupported(f"name `{node.id}` in generated source")
        elif isinstance(node, ast.Attribute):
            if node.attr not in fields and node.attr not in ("days", "append"):
                raise Unsupported(f"attribute `{node.attr}` in generated source")
        elif isinstance(node, ast.Constant):
            if node.value is not None and type(node.value) not in (str, int, bool):
                raise Unsupported(f"constant {node.value!r} in generated source")
        elif isinstance(node, ast.FunctionDef):
            if not (node.name[:2] in ("_f", "_r") and node.name[2:].isdigit()):
                raise Unsupported(f"function `{node.name}` in generated source")
        elif isinstance(node, ast.Call):
            callee = node.func
            allowed = isinstance(callee, ast.Name) and callee.id in ("frozenset", "len", "_done", "_wd", "_steps")
            allowed |= isinstance(callee, ast.Attribute) and callee.attr in ("date", "append")
            if not allowed:
                raise Unsupported("a call in generated source")
        elif isinstance(
            node,
            ast.Import
            | ast.ImportFrom
            | ast.Lambda
            | ast.ClassDef
            | ast.Global
            | ast.Nonlocal
            | ast.Subscript
            | ast.Starred,
        ):
            raise Unsupported(f"{type(node).__name__} in generated source")


def _steps(steps: Any) -> tuple[tuple[Any, ...], ...]:
    """An action's steps as plain values, for a key (a step is its fields: equal fields, equal step)."""
    return tuple(tuple(s.__dict__.values()) for s in steps)


def namespace(working_days: Callable[[datetime.date, datetime.date], int]) -> dict[str, Any]:
    return {
        "__builtins__": {},
        "datetime": datetime,
        "frozenset": frozenset,
        "len": len,
        "_done": _done,
        "_wd": working_days,
        "_steps": _steps,
    }


def load_function(src: str, name: str, model: type[BaseModel], ns: dict[str, Any]) -> Callable[[Any], Any]:
    """Check `src` (see `check_source`), compile it, and give back `name` from it."""
    from ._cache import checked_code

    code = checked_code(src, f"<govrules:{name}>", lambda: check_source(src, model))
    scope = dict(ns)
    exec(code, scope)
    fn: Callable[[Any], Any] = scope[name]
    return fn


def condition_function(
    tree: Node, model: type[BaseModel], working_days: Callable[[datetime.date, datetime.date], int]
) -> Callable[[Any], Any]:
    """One condition as a generated function of the action, equal to its closure. Raises Unsupported."""
    gen = Generator(model)
    value = gen.add(tree)
    src = gen.source("_f0", gen.lines, value)
    return load_function(src, "_f0", model, namespace(working_days))


def conjuncts(tree: Node) -> list[Node]:
    """The operands of a top-level chain of `and`, in order."""
    if isinstance(tree, Binary) and tree.op == "and":
        return conjuncts(tree.left) + conjuncts(tree.right)
    return [tree]


def equality_key(tree: Node | None) -> tuple[tuple[str, ...], frozenset[Any]] | None:
    """(field, the values it must have) when a leading conjunct of `tree` tests a field for equality
    with literals (`issuer == "government"`, `actor.role in ["head", "deputy"]`): when the field is
    known and not among them the whole condition is false. Only conjuncts before any that could raise
    are taken, so that skipping the condition skips nothing the closure would have done."""
    if tree is None:
        return None
    for node in conjuncts(tree):
        if isinstance(node, Binary) and isinstance(node.left, PathRef):
            right = node.right
            if node.op == "==" and isinstance(right, Lit) and type(right.value) in (str, int, bool):
                return node.left.names, frozenset([right.value])
            if (
                node.op == "in"
                and isinstance(right, ListLit)
                and right.items
                and all(isinstance(i, Lit) and type(i.value) in (str, int, bool) for i in right.items)
            ):
                return node.left.names, frozenset(i.value for i in right.items)  # type: ignore[attr-defined]
        if _may_raise(node):
            return None
    return None


def _may_raise(node: Node) -> bool:
    if isinstance(node, Call) and node.name == "working_days_between":
        return True
    children: Iterable[Node] = ()
    if isinstance(node, Binary):
        children = (node.left, node.right)
    elif isinstance(node, Unary):
        children = (node.operand,)
    elif isinstance(node, Call):
        children = node.args
    elif isinstance(node, ListLit):
        children = node.items
    return any(_may_raise(c) for c in children)
