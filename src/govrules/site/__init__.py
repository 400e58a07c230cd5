"""The rulebook as a static website (`govrules site OUT/`, extra `site`): the law beside its code.

    >>> from govrules.site import build_site, article_url
    >>> build_site("out/")                                          # doctest: +SKIP
    >>> article_url("https://rules.example.gov.cn/rulebook", "qinghemen", 70)
    'https://rules.example.gov.cn/rulebook/qinghemen/#art-70'

`govrules` never imports this package (it needs Jinja2): import it yourself.
"""

from ._urls import article_url, rule_url, topic_url

__all__ = ["article_url", "build_site", "rule_url", "topic_url"]


def build_site(out: object, **kwargs: object) -> object:
    """Generate the site into `out`; see `govrules.site._build.build_site` for the options."""
    from ._build import build_site as _build_site  # Jinja2 is imported only to build

    return _build_site(out, **kwargs)  # type: ignore[arg-type]
