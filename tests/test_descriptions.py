"""Every fact an action can carry says what it means, in English and in Chinese: editors show the
descriptions on hover (through the JSON Schema) and `govrules facts KIND -j J` prints them."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from govrules._actions import ACTION_MODELS, Actor, Step

MODELS: list[type[BaseModel]] = [Actor, Step, *ACTION_MODELS.values()]
FIELDS = [(model, name) for model in MODELS for name in model.model_fields]


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
def test_field_has_english_and_chinese_description(model: type[BaseModel], name: str) -> None:
    info = model.model_fields[name]
    assert (info.description or "").strip(), f"{model.__name__}.{name} has no description"
    extra = info.json_schema_extra
    zh = extra.get("zh") if isinstance(extra, dict) else None
    assert isinstance(zh, str) and zh.strip(), f"{model.__name__}.{name} has no json_schema_extra['zh']"
