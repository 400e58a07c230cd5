"""govrules.dask on a real LocalCluster (2 worker processes, started once for this module): the same
records and reports as `govrules check` / `govrules audit`, bad records and order included, and a
worker with another rulebook refused."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import dask.bag as dask_bag  # the `dask` extra is in the `test` extra: these tests always run
import distributed
import pytest

import govrules
from govrules import dask as gd
from govrules._audit import durable

ROOT = Path(__file__).resolve().parent.parent
GOVRULES = [sys.executable, "-c", "import sys; from govrules._cli import main; sys.exit(main())"]
LEAVE = {"kind": "leave_jurisdiction", "jurisdiction": "qinghemen", "date": "2026-03-09", "actor": {"role": "deputy"}}


@pytest.fixture(scope="module")
def client() -> Any:
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        distributed.Client(c) as cl,
    ):
        yield cl


@pytest.fixture(scope="module")
def ref() -> gd.EngineRef:
    return gd.EngineRef.load()


@pytest.fixture(scope="module")
def actions_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~1,200 actions over every kind, with bad records among them: broken JSON, blank lines, a
    list, an unknown jurisdiction, an impossible date, an over-long line, a last line without newline."""
    sys.path.insert(0, str(ROOT))
    from bench.stream import test_actions

    good = test_actions()[:300] * 4
    path = tmp_path_factory.mktemp("dask") / "actions.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i, a in enumerate(good):
            if i == 5:
                f.write('{"broken json\n')
            if i == 7:
                f.write("\n   \n")
            if i == 9:
                f.write("[1, 2]\n")
            if i == 11:
                f.write(json.dumps({**LEAVE, "jurisdiction": "nowhere"}) + "\n")
            if i == 13:
                f.write(json.dumps({**LEAVE, "date": "2026-02-30"}) + "\n")
            if i == 700:
                f.write('{"x": "' + "y" * (1024 * 1024 + 10) + '"}\n')
            f.write(json.dumps({**a, "id": f"a{i}"}, ensure_ascii=False) + "\n")
        f.write('{"kind": 1}')
    return path


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GOVRULES, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_core_never_imports_dask() -> None:
    code = (
        "import sys, govrules, govrules._cli; govrules._cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'pyarrow') "
        "or m == 'govrules.dask'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_engine_travels_by_reference(ref: gd.EngineRef) -> None:
    data = pickle.dumps(ref)
    assert len(data) < 500  # the paths and the digest, not the rulebook
    assert pickle.loads(data) == ref
    assert ref.digest == gd.digest_of(govrules.load())
    assert ref.digest != gd.EngineRef.load(rules=[str(ROOT / "examples" / "overlay" / "rules")]).digest


def test_check_dask_cli_is_check_byte_for_byte(client: Any, actions_file: Path) -> None:
    """Same JSON and text output and exit code, across several partitions and files (a YAML file,
    an empty file, a missing one), bad records included, in input order."""
    empty = actions_file.parent / "empty.jsonl"
    empty.write_text("\n\n")
    files = [str(actions_file), str(ROOT / "examples" / "actions" / "leave.yaml"), str(empty), "missing.jsonl"]
    address = client.scheduler.address
    for fmt in ("json", "text"):
        plain = _cli("check", "--format", fmt, *files)
        on_dask = _cli("check", "--format", fmt, "--dask", address, "--partition-mb", "1", *files)
        assert on_dask.returncode == plain.returncode == 2, on_dask.stderr
        assert on_dask.stdout == plain.stdout
        if fmt == "json":
            results = json.loads(plain.stdout)["results"]
    errors = [r["error"] for r in results if "error" in r]
    assert len(errors) == 8 and "line longer than 1048576 bytes" in errors and "no such file" in errors


def test_records_match_check(client: Any, ref: gd.EngineRef, actions_file: Path) -> None:
    """evaluate_partitions over small blocks (many partitions): one record per `check` result,
    same file, line, id, verdict, breach, cited articles and error message."""
    sources = gd.read_actions([str(actions_file)], blocksize=16 * 1024)
    assert sources.npartitions > 10
    records = gd.evaluate_partitions(sources, ref).compute()
    expected = json.loads(_cli("check", "--format", "json", str(actions_file)).stdout)["results"]
    assert len(records) == len(expected)
    for rec, exp in zip(records, expected, strict=True):
        assert (rec["file"], rec["line"]) == (exp["file"], exp["line"])
        if "error" in exp:
            assert (rec["verdict"], rec["error"]) == ("error", exp["error"])
            continue
        d = exp["decision"]
        assert rec["error"] is None
        assert (rec["id"], rec["kind"], rec["verdict"], rec["breach"]) == (
            d.get("action_id"),
            d["kind"],
            d["verdict"],
            d.get("breach", False),
        )
        cited = (f"{f['jurisdiction']}:{f['article']}" for f in d.get("findings", ()))
        assert rec["articles"] == list(dict.fromkeys(cited))
        assert [o["rule"] for o in json.loads(rec["obligations"])] == [o["rule"] for o in d.get("obligations", ())]


def test_parquet_in_and_out(client: Any, ref: gd.EngineRef, actions_file: Path, tmp_path: Path) -> None:
    """Actions read from Parquet judge as they do from JSON Lines; records write to Parquet and
    JSON Lines and read back whole."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sources = gd.read_actions([str(actions_file)]).compute()
    good = [s for s in sources if s[3] is None and isinstance(s[2], dict) and s[2].get("kind") != 1][:400]
    table = pa.Table.from_struct_array(pa.array([s[2] for s in good]))  # a schema over all rows
    pq.write_table(table, tmp_path / "actions.parquet", row_group_size=100)
    from_parquet = gd.evaluate_partitions(gd.read_actions([str(tmp_path / "actions.parquet")]), ref)
    assert from_parquet.npartitions == 4
    got = from_parquet.compute()
    want = gd.evaluate_partitions(dask_bag.from_sequence(good, npartitions=3), ref).compute()
    strip = ("file", "line")
    assert [{k: v for k, v in r.items() if k not in strip} for r in got] == [
        {k: v for k, v in r.items() if k not in strip} for r in want
    ]
    assert [r["line"] for r in got] == list(range(1, 401))
    records = gd.evaluate_partitions(gd.read_actions([str(actions_file)]), ref)
    gd.write_parquet(records, str(tmp_path / "out"))
    back = pq.read_table(tmp_path / "out").to_pylist()
    assert [(r["line"], r["verdict"], r["error"], r["articles"]) for r in back] == [
        (r["line"], r["verdict"], r["error"], r["articles"]) for r in records.compute()
    ]
    written = gd.write_jsonl(records, str(tmp_path / "jl" / "part-*.jsonl"))
    lines = [json.loads(x) for p in written for x in Path(p).read_text(encoding="utf-8").splitlines()]
    assert lines == records.compute()


def test_dataframe_of_actions(client: Any, ref: gd.EngineRef, tmp_path: Path) -> None:
    """A dask DataFrame read from Parquet judges as the Parquet file read row by row."""
    import dask.dataframe as dd
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(ROOT))
    from bench.stream import test_actions

    actions = [{**a, "id": f"d{i}"} for i, a in enumerate(test_actions()[:300])]
    pq.write_table(pa.Table.from_struct_array(pa.array(actions)), tmp_path / "a.parquet", row_group_size=70)
    got = gd.evaluate_partitions(dd.read_parquet(tmp_path / "a.parquet"), ref).compute()
    want = gd.evaluate_partitions(gd.read_actions([str(tmp_path / "a.parquet")]), ref).compute()
    assert [r["id"] for r in got] == [f"d{i}" for i in range(300)]
    assert [{**r, "file": None} for r in got] == [{**r, "file": None} for r in want]


@pytest.fixture(scope="module")
def events_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Events of the five jurisdictions, with ids that collide across two of them, a reference
    across jurisdictions, one to no event, broken lines and an invalid event."""
    sys.path.insert(0, str(ROOT))
    from bench.part_audit import write_log

    folder = tmp_path_factory.mktemp("dask_audit")
    lines: list[str] = []
    for j in govrules.load().jurisdictions:
        write_log(folder / f"{j}.jsonl", 1500, j, seed=len(j))
        tag = j[:2]  # qianjin and qinghemen both `qi`: duplicate ids across jurisdictions
        lines += [
            x.replace('"id": "', f'"id": "{tag}').replace('"ref": "', f'"ref": "{tag}')
            for x in (folder / f"{j}.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        ]
    lines.sort(key=lambda x: json.loads(x)["date"])
    actor = '"actor": {"role": "department_head"}'
    lines[10:10] = [
        "{bad\n",
        "\n",
        '{"type": "meeting_held"}\n',
        f'{{"type": "minutes_issued", "id": "x1", "ref": "qim10", "date": "2024-03-01", '
        f'"jurisdiction": "hegang", {actor}}}\n',
        f'{{"type": "minutes_issued", "id": "x2", "ref": "nosuch", "date": "2024-03-01", '
        f'"jurisdiction": "hegang", {actor}}}\n',
    ]
    path = folder / "events.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("backend", ["python", "auto"])
def test_audit_dask_is_audit(client: Any, events_file: Path, backend: str) -> None:
    plain = _cli("audit", "--format", "json", "--backend", backend, str(events_file))
    on_dask = _cli(
        "audit",
        "--format",
        "json",
        "--backend",
        backend,
        "--dask",
        client.scheduler.address,
        "--partition-mb",
        "1",
        str(events_file),
    )
    assert on_dask.returncode == plain.returncode == 2, on_dask.stderr
    assert on_dask.stdout == plain.stdout
    report = json.loads(plain.stdout)
    assert report["findings"] and report["periods"] and len(report["problems"]) > 3


def test_audit_api_small_blocks_and_as_of(client: Any, ref: gd.EngineRef, events_file: Path) -> None:
    import datetime as dt

    day = dt.date(2025, 6, 30)
    got = gd.audit(
        gd.read_events([str(events_file)], blocksize=32 * 1024), ref, as_of=day, backend="python", client=client
    )
    assert got == govrules.audit_file(govrules.load(), str(events_file), as_of=day, backend="python")


def test_audit_refuses_a_far_last_event_as_audit_does(client: Any, ref: gd.EngineRef, tmp_path: Path) -> None:
    log = tmp_path / "far.jsonl"
    ev = {"type": "meeting_held", "jurisdiction": "qinghemen", "actor": {"role": "head"}, "meeting": "executive"}
    log.write_text(
        "".join(
            json.dumps({**ev, "id": f"e{i}", "date": d}) + "\n"
            for i, d in enumerate(["2025-01-06", "2025-01-07", "2027-01-07"])
        )
    )
    plain, on_dask = _cli("audit", str(log)), _cli("audit", "--dask", client.scheduler.address, str(log))
    assert on_dask.returncode == plain.returncode == 2
    assert plain.stderr.strip() in on_dask.stderr and "`e2`" in plain.stderr


def test_a_worker_with_another_rulebook_is_refused(client: Any, tmp_path: Path) -> None:
    """The overlay changes under the client's feet: the workers load it and find another digest."""
    overlay = tmp_path / "rules"
    shutil.copytree(ROOT / "examples" / "overlay" / "rules", overlay)
    ref = gd.EngineRef.load(rules=[str(overlay)])
    for f in overlay.rglob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        if "zh:" in text:
            f.write_text(text.replace("zh:", "zh: 改", 1), encoding="utf-8")
            break
    else:  # pragma: no cover
        pytest.fail("no message to change in the example overlay")
    with pytest.raises(gd.RulebookMismatch, match="digest"):
        gd.check_workers(client, ref)
    with pytest.raises(gd.RulebookMismatch):
        gd.evaluate_partitions(dask_bag.from_sequence([("x", 1, LEAVE, None)]), ref).compute()


# --- read once, count nothing up front, join ids on the cluster --------------------------------
def test_reading_computes_nothing_until_asked(actions_file: Path, events_file: Path) -> None:
    """Building the bags and the check's partitions reads no block (no line-count pass before the
    work: each block is read once, where it is judged): a scheduler that fails if called is not."""
    import dask

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("read_actions computed something")

    ref = gd.EngineRef.load()
    with dask.config.set(scheduler=refuse):
        bag = gd.read_actions([str(actions_file)], blocksize=16 * 1024)
        gd.read_events([str(events_file)], blocksize=16 * 1024)
        parts = gd.check_parts([str(actions_file)], ref, blocksize=16 * 1024)
    blocks = -(-actions_file.stat().st_size // (16 * 1024))
    graph = dict(bag.__dask_graph__())
    assert sum(str(k).startswith("_block_sources") for k in graph) == blocks  # one read per block
    assert [p.path for p in parts] == [str(actions_file)] * (blocks + 1) and parts[-1].task is None


@pytest.mark.parametrize("render", ["json", "text", None])
def test_check_parts_number_lines_as_check_over_many_blocks(
    client: Any, ref: gd.EngineRef, actions_file: Path, tmp_path: Path, render: str | None
) -> None:
    """Blocks of 8 KB (a line cut by a block's end belongs to the block it starts in; an over-long
    line spans many): every result numbered as `check` numbers it, by the client's running count;
    a file of blank lines is "empty file", once."""
    from govrules._cli import formats

    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n" * 20000)  # blank lines over three blocks
    files = [str(actions_file), str(blank)]
    parts = gd.check_parts(files, ref, blocksize=8 * 1024, render=render)
    assert len(parts) > 100
    lines = gd.CheckLines(render, "en")
    results = client.gather(client.compute([p.task for p in parts if p.task is not None]))
    found = iter(results)
    got = [r for p in parts for r in lines.results(p, next(found) if p.task is not None else None)]
    plain = json.loads(_cli("check", "--format", "json", *files).stdout)["results"]
    assert len(got) == len(plain)
    if render is None:  # the items themselves come back, for the formats written on the client

        def tag(r: dict[str, Any]) -> str:
            d = r.get("decision")
            return (
                "error" if d is None else d["verdict"] + ("!" if d.get("breach") and d["verdict"] != "denied" else "")
            )

        assert [(it.file, it.line, formats.tag(it)) for it, _ in got] == [(r["file"], r["line"], tag(r)) for r in plain]
    elif render == "json":
        assert [json.loads(text) for _, text in got] == plain
    else:
        assert [text.split(": ", 1)[0] for _, text in got] == [f"{r['file']}:{r['line']}" for r in plain]
    assert (str(blank), 0) in [(r["file"], r["line"]) for r in plain]


def test_parsed_is_json_value_on_odd_lines() -> None:
    """The audit's split reads lines by a faster way than the reader's; on every odd line it gives
    the reader's value or message."""
    from govrules._records import json_value

    odd = [
        b'{"a": 1}\n',
        '\ufeff{"a": 1}\n'.encode(),  # a BOM
        '{"a": "é"}\n'.encode("utf-16"),
        b'{"a": "\xff"}\n',  # not UTF-8
        b'{"a": NaN, "b": Infinity}\n',
        b'{"a": ' + b"9" * 5000 + b"}\n",
        b"[" * 70 + b"]" * 70 + b"\n",
        b'{"a": "' + b"[" * 100 + b'"}\n',  # brackets in a string: not nesting
        b'{"a": 1, "a": 2}\n',
        b'{"a": "\\ud800"}\n',
        b"{bad\n",
        b"  \n",
    ]
    for raw in odd:
        assert repr(gd._parsed(raw)) == repr(json_value(raw)), raw[:40]


def _events_log(path: Path, lines: list[dict[str, Any] | str]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    return path


EXEC = {"type": "meeting_held", "actor": {"role": "head"}, "meeting": "executive"}


def test_audit_date_from_a_few_events_as_the_audit_settles_it(client: Any, ref: gd.EngineRef, tmp_path: Path) -> None:
    """The last two days come from validating a few events per partition, from the last day back:
    a last day whose events the audit does not keep (invalid, under no version) does not count; a
    day's first kept event may follow invalid ones; a date written otherwise (a datetime at
    midnight, which the event model takes) is read by validation. Blocks of 1 KB: many partitions."""
    day = {"jurisdiction": "qinghemen", **EXEC}
    lines: list[dict[str, Any] | str] = [{**day, "id": f"e{i}", "date": f"2025-03-{1 + i % 20:02d}"} for i in range(60)]
    lines += [
        {**day, "id": "late-bad", "date": "2025-09-01", "meeting": 12},  # invalid: not kept
        {**day, "id": "late-nowhere", "date": "2025-09-02", "jurisdiction": "nowhere"},
        {"jurisdiction": "qinghemen", "id": "late-broken", "date": "2025-08-30"},
        {**day, "id": "mid", "date": "2025-04-01T00:00:00"},
        {**day, "id": "last-bad", "date": "2025-04-02", "meeting": 12},
        {**day, "id": "last", "date": "2025-04-02"},
    ]
    log = _events_log(tmp_path / "days.jsonl", lines)
    events = gd.read_events([str(log)], blocksize=1024)
    assert events.npartitions > 8
    want = govrules.audit_file(govrules.load(), str(log), backend="python")
    got = gd.audit(events, ref, backend="python", client=client)
    assert got == want and got.as_of.isoformat() == "2025-04-02"


def test_ids_shared_across_partitions_join_jurisdictions(client: Any, ref: gd.EngineRef, tmp_path: Path) -> None:
    """A reference from hegang to a qinghemen meeting logged far earlier (another partition): the
    shuffle of the ids on the cluster joins them, and the report is the single audit's. An
    invalid event sharing an id joins two jurisdictions for nothing, and changes no finding."""
    qh = {"jurisdiction": "qinghemen", **EXEC}
    lines: list[dict[str, Any] | str] = [{**qh, "id": "m1", "date": "2025-03-03"}]
    lines += [{**qh, "id": f"f{i}", "date": "2025-03-04"} for i in range(40)]  # filler: partitions apart
    lines += [
        {
            "type": "minutes_issued",
            "id": "x1",
            "ref": "m1",
            "date": "2025-03-20",
            "jurisdiction": "hegang",
            "actor": {"role": "department_head"},
        },
        {"type": "minutes_issued", "id": "f3", "date": "2025-03-21", "jurisdiction": "xiangshan"},  # invalid
    ]
    log = _events_log(tmp_path / "join.jsonl", lines)
    events = gd.read_events([str(log)], blocksize=1024)
    assert events.npartitions > 4
    import dask
    import pandas as pd
    from dask.delayed import delayed

    splits = dask.compute(*[delayed(gd._split)(p, ref) for p in events.to_delayed()])
    assert set(gd._crossings(pd.concat([s[2] for s in splits]))["jurs"]) == {
        "hegang\tqinghemen",
        "qinghemen\txiangshan",
    }
    for backend in ("python", "auto"):
        want = govrules.audit_file(govrules.load(), str(log), backend=backend)  # type: ignore[arg-type]
        assert gd.audit(events, ref, backend=backend, client=client) == want


def test_a_log_the_audit_keeps_nothing_of(client: Any, ref: gd.EngineRef, tmp_path: Path) -> None:
    """No event kept (broken lines, invalid events): the problems, as the single audit gives them,
    without gathering the log on the client."""
    log = _events_log(tmp_path / "bad.jsonl", ["{bad", "[1]", {"type": "meeting_held"}, {"jurisdiction": "qinghemen"}])
    want = govrules.audit_file(govrules.load(), str(log), backend="python")
    assert gd.audit(gd.read_events([str(log)]), ref, backend="python", client=client) == want


@pytest.mark.skipif(not durable.available(), reason="durable-rules is not installed (Python 3.13)")
def test_auto_backend_as_the_single_audit_picks_it(
    client: Any, ref: gd.EngineRef, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`auto` takes Rete up to RETE_AUTO_EVENTS events kept (here 100) and plain Python beyond, as
    the single audit does for the whole log: 150 records of which 60 are kept → Rete (the Dask
    audit first runs Python on its bound of 150 records, and runs again); 150 kept → Python."""
    from govrules._audit import api

    monkeypatch.setattr(api, "RETE_AUTO_EVENTS", 100)
    qh = {"jurisdiction": "qinghemen", **EXEC}
    good = [{**qh, "id": f"e{i}", "date": f"2025-03-{1 + i % 20:02d}"} for i in range(150)]
    bad = [{"jurisdiction": "qinghemen", "type": "meeting_held", "id": f"b{i}"} for i in range(90)]
    for lines, backend in ((good[:60] + bad, "rete"), (good, "python")):
        log = _events_log(tmp_path / f"{backend}.jsonl", lines)  # type: ignore[arg-type]
        want = govrules.audit_file(govrules.load(), str(log))
        got = gd.audit(gd.read_events([str(log)]), ref, client=client)
        assert got == want and got.backend == backend


def test_lines_before_each_block_summed_in_a_tree() -> None:
    """The count of lines (and whether any record) before each block, for every number of blocks
    up to 40: what a running count would give, from a tree of sums (no chain of P tasks)."""
    import dask

    for blocks in range(41):
        counts = [(k + 1, k % 7 == 3) for k in range(blocks)]
        got = dask.compute(*gd._before(counts), scheduler="sync")
        assert list(got) == [(sum(n for n, _ in counts[:k]), any(s for _, s in counts[:k])) for k in range(blocks + 1)]
