"""Errors as RFC 9457 problem details (`application/problem+json`): a type, a title, a status, a
detail in the user's words, and for a bad action or parameter the fields at fault, each with its
path (`actor.role`, govrules' word) and its JSON pointer (`/actor/role`). Never a traceback."""

from __future__ import annotations

import json
from typing import Any

import govrules

MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """An answer that is not a result: raised anywhere in a request, rendered by the app."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors, self.headers, self.extra = errors, headers or {}, extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": f"urn:govrules:problem:{self.slug}", "title": self.title, "status": self.status}
        if self.detail:
            out["detail"] = self.detail
        if instance:
            out["instance"] = instance
        if self.errors:
            out["errors"] = self.errors
        out.update(self.extra)
        return out

    def render(self, instance: str | None = None) -> bytes:
        return json.dumps(self.body(instance), ensure_ascii=False).encode()


def field_error(path: str, detail: str) -> dict[str, Any]:
    """One field at fault: its dotted path and its JSON pointer (RFC 6901)."""
    pointer = "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path.split(".")) if path else ""
    return {"path": path, "pointer": "#" + pointer, "detail": detail}


def action_problem(exc: govrules.ActionError, prefix: str = "") -> Problem:
    """A bad action (422), each field it names as an error with its path. `prefix` places the action
    in a larger body (a batch line has none: each line is its own document)."""
    text = str(exc)
    errors = [field_error(prefix + path if path else prefix.rstrip("."), detail) for path, detail in exc.errors]
    return Problem(422, "invalid-action", "The action cannot be judged", text, errors=errors)


def json_problem(exc: Exception, what: str = "the request body") -> Problem:
    """A body that is not JSON (400), saying where it breaks."""
    if isinstance(exc, json.JSONDecodeError):
        return Problem(
            400,
            "invalid-json",
            "The body is not valid JSON",
            f"{what}: {exc.msg} at line {exc.lineno} column {exc.colno}",
            line=exc.lineno,
            column=exc.colno,
        )
    if isinstance(exc, UnicodeDecodeError):
        return Problem(400, "invalid-json", "The body is not valid JSON", f"{what}: not UTF-8 text")
    if isinstance(exc, RecursionError):
        return Problem(400, "invalid-json", "The body is not valid JSON", f"{what}: nesting too deep")
    return Problem(400, "invalid-json", "The body is not valid JSON", f"{what}: a number too long to read")


def loads(raw: bytes, what: str = "the request body") -> Any:
    """A JSON value, or a Problem saying why not."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise json_problem(exc, what) from None
