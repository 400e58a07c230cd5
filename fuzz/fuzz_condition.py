"""Coverage-guided fuzzing of the condition language (atheris), a separate target from the tests.

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/fuzz_condition.py -max_total_time=300 fuzz/corpus

Each condition that compiles is also generated as Python (`_codegen`): the generator may decline
(Unsupported), and its source must pass `check_source` (only model names and repr'd literals).
Any input that raises anything but ConditionError is a crash: atheris stops and writes it to
crash-*; add it to CRASHES in tests/test_condition.py as a regression test.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from govrules._actions import ACTION_MODELS
    from govrules._codegen import Unsupported, condition_function
    from govrules._lang.condition import ConditionError, compile_condition

MODELS = sorted(ACTION_MODELS)


def working_days(a: object, b: object) -> int:
    return 0


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    model = ACTION_MODELS[MODELS[fdp.ConsumeIntInRange(0, len(MODELS) - 1)]]
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    try:
        checked = compile_condition(text, model, working_days)
    except ConditionError:
        return
    assert checked.tree is not None
    with contextlib.suppress(Unsupported):
        condition_function(checked.tree, model, working_days)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
