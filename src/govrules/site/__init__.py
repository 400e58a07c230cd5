"""The rulebook as a static website (`govrules site OUT/`, extra `site`): the law beside its code.

    >>> from govrules.site import build_site, article_url
    >>> build_site("out/")                                          # doctest: +SKIP
    >>> article_url("https://rules.example.gov.cn/rulebook", "qinghemen", 70)
    'https://rules.example.gov.cn/rulebook/qinghemen/#art-70'

`govrules` never imports this package. The addresses (`article_url`, `rule_url`, `topic_url`) need nothing
beyond the standard library; `build_site` needs Jinja2 (`pip install 'govrules[site]'`), imported when called.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._urls import article_url, rule_url, topic_url

if TYPE_CHECKING:
    from ._build import SiteReport

__all__ = ["article_url", "build_site", "rule_url", "topic_url"]


def build_site(
    out: str | Path,
    *,
    rulebook: str | Path | None = None,
    rules: Sequence[str | Path] = (),
    base_url: str | None = None,
) -> SiteReport:
    """Generate the website of a rulebook into `out`: one page per jurisdiction and per topic, an overview,
    the source texts and an offline search. `rules`: overlays shown in place with their provenance;
    `base_url`: where it will be published (each article shows its permanent address). Raises
    `govrules.RulebookError` for a broken rulebook or overlay, `OSError` when `out` cannot be written."""
    from ._build import build_site as build  # Jinja2 is imported only to build

    return build(out, rulebook=rulebook, rules=rules, base_url=base_url)
