"""What only a person at a terminal sees: colour on the verdicts and outcomes of the text report,
and the progress of a long run on stderr. Neither when the stream is piped or redirected, nor
colour when `NO_COLOR` is set (https://no-color.org), nor on a `dumb` terminal: CI logs and files
get the plain text, byte for byte.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import words

if TYPE_CHECKING:
    from .formats import Item

RESET = "\x1b[0m"
VERDICT_COLOUR = {"allowed": "\x1b[32m", "conditional": "\x1b[33m", "denied": "\x1b[1;31m"}
OUTCOME_COLOUR = {
    "violated": "\x1b[31m",
    "pending": "\x1b[33m",
    "undetermined": "\x1b[33m",
    "satisfied": "\x1b[32m",
    "permitted": "\x1b[32m",
    "excepted": "\x1b[32m",
    "obligation": "\x1b[36m",
}
ERROR_COLOUR = "\x1b[1;31m"
DIM = "\x1b[2m"


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # a closed or odd stream
        return False


def wants_colour(stream: TextIO) -> bool:
    """Colour for this stream: a terminal, and `NO_COLOR` not set to anything."""
    return is_terminal(stream) and not os.environ.get("NO_COLOR")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str], dict[str, str]]:
    verdicts, outcomes = words.verdict_words(), words.outcome_words()

    def either(names: dict[str, str]) -> str:
        return "|".join(map(re.escape, sorted(names, key=len, reverse=True)))

    head = re.compile(r"^(\S.*?:\d+: )(" + either(verdicts) + r")(?= )")
    finding = re.compile(r"^(    )\[(" + either(outcomes) + r")\]", re.M)
    return head, finding, verdicts, outcomes


def paint(text: str) -> str:
    """The text report of one action, its verdict and outcomes in colour, its rule ids dimmed."""
    head, finding, verdicts, outcomes = _patterns()
    text = head.sub(lambda m: f"{m[1]}{VERDICT_COLOUR[verdicts[m[2]]]}{m[2]}{RESET}", text, count=1)
    text = finding.sub(lambda m: f"{m[1]}{OUTCOME_COLOUR[outcomes[m[2]]]}[{m[2]}]{RESET}", text)
    breach = words.phrase("breach", "en"), words.phrase("breach", "zh")
    for b in breach:
        text = text.replace(b, f"{ERROR_COLOUR}{b}{RESET}")
    return text


def paint_error(line: str) -> str:
    return re.sub(r": (error|错误): ", lambda m: f": {ERROR_COLOUR}{m[1]}{RESET}: ", line, count=1)


def _delay() -> float:
    try:
        return float(os.environ.get("GOVRULES_PROGRESS_AFTER", "2"))
    except ValueError:
        return 2.0


class Progress:
    """How far a long run has got, on one line of stderr redrawn in place: actions judged, their rate,
    and (for files, not standard input) the share read and the time left. It appears only after
    `GOVRULES_PROGRESS_AFTER` seconds (2 by default), only on a terminal, and is wiped at the end."""

    REFRESH = 0.2  # seconds between redraws

    def __init__(self, stream: TextIO, paths: Iterable[str], shares_screen: bool) -> None:
        self.stream = stream
        self.shares_screen = shares_screen  # stdout is the same terminal: wipe the line before results
        self.start = time.monotonic()
        self.after = self.start + _delay()
        self.last = 0.0
        self.drawn = False
        self.judged = 0
        self.read = 0
        self.paths = list(paths)
        self.lines: dict[str, int] | None = None  # each file's line count, counted when first needed
        self.done_lines = 0  # lines of the files read to the end
        self.file: str | None = None
        self.line = 0

    @classmethod
    def for_run(cls, paths: list[str], stdout: TextIO, stderr: TextIO) -> Progress | None:
        if not is_terminal(stderr):
            return None
        return cls(stderr, paths, is_terminal(stdout))

    def reading(self, items: Iterator[Item]) -> Iterator[Item]:
        """The items, unchanged, noting where reading has got to."""
        for it in items:
            if it.file != self.file:
                if self.file is not None and self.lines is not None:
                    self.done_lines += self.lines.get(self.file, 0)
                self.file = it.file
            self.line = it.line
            self.read += 1
            yield it

    def _total(self) -> int | None:
        if self.lines is None:
            from .._records import expand

            self.lines = {}
            for f in expand(self.paths):
                if f == "-":
                    return None
                self.lines[f] = _count_lines(f)
        if "-" in self.paths:
            return None
        return sum(self.lines.values())

    def tick(self) -> None:
        """One more action judged."""
        self.judged += 1
        now = time.monotonic()
        if now < self.after or now - self.last < self.REFRESH:
            return
        self.last = now
        elapsed = now - self.start
        rate = self.judged / elapsed if elapsed else 0.0
        parts = [f"{self.judged:,} actions", f"{rate:,.0f}/s"]
        total = self._total()
        if total:
            if self.read:  # where reading has got to, when the items pass here
                share = min(1.0, (self.done_lines + self.line) / total)
                expected = self.read / share if share else 0
            else:  # JSON Lines judged by byte ranges, read where they are judged: a line an action
                share, expected = min(1.0, self.judged / total), total
            left = max(0.0, (expected - self.judged) / rate) if rate else 0.0
            parts += [f"{share:.0%}", f"ETA {int(left) // 60}:{int(left) % 60:02d}"]
        self.stream.write("\r\x1b[K" + " · ".join(parts))
        self.stream.flush()
        self.drawn = True

    def wipe(self) -> None:
        """Clear the line, before results are written to the same screen, and at the end."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def _count_lines(path: str) -> int:
    try:
        with open(path, "rb") as fh:
            count = 1
            while chunk := fh.read(1 << 20):
                count += chunk.count(b"\n")
            return count
    except OSError:
        return 1


def display_path(file: str) -> str:
    """A path as a CI annotation wants it: relative to the working directory when below it."""
    p = Path(file)
    if p.is_absolute():
        try:
            return p.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return p.as_posix()
    return p.as_posix()
