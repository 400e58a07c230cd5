"""Explanations of decisions, for a reviewer who should not have to re-run anything to see why.

For one action: the version of the rules in force, every rule weighed (its condition, whether it
held, the facts it read), which exception overrode which rule, each finding with its citation
and the article's text quoted in the original, and the dates computed. Chinese (`zh`) reads as
an official would write it ("依据《前进区人民政府工作规则》第六十二条，……"); English (`en`)
says the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ._actions import Action
from ._decision import Decision, Finding, Obligation, TraceEntry
from ._engine import Engine, parse_action
from ._lang.compiled import Version
from ._lang.rulebook import Article
from ._vocab import LEVEL_ZH, NAMES, PARTY_ZH, STEP_ZH, article_zh

# The explanation's own words, and the names of the vocabulary's ids (`_vocab.NAMES`).
TEXT: dict[str, dict[str, str]] = {
    "zh": {
        **NAMES["zh"],
        "verdict": "结论",
        "rulebook": "适用",
        "steps": "已办事项",
        "rules": "逐条审查",
        "condition": "条件",
        "facts": "所读事实",
        "result": "审查结果",
        "quote": "所据文字",
        "text": "条文原文",
        "above": "条文原文见上",
        "exception": "例外",
        "defeated": "被例外排除",
        "todo": "尚须办理",
        "missing": "缺少事实：{}",
        "due": "办理期限：{}",
        "comply_by": "按期应于{}前办理",
        "none": "无",
        "not_given": "未提供",
        "silent": "没有适用于本事项的条款，故准许（不援引任何条文）",
        "conditional_on": "尚待：{}",
        "breach": "已违反：事后应办事项逾期未办",
        "presumed": "推定事实",
        "provisional": "暂定：该年节假日安排尚未公布",
        "follow_up": "事后办理，不影响本事项",
        "written": "书面",
        "not_weighed": "本事项无可适用的规则",
    },
    "en": {
        **NAMES["en"],
        "verdict": "Verdict",
        "rulebook": "Rules in force",
        "steps": "Steps done",
        "rules": "Rules weighed",
        "condition": "condition",
        "facts": "facts read",
        "result": "result",
        "quote": "words relied on",
        "text": "article text (original)",
        "above": "article text quoted above",
        "exception": "exception",
        "defeated": "overridden by exception",
        "todo": "Still to do",
        "missing": "missing facts: {}",
        "due": "due by {}",
        "comply_by": "would have complied by {}",
        "none": "none",
        "not_given": "not given",
        "silent": "has no provision that applies to this action: allowed, citing nothing",
        "conditional_on": "waiting on: {}",
        "breach": "breach: a duty after the act is overdue",
        "presumed": "Presumed facts",
        "provisional": "provisional: the year's holiday schedule is not published yet",
        "follow_up": "follows the act, does not hold it back",
        "written": "in writing",
        "not_weighed": "no rule of this kind applies",
    },
}


def explain(engine: Engine, action: Action | Mapping[str, Any], lang: str = "zh") -> str:
    """An explanation of the decision on `action`, as text. Raises ActionError like `evaluate`."""
    act = parse_action(action)
    decision = engine.evaluate(act, trace=True)
    version = next(v for v in engine._compiled_versions(decision.jurisdiction) if v.key == decision.rulebook)
    return _Explanation(decision, act, version, lang).render()


class _Explanation:
    def __init__(self, decision: Decision, act: Action, version: Version, lang: str) -> None:
        self.d, self.act, self.v, self.lang = decision, act, version, lang
        self.t = TEXT[lang]
        zh = lang == "zh"
        self.colon, self.sep = ("：", "，") if zh else (": ", ", ")
        self.paren = ("（", "）") if zh else (" (", ")")
        self.articles: dict[int, Article] = {a.number: a for a in version.meta.articles}
        self.findings: dict[str, Finding] = {f.rule: f for f in decision.findings}
        self.quoted: set[int] = set()
        self.lines: list[str] = []

    def out(self, indent: int, text: str) -> None:
        self.lines.append(("  " * indent + text).rstrip())

    def render(self) -> str:
        d, t, meta, c = self.d, self.t, self.v.meta, self.colon
        zh = self.lang == "zh"
        self.out(0, f"{t['verdict']}{c}{t[d.verdict]}" + (f"（{d.verdict}）" if zh else ""))
        self.out(
            0,
            f"{t['rulebook']}{c}《{meta.title_zh}》{self.paren[0]}{d.rulebook}{self.paren[1]}"
            + ("" if zh else f" — {meta.title_en}"),
        )
        done = [
            self.sep.join(
                [self.step(s.step, (s.party,))]
                + ([self.date(s.date)] if s.date else [])
                + ([t["written"]] if s.written else [])
            )
            for s in self.act.steps
        ]
        self.out(0, f"{t['steps']}{c}{('；' if zh else '; ').join(done) or t['none']}")
        if d.silent:
            self.out(0, f"《{meta.short_zh}》{t['silent']}")
        if d.conditional_on:
            self.out(0, t["conditional_on"].format(self.sep.join(t[n] for n in d.conditional_on)))
        if d.breach and d.verdict != "denied":
            self.out(0, t["breach"])
        if d.assumptions:
            self.out(0, f"{t['presumed']}{c}")
            for a in d.assumptions:
                reason = a.reason_zh if zh else a.reason_en
                self.out(1, f"{a.fact} = {self.show(a.value)}{self.paren[0]}{reason}{self.paren[1]} {a.rule}")
        trace = d.trace or ()
        self.out(0, f"{t['rules']}{c}" + ("" if trace else t["not_weighed"]))
        exceptions: dict[str, list[TraceEntry]] = {}
        n = 0
        for entry in trace:
            if entry.exception_to:  # weighed against its base rule, listed under it
                for base in entry.exception_to:
                    exceptions.setdefault(base, []).append(entry)
                continue
            n += 1
            self.rule(entry, f"{n}.", 1)
            for exc in exceptions.pop(entry.rule, []):
                self.rule(exc, t["exception"], 2)
        if d.obligations:
            self.out(0, f"{t['todo']}{self.colon}")
            for o in d.obligations:
                self.obligation(o)
        return "\n".join(self.lines) + "\n"

    def rule(self, entry: TraceEntry, head: str, depth: int) -> None:
        t = self.t
        finding = self.findings.get(entry.rule)
        article = finding.article if finding else self.article_of(entry.rule)
        where = self.cite(article) if article else ""
        self.out(depth, f"{head} {entry.rule} {where}")
        c = self.colon
        self.out(depth + 1, f"{t['condition']}{c}{entry.condition} → {t[entry.value]}")
        facts = [f"{k} = {self.show(v)}" for k, v in entry.facts.items()]
        if facts:
            self.out(depth + 1, f"{t['facts']}{c}{self.sep.join(facts)}")
        if entry.defeated_by:
            self.out(depth + 1, f"{t['defeated']}{c}{self.sep.join(entry.defeated_by)}")
        if finding is not None:
            self.finding(finding, depth + 1)

    def finding(self, f: Finding, depth: int) -> None:
        t, c = self.t, self.colon
        result = [t[f.outcome]]
        if f.missing:
            result.append(t["missing"].format("、".join(f.missing)))
        if f.due and f.due != f.comply_by:
            result.append(t["due"].format(self.date(f.due)))
        if f.comply_by:
            result.append(t["comply_by"].format(self.date(f.comply_by)))
        self.out(
            depth,
            f"{t['result']}{c}{self.sep.join(result)}{self.paren[0]}{t[f.modality]}{self.paren[1]}",
        )
        if self.lang == "zh":
            self.out(depth, f"{f.citation_zh}，{f.message_zh}")
        else:
            self.out(depth, f"Under article {f.article} of 《{self.v.meta.short_zh}》: {f.message_en}")
        if f.quote:
            self.out(depth, f"{t['quote']}{c}「{f.quote}」")
        article = self.articles.get(f.article)
        if article is None:
            return
        if f.article in self.quoted:
            self.out(depth, f"{self.paren[0].strip()}{t['above']}{self.paren[1]}")
            return
        self.quoted.add(f.article)
        where = self.sep.join(x for x in (article_zh(f.article), self.label(f.article)) if x)
        self.out(depth, f"{t['text']}{self.paren[0]}{where}{self.paren[1]}{c}")
        for line in article.text.strip().splitlines():
            self.out(depth, f"> {line}")

    def obligation(self, o: Obligation) -> None:
        t = self.t
        parts = [self.step(o.step, o.party)]
        if o.system:
            parts.append(o.system)
        if o.written:
            parts.append(t["written"])
        if o.due:
            parts.append(t["due"].format(self.date(o.due)))
        if o.follow_up:
            parts.append(t["follow_up"])
        if o.provisional:
            parts.append(t["provisional"])
        ref = f"〔{o.rule}，{self.cite(o.article)}〕" if self.lang == "zh" else f" [{o.rule}, {self.cite(o.article)}]"
        self.out(1, f"- {self.sep.join(parts)}{ref}")

    # --- words -----------------------------------------------------------------------------------
    def cite(self, number: int) -> str:
        """第七十条（七十、）: the number, and the source's own label when it says more."""
        label = self.label(number)
        if self.lang == "zh":
            return article_zh(number) + (f"（{label}）" if label else "")
        return f"art. {number}" + (f" ({label})" if label else "")

    def label(self, number: int) -> str:
        label = self.articles[number].label if number in self.articles else ""
        return "" if label == article_zh(number) else label

    def article_of(self, rule_id: str) -> int | None:
        for a in self.v.meta.articles:
            if any(r.id == rule_id for r in a.rules):
                return a.number
        return None

    def party(self, party: str) -> str:
        title = self.v.meta.roles.get(party)  # type: ignore[call-overload]
        if title is None:
            title = PARTY_ZH.get(party, party).replace("区（市）", LEVEL_ZH.get(self.v.meta.level, "区"))
        return str(title)

    def step(self, step: str, parties: tuple[str, ...]) -> str:
        names = "、".join(self.party(p) for p in parties)
        if self.lang == "zh":
            return f"{STEP_ZH.get(step, step)}（{step}）" + (f"：{names}" if names else "")
        return step + (f" → {', '.join(parties)} ({names})" if parties else "")

    def date(self, day: dt.date) -> str:
        return f"{day.year}年{day.month}月{day.day}日" if self.lang == "zh" else day.isoformat()

    def show(self, value: object) -> str:
        if value is None:
            return self.t["not_given"]
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return f'"{value}"'
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, tuple | list):
            return "[" + ", ".join(self.show(v) for v in value) + "]"
        if isinstance(value, BaseModel):
            return " ".join(str(v) for v in value.model_dump(exclude_none=True).values())
        return str(value)
