from __future__ import annotations

from pathlib import Path

import pytest

import govrules

HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "mini"


@pytest.fixture(scope="session")
def engine() -> govrules.Engine:
    """The real bundled rulebook, loaded once."""
    return govrules.load()


@pytest.fixture(scope="session")
def mini() -> govrules.Engine:
    """A two-article extract of the Qinghemen text, for the engine's mechanics."""
    return govrules.load(MINI)
