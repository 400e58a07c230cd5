"""The vocabulary: one home for every id, each with its name; parties are roles or bodies."""

from __future__ import annotations

from typing import get_args

import pytest

from govrules._actions import Step
from govrules._lang.condition import type_of
from govrules._vocab import NAMED, NAMES, Body, Party, Role, article_zh, ids, numeral


@pytest.mark.parametrize("what", sorted(NAMED))
def test_every_id_has_its_chinese_name(what: str) -> None:
    enumeration, names = NAMED[what]
    assert ids(enumeration), what
    assert [i for i in ids(enumeration) if not names.get(i)] == []


def test_names_in_both_languages() -> None:
    assert NAMES["zh"].keys() == NAMES["en"].keys()


def test_a_party_is_a_role_or_a_body() -> None:
    assert get_args(Party) == (*get_args(Role), *get_args(Body))
    assert not set(get_args(Role)) & set(get_args(Body))


def test_the_type_checker_sees_party_as_one_enumeration() -> None:
    party = type_of(Step.model_fields["party"].annotation)
    assert party.base == "str" and party.values == frozenset(get_args(Party))
    assert not party.optional


@pytest.mark.parametrize(
    ("n", "zh"),
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (23, "二十三"),
        (60, "六十"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (262, "二百六十二"),
    ],
)
def test_numerals(n: int, zh: str) -> None:
    assert numeral(n) == zh
    assert article_zh(n) == f"第{zh}条"
