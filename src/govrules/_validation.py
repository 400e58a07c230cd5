"""Pydantic's validation errors as one line a reader can act on: for actions (the engine) and events
(the audit) alike."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import ValidationError


def validation_message(exc: ValidationError, tags: Collection[str], noun: str) -> str:
    """One line naming each bad field (at most five), from a union model's validation error. `tags`:
    the union's tags (pydantic puts the tag first in each error's path); `noun`: what the record is."""
    parts = []
    for err in exc.errors(include_url=False)[:5]:
        loc = [str(p) for p in err["loc"]]
        if loc[:1] and loc[0] in tags:  # pydantic puts the union's tag first: drop it
            loc = loc[1:]
        where, msg = ".".join(loc) or noun, err["msg"]
        ctx = err.get("ctx", {})
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "missing"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            where = str(ctx.get("discriminator", "kind")).strip("'")
            msg = f"unknown {where} `{ctx['tag']}`" if "tag" in ctx else "missing"
        parts.append(f"{where}: {msg}")
    more = len(exc.errors()) - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
