"""Errors with a position and a stable code, printed as `file:line:col: code: message`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a rulebook, an action file or a test file. Lines and columns are 1-based."""

    file: str
    line: int
    column: int
    code: str
    message: str
    rule: str | None = field(default=None, compare=False)
    hint: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        rule = f" [{self.rule}]" if self.rule else ""
        hint = f"\n    hint: {self.hint}" if self.hint else ""
        return f"{where}: {self.code}: {self.message}{rule}{hint}"


class GovrulesError(Exception):
    """The base of every error govrules raises on bad input."""


class RulebookError(GovrulesError):
    """A rulebook that cannot be loaded; `diagnostics` holds every problem found, sorted."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        # INVARIANT: never empty; sorted by file, line, column.
        assert diagnostics
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class ActionError(GovrulesError):
    """An action that cannot be judged: invalid, or dated outside any rulebook in force."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


def did_you_mean(name: str, known: object) -> str | None:
    """A hint naming the known name closest to `name`, if one is close."""
    import difflib

    close = difflib.get_close_matches(name, [str(k) for k in known], n=1, cutoff=0.6)  # type: ignore[attr-defined]
    return f"did you mean `{close[0]}`?" if close else None
