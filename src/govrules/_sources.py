"""The shipped source texts, split into their articles by their own labels.

Labels are matched in order (the next article's number is always expected), so a sub-item that
happens to start with a numeral is not taken for an article. Qinghemen's web copy lost the units
digit of many labels ("四十、" for 41–48): a tens-only label stands for the expected number there,
and the source's own label is kept beside the reconstructed number.
"""

from __future__ import annotations

import re
from typing import Any

from ._vocab import numeral


def labels_for(n: int, style: str) -> list[str]:
    if style == "tiao":
        return [f"第{numeral(n)}条"]
    found = [numeral(n) + "、"]
    if n > 40 and n % 10:  # the defect: units digit lost
        found.append(numeral(n - n % 10) + "、")
    return found


CHAPTER = re.compile(r"^第[一二三四五六七八九十0-9]+章")
FOOTER = {"打印", "分享", "返回列表"}  # the web page's buttons, after the last article


def split(text: str) -> list[dict[str, Any]]:
    """The articles of a source text: number, label, chapter and lines."""
    style = "tiao" if "第一条" in text else "dun"
    lines = [line.strip().replace("\u3000", " ") for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if CHAPTER.match(line))
    articles: list[dict[str, Any]] = []
    chapter = ""
    for line in lines[start:]:
        if not line or line in FOOTER:
            continue
        if CHAPTER.match(line):
            chapter = re.sub(r"\s+", " ", line)
            continue
        n = len(articles) + 1
        label = next((lab for lab in labels_for(n, style) if line.startswith(lab)), None)
        if label is not None:
            articles.append({"number": n, "label": label, "chapter": chapter, "lines": [line]})
        elif articles:
            articles[-1]["lines"].append(line)
    return articles
