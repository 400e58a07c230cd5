"""The rulebook language: from YAML text to an immutable compiled rulebook.

Stages read in one direction (each module imports only those before it):

- `document`  the safe YAML loader: documents with the position of every node
- `rulebook`  the rulebook file models (articles, rules, checks, overlays, rule tests)
- `condition` the condition language: parse, type-check against an action or event model, compile
- `compiled`  what the compiler produces: `Version`, `CompiledRule`, `CompiledAudit`, `Site`; and
              which files a rulebook is (`bundled_dir`, `rulebook_files`)
- `compile`   the load passes, as a table of named stages that `build` runs in order

Beside them, `fmt`: the canonical layout of rulebook YAML (`govrules fmt`), read with `document`,
keys in the order of `rulebook`'s models.

The engine (`govrules._engine`) reads only `compiled` and `condition.Checked`; it never imports `yaml`.
"""
