"""A dict turned into an action without pydantic, for the strict common inputs only.

`ACTION_ADAPTER.validate_python` costs more per action than the engine's judging. Most actions are
plain JSON of exactly the types the models declare, and for those the outcome of validation is known
in advance: every value kept as given (dates parsed), `"unknown"` read as not given. `fast_action`
builds that outcome directly (`object.__new__` and the model's slots, as `model_construct` does) and
returns None for anything else, so that the caller validates the usual way and every error is
pydantic's.

What each field takes is derived from the models (`_field`): names from `model_fields`, the choices
of a Literal from its annotation, bounds from the field's metadata, defaults from the field. A model
whose config, validators or field types are not all ones this module reproduces gets no plan, and
its kind always goes to pydantic. A value is taken only when it is exactly of a plain type the field
keeps as it is:

- str: an exact `str` with nothing `str_strip_whitespace` would strip at either end, valid Unicode
  (no lone surrogate), within `max_length`; a Literal's value among its choices; a jurisdiction
  matching the one pattern this module knows;
- a date: a `datetime.date` (not a datetime), or a `YYYY-MM-DD` string of ASCII digits;
- bool (never 0 or 1), int (never a bool; within `ge` and 64 bits), None where the field admits it;
- a list or tuple for a tuple field, each item by the same rules; a dict for a nested model;
- `"unknown"` for an optional field of an action: None, the key still counted as given
  (`_Action._unknown_is_not_given`); a reply's `lead_deadline` sets `own_deadline_set` as
  `ReplyToConsultation._lead_deadline_says_one_was_set` does (declined where that refuses).

Speed: the keys of a dict, in order, are its shape. A model reads a dict of a shape it has not seen
often field by field, through each field's check; a shape seen `_WARM` times gets a function of its
own, generated from the model's field names and the literals of its annotations (through repr, never
from the input: the shape only says which of the model's fields are given, once they are all found
among them), checked by `check_source` and compiled once. What the judge then reads costs what
pydantic's does: a Literal's value is the Literal's own string (pydantic's string cache does the
same), so keys made of it compare by identity. A nested model of few values (an actor of a role)
is made once and shared, and a nested model's set of given fields is its shape's: frozen values,
which pydantic itself changes only in a copy.

INVARIANT: `fast_action(d)` is None or equal to `ACTION_ADAPTER.validate_python(d)` in type, value,
dump and `model_fields_set`, nested models too (tests/test_fastparse.py proves it on every rule test
case, the examples, the bench and random dicts of every kind, valid or nearly so, every shape
generated).
"""

from __future__ import annotations

import ast
import datetime as dt
import keyword
import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from ._actions import ACTION_MODELS, UNKNOWN, Action, ReplyToConsultation, _Action

_slots = BaseModel.__dict__
_ACTION_SET = frozenset(ACTION_MODELS.values())
_CONFIG = {"extra": "forbid", "frozen": True, "str_strip_whitespace": True}
# The model validators this module reproduces, by their function (a new one, or a changed one,
# leaves its models to pydantic).
_UNKNOWN_FN = _Action.__dict__["_unknown_is_not_given"].__func__
_LEAD_FN = ReplyToConsultation.__dict__["_lead_deadline_says_one_was_set"].__func__
# The one string pattern this module checks, with what it means in Python's `re` (fullmatch, ASCII).
_PATTERNS = {"^[a-z][a-z0-9_]*$": re.compile(r"[a-z][a-z0-9_]*")}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT64 = 1 << 63
_CACHE = 4_096  # strings remembered per cache (dates, names) before it is cleared
_WARM = 3  # sightings of a shape before it gets its own function
_SHAPES = 256  # generated functions per model, at most (later shapes are read field by field)


class Unsupported(Exception):
    """A model (or a field of it) this module leaves to pydantic, or generated source it refuses."""


class Decline(Exception):
    """A value this module does not take as it is: pydantic decides."""


def _decline(*_: Any) -> Any:
    raise Decline


# --- checks of one value -----------------------------------------------------------------------
def _text(v: Any, max_length: int | None) -> str:
    """`v` if pydantic keeps it as it is: an exact str, nothing to strip, valid Unicode, short enough."""
    if type(v) is not str or v != v.strip() or (max_length is not None and len(v) > max_length):
        raise Decline
    if not v.isascii():
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: pydantic refuses it
            raise Decline from None
    return v


_dates: dict[str, dt.date] = {}  # remembered `YYYY-MM-DD` strings, shared by every date field


def _date(v: Any) -> dt.date:
    if type(v) is dt.date:
        return v
    day = _dates.get(v) if type(v) is str else None
    if day is not None:
        return day
    if type(v) is not str or len(v) != 10 or not v.isascii() or _DATE.fullmatch(v) is None:
        raise Decline
    try:
        day = dt.date.fromisoformat(v)
    except ValueError:
        raise Decline from None
    if len(_dates) >= _CACHE:
        _dates.clear()
    _dates[v] = day
    return day


class _Field:
    """How one field takes a value: `check(v)` gives the value the model holds or raises Decline;
    `form` and `data` say how generated code reads it inline."""

    def __init__(self, name: str, check: Callable[[Any], Any], form: str, data: Any = None) -> None:
        self.name = name
        self.check = check
        self.form = form  # "table", "bool", "date", "name", "text", "model", "models" or "call"
        # table: {value: held}; name: {seen: seen}; text: max_length; model(s): the nested model's build
        self.data = data


def _choices(annotation: Any) -> tuple[str, ...] | None:
    """The values of a Literal of strings, or None if `annotation` is not a Literal."""
    if get_origin(annotation) is not Literal:
        return None
    values = get_args(annotation)
    if not all(type(v) is str for v in values):
        raise Unsupported(f"a Literal of non-strings {values!r}")
    return values


def _field(name: str, info: Any, unknown_is_none: bool) -> _Field:
    """What one field takes, from its annotation and metadata. Raises Unsupported."""
    if info.alias or info.validation_alias or info.default_factory is not None or info.validate_default:
        raise Unsupported(f"`{name}`: an alias, a default factory or a validated default")
    annotation = info.annotation
    nullable = False
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = get_args(annotation)
        if len(args) != 2 or type(None) not in args:
            raise Unsupported(f"`{name}`: a union of {args!r}")
        nullable = True
        (annotation,) = (a for a in args if a is not type(None))
    max_length: int | None = None
    ge: int | None = None
    pattern: re.Pattern[str] | None = None
    for meta in info.metadata:
        # pydantic's own metadata classes (from annotated_types, which it depends on), by name
        what = (type(meta).__module__, type(meta).__name__)
        if what == ("annotated_types", "MaxLen") and annotation is str:
            max_length = meta.max_length
        elif what == ("annotated_types", "Ge") and type(meta.ge) is int and annotation is int:
            ge = meta.ge
        elif type(meta).__name__ == "_PydanticGeneralMetadata" and vars(meta).keys() == {"pattern"}:
            pattern = _PATTERNS.get(meta.pattern)
            if pattern is None or annotation is not str:
                raise Unsupported(f"`{name}`: the pattern {meta.pattern!r}")
        else:
            raise Unsupported(f"`{name}`: the metadata {meta!r}")
    # `_unknown_is_not_given` makes "unknown" None before an optional field reads it
    unknown = unknown_is_none and not info.is_required()

    def fallback(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """`check` after "unknown" (None, for an optional field) and None (for a field that takes it)."""

        def read(v: Any) -> Any:
            if unknown and v == UNKNOWN:
                v = None
            if v is None:
                if nullable:
                    return None
                raise Decline
            return check(v)

        return read

    choices = _choices(annotation)
    if choices is not None:
        table: dict[Any, Any] = {c: c for c in choices}
        if unknown:  # "unknown" is None before the Literal reads it: a value only where None is
            table.pop(UNKNOWN, None)
        if nullable:
            table[None] = None
            if unknown:
                table[UNKNOWN] = None

        def lookup(v: Any) -> Any:
            try:
                return table[v]  # a str subclass (an enum) too: pydantic also holds the Literal's own
            except (KeyError, TypeError):
                raise Decline from None

        return _Field(name, lookup, "table", table)
    if annotation is bool:
        return _Field(name, fallback(lambda v: v if type(v) is bool else _decline()), "bool")
    if annotation is dt.date:
        return _Field(name, fallback(_date), "date")
    if annotation is str and pattern is not None:
        seen: dict[str, str] = {}
        rx = pattern

        def named(v: Any) -> str:
            if type(v) is not str:
                raise Decline
            if v in seen:
                return v
            if (max_length is not None and len(v) > max_length) or rx.fullmatch(v) is None:
                raise Decline
            if len(seen) >= _CACHE:
                seen.clear()
            seen[v] = v
            return v

        return _Field(name, fallback(named), "name", seen)
    if annotation is str:
        return _Field(name, fallback(lambda v: _text(v, max_length)), "text", max_length)
    if annotation is int:
        low = -_INT64 if ge is None else ge
        return _Field(name, fallback(lambda v: v if type(v) is int and low <= v < _INT64 else _decline()), "call")
    if get_origin(annotation) is tuple:
        items = get_args(annotation)[0]
        nested = _plan(items) if isinstance(items, type) and issubclass(items, BaseModel) else None
        check = fallback(_tuple_check(name, annotation))
        return _Field(name, check, "call") if nested is None else _Field(name, check, "models", nested)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        plan = _plan(annotation)
        return _Field(name, fallback(plan.build), "model", plan)
    raise Unsupported(f"`{name}`: the type {annotation!r}")


def _tuple_check(name: str, annotation: Any) -> Callable[[Any], Any]:
    """A check of a list or tuple for `tuple[X, ...]`: each item checked, the result a tuple."""
    args = get_args(annotation)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise Unsupported(f"`{name}`: {annotation!r}")
    item = args[0]
    one: Callable[[Any], Any]
    choices = _choices(item)
    if choices is not None:
        allowed = frozenset(choices)
        one = lambda x: x if type(x) is str and x in allowed else _decline()  # noqa: E731
    elif item is str:
        one = lambda x: _text(x, None)  # noqa: E731
    elif isinstance(item, type) and issubclass(item, BaseModel):
        one = _plan(item).build
    else:
        raise Unsupported(f"`{name}`: items of type {item!r}")

    def items(v: Any) -> tuple[Any, ...]:
        if type(v) is not list and type(v) is not tuple:
            raise Decline
        return tuple([one(x) for x in v])

    return items


# --- one model ---------------------------------------------------------------------------------
class _Plan:
    """How one model is built from a dict it takes whole: field by field, or by the function of the
    dict's shape."""

    def __init__(self, model: type[BaseModel]) -> None:
        config = dict(model.model_config)
        config.pop("defer_build", None)  # when pydantic builds its validator: not what it accepts
        if config != _CONFIG:
            raise Unsupported(f"{model.__name__}: the config {model.model_config!r}")
        dec = model.__pydantic_decorators__
        if dec.validators or dec.field_validators or dec.root_validators or dec.computed_fields:
            raise Unsupported(f"{model.__name__}: a field validator")
        validators = dec.model_validators.values()
        found = {getattr(d.func, "__func__", None) for d in validators}
        if not found <= {_UNKNOWN_FN, _LEAD_FN} or any(d.info.mode != "before" for d in validators):
            raise Unsupported(f"{model.__name__}: a model validator this module does not reproduce")
        if model.__pydantic_post_init__ is not None or model.__pydantic_root_model__:
            raise Unsupported(f"{model.__name__}: a post-init or a root model")
        self.model = model
        # a nested model (an actor) of a few possible values is made once per value and shared, as
        # frozen values are (`_fast` shares findings the same way); an action is made anew each time
        self.shared = model not in _ACTION_SET
        self.lead = _LEAD_FN in found
        fields = model.model_fields
        for n in fields:
            if not n.isidentifier() or keyword.iskeyword(n) or n.startswith("_"):
                raise Unsupported(f"{model.__name__}: the field name {n!r}")
        self.allowed = frozenset(fields)
        self.required = frozenset(n for n, info in fields.items() if info.is_required())
        self.defaults: dict[str, Any] = {}
        for n, info in fields.items():
            if n in self.required:
                self.defaults[n] = None  # always given
            elif info.default is None or (type(info.default) is tuple and info.default == ()):
                self.defaults[n] = info.default
            else:
                raise Unsupported(f"{model.__name__}.{n}: the default {info.default!r}")
        self.fields = {n: _field(n, info, _UNKNOWN_FN in found) for n, info in fields.items()}
        self.checks = {n: f.check for n, f in self.fields.items()}
        if self.lead and not (
            self.fields["lead_deadline"].form == "date" and self.fields["own_deadline_set"].form == "bool"
        ):
            raise Unsupported(f"{model.__name__}: `lead_deadline` and `own_deadline_set` of other types")
        self.shapes: dict[tuple[str, ...], Callable[[dict[str, Any]], Any]] = {}
        self.seen: dict[tuple[str, ...], int] = {}

    def build(self, d: dict[str, Any]) -> Any:
        """The model `d` validates to; raises Decline (or another exception) for what pydantic decides."""
        if type(d) is not dict:
            raise Decline
        shape = tuple(d)
        fn = self.shapes.get(shape)
        if fn is not None:
            return fn(d)
        keys = d.keys()
        if not (keys <= self.allowed and keys >= self.required):
            raise Decline
        if len(self.shapes) < _SHAPES:
            n = self.seen.get(shape, 0) + 1
            if n >= _WARM:
                try:
                    fn = self.generate(shape)
                except (Unsupported, SyntaxError, RecursionError):  # (a test proves it never is)
                    fn = self.by_fields
                self.shapes[shape] = fn
                return fn(d)
            if len(self.seen) >= _CACHE:
                self.seen.clear()
            self.seen[shape] = n
        return self.by_fields(d)

    def by_fields(self, d: dict[str, Any]) -> Any:
        """The model from a dict whose keys `build` checked, each value through its field's check."""
        keys = d.keys()
        checks = self.checks
        values = {**self.defaults, **d}  # the model's order: d's keys are among the defaults'
        for k, v in d.items():
            values[k] = checks[k](v)
        given = set(keys)
        if self.lead and values["lead_deadline"] is not None:
            own = values["own_deadline_set"]
            if own is False:
                raise Decline  # pydantic refuses: "say one or the other"
            if own is None:
                values["own_deadline_set"] = True
                given.add("own_deadline_set")
        return _construct(self.model, values, given)

    def generate(self, shape: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
        """The function of one shape (its keys checked by `build`)."""
        src, ns = self.source(shape)
        from ._cache import checked_code

        code = checked_code(src, f"<govrules:{self.model.__name__}>", lambda: check_source(src, self))
        scope = {"__builtins__": {}, **ns}
        exec(code, scope)
        fn: Callable[[dict[str, Any]], Any] = scope["_r"]
        return fn

    def source(self, shape: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
        """The source of the function of a dict whose keys are `shape`, in this order (checked by
        `build`), and the names it uses."""
        ns: dict[str, Any] = {
            "_new": object.__new__,
            "_sd": _slots["__dict__"].__set__,
            "_sf": _slots["__pydantic_fields_set__"].__set__,
            "_se": _slots["__pydantic_extra__"].__set__,
            "_sp": _slots["__pydantic_private__"].__set__,
            "_M": self.model,
            "_D": _dates,
            "_date": dt.date,
            "type": type,
            "str": str,
            "len": len,
            "tuple": tuple,
            "list": list,
            "dict": dict,
            "_no": _decline,
        }
        index = {name: i for i, name in enumerate(self.fields)}
        ns["_FS"] = set(shape)
        # the values in the order of the keys, each checked into a local of its field
        out = ["def _r(d):", "    " + "".join(f"_v{index[n]}, " for n in shape) + "= d.values()"]
        for name in shape:
            i = index[name]
            f = self.fields[name]
            v, k, c = f"_v{i}", f"_k{i}", f"_c{i}"
            ns[c] = f.check
            if f.form == "model":  # the nested model's function of its shape, else its build
                ns[f"_b{i}"], ns[f"_s{i}"] = f.data.build, f.data.shapes
                out.append(f"    if type({v}) is dict:")
                out.append(f"        _f = _s{i}.get(tuple({v}))")
                out.append(f"        {v} = _b{i}({v}) if _f is None else _f({v})")
                out.append("    else:")
                out.append(f"        {v} = {c}({v})")
            elif f.form == "call":
                out.append(f"    {v} = {c}({v})")
            elif f.form == "table":  # the Literal's own string (pydantic's too), None, or a KeyError
                ns[k] = f.data
                out.append(f"    {v} = {k}[{v}]")
            elif f.form == "name":  # the first string seen equal to it (as pydantic's string cache)
                ns[k] = f.data
                out.append(f"    {v} = {k}.get({v}) or {c}({v})")
            elif f.form == "bool":
                out.append(f"    if {v} is not True and {v} is not False:")
                out.append(f"        {v} = {c}({v})")
            elif f.form == "date":
                out.append(f"    if type({v}) is not _date:")
                out.append(f"        {v} = _D.get({v}) or {c}({v})")
            elif f.form == "models":  # each item: its shape's function, else the build
                ns[f"_b{i}"], ns[f"_s{i}"] = f.data.build, f.data.shapes
                out.append(f"    if type({v}) is list:")
                out.append(
                    f"        {v} = tuple([(type(_x) is dict and _s{i}.get(tuple(_x)) or _b{i})(_x) for _x in {v}])"
                )
                out.append("    else:")
                out.append(f"        {v} = {c}({v})")
            else:
                assert f.form == "text"
                limit = f.data if f.data is not None else 1 << 62
                out.append(f"    if type({v}) is not str or not {v}.isascii() or len({v}) > {limit!r}")
                out[-1] += f" or {v} != {v}.strip() or {v} == {UNKNOWN!r}:"
                out.append(f"        {v} = {c}({v})")
        held = {n: (f"_v{index[n]}" if n in shape else repr(self.defaults[n])) for n in self.fields}
        # made once per value: a nested model whose given fields each have a few values only
        shared = self.shared and all(self.fields[n].form in ("table", "bool") for n in shape)
        if shared:  # (the lead deadline is an action's)
            ns["_I"] = {}
            key = "".join(f"_v{index[n]}, " for n in shape)
            out += [f"    _key = ({key})", "    _m = _I.get(_key)", "    if _m is not None:", "        return _m"]
        # a nested model's set of given fields is its shape's own, shared as its values are (pydantic
        # never changes it in place: a copy's is a copy); an action, given to the caller, has its own
        out.append("    _fs = _FS" if self.shared else "    _fs = _FS.copy()")
        if self.lead and "lead_deadline" in shape:
            own = held["own_deadline_set"] = f"_v{index['own_deadline_set']}"
            if "own_deadline_set" not in shape:
                out.append(f"    {own} = None")
            out.append(f"    if {held['lead_deadline']} is not None:")
            out.append(f"        if {own} is False:")
            out.append("            _no()")
            out.append(f"        if {own} is None:")
            out.append(f"            {own} = True")
            out.append(f"            _fs.add({'own_deadline_set'!r})")
        if len(shape) * 2 > len(self.fields):
            values = ", ".join(f"{name!r}: {held[name]}" for name in self.fields)
            out.append(f"    _t = {{{values}}}")
        else:  # fewer stores: the defaults copied, the given values put in
            ns["_T"] = self.defaults
            out.append("    _t = _T.copy()")
            out += [f"    _t[{n!r}] = {held[n]}" for n in self.fields if held[n] != repr(self.defaults[n])]
        out += [
            "    _m = _new(_M)",
            "    _sd(_m, _t)",
            "    _sf(_m, _fs)",
            "    _se(_m, None)",
            "    _sp(_m, None)",
        ]
        if shared:
            out += [f"    if len(_I) >= {_CACHE!r}:", "        _I.clear()", "    _I[_key] = _m"]
        out.append("    return _m")
        return "\n".join(out) + "\n", ns


def _construct(model: type[BaseModel], values: dict[str, Any], given: set[str]) -> Any:
    m = object.__new__(model)
    _slots["__dict__"].__set__(m, values)
    _slots["__pydantic_fields_set__"].__set__(m, given)
    _slots["__pydantic_extra__"].__set__(m, None)
    _slots["__pydantic_private__"].__set__(m, None)
    return m


# the names `source` makes: its namespace's, and its locals
_NAMES = frozenset(("d", "_new", "_sd", "_sf", "_se", "_sp", "_M", "_D", "_FS", "_I", "_T", "_date", "_no"))
_NAMES |= {"type", "str", "len", "tuple", "list", "dict"}
_LOCAL = re.compile(r"_[vkcbs][0-9]+|_fs|_m|_t|_f|_x|_key")


def check_source(src: str, plan: _Plan) -> None:
    """Prove that `src` holds only the names `source` makes, string literals that are field names
    or values of the model's annotations, and no construct beyond assignments, tests and calls of
    those names. Raises Unsupported."""
    strings = set(plan.fields) | {UNKNOWN}
    for f in plan.fields.values():
        if f.form == "table":
            strings |= {v for v in f.data if type(v) is str}
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Name):
            if node.id not in _NAMES and _LOCAL.fullmatch(node.id) is None:
                raise Unsupported(f"the name `{node.id}` in generated source")
        elif isinstance(node, ast.Attribute):
            if node.attr not in ("isascii", "strip", "get", "add", "copy", "clear", "values"):
                raise Unsupported(f"the attribute `{node.attr}` in generated source")
        elif isinstance(node, ast.Constant):
            if type(node.value) is str and node.value not in strings:
                raise Unsupported(f"the string {node.value!r} in generated source")
            if node.value is not None and type(node.value) not in (str, int, bool, tuple):
                raise Unsupported(f"the constant {node.value!r} in generated source")
        elif isinstance(node, ast.FunctionDef):
            if node.name != "_r" or node.args.args[0].arg != "d" or len(node.args.args) != 1:
                raise Unsupported(f"the function `{node.name}` in generated source")
        elif isinstance(
            node,
            ast.Import
            | ast.ImportFrom
            | ast.Lambda
            | ast.ClassDef
            | ast.Global
            | ast.Nonlocal
            | ast.Starred
            | ast.While
            | ast.For
            | ast.With
            | ast.Try
            | ast.Delete,
        ):
            raise Unsupported(f"{type(node).__name__} in generated source")


_plans: dict[type[BaseModel], _Plan] = {}


def _plan(model: type[BaseModel]) -> _Plan:
    if model not in _plans:
        _plans[model] = _Plan(model)
    return _plans[model]


_kinds: dict[str, Callable[[dict[str, Any]], Any] | None] = {}
_shapes: dict[str, dict[tuple[str, ...], Callable[[dict[str, Any]], Any]]] = {}


def builder(kind: str) -> Callable[[dict[str, Any]], Any] | None:
    """The builder of one kind, made on its first use (start-up: a check reads a few kinds); None
    for a kind this module does not reproduce, or no kind at all."""
    if kind in _kinds:
        return _kinds[kind]
    model = ACTION_MODELS.get(kind)
    if model is None:
        return None  # not kept: the kinds remembered are the models' only
    try:
        plan = _plan(model)
    except Unsupported:
        plan = None
    if plan is not None:
        _shapes[kind] = plan.shapes  # before the builder is seen: a race makes one twice, both alike
    found = _kinds[kind] = plan.build if plan is not None else None
    return found


def fast_action(data: Any) -> Action | None:
    """The action `data` validates to, built without pydantic, or None: `data` is not a plain dict
    of exactly the values the models take as they are (the caller then validates it)."""
    if type(data) is not dict:
        return None
    kind = data.get("kind")
    if type(kind) is not str:
        return None
    build = _kinds[kind] if kind in _kinds else builder(kind)
    if build is None:
        return None
    try:
        fn = _shapes[kind].get(tuple(data))  # the function of this shape, made by build
        return (build if fn is None else fn)(data)  # type: ignore[no-any-return]
    except Exception:  # Decline, or a value no check expected (unhashable…): pydantic decides
        return None
