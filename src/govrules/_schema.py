"""JSON Schemas of the files people write, generated from the models, for editors and other tools.

`govrules schema rulebook|actions|cases` prints them; the package ships them in `schema/`, where
a rulebook file points with its first line
(`# yaml-language-server: $schema=../schema/rulebook.schema.json`) so that an editor completes
keys and flags mistakes while typing. The models stay the one source: the schemas are
regenerated from them, and a test fails when a shipped schema is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KINDS = ("rulebook", "overlay", "actions", "cases")
REGENERATE = "govrules schema {kind} -o src/govrules/schema/{kind}.schema.json"

# Draft-07 is what editors' YAML support (yaml-language-server) validates with; pydantic's output
# uses nothing newer (`$defs` is reached by a plain JSON pointer).
DIALECT = "http://json-schema.org/draft-07/schema#"


def shipped(kind: str) -> Path:
    """The schema file shipped in the package."""
    from importlib import resources

    return Path(str(resources.files("govrules").joinpath("schema", f"{kind}.schema.json")))


def generate(kind: str) -> dict[str, Any]:
    """The JSON Schema of a rulebook file, an action file or a rule test file."""
    from ._actions import action_adapter  # the models, only when a schema is made (`govrules --help` needs KINDS)
    from ._lang.rulebook import CaseFile, OverlayFile, RulebookFile

    if kind == "rulebook":
        schema = RulebookFile.model_json_schema()
        _rulebook_checks(schema["$defs"])
        title = "govrules rulebook file"
    elif kind == "overlay":
        schema = OverlayFile.model_json_schema()
        _rulebook_checks(schema["$defs"], rule="OverlayRule")
        title = "govrules overlay: supplementary rules on a loaded rulebook"
    elif kind == "cases":
        schema = CaseFile.model_json_schema()
        title = "govrules rule tests (rulebook/tests/*.yaml)"
    elif kind == "actions":
        # An action file holds one action, a list of them, or `actions:` and a list (see _cli).
        union = action_adapter().json_schema()
        defs = union.pop("$defs")
        defs["Action"] = union
        one = {"$ref": "#/$defs/Action"}
        many = {"type": "array", "items": one}
        schema = {
            "$defs": defs,
            "anyOf": [
                one,
                many,
                {
                    "type": "object",
                    "properties": {"actions": many},
                    "required": ["actions"],
                    "additionalProperties": False,
                },
            ],
        }
        title = "govrules action file"
    else:
        raise ValueError(f"unknown schema `{kind}`: one of {', '.join(KINDS)}")
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def _rulebook_checks(defs: dict[str, Any], rule: str = "Rule") -> None:
    """Say in the schema what the rulebook models check in code, so that an editor flags it too."""
    from ._actions import ACTION_MODELS

    # A rule's `kind` is one of the action kinds (checked at load as E303).
    defs[rule]["properties"]["kind"]["enum"] = sorted(ACTION_MODELS)
    # `effect` is exactly one of deny, permit or require, and may be written `effect: deny`.
    effect = defs["Effect"]
    effect.update(minProperties=1, maxProperties=1)
    defs["Effect"] = {
        "description": effect["description"],
        "anyOf": [{"type": "string", "enum": ["deny", "permit"]}, effect],
    }
    # A deadline counts from exactly one of `before` or `after`.
    defs["Due"]["oneOf"] = [{"required": ["before"]}, {"required": ["after"]}]


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
