"""The review record (rulebook/review/<j>.md, the second reading) read back: one row per article
(number, status, verdict, what changed), and the readings the reviewer was unsure of, by article."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_ROW = re.compile(r"^\|\s*(\d+)\s*\|([^|]*)\|([^|]*)\|(.*)\|\s*$")
_BOLD = re.compile(r"^- \*\*(.+?)\*\*")
_NUMBERS = re.compile(r"(\d+)(?:\s*[–-]\s*(\d+))?")


@dataclass(frozen=True)
class Review:
    rows: dict[int, tuple[str, str, str]]  # article → (status, verdict, what changed)
    unsure: dict[int, list[str]]  # article → the reviewer's doubts about it
    meta: tuple[str, ...]  # "Reviewer: …", "Date: …"


def read_review(path: Path) -> Review | None:
    """The review of one jurisdiction, or None when there is none (an overlay's new jurisdiction)."""
    if not path.is_file():
        return None
    rows: dict[int, tuple[str, str, str]] = {}
    unsure: dict[int, list[str]] = {}
    meta: list[str] = []
    bullets: list[str] = []
    in_unsure = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_unsure = "unsure" in line.lower()
            continue
        m = _ROW.match(line)
        if m:
            rows[int(m.group(1))] = (m.group(2).strip(), m.group(3).strip(), m.group(4).strip())
        elif in_unsure and line.startswith("- "):
            bullets.append(line[2:].strip())
        elif in_unsure and bullets and line.startswith("  "):
            bullets[-1] += " " + line.strip()
        elif not rows and line.startswith(("- Reviewer:", "- Date:")):
            meta.append(line[2:].strip())
    for text in bullets:
        bold = _BOLD.match("- " + text)
        if not bold:
            continue
        for m in _NUMBERS.finditer(bold.group(1)):
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            for n in range(first, min(last, first + 50) + 1):
                unsure.setdefault(n, []).append(text)
    return Review(rows, unsure, tuple(meta))
