"""Pydantic's validation errors as a reader can act on them: for actions (the engine) and events (the
audit) alike, each bad field as (path, message), with a did-you-mean and never the whole list of
allowed values when they are many."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from ._errors import ActionError, did_you_mean

LISTED = 10  # allowed values shown in a message; beyond, counted


def validation_message(exc: ValidationError, tags: Mapping[str, type[BaseModel]], noun: str) -> str:
    """One line naming each bad field (at most five), as `ActionError` words them."""
    return str(ActionError(errors=field_errors(exc, tags, noun)))


def field_errors(exc: ValidationError, tags: Mapping[str, type[BaseModel]], noun: str) -> list[tuple[str, str]]:
    """Each bad field of a union model's validation error as (dotted path, message): one line each,
    with a did-you-mean for an unknown field or value; the allowed values are listed when there are
    at most `LISTED` of them, else counted (they are in the schema and the reference)."""
    out = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        model = tags.get(loc[0]) if loc else None
        if model is not None:  # pydantic puts the union's tag first: drop it
            loc = loc[1:]
        where, msg = ".".join(loc), err["msg"]
        ctx = err.get("ctx", {})
        if err["type"] == "extra_forbidden":
            hint = did_you_mean(loc[-1], _fields_at(model, loc[:-1]))
            msg = f"unknown field `{loc[-1]}`" + (f" ({hint})" if hint else "")
        elif err["type"] == "missing":
            msg = "missing"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            where = str(ctx.get("discriminator", "kind")).strip("'")
            if "tag" in ctx:
                hint = did_you_mean(str(ctx["tag"]), tags)
                msg = f"unknown {where} `{ctx['tag']}`" + (f" ({hint})" if hint else "")
            else:
                msg = "missing"
        elif err["type"] in ("literal_error", "enum"):
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            given = err["input"]
            hint = did_you_mean(str(given), allowed) if isinstance(given, str) else None
            shown = f"`{given}`" if isinstance(given, str | int | bool) and len(str(given)) <= 60 else "this value"
            listed = ", ".join(f"`{a}`" for a in allowed)
            msg = f"{shown} is not one of " + (
                listed if len(allowed) <= LISTED else f"the {len(allowed)} allowed values"
            )
            msg += f" ({hint})" if hint else ""
        out.append((where, msg) if where else ("", f"{noun}: {msg}"))
    return out


def _fields_at(model: type[BaseModel] | None, loc: Sequence[str]) -> list[str]:
    """The field names of the model found at `loc` below `model` (list indexes skipped), for a did-you-mean."""
    for name in loc:
        if model is None or name.isdigit():
            continue
        info = model.model_fields.get(name)
        model = _model_in(info.annotation) if info is not None else None
    return list(model.model_fields) if model is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (`Actor`, `Step | None`, `tuple[Step, ...]`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
