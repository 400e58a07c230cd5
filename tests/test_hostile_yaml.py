"""Hostile rulebook input: every one is refused with a RulebookError whose diagnostic names the file
and a line, never another exception, and in bounded time (the inputs are sized so that the whole
file runs in seconds; no timing is asserted).

Each input is written under `tmp_path` and loaded with `govrules.load(path)`; the mutations start
from the `mini` fixture rulebook (tests/fixtures/mini/mini.yaml), whose source text is shipped with
the bundled rulebook.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import govrules
from govrules._lang.document import MAX_ALIAS_NODES, MAX_BYTES, MAX_DEPTH

MINI_YAML = Path(__file__).parent / "fixtures" / "mini" / "mini.yaml"
MINI_TEXT = MINI_YAML.read_text(encoding="utf-8")
MINI_DATA = yaml.safe_load(MINI_TEXT)
FIRST_WHEN = 'when: actor.role == "deputy"\n'  # the whole line: the second rule's begins alike
FIRST_RULE = "mini.leave.deputy_tells_head"


def write(tmp_path: Path, content: str | bytes, name: str = "mini.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def check_diagnostics(path: Path, error: govrules.RulebookError) -> None:
    """Every diagnostic points into the file loaded, at a real line and column."""
    assert error.diagnostics
    for d in error.diagnostics:
        assert d.file == str(path), str(d)
        assert d.line >= 1 and d.column >= 1, str(d)
        assert d.code and d.message, str(d)


def refused(path: Path) -> govrules.RulebookError:
    with pytest.raises(govrules.RulebookError) as info:
        govrules.load(path)
    check_diagnostics(path, info.value)
    return info.value


def loads_or_refused(path: Path) -> govrules.Engine | govrules.RulebookError:
    """Either a loaded engine or a RulebookError: any other exception propagates and fails."""
    try:
        return govrules.load(path)
    except govrules.RulebookError as exc:
        check_diagnostics(path, exc)
        return exc


def codes(error: govrules.RulebookError) -> set[str]:
    return {d.code for d in error.diagnostics}


# --- the baseline: the copies below are made right ------------------------------------------------
def test_mini_copy_and_round_trip_load(tmp_path: Path) -> None:
    assert isinstance(govrules.load(write(tmp_path, MINI_TEXT)), govrules.Engine)
    assert isinstance(govrules.load(write(tmp_path, dump(MINI_DATA), "dumped.yaml")), govrules.Engine)


# --- resource exhaustion --------------------------------------------------------------------------
def test_billion_laughs(tmp_path: Path) -> None:
    """Nine levels of nine aliases each: 9**9 leaves if expanded. Refused by the node budget."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert path.stat().st_size < 1000
    error = refused(path)
    assert codes(error) == {"E006"}


FLOW = pytest.mark.parametrize("opening,closing", [("[", "]"), ("{a: ", "}")], ids=["flow_list", "flow_map"])


@FLOW
def test_nesting_ten_thousand_deep(tmp_path: Path, opening: str, closing: str) -> None:
    """What we guarantee, whichever bound fires first: ours (E004) or, at 1,000 flow levels,
    libyaml's own (E003 since PyYAML 6.0.2; its wording is not ours to pin): refused, on its line,
    as a YAML error."""
    path = write(tmp_path, "jurisdiction: " + opening * 10_000 + "x" + closing * 10_000 + "\n")
    error = refused(path)
    assert codes(error) <= {"E003", "E004"}
    assert [d.line for d in error.diagnostics] == [1]


@FLOW
def test_nesting_past_our_bound_is_ours_to_refuse(tmp_path: Path, opening: str, closing: str) -> None:
    """Deeper than MAX_DEPTH but well within what any YAML library accepts: our bound, our code."""
    depth = MAX_DEPTH * 4
    error = refused(write(tmp_path, "jurisdiction: " + opening * depth + "x" + closing * depth + "\n"))
    assert codes(error) == {"E004"}


def test_block_nesting_deep(tmp_path: Path) -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "x\n"
    error = refused(write(tmp_path, text))
    assert codes(error) == {"E004"}


def test_file_over_max_bytes(tmp_path: Path) -> None:
    """~21 MB of comment lines after a valid rulebook: refused by size before it is parsed."""
    line = "# " + "注释 comment " * 6 + "\n"
    chunk = line * 10_000
    path = tmp_path / "mini.yaml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(MINI_TEXT)
        while fh.tell() <= MAX_BYTES + 1024 * 1024:
            fh.write(chunk)
    assert path.stat().st_size > MAX_BYTES
    error = refused(path)
    assert codes(error) == {"E001"}


# --- encodings ------------------------------------------------------------------------------------
@pytest.mark.parametrize("where", [0, 1, 20, -1])
def test_invalid_utf8_byte(tmp_path: Path, where: int) -> None:
    lines = MINI_TEXT.encode("utf-8").split(b"\n")
    where = where % len(lines)
    lines[where] = lines[where] + b" \xff\xfe"
    error = refused(write(tmp_path, b"\n".join(lines)))
    assert codes(error) == {"E002"}
    assert error.diagnostics[0].line == where + 1


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-32", "big5"])
def test_other_encodings(tmp_path: Path, encoding: str) -> None:
    """The mini rulebook saved in the encodings a Chinese office's editor may use."""
    error = refused(write(tmp_path, MINI_TEXT.encode(encoding, errors="replace")))
    assert codes(error) <= {"E002", "E003"}


def test_nul_and_control_characters(tmp_path: Path) -> None:
    error = refused(write(tmp_path, MINI_TEXT.replace("level: district", "level: dis\x00trict\x07")))
    assert codes(error) == {"E003"}


# --- YAML broken at random places -----------------------------------------------------------------
BREAKERS = [":", "[", "{", '"', "'", "&", "*", "!", "%"]


@pytest.mark.parametrize("seed", range(200))
def test_syntax_broken_at_random_place(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    position = rng.randrange(len(MINI_TEXT) + 1)
    text = MINI_TEXT[:position] + rng.choice(BREAKERS) + MINI_TEXT[position:]
    loads_or_refused(write(tmp_path, text))


@pytest.mark.parametrize("seed", range(40))
def test_several_breakers_at_line_starts(tmp_path: Path, seed: int) -> None:
    """Breakers where YAML gives them meaning: at the start of a line or of a value."""
    rng = random.Random(1000 + seed)
    lines = MINI_TEXT.split("\n")
    for _ in range(3):
        i = rng.randrange(len(lines))
        stripped = lines[i].lstrip()
        indent = lines[i][: len(lines[i]) - len(stripped)]
        if ": " in stripped and rng.random() < 0.5:
            key, value = stripped.split(": ", 1)
            lines[i] = f"{indent}{key}: {rng.choice(BREAKERS)}{value}"
        else:
            lines[i] = f"{indent}{rng.choice(BREAKERS)}{stripped}"
    loads_or_refused(write(tmp_path, "\n".join(lines)))


# --- structure: keys deleted, scalars of the wrong type -------------------------------------------
@pytest.mark.parametrize("key", list(MINI_DATA))
def test_top_level_key_deleted(tmp_path: Path, key: str) -> None:
    data = copy.deepcopy(MINI_DATA)
    del data[key]
    error = refused(write(tmp_path, dump(data)))
    assert any(f"`{key}`" in d.message for d in error.diagnostics), str(error)


def scalar_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from scalar_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from scalar_paths(v, (*path, i))
    else:
        yield path


SCALARS = list(scalar_paths(MINI_DATA))
WRONG_TYPES = {"list": lambda v: [v, v], "mapping": lambda v: {"value": v}, "number": lambda v: 3.5}


def test_walk_finds_the_scalars() -> None:
    assert len(SCALARS) > 40
    assert ("articles", 1, "rules", 0, "when") in SCALARS


@pytest.mark.parametrize("wrong", sorted(WRONG_TYPES))
@pytest.mark.parametrize("path", SCALARS, ids=[".".join(map(str, p)) for p in SCALARS])
def test_scalar_replaced_by_wrong_type(tmp_path: Path, path: tuple[Any, ...], wrong: str) -> None:
    data = copy.deepcopy(MINI_DATA)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = WRONG_TYPES[wrong](parent[path[-1]])
    loads_or_refused(write(tmp_path, dump(data)))


# --- conditions cannot reach Python ---------------------------------------------------------------
HOSTILE_WHEN = [
    '__import__("os")',
    "actor.__class__",
    "actor.role.__class__",
    "().__class__.__bases__",
    "lambda: 1",
    'open("x")',
    'eval("1")',
    'exec("import os")',
    "actor.model_fields",
    "actor.model_dump",
    'getattr(actor, "role")',
    "actor.__dict__",
    'actor["role"]',
    "__builtins__",
    "__debug__",
    "steps.__len__",
    "[].__class__.__mro__",
    '"".join(["a"])',
    "actor.role if true else false",
    "date.year == 2026",
    '__import__("os").system("true")',
    'actor.role == "deputy"; import os',
    '{}.get("x")',
    'kind == "leave_jurisdiction"',
]


def hostile_rulebook(tmp_path: Path, when: str) -> tuple[Path, int]:
    """mini.yaml with the first rule's condition replaced; the line of that condition."""
    assert MINI_TEXT.count(FIRST_WHEN) == 1
    line = MINI_TEXT[: MINI_TEXT.index(FIRST_WHEN)].count("\n") + 1
    # A JSON string is a valid YAML double-quoted scalar: any condition text survives intact.
    return write(tmp_path, MINI_TEXT.replace(FIRST_WHEN, "when: " + json.dumps(when) + "\n")), line


@pytest.mark.parametrize("when", HOSTILE_WHEN)
def test_hostile_condition_is_a_load_error(tmp_path: Path, when: str) -> None:
    path, line = hostile_rulebook(tmp_path, when)
    error = refused(path)
    (d,) = error.diagnostics
    assert d.code.startswith("C"), str(d)
    assert d.line == line and d.rule == FIRST_RULE, str(d)


BOUNDED_WHEN = {
    "too_long": "true or " * 300 + "true",
    "not_nested": "not " * 400 + "true",
    "parens_nested": "(" * 900 + "true" + ")" * 900,
    "minus_nested": "-" * 1900 + "1 > 0",
}


@pytest.mark.parametrize("when", list(BOUNDED_WHEN.values()), ids=list(BOUNDED_WHEN))
def test_oversized_condition_is_a_load_error(tmp_path: Path, when: str) -> None:
    path, _ = hostile_rulebook(tmp_path, when)
    error = refused(path)
    assert codes(error) <= {"C001", "C004"}, str(error)


# Conditions under MAX_LENGTH (2,000 characters) that once raised RecursionError from
# govrules.load instead of a RulebookError (fixed in the tree while these tests were written):
# list literals and call arguments were parsed without counting their nesting, and a long flat
# chain, parsed iteratively into a left-deep tree, made _Compiler.compile/binary recurse once per
# operator.
DEEP_WHEN = {
    "nested_lists": "[" * 600 + "]" * 600 + " == []",
    "nested_calls": "len(" * 300 + "steps" + ")" * 300 + " > 0",
    "flat_plus_chain": "+".join(["1"] * 990) + " > 0",
    "flat_times_chain": "*".join(["1"] * 990) + " > 0",
    "flat_and_chain": " and ".join(["true"] * 220),
    "flat_in_chain": "1 in [" + ",".join(["1"] * 990) + "]",
}


@pytest.mark.parametrize("when", list(DEEP_WHEN.values()), ids=list(DEEP_WHEN))
def test_deep_condition_is_a_load_error_or_loads(tmp_path: Path, when: str) -> None:
    """Refused with a C-code diagnostic, or (a flat list literal) loaded and judged."""
    assert len(when) <= 2000
    path, _ = hostile_rulebook(tmp_path, when)
    outcome = loads_or_refused(path)
    if isinstance(outcome, govrules.RulebookError):
        assert all(d.code.startswith("C") for d in outcome.diagnostics), str(outcome)
        return
    decision = outcome.evaluate(LEAVE)
    assert decision.verdict in ("allowed", "conditional", "denied")


# Conditions a rule author may well write: nested and chained, but well within the bounds.
FAIR_WHEN = {
    "parens": "(" * 20 + 'actor.role == "deputy"' + ")" * 20,
    "nots": "not " * 20 + "head_away == false",
    "plus_chain": "+".join(["1"] * 40) + " > 0",
    "and_chain": " and ".join(['actor.role == "deputy"'] * 30),
    "in_list": 'destination in ["in_province", "out_of_province", "abroad"]',
}
LEAVE = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "mini",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
    "destination": "abroad",
    "head_away": False,
}


@pytest.mark.parametrize("when", list(FAIR_WHEN.values()), ids=list(FAIR_WHEN))
def test_fair_condition_loads_and_judges(tmp_path: Path, when: str) -> None:
    path, _ = hostile_rulebook(tmp_path, when)
    decision = govrules.load(path).evaluate(LEAVE)
    assert decision.verdict in ("allowed", "conditional", "denied")


# --- issue 11 §2: limits per file and per run, before reading; every problem a RulebookError ------
def bomb(values: int, anchor: str = "a") -> str:
    """A document whose aliases add about `values` values: 1,000-long lists, referred to."""
    per = 1000
    return f"leaf: &{anchor} [{', '.join(['x'] * per)}]\nmany: [{', '.join([f'*{anchor}'] * (values // per))}]\n"


def test_alias_bomb_over_many_documents_is_refused_before_the_second(tmp_path: Path) -> None:
    """A 31 KB overlay of many documents once took 2.96 GB: the second document is never read."""
    text = "---\n".join(bomb(900_000) for _ in range(40))
    error = refused(write(tmp_path, text, "overlay.yaml"))
    assert codes(error) == {"E005"}
    assert error.diagnostics[0].line == 3  # the second document's `---`


def test_alias_budget_is_per_run_across_files(tmp_path: Path) -> None:
    """Each file under the per-document bound, together over the per-run one."""
    for n in range(3):
        write(tmp_path, f"extends: mini\nversion: '1'\n{bomb(MAX_ALIAS_NODES * 6 // 10)}", f"overlay{n}.yaml")
    with pytest.raises(govrules.RulebookError) as info:
        govrules.load(MINI_YAML, extra=[tmp_path])
    assert codes(info.value) == {"E006"}
    assert "in this run" in info.value.diagnostics[0].message


def test_a_huge_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    """A sparse 3 GB file: refused at once (it once raised MemoryError)."""
    path = tmp_path / "mini.yaml"
    with path.open("wb") as fh:
        fh.truncate(3 * 1024**3)
    assert codes(refused(path)) == {"E001"}


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("where", ["rulebook", "overlay", "in_folder", "topics"])
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path, where: str) -> None:
    """Opening a FIFO with no writer blocks forever: it is refused before being opened for real.
    Run in a subprocess with a timeout, so that a regression fails instead of hanging the suite."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "rules"
    folder.mkdir()
    fifo = folder / {"topics": "topics.yaml", "in_folder": "x.yaml"}.get(where, "fifo.yaml")
    os.mkfifo(fifo)
    if where == "topics":
        write(folder, MINI_TEXT)
    root, extra = {
        "rulebook": (fifo, []),
        "overlay": (MINI_YAML, [fifo]),
        "in_folder": (MINI_YAML, [folder]),
        "topics": (folder, []),
    }[where]
    code = (
        "import govrules, sys\n"
        f"try: govrules.load({str(root)!r}, extra={[str(e) for e in extra]!r})\n"
        "except govrules.RulebookError as e: print(e); sys.exit(2)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(govrules.__file__).parent.parent)},
    )
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize("key", ["issued", "effective_from"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_rulebook_date_at_the_calendar_s_edge_is_refused(tmp_path: Path, key: str, day: str) -> None:
    data = copy.deepcopy(MINI_DATA)
    data[key] = day
    error = refused(write(tmp_path, dump(data)))
    assert "E102" in codes(error)


def test_impossible_date_in_a_rulebook_is_a_positioned_error(tmp_path: Path) -> None:
    """`2026-02-30` unquoted: PyYAML cannot make it a date (it once raised ValueError)."""
    line = MINI_TEXT[: MINI_TEXT.index("issued:")].count("\n") + 1
    error = refused(write(tmp_path, MINI_TEXT.replace("issued: 2022-09-14", "issued: 2022-02-30")))
    assert [(d.code, d.line) for d in error.diagnostics] == [("E100", line)]


def test_huge_integer_in_a_rulebook_is_a_positioned_error(tmp_path: Path) -> None:
    line = MINI_TEXT[: MINI_TEXT.index("  - number: 2")].count("\n") + 1
    error = refused(write(tmp_path, MINI_TEXT.replace("  - number: 2", "  - number: " + "9" * 5000)))
    assert [(d.code, d.line) for d in error.diagnostics] == [("E100", line)]


def test_topics_of_the_wrong_shape_is_a_rulebook_error(tmp_path: Path) -> None:
    write(tmp_path, MINI_TEXT)
    write(tmp_path, "- a list, not topics\n", "topics.yaml")
    error = refused_any(tmp_path)
    assert [d.code for d in error.diagnostics] == ["E100"]


def refused_any(path: Path) -> govrules.RulebookError:
    with pytest.raises(govrules.RulebookError) as info:
        govrules.load(path)
    return info.value


def source_book(tmp_path: Path, name: str, content: bytes | None) -> Path:
    folder = tmp_path / "book"
    (folder / "sources").mkdir(parents=True)
    if content is not None:
        (folder / "sources" / name).write_bytes(content)
    return write(folder, MINI_TEXT.replace("source: qinghemen.txt", f"source: {name}"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("binary.txt", b"\x00\x01\x02 PK\x03\x04"),
        ("gbk.txt", "十二条".encode("gbk") * 10),
    ],
)
def test_a_binary_source_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    error = refused(source_book(tmp_path, name, content))
    assert [d.code for d in error.diagnostics] == ["E205"]


def test_a_source_symlink_out_of_sources_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密", encoding="utf-8")
    path = source_book(tmp_path, "link.txt", None)
    (path.parent / "sources" / "link.txt").symlink_to(secret)
    assert [d.code for d in refused(path).diagnostics] == ["E205"]
