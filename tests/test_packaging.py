"""What a user installing govrules sees of the package: its licence, its metadata, and the docs'
install lines (govrules is not on any package index: from a checkout or a built wheel)."""

from __future__ import annotations

import re
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_licence_file_is_the_mit_licence_pyproject_names() -> None:
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_classifiers_name_the_supported_pythons() -> None:
    classifiers = PROJECT["classifiers"]
    versions = sorted(
        c.rsplit(":: ", 1)[1] for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    assert versions == ["3.11", "3.12", "3.13"]
    assert PROJECT["requires-python"] == ">=3.11"
    assert "Typing :: Typed" in classifiers and (ROOT / "src/govrules/py.typed").exists()


def test_no_made_up_project_urls() -> None:
    """The repository has no public address: better no URL than a placeholder."""
    for url in PROJECT.get("urls", {}).values():
        assert "example" not in url and "<" not in url, url


def test_docs_never_install_govrules_from_an_index() -> None:
    """`pip install govrules` (or `govrules[extra]`) would fetch somebody else's package, or nothing."""
    bare = re.compile(
        r"pip install\s+(-\S+\s+)*['\"]?govrules(\[[a-z,]+\])?(?![\w\-./\[])(?!\s*@)"
    )  # `govrules @ file://…` is fine
    for path in [
        ROOT / "README.md",
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "examples").rglob("*.yml")),
    ]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not bare.search(line), f"{path.relative_to(ROOT)}:{n}: {line.strip()}"


def test_wheel_carries_the_licence(tmp_path: Path) -> None:
    builders = pytest.importorskip("hatchling.builders.wheel")
    wheel = Path(next(builders.WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in meta and "Classifier: Programming Language :: Python :: 3.13" in meta
