"""Stable addresses in the generated site, from a configurable base.

A finding cites `rule`, `article` and the jurisdiction of its action; `article_url(base, jurisdiction,
finding.article)` is where that article stands, with its text and rules, in a site published at `base`
(`https://…/rulebook`, `/rulebook` under `govrules serve`, or `file:///…/site` for a copy on disk).
These depend on no engine type: a caller (the CLI, the service, a report) derives them from what a
`Finding` already carries. The anchors are stable: `art-<number>`, `rule-<id>`, `topics/<topic>.html`.
"""

from __future__ import annotations

from urllib.parse import quote


def _root(base: str) -> tuple[str, str]:
    """The base without its trailing slash, and what names a folder's page: a server serves `dir/`
    as `dir/index.html`, a file:// browser does not."""
    root = base.rstrip("/")
    return root, ("index.html" if root.startswith("file:") else "")


def article_url(base: str, jurisdiction: str, number: int) -> str:
    """`{base}/{jurisdiction}/#art-{number}` (with `index.html` for a `file:` base)."""
    root, index = _root(base)
    return f"{root}/{quote(jurisdiction)}/{index}#art-{int(number)}"


def rule_url(base: str, jurisdiction: str, rule_id: str) -> str:
    """`{base}/{jurisdiction}/#rule-{id}`: the rule's card, beside its article."""
    root, index = _root(base)
    return f"{root}/{quote(jurisdiction)}/{index}#rule-{quote(rule_id)}"


def topic_url(base: str, topic: str) -> str:
    """`{base}/topics/{topic}.html`: one provision, every jurisdiction side by side."""
    root, _ = _root(base)
    return f"{root}/topics/{quote(topic)}.html"
