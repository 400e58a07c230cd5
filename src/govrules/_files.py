"""Read what users hand us, within bounds: regular files only, sizes checked before reading,
standard input and single lines bounded.

Every input file of govrules (rulebooks, overlays, sources, topics, action files) is read here.
A FIFO, a device or a socket is refused before anything is read from it (opened without blocking,
so that opening a FIFO with no writer cannot hang), and a file over the limit is refused from its
size, before it is read, so that a 3 GB file costs nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_BYTES = 20 * 1024 * 1024  # one YAML or JSON file, or standard input
MAX_LINE = 1024 * 1024  # one line of a JSON Lines file
MAX_ALIAS_NODES = 100_000  # values that YAML aliases add, in one file and in one run (`_lang.document`)

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


@dataclass
class Budget:
    """The values YAML aliases may still add over the files of one run (one `load()`, one `check`).
    Here, not in `_lang.document`, so that a `check` of JSON files imports no YAML."""

    alias_nodes: int = MAX_ALIAS_NODES


class InputError(Exception):
    """A file that cannot be used as input; the message says why, for a person."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        self.too_large = too_large
        super().__init__(message)


def open_regular(path: str) -> BinaryIO:
    """`path` opened for reading, if it is a regular file. Raises InputError."""
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("not a file") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError("not a file")
        if not stat.S_ISREG(mode):
            raise InputError("not a regular file (a pipe, a device or a socket)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str, limit: int = MAX_BYTES) -> bytes:
    """The whole of a regular file of at most `limit` bytes. Raises InputError."""
    with open_regular(path) as fh:
        if os.fstat(fh.fileno()).st_size > limit:
            raise InputError(f"file larger than {limit} bytes", too_large=True)
        return _bounded(fh, limit, "file")


def read_stream(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """At most `limit` bytes of a stream (standard input). Raises InputError past the limit."""
    return _bounded(stream, limit, "standard input")


def _bounded(fh: BinaryIO, limit: int, what: str) -> bytes:
    try:
        raw = fh.read(limit + 1)  # the file may have grown since its size was checked
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}") from None
    if len(raw) > limit:
        raise InputError(f"{what} larger than {limit} bytes", too_large=True)
    return raw


def lines(fh: BinaryIO, limit: int = MAX_LINE) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line of `fh`, or (line number, None) for a line longer than
    `limit` bytes, which is skipped without being held in memory."""
    n = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of it, a bounded piece at a time
                line = fh.readline(limit)
            yield n, None
            continue
        yield n, line
