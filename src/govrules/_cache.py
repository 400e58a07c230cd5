"""A cache of loaded rulebooks: what `load()` built, kept in the user's own cache folder, so that
loading an unchanged rulebook again skips reading YAML, validating and checking it.

- Where: `$XDG_CACHE_HOME/govrules` (or `~/.cache/govrules`), a folder of the user's own with mode
  0700; a folder that is not (another owner, open to others, a link) is not used.
- Keyed by the content of every file the load reads (the rulebook files, the topics, the source
  texts), the Python and pydantic versions and govrules' own code (the size and time of each of
  its modules): a changed file is a different key, never the old entry.
- Trusted only if it is ours: each entry is signed (HMAC-SHA256) with a random key kept in the same
  private folder (mode 0600), and is checked before it is unpickled. An entry that is not signed
  right, or fails to load in any way, is ignored and rebuilt.
- What is kept: the compiled versions, with each condition as its parsed, type-checked tree (the
  closures are made again from the trees, by the same compiler, without parsing). Each
  jurisdiction's versions are pickled apart and unpickled on first use: a check of one action
  reads one jurisdiction.
Set GOVRULES_NO_CACHE=1 to load without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import marshal
import os
import pickle
import secrets
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import CodeType
from typing import Any

from ._calendar import WorkCalendar
from ._files import read_bytes
from ._lang.compiled import CompiledAudit, CompiledRule, Version, bundled_dir
from ._lang.condition import Binary, Checked, Node, _Compiler, conjoin

FORMAT = b"govrules-rulebook-cache-2"
KEEP = 16  # entries kept; the oldest go first
_KEY_BYTES = 32
_lock = threading.Lock()
_calendar: WorkCalendar | None = None  # the calendar the entry being read is rebuilt for (under _lock)


def folder() -> Path | None:
    """The user's private cache folder for govrules, made if need be; None if it cannot be trusted."""
    if os.environ.get("GOVRULES_NO_CACHE") or not hasattr(os, "getuid"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    if not os.path.isabs(base):
        return None
    d = Path(base) / "govrules"
    try:
        Path(base).mkdir(mode=0o700, parents=True, exist_ok=True)
        d.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(d)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return d


def _secret(d: Path) -> bytes | None:
    f = d / "key"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(f, flags)
    except FileNotFoundError:
        try:
            fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            return None
        key = secrets.token_bytes(_KEY_BYTES)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        return key
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            return None
        key = fh.read(_KEY_BYTES + 1)
    return key if len(key) == _KEY_BYTES else None


_code: bytes | None = None


def _ours() -> bytes:
    """What govrules is, for a key: the Python and pydantic versions and its own code, file by file
    (size and time of each module: an edit is a new key). Not its version number: reading it from
    the installed metadata took longer than all the rest of a key. Taken once per process."""
    global _code
    if _code is None:
        import pydantic

        h = hashlib.sha256(f"{sys.version}\0{pydantic.VERSION}\0".encode())
        package = Path(__file__).parent
        for code in sorted(package.rglob("*.py")):
            st = code.stat()
            h.update(f"{code.relative_to(package)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        _code = h.digest()
    return _code


def digest(files: Sequence[Path]) -> str:
    """The key of a load: every file it reads, by content, and what govrules is (`_ours`)."""
    h = hashlib.sha256(FORMAT)
    h.update(_ours())
    folders = sorted({p.parent for p in files} | {bundled_dir()})
    read: list[Path] = list(files)
    for f in folders:
        read.append(f / "topics.yaml")
        if (f / "sources").is_dir():
            read += sorted(p for p in (f / "sources").rglob("*") if p.is_file())
    for p in read:
        h.update(str(p.resolve()).encode() + b"\0")
        if p.name == "topics.yaml" and not p.exists():
            h.update(b"\0(none)\0")
            continue
        # Only regular files, read as the loader reads them (bounded, a FIFO or a device refused):
        # anything else is for the loader to report, without the cache.
        h.update(read_bytes(str(p)))  # raises InputError
        h.update(b"\0")
    return h.hexdigest()


def read(
    files: Sequence[Path], calendar: WorkCalendar, name: str | None = None
) -> tuple[Mapping[str, list[Version]], dict[str, Any]] | None:
    """The cached build of these files (whose digest is `name`, if known), or None (no entry, or one
    that is not ours or not whole)."""
    d = folder()
    if d is None:
        return None
    try:
        key = _secret(d)
        if key is None:
            return None
        blob = (d / f"rulebook-{name or digest(files)}.bin").read_bytes()
        mac, payload = blob[:32], blob[32:]
        if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
            return None
        blobs, topics = pickle.loads(payload)  # bytes and plain values: no rulebook model yet
        return Jurisdictions(blobs, calendar), topics
    except Exception:
        return None


CODE_KEEP = 4096  # generated functions kept; beyond, the older half goes


def checked_code(src: str, filename: str, check: Callable[[], object]) -> CodeType:
    """`compile(src, filename)` once `check()` has proved the source (`_codegen.check_source`):
    the code is kept, signed as a rulebook entry is, under the source and what govrules is, so
    that another process skips the proof and the compiling of a source already proved."""
    d = folder()
    key = _secret(d) if d is not None else None
    if d is None or key is None:
        check()
        return compile(src, filename, "exec")
    h = hashlib.sha256(b"govrules-code-1\0" + _ours())
    h.update(f"{filename}\0{src}".encode())
    path = d / f"code-{h.hexdigest()}.bin"
    with contextlib.suppress(Exception):
        blob = path.read_bytes()
        mac, payload = blob[:32], blob[32:]
        if hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
            code = marshal.loads(payload)
            if isinstance(code, CodeType):
                return code
    check()
    code = compile(src, filename, "exec")
    with contextlib.suppress(Exception):
        payload = marshal.dumps(code)
        _write(d, path, hmac.new(key, payload, hashlib.sha256).digest() + payload)
        entries = list(d.glob("code-*.bin"))
        if len(entries) > CODE_KEEP:
            for old in sorted(entries, key=lambda p: p.stat().st_mtime)[: len(entries) - CODE_KEEP // 2]:
                old.unlink(missing_ok=True)
    return code


def _write(d: Path, target: Path, data: bytes) -> None:
    """Write a file of the folder whole or not at all (a private temporary file, then renamed)."""
    tmp = d / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)


def _unpickle(blob: bytes, calendar: WorkCalendar) -> Any:
    global _calendar
    with _lock:
        _calendar = calendar
        try:
            return pickle.loads(blob)
        finally:
            _calendar = None


class Jurisdictions(Mapping[str, list[Version]]):
    """The versions of each jurisdiction, unpickled from the cache entry on first use (once: a race
    unpickles under the lock, and the first one is kept)."""

    def __init__(self, blobs: dict[str, bytes], calendar: WorkCalendar) -> None:
        self._blobs = blobs
        self._calendar = calendar
        self._done: dict[str, list[Version]] = {}

    def __getitem__(self, name: str) -> list[Version]:
        found = self._done.get(name)
        if found is None:
            blob = self._blobs[name]  # KeyError: not a jurisdiction of the rulebook
            found = self._done.setdefault(name, _unpickle(blob, self._calendar))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


def write(
    files: Sequence[Path], built: tuple[Mapping[str, list[Version]], dict[str, Any]], name: str | None = None
) -> None:
    """Keep a build of these files (whose digest, taken before they were read, is `name`), quietly
    not if it cannot be."""
    d = folder()
    if d is None:
        return
    with contextlib.suppress(Exception):
        key = _secret(d)
        if key is None:
            return
        versions, topics = built
        blobs = {name: _pickled(v) for name, v in versions.items()}
        payload = _pickled((blobs, topics))
        target = d / f"rulebook-{name or digest(files)}.bin"
        _write(d, target, hmac.new(key, payload, hashlib.sha256).digest() + payload)
        entries = sorted(d.glob("rulebook-*.bin"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)


def _pickled(obj: Any) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


class _Pickler(pickle.Pickler):
    """Compiled rules and checks as their parts and their conditions' trees."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is CompiledRule:
            scope_tree = obj.scope.tree if obj.scope is not None else None
            when_tree = obj.condition.tree
            if obj.scope is not None:
                if not isinstance(when_tree, Binary) or when_tree.left is not scope_tree:
                    raise pickle.PicklingError("a rule's condition is not its scope and its `when`")
                when_tree = when_tree.right
            if when_tree is None or (obj.scope is not None and scope_tree is None):
                raise pickle.PicklingError("a condition without its tree")
            return _rule, (
                obj.rule,
                obj.jurisdiction,
                obj.article,
                obj.citation_zh,
                when_tree,
                scope_tree,
                obj.exceptions,
                obj.provenance,
            )
        if type(obj) is CompiledAudit:
            if obj.trigger.tree is None or (obj.expect is not None and obj.expect.tree is None):
                raise pickle.PicklingError("a condition without its tree")
            return _audit, (
                obj.check,
                obj.jurisdiction,
                obj.article,
                obj.citation_zh,
                obj.trigger.tree,
                obj.expect.tree if obj.expect is not None else None,
                obj.provenance,
            )
        if type(obj) is Checked:
            raise pickle.PicklingError("a condition outside a rule or a check")
        return NotImplemented


class _Lazy(Checked):
    """A condition compiled again from its checked tree on first use: what `compile_condition`
    does after parsing (the tree was checked when it was first loaded, by the same code: the key
    says so). Until then it holds only its tree."""

    def __getattr__(self, name: str) -> Any:
        if name not in ("fn", "paths", "getters", "done"):
            raise AttributeError(name)
        made = self._make()
        for k in ("fn", "paths", "getters", "done"):
            object.__setattr__(self, k, getattr(made, k))
        return getattr(made, name)

    def _make(self) -> Checked:
        d = self.__dict__
        if "parts" in d:  # `scope and when`
            return conjoin(*d["parts"])
        model = d["model"]
        if isinstance(model, str):  # an audit check's event, by name (see `_audit` below)
            from ._audit.events import EVENT_MODELS

            model = EVENT_MODELS[model]
        compiler = _Compiler(model, d["working_days"])
        _, fn = compiler.compile(self.tree)  # type: ignore[arg-type]
        return Checked(fn, tuple(compiler.getters), compiler.getters, tuple(compiler.done), self.tree)


def _checked(tree: Node, model: type | str) -> Checked:
    assert _calendar is not None
    lazy = object.__new__(_Lazy)
    lazy.__dict__.update(tree=tree, model=model, working_days=_calendar.working_days_between)
    return lazy


def _conjoined(scope: Checked, when: Checked) -> Checked:
    assert scope.tree is not None and when.tree is not None
    lazy = object.__new__(_Lazy)
    lazy.__dict__.update(tree=Binary(0, "and", scope.tree, when.tree), parts=(scope, when))
    return lazy


def _rule(
    rule: Any,
    jurisdiction: str,
    article: Any,
    citation_zh: str,
    when: Node,
    scope: Node | None,
    exceptions: list[CompiledRule],
    provenance: str,
) -> CompiledRule:
    from ._actions import ACTION_MODELS

    model = ACTION_MODELS[rule.kind]
    checked = _checked(when, model)
    scope_checked = _checked(scope, model) if scope is not None else None
    condition = checked if scope_checked is None else _conjoined(scope_checked, checked)
    return CompiledRule(
        rule, jurisdiction, article, citation_zh, condition, scope_checked, exceptions, provenance=provenance
    )


def _audit(
    check: Any, jurisdiction: str, article: Any, citation_zh: str, trigger: Node, expect: Node | None, provenance: str
) -> CompiledAudit:
    # The events by name: the event models are imported only when a check's condition is first
    # used (an audit), not by every load from the cache (`govrules check` needs none of them).
    trig = _checked(trigger, check.trigger.event)
    exp = _checked(expect, check.expect.event) if expect is not None else None
    return CompiledAudit(check, jurisdiction, article, citation_zh, trig, exp, provenance=provenance)


def build(files: Sequence[Path], calendar: WorkCalendar) -> tuple[dict[str, list[Version]], dict[str, Any]]:
    """The compiler's `build` (`_lang.compile`), imported on a cache miss only: a load from the
    cache needs neither the compiler nor YAML nor the audit's event models."""
    from ._lang.compile import build as compile_build

    return compile_build(files, calendar)


def cached_build(
    files: Sequence[Path],
    calendar: WorkCalendar,
    build: Callable[[Sequence[Path], WorkCalendar], tuple[dict[str, list[Version]], dict[str, Any]]],
) -> tuple[Mapping[str, list[Version]], dict[str, Any]]:
    """`build(files, calendar)`, or its cached result for the same files."""
    name = None
    if folder() is not None:
        with contextlib.suppress(Exception):  # a file that cannot be read: the build says why
            name = digest(files)
    if name is None:
        return build(files, calendar)
    found = read(files, calendar, name)
    if found is not None:
        return found
    built = build(files, calendar)  # the key was taken first: a file changed meanwhile is a miss later
    write(files, built, name)
    return built
