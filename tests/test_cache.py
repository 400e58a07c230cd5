"""The cache of loaded rulebooks (`_cache`): never stale, never someone else's, never trusted unsigned."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

import govrules
from govrules import _cache
from govrules._cases import case_files, load_cases
from govrules._engine import load
from govrules._lang.compiled import bundled_dir

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GOVRULES_NO_CACHE", raising=False)
    return tmp_path / "cache" / "govrules"


def _entries(home: Path) -> list[Path]:
    return sorted(home.glob("rulebook-*.bin"))


def _messages(engine: govrules.Engine) -> dict[str, str]:
    return {r.id: r.message_en for r in engine.rules()}


def test_an_unchanged_rulebook_comes_from_the_cache_and_judges_alike(home: Path) -> None:
    cold = load()
    assert len(_entries(home)) == 1
    assert oct(home.stat().st_mode & 0o777) == oct(0o700)
    assert oct((home / "key").stat().st_mode & 0o777) == oct(0o600)
    warm = load()
    assert _messages(warm) == _messages(cold)
    actions = [c.action for f in case_files([bundled_dir()]) for _, c in load_cases(f)[0]]
    for trace in (False, True):
        for a in actions:
            try:
                want = cold.evaluate(a, trace=trace).model_dump_json()
            except govrules.ActionError as exc:
                want = str(exc)
            try:
                got = warm.evaluate(a, trace=trace).model_dump_json()
            except govrules.ActionError as exc:
                got = str(exc)
            assert got == want


def test_a_load_from_the_cache_reads_only_the_jurisdictions_used(home: Path) -> None:
    """Each jurisdiction is unpickled on first use (start-up: a check of one action reads one), and
    the whole engine is then the one a fresh build makes."""
    cold = load()
    warm = load()
    assert isinstance(warm._versions, _cache.Jurisdictions)
    assert list(warm._versions) == list(cold._versions)  # every jurisdiction known, none read yet
    assert warm._versions._done == {}
    warm.evaluate(
        {"kind": "leave_jurisdiction", "jurisdiction": "hegang", "date": "2026-03-09", "actor": {"role": "deputy"}}
    )
    assert set(warm._versions._done) == {"hegang"}
    assert warm.digest == cold.digest  # every jurisdiction read, each alike
    assert set(warm._versions._done) == set(cold._versions)


def test_audit_checks_from_the_cache_find_alike(home: Path) -> None:
    """The checks' conditions come back as trees and are compiled against their event models
    (imported then, by name) on first use: the same findings as a fresh build."""
    from tests.test_audit import AUD, PLANTED, summary

    cold = load(AUD)
    assert len(_entries(home)) == 1
    warm = load(AUD)
    assert len(_entries(home)) == 1
    day = dt.date(2026, 6, 30)
    want = summary(govrules.audit(cold, PLANTED, as_of=day, backend="python"))
    assert len(want) == 7  # tests/test_audit.py: the planted findings
    assert summary(govrules.audit(warm, PLANTED, as_of=day, backend="python")) == want


@pytest.mark.parametrize("what", ["rule", "source", "topics"])
def test_a_changed_rulebook_file_is_never_served_from_the_cache(home: Path, tmp_path: Path, what: str) -> None:
    book = tmp_path / "mini"
    shutil.copytree(MINI, book)
    first = load(book)
    assert len(_entries(home)) == 1
    (rule_file,) = [f for f in book.glob("*.yaml") if f.name != "topics.yaml"]
    if what == "rule":
        text = rule_file.read_text(encoding="utf-8")
        old = next(iter(_messages(first).values()))
        assert old in text
        rule_file.write_text(text.replace(old, old + " (changed)"), encoding="utf-8")
        changed = load(book)
        assert any(m.endswith(" (changed)") for m in _messages(changed).values())
    elif what == "source":  # the rulebook's own copy of its source text, then that copy changed
        name = next(
            line.split(":", 1)[1].strip()
            for line in rule_file.read_text(encoding="utf-8").splitlines()
            if line.startswith("source:")
        )
        (book / "sources").mkdir(exist_ok=True)
        source = book / "sources" / name
        shutil.copy(bundled_dir() / "sources" / name, source)
        load(book)
        assert len(_entries(home)) == 2
        source.write_bytes(source.read_bytes() + b"\n")
        load(book)
        assert len(_entries(home)) == 3
        return
    else:
        topics = book / "topics.yaml"
        if topics.exists():
            topics.write_text(topics.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        else:
            shutil.copy(bundled_dir() / "topics.yaml", topics)
        load(book)
    assert len(_entries(home)) == 2  # a new key, a new entry: the old one was not used


def test_a_tampered_entry_is_ignored_and_rebuilt(home: Path) -> None:
    want = _messages(load(MINI))
    (entry,) = _entries(home)
    blob = bytearray(entry.read_bytes())
    blob[-10] ^= 0xFF
    entry.write_bytes(bytes(blob))
    assert _cache.read([p for p in MINI.glob("*.yaml") if p.name != "topics.yaml"], _calendar()) is None
    assert _messages(load(MINI)) == want
    entry.write_bytes(b"not a pickle at all")
    assert _messages(load(MINI)) == want


def test_a_folder_open_to_others_is_not_used(home: Path) -> None:
    load(MINI)
    os.chmod(home, 0o755)
    assert _cache.folder() is None
    os.chmod(home, 0o700)
    assert _cache.folder() == home
    (home / "key").chmod(0o644)
    assert _cache._secret(home) is None


def test_a_relative_cache_home_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.delenv("GOVRULES_NO_CACHE", raising=False)
    assert _cache.folder() is None


def test_no_cache_when_asked(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVRULES_NO_CACHE", "1")
    load(MINI)
    assert not home.exists() or _entries(home) == []


def _calendar():  # type: ignore[no-untyped-def]
    from govrules._calendar import WorkCalendar

    return WorkCalendar()


def test_generated_code_is_proved_once_and_kept_signed(home: Path) -> None:
    """Generated functions (`_codegen`, `_fastparse`) are proved and compiled once per source: another
    process takes the kept code; a tampered entry is proved again; a refused source is never kept."""
    proved: list[str] = []
    src = "def _f0(a):\n    return a + 1\n"
    for _ in range(2):
        code = _cache.checked_code(src, "<govrules:test>", lambda: proved.append(src))
        scope: dict[str, object] = {}
        exec(code, scope)
        assert scope["_f0"](1) == 2  # type: ignore[operator]
    assert proved == [src]
    (entry,) = home.glob("code-*.bin")
    assert oct(entry.stat().st_mode & 0o777) == oct(0o600)
    blob = bytearray(entry.read_bytes())
    blob[-1] ^= 1
    entry.write_bytes(bytes(blob))
    _cache.checked_code(src, "<govrules:test>", lambda: proved.append(src))
    assert proved == [src, src]

    def refuse() -> None:
        raise ValueError("not ours")

    with pytest.raises(ValueError, match="not ours"):
        _cache.checked_code("import os\n", "<govrules:test>", refuse)
    assert len(list(home.glob("code-*.bin"))) == 1


def test_a_check_of_one_action_proves_its_generated_code_once(home: Path) -> None:
    """The plan of a kind and the builder of its dicts: proved by the first process, taken from the
    cache by the next (here: the module state that would make them again is forgotten)."""
    from govrules import _codegen, _fastparse

    action = {"kind": "leave_jurisdiction", "jurisdiction": "hegang", "date": "2026-03-09", "actor": {"role": "deputy"}}
    proved: list[str] = []
    real = (_codegen.check_source, _fastparse.check_source)

    def counting(check):  # type: ignore[no-untyped-def]
        def counted(src, model):  # type: ignore[no-untyped-def]
            proved.append(src)
            return check(src, model)

        return counted

    _codegen.check_source, _fastparse.check_source = (counting(c) for c in real)  # type: ignore[assignment]
    try:
        rounds = []
        for _ in range(2):  # each round as a new process: the module state that remembers them forgotten
            _fastparse._kinds.clear()
            _fastparse._shapes.clear()
            _fastparse._plans.clear()
            rounds.append((load().evaluate(action).model_dump_json(), len(proved)))
    finally:
        _codegen.check_source, _fastparse.check_source = real
    (first, proved_first), (second, proved_both) = rounds
    assert proved_first > 0 and proved_both == proved_first
    assert second == first
