"""Errors with a position and a stable code, printed as `file:line:col: code: message`."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

# Every code a diagnostic may carry, registered once, with its title: the reference page lists them
# from here (`govrules reference`), and a test fails when the code base emits a code not listed.
# INVARIANT: codes are stable; a code is never reused for another problem.
CODES: dict[str, str] = {
    # E0xx: the file and its YAML
    "E000": "the file cannot be read: missing, a directory, or not a regular file (a FIFO, a device)",
    "E001": "the file is larger than 20 MB (refused from its size, before it is read)",
    "E002": "not UTF-8 text",
    "E003": "invalid YAML (from the YAML library; it also refuses flow nesting past 1,000 levels)",
    "E004": "nested deeper than 64 levels",
    "E005": "not exactly one YAML document (a second `---` is refused before it is read)",
    "E006": "aliases expand too far: more than 1,000,000 values in a document, or aliases adding more "
    "than 100,000 values in a file or in one load",
    "E007": "a key that is not plain text, or a merge key (`<<`)",
    "E008": "a duplicate key",
    # E1xx: the file's shape
    "E100": "a field unknown, missing or of the wrong type (the rulebook, overlay or test file models)",
    "E102": "a date of the rulebook outside 1900–2999",
    # E2xx: citations, against the source text
    "E201": "the rulebook's `source:` text is not found",
    "E202": "articles not numbered 1…N in order",
    "E203": "an article's text is not found in the source",
    "E204": "a rule's `quote` is not found in its article",
    "E206": "a rule or check without a `quote` of its article, and no `quote_reason` saying why",
    "E205": "`source:` is not a UTF-8 text file under the rulebook's `sources/` folder (an absolute path, "
    "`..`, a link out of it, a binary file)",
    # E3xx: names
    "E301": "a rule or check id used twice",
    "E302": "a rule or check id that does not start with its jurisdiction",
    "E303": "an unknown action kind",
    "E304": "an unknown topic",
    "E305": "an exception to an unknown rule",
    "E306": "an exception to a rule of another kind",
    "E307": "a deadline's anchor that is not a date field of the kind",
    "E308": "an unknown event type",
    "E309": "a limit's `per` that is not a field of the event",
    "E310": "an exception to a rule that is itself an exception: the engine would not weigh it",
    "E311": "a binding `deny` rule without a `scope`",
    "E312": "a presumed fact that is not a field of the kind",
    "E313": "a presumed value that is not a value of its fact",
    # E4xx: versions
    "E401": "two versions of one jurisdiction in force at once",
    "E315": "an audit check's `due_field` is not a date field of its trigger event",
    "E316": "an audit check's `count_field` is not an integer field of its trigger event",
    "E317": "an audit check's `year_field` is not an integer field of its trigger event",
    "E402": "two rulebooks with the same jurisdiction and version (the message names both files)",
    # E5xx: overlays
    "E501": "an overlay extends a rulebook that is not loaded",
    "E502": "an overlay rule cites an article its rulebook does not have",
    "E503": "an overlay rule takes the id of a rule of the rulebook it extends, without `overrides: true`",
    "E504": "an overlay rule is an exception to a rule of the rulebook it extends, without `overrides: true`",
    "E505": "`overrides: true` on a rule that replaces nothing and defeats nothing",
    # Cxxx: conditions (`when:`, `scope:`, triggers); the column points into the condition
    "C001": "a condition longer than the limit",
    "C002": "an unexpected character",
    "C003": "a syntax error: an unexpected or missing token",
    "C004": "a condition nested too deep, or a chain of too many operands",
    "C005": "a date literal that is not a date",
    "C010": "a field of something that has no fields",
    "C011": "an unknown field",
    "C012": "an object where a field of it is needed",
    "C020": "a list that mixes types",
    "C021": "a comparison of values that cannot be compared",
    "C022": "an operand of the wrong type",
    "C023": "a value that is not one of the field's values",
    "C024": "a condition that is not true or false",
    "C030": "an unknown function",
    "C031": "a function given the wrong arguments",
    "C032": "`done()` where the model has no `steps` (an audit event)",
    "C040": "a `known(x)` guard that makes a binding rule or an exception fail open",
    "C041": "`done()` deciding the act on a step still owed (`not done()` in a binding rule, or in an exception)",
}


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
    source: str | None = field(default=None, compare=False, repr=False)  # the text of line `line`

    def __str__(self) -> str:
        """`file:line:col: code: message [rule]`, then the source line with a caret under the
        column (as Cedar and rustc show it), then the hint."""
        where = f"{self.file}:{self.line}:{self.column}"
        rule = f" [{self.rule}]" if self.rule else ""
        hint = f"\n    hint: {self.hint}" if self.hint else ""
        return f"{where}: {self.code}: {self.message}{rule}{self.excerpt()}{hint}"

    def excerpt(self) -> str:
        """The source line and a caret under the column; empty when the line is not known."""
        if self.source is None or not self.source.strip() or self.column > len(self.source) + 1:
            return ""
        pad = "".join(
            "\t" if c == "\t" else "  " if unicodedata.east_asian_width(c) in "WF" else " "
            for c in self.source[: self.column - 1]
        )
        return f"\n    | {self.source}\n    | {pad}^"


def title(code: str) -> str:
    """The registered title of an error code. Raises KeyError for an unregistered code."""
    return CODES[code]


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
    """An action that cannot be judged: invalid, or dated outside any rulebook in force.

    `errors` holds every problem found, as (path, message) pairs: the dotted path of the field at
    fault (`actor.role`, `steps.0.party`; "" for the action as a whole) and what is wrong with it,
    so that a caller can mark the field that failed. `path` is the path of the first."""

    # INVARIANT: `errors` is never empty; str(exc) shows the first five, then how many more.
    SHOWN = 5

    def __init__(
        self, message: str | None = None, *, path: str | None = None, errors: Sequence[tuple[str, str]] = ()
    ) -> None:
        if not errors:
            errors = ((path or "", message or "invalid action"),)
        self.errors: tuple[tuple[str, str], ...] = tuple(errors)
        self.path: str | None = self.errors[0][0] or None
        shown = [f"{where}: {what}" if where else what for where, what in self.errors[: self.SHOWN]]
        more = len(self.errors) - len(shown)
        super().__init__("; ".join(shown) + (f"; and {more} more" if more > 0 else ""))


def did_you_mean(name: str, known: object) -> str | None:
    """A hint naming the known name closest to `name`, if one is close."""
    import difflib

    close = difflib.get_close_matches(name, [str(k) for k in known], n=1, cutoff=0.6)  # type: ignore[attr-defined]
    return f"did you mean `{close[0]}`?" if close else None
