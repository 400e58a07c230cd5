"""The words of the command line's reports, in English and Chinese: verdicts, outcomes, what holds
an action back, and the phrases around them, so that `--lang zh` translates the whole report (the
citations are Chinese in both).

The Chinese names of verdicts, outcomes, steps and parties are the vocabulary's (today in
`_explain`, imported when first needed); the phrases of the report's own lines live here.
"""

from __future__ import annotations

from functools import lru_cache

# What each reason for a conditional verdict asks of the reader, in words (never the field's name).
NEEDS_EN = {
    "missing_facts": "facts to give",
    "pending_steps": "steps to get done first",
    "exception_grounds": "allowed only on recorded exceptional grounds (the rule holds in principle)",
}
NEEDS_ZH = {
    "missing_facts": "须补充事实",
    "pending_steps": "须先办妥前置手续",
    "exception_grounds": "须载明例外理由方可（该规定为原则性要求）",
}
# English words for the steps whose names are jargon; the others read as they are (`report_back`:
# "report back").
STEPS_EN = {
    "exception_grounds": "record the exceptional grounds",
    "external_procedure": "the procedure another regulation sets",
    "report_back": "report back (销假)",
    "legality_review": "legality review",
    "collective_decision": "collective decision",
}

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "silent": "no provision of 《{}》 applies to this `{}`",
        "conditional_on": "conditional on: {}",
        "breach": "BREACH: a follow-up duty is overdue",
        "missing": "missing facts: {}",
        "due": "due {}",
        "comply_by": "would have complied by {}",
        "follow_up": "a duty after the act",
        "from": "from {}",
        "rule": "rule",
        "presumed": "presumed",
        "obligation": "obligation",
        "by": "by {}",
        "provisional": "provisional: the holiday schedule of that year is not published yet",
        "provisional_decision": "provisional: a working-day count reaches a year whose holiday schedule "
        "is not published yet",
        "under": "under {}",
        "error": "error",
        "summary": "{total} actions: {allowed} allowed, {conditional} conditional, {denied} denied, {errors} errors",
        "overdue": "; {} with an overdue duty",
    },
    "zh": {
        "silent": "《{}》无适用于此`{}`的条款",
        "conditional_on": "附条件：{}",
        "breach": "已违反：事后应办事项逾期未办",
        "missing": "缺少事实：{}",
        "due": "期限 {}",
        "comply_by": "按期应于{}前办理",
        "follow_up": "事后办理",
        "from": "出自 {}",
        "rule": "规则",
        "presumed": "推定",
        "obligation": "尚须办理",
        "by": "{}前",
        "provisional": "暂定：该年节假日安排尚未公布",
        "provisional_decision": "暂定：工作日计算涉及节假日安排尚未公布的年份",
        "under": "按{}",
        "error": "错误",
        "summary": "共{total}项：准许{allowed}项，附条件准许{conditional}项，不予准许{denied}项，输入有误{errors}项",
        "overdue": "；其中{}项事后应办事项逾期",
    },
}


@lru_cache(maxsize=1)
def _zh() -> dict[str, str]:
    from .._explain import TEXT  # the vocabulary's Chinese names (imports the engine: only when asked)

    zh = dict(TEXT["zh"])
    zh["conditional"] = zh["conditional"].split("：")[0]  # 附条件准许 (its explanation is the report's)
    return zh


def verdict(name: str, lang: str) -> str:
    """The verdict's word: ALLOWED, or 准许."""
    return _zh()[name] if lang == "zh" else name.upper()


def outcome(name: str, lang: str) -> str:
    """An outcome's label: `violated`, or 违反本条规定."""
    return _zh()[name] if lang == "zh" else name


def need(name: str, lang: str) -> str:
    return (NEEDS_ZH if lang == "zh" else NEEDS_EN)[name]


def step(name: str, lang: str) -> str:
    if lang == "zh":
        from .._vocab import STEP_ZH

        return STEP_ZH.get(name, name)
    return STEPS_EN.get(name, name.replace("_", " "))


def party(name: str, lang: str) -> str:
    if lang == "zh":
        from .._vocab import PARTY_ZH

        return PARTY_ZH.get(name, name)
    return name.replace("_", " ")


def phrase(key: str, lang: str, *args: object, **kwargs: object) -> str:
    return PHRASES["zh" if lang == "zh" else "en"][key].format(*args, **kwargs)


def verdict_words() -> dict[str, str]:
    """Every verdict word, in both languages, to its verdict (for painting a rendered line)."""
    return {verdict(v, lang): v for v in ("allowed", "conditional", "denied") for lang in ("en", "zh")}


def outcome_words() -> dict[str, str]:
    names = ("violated", "pending", "undetermined", "satisfied", "permitted", "excepted", "obligation")
    return {outcome(o, lang): o for o in names for lang in ("en", "zh")}
