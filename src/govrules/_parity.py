"""Parity across jurisdictions: for every topic, each jurisdiction encodes it, or `topics.yaml` says why not.

A cell (topic, jurisdiction) is
- `encoded`   — a rule or an audit check of that jurisdiction carries the topic;
- `elsewhere` — the provision is encoded under another topic, by the rules named in the topic's
  `elsewhere: {jurisdiction: [rule ids]}`;
- `absent`    — the topic's `absent: {jurisdiction: reason}` says why that text lacks it, citing the text;
- `gap`       — none of these: a provision encoded in one jurisdiction and unexplained in another.
A declaration that contradicts the rulebook (absent but encoded, elsewhere naming no rule of that
jurisdiction) is a `conflict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ParityCell:
    topic: str
    jurisdiction: str
    status: str  # encoded | elsewhere | absent | gap | conflict
    detail: str = ""  # the rules or checks encoding it, or the declared reason


def parity(engine: Any, topics: Mapping[str, Any] | None = None) -> tuple[ParityCell, ...]:
    """Every (topic, jurisdiction) cell of the engine's topics (or `topics`) and jurisdictions
    (latest versions)."""
    encoded: dict[tuple[str, str], list[str]] = {}
    ids: dict[str, set[str]] = {}
    for j in engine.jurisdictions:
        v = engine.versions(j)[-1]
        for r in v.rules:
            encoded.setdefault((r.topic, j), []).append(r.id)
            ids.setdefault(j, set()).add(r.id)
        for a in v.audits:
            encoded.setdefault((a.topic, j), []).append(a.id)
            ids.setdefault(j, set()).add(a.id)
    cells = []
    for topic, entry in (engine.topics if topics is None else topics).items():
        entry = entry if isinstance(entry, Mapping) else {}
        absent = entry.get("absent") or {}
        elsewhere = entry.get("elsewhere") or {}
        for j in engine.jurisdictions:
            found = encoded.get((topic, j))
            if found:
                if j in absent or j in elsewhere:
                    cells.append(
                        ParityCell(
                            topic,
                            j,
                            "conflict",
                            f"declared {'absent' if j in absent else 'elsewhere'} but encoded by {', '.join(found)}",
                        )
                    )
                else:
                    cells.append(ParityCell(topic, j, "encoded", ", ".join(found)))
            elif j in elsewhere:
                named = list(elsewhere[j]) if isinstance(elsewhere[j], list | tuple) else [elsewhere[j]]
                unknown = [n for n in named if n not in ids.get(j, set())]
                if unknown or not named:
                    cells.append(
                        ParityCell(topic, j, "conflict", f"elsewhere names no rule of {j}: {', '.join(unknown)}")
                    )
                else:
                    cells.append(ParityCell(topic, j, "elsewhere", ", ".join(named)))
            elif j in absent and str(absent[j]).strip():
                cells.append(ParityCell(topic, j, "absent", str(absent[j]).strip()))
            else:
                cells.append(ParityCell(topic, j, "gap"))
    return tuple(cells)
