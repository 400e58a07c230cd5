"""The command line as a process (issue 11 §2): exit codes, signals and worker processes, and
hostile input, seen from outside through a real `python -m govrules`.

Exit codes: 0 nothing denied, 1 something denied, 2 unusable input, 3 govrules failed (never read
as a breach), 130 interrupted, 143 terminated. Output goes to files, not pipes: a worker left behind
would hold a pipe open and hang the test instead of failing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import govrules
from tests.conftest import MINI

SRC = str(Path(govrules.__file__).parent.parent)
RB = ["--rulebook", str(MINI)]
GOOD = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "mini",
    "date": "2026-03-09",
    "actor": {"role": "deputy"},
    "destination": "in_province",
    "head_away": False,
}
GOOD_YAML = (
    "{kind: leave_jurisdiction, jurisdiction: mini, date: 2026-03-09, actor: {role: deputy}, "
    "destination: in_province, head_away: false}"
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


def run(
    tmp_path: Path, *args: str, code: str | None = None, stdin: bytes | None = None, timeout: float = 120
) -> tuple[int, str, str]:
    """`python -m govrules ARGS` (or `python -c CODE`), its exit code, standard output and error."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "govrules", *args]
    with out.open("wb") as o, err.open("wb") as e:
        done = subprocess.run(
            command, input=stdin, stdout=o, stderr=e, timeout=timeout, env={**os.environ, "PYTHONPATH": SRC}
        )
    return done.returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text


# --- processes ------------------------------------------------------------------------------------
def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(predicate: Any, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


# Each unit of work (a span of a JSON Lines file) takes PAUSE seconds more in the workers: a run long
# enough to interrupt. The workers are forked, so they judge with the patched function.
SLOW_CHECK = """
import os, sys, time
import govrules._cli.ranges as ranges
from govrules._cli import main
judge, pause = ranges.judge_unit, float(os.environ["PAUSE"])
def slow(*args):
    time.sleep(pause)
    return judge(*args)
ranges.judge_unit = slow
sys.exit(main(sys.argv[1:]))
"""


@contextlib.contextmanager
def checking(tmp_path: Path, pause: float, n: int = 40_000) -> Iterator[subprocess.Popen[bytes]]:
    """`check -j 2` of n actions running, its workers started (`.workers`); killed at the end,
    whatever the outcome, with all its processes."""
    actions = write(tmp_path, "many.jsonl", (json.dumps(GOOD) + "\n") * n)
    err = (tmp_path / "stderr").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_CHECK, "check", "-j", "2", *RB, actions],
        stdout=subprocess.DEVNULL,
        stderr=err,
        env={**os.environ, "PYTHONPATH": SRC, "PAUSE": str(pause)},
    )
    workers: list[int] = []
    try:
        assert wait_until(lambda: len(children(proc.pid)) >= 2, 60), "the workers never started"
        workers[:] = descendants(proc.pid)
        proc.workers = workers  # type: ignore[attr-defined]
        yield proc
    finally:
        err.close()
        for pid in [proc.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait(10)


@pytest.fixture
def slow_check(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with checking(tmp_path, pause=1) as proc:
        yield proc


def interrupt(proc: subprocess.Popen[bytes], sig: int) -> None:
    """SIGINT as a terminal's Ctrl-C sends it: to the parent and its workers at once."""
    for pid in [proc.pid, *proc.workers] if sig == signal.SIGINT else [proc.pid]:  # type: ignore[attr-defined]
        with contextlib.suppress(ProcessLookupError):  # a fast run may be over
            os.kill(pid, sig)


@pytest.mark.parametrize(
    ("sig", "code", "said"),
    [
        (signal.SIGTERM, 143, "govrules: terminated"),
        (signal.SIGINT, 130, "govrules: interrupted"),
    ],
)
def test_a_signal_ends_check_and_its_workers(
    slow_check: subprocess.Popen[bytes], tmp_path: Path, sig: int, code: int, said: str
) -> None:
    """Ctrl-C or SIGTERM during `check -j 2`: the exit code of the signal, one line, no traceback,
    and no worker left behind (they once outlived their parent, holding up to 1.3 GB)."""
    workers = slow_check.workers  # type: ignore[attr-defined]
    interrupt(slow_check, sig)
    assert slow_check.wait(30) == code
    assert wait_until(lambda: not any(alive(w) for w in workers), 10), [w for w in workers if alive(w)]
    err = (tmp_path / "stderr").read_text(encoding="utf-8")
    assert err.strip() == said
    no_traceback(err)


@pytest.mark.parametrize("delay", [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_at_any_moment_of_a_fast_check_ends_it(tmp_path: Path, sig: int, delay: float) -> None:
    """A signal while workers send results, or as the run ends: the command still ends, never hangs.
    (Workers ended with SIGTERM could leave half a result on the pool's pipe, and the parent waited
    on its reader for good after printing "interrupted": about one run in three.)"""
    with checking(tmp_path, pause=0, n=20_000) as proc:
        time.sleep(delay)
        interrupt(proc, sig)
        assert proc.wait(30) in (0, 128 + sig, -sig)  # -sig: it came as the run ended, and ended it
        assert wait_until(lambda: not any(alive(w) for w in proc.workers), 10)  # type: ignore[attr-defined]
    no_traceback((tmp_path / "stderr").read_text(encoding="utf-8"))


def test_a_second_signal_does_not_wait_for_the_chunks_being_judged(tmp_path: Path) -> None:
    """The first signal lets the workers finish what they are judging (here: ten minutes); the
    second ends them at once."""
    with checking(tmp_path, pause=600) as proc:
        interrupt(proc, signal.SIGTERM)
        time.sleep(0.5)
        assert proc.poll() is None  # waiting for the workers
        interrupt(proc, signal.SIGTERM)
        assert proc.wait(30) == 143
        assert wait_until(lambda: not any(alive(w) for w in proc.workers), 10)  # type: ignore[attr-defined]
    assert (tmp_path / "stderr").read_text(encoding="utf-8").strip() == "govrules: terminated"


def test_workers_die_with_a_killed_parent(slow_check: subprocess.Popen[bytes]) -> None:
    """SIGKILL leaves the parent no chance to clean up: the kernel ends the workers."""
    workers = slow_check.workers  # type: ignore[attr-defined]
    slow_check.kill()
    slow_check.wait(30)
    assert wait_until(lambda: not any(alive(w) for w in workers), 10), [w for w in workers if alive(w)]


# --- crash is not breach --------------------------------------------------------------------------
def test_an_internal_error_exits_3_with_one_line(tmp_path: Path) -> None:
    actions = write(tmp_path, "a.yaml", f"- {GOOD_YAML}\n")
    code = (
        "import sys, govrules._engine as e\n"
        "def boom(*a, **k): raise KeyError('a bug')\n"
        "e.Engine.evaluate = boom\n"
        "from govrules._cli import main\n"
        f"sys.exit(main(['check', *{RB!r}, {actions!r}]))\n"
    )
    status, out, err = run(tmp_path, code=code)
    assert status == 3
    first, hint = err.strip().split("\n")
    assert first == "govrules: internal error: KeyError: 'a bug'" and "report it" in hint
    no_traceback(out, err)


# --- hostile input: one bad record is one error; the others are judged and counted ----------------
def test_impossible_date_in_a_yaml_list(tmp_path: Path) -> None:
    bad = GOOD_YAML.replace("date: 2026-03-09", "date: 2026-02-30")
    path = write(tmp_path, "a.yaml", f"- {GOOD_YAML}\n- {bad}\n- {GOOD_YAML}\n")
    status, out, err = run(tmp_path, "check", *RB, path)
    assert status == 2
    assert f"{path}:2: error: date:" in err  # errors on stderr
    assert out.endswith("3 actions: 0 allowed, 2 conditional, 0 denied, 1 errors\n")
    no_traceback(out, err)


def test_a_broken_document_in_a_yaml_stream(tmp_path: Path) -> None:
    """Multi-document YAML: a syntax error, a bomb and a 5,000-deep document, each one error line."""
    deep = "[" * 5000 + "]" * 5000
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    docs = [GOOD_YAML, "{kind: [", GOOD_YAML, deep, bomb, GOOD_YAML]
    path = write(tmp_path, "a.yaml", "".join(f"---\n{d}\n" for d in docs))
    status, out, err = run(tmp_path, "check", *RB, path)
    assert status == 2
    errors = [line for line in err.splitlines() if ": error: " in line]
    found = [e.split(": error: ")[1][:4] for e in errors]
    assert found[0] == "E003" and found[1] in ("E003", "E004") and found[2] == "E006", errors  # E003: libyaml's bound
    assert [int(e.split(":")[1]) for e in errors] == [4, 8, 15]
    assert out.endswith("6 actions: 0 allowed, 3 conditional, 0 denied, 3 errors\n")
    no_traceback(out, err)


def test_hostile_json_lines(tmp_path: Path) -> None:
    good = json.dumps(GOOD)
    lines = [
        good,
        '{"kind": ' + "9" * 5000 + "}",
        "[" * 5000 + "]" * 5000,
        good,
        '{"x": "' + "x" * (1024 * 1024 + 10) + '"}',
        "\xff",
        good,
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    status, out, err = run(tmp_path, "check", *RB, "--format", "json", path)
    assert status == 2
    results = json.loads(out)["results"]
    assert [r.get("error", "ok") for r in results] == [
        "ok",
        "invalid JSON: a number too long to read",
        "invalid JSON: nesting too deep",
        "ok",
        "line longer than 1048576 bytes",
        "invalid JSON: Expecting value: line 1 column 1 (char 0)",
        "ok",
    ]
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6, 7]
    no_traceback(out, err)


def test_deep_json_file(tmp_path: Path) -> None:
    status, out, err = run(tmp_path, "check", *RB, write(tmp_path, "a.json", "[" * 5000 + "]" * 5000))
    assert status == 2 and "invalid JSON: nesting too deep" in err
    no_traceback(out, err)


def test_a_deadline_past_the_calendar(tmp_path: Path) -> None:
    """Year 9999: the deadline counted from it is not a date (it once raised OverflowError)."""
    far = GOOD_YAML.replace("date: 2026-03-09", "date: 9999-12-30")
    consult = (
        "{kind: reply_to_consultation, jurisdiction: qinghemen, date: 9999-12-31, actor: {role: deputy}, "
        "requested_on: 9999-12-30, replied: true}"
    )
    path = write(tmp_path, "a.yaml", f"- {far}\n- {GOOD_YAML.replace('mini', 'qinghemen')}\n- {consult}\n")
    status, out, err = run(tmp_path, "check", path)
    assert status == 2
    assert err.count(": error: ") == 2 and "past the calendar" in err
    no_traceback(out, err)


def test_standard_input_is_bounded(tmp_path: Path) -> None:
    from govrules._files import MAX_BYTES

    status, out, err = run(tmp_path, "check", *RB, "-", stdin=b"# " + b"x" * MAX_BYTES + b"\n")
    assert status == 2 and f"standard input larger than {MAX_BYTES} bytes" in err
    no_traceback(out, err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("where", ["actions", "rules", "rulebook"])
def test_a_fifo_is_refused(tmp_path: Path, where: str) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    actions = write(tmp_path, "a.yaml", f"- {GOOD_YAML}\n")
    args = {
        "actions": [*RB, str(fifo), actions],
        "rules": [*RB, "--rules", str(fifo), actions],
        "rulebook": ["--rulebook", str(fifo), actions],
    }[where]
    status, out, err = run(tmp_path, "check", *args, timeout=60)
    assert status == 2
    assert "not a regular file" in out + err
    no_traceback(out, err)
    if where == "actions":
        assert out.endswith("2 actions: 0 allowed, 1 conditional, 0 denied, 1 errors\n")


def test_a_bad_rulebook_exits_2_with_positions(tmp_path: Path) -> None:
    rulebook = write(
        tmp_path,
        "mini.yaml",
        (MINI / "mini.yaml").read_text(encoding="utf-8").replace("source: qinghemen.txt", "source: /etc/passwd"),
    )
    status, out, err = run(tmp_path, "check", "--rulebook", rulebook, write(tmp_path, "a.yaml", GOOD_YAML))
    assert status == 2
    assert err.startswith(f"{rulebook}:") and ": E205: source `/etc/passwd`" in err
    no_traceback(out, err)


# --- start-up: --help and --version load no model, no rulebook, no durable-rules, no holidays ----
HEAVY = (
    "pydantic",
    "yaml",
    "holidays",
    "durable_rules",
    "durable_rules_engine",
    "dateutil",
    "govrules._engine",
    "govrules._actions",
    "govrules._lang.compile",
    "govrules._lang.rulebook",
    "govrules._calendar",
    "govrules._audit",
    "govrules._workdays",
)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"], ["audit", "--help"]])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "govrules", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    loaded = sorted(m for m in imported if m.split(".")[0] in HEAVY or m in HEAVY)
    assert loaded == []
    if args == ["--version"]:
        assert proc.stdout == f"govrules {govrules.__version__}\n"


def test_every_command_shares_one_option_group() -> None:
    from govrules._cli import build_parser
    from govrules._cli.options import DEFAULT_LANG

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    langs = {}
    for name, parser in sub.choices.items():  # type: ignore[union-attr]
        options = {o: a for a in parser._actions for o in a.option_strings}
        if "--lang" in options:
            langs[name] = options["--lang"].default
        for a in options.values():
            assert a.help, f"{name} {a.option_strings} has no help"
        if name not in ("schema", "reference", "fmt"):  # fmt reads YAML files, loads no rulebook
            assert "--rules" in options, name
    assert set(langs.values()) == {DEFAULT_LANG}
    assert {"check", "explain", "facts", "audit", "compare"} <= set(langs)
