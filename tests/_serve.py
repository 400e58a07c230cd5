"""A real `govrules serve` process on 127.0.0.1 (a free port the server picks), for the end-to-end
and browser tests."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

# An office director leaving Fuxin: the example overlay (qinghemen-local) adds a rule for exactly this.
DIRECTOR = {
    "kind": "leave_jurisdiction",
    "jurisdiction": "qinghemen",
    "date": "2026-03-09",
    "as_of": "2026-03-10",
    "actor": {"role": "office_director"},
    "destination": "out_of_province",
    "leaves_city": True,
    "purpose": "official",
}

RUNNING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


@dataclass
class Server:
    proc: subprocess.Popen[str]
    url: str = ""
    log: list[str] = field(default_factory=list)

    def client(self, **kw: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kw)  # type: ignore[arg-type]

    def wait_log(self, pattern: str, seconds: float = 60) -> bool:
        """Wait (bounded) for a line of the server's log; a wait, not a timing assertion."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if any(re.search(pattern, line) for line in self.log):
                return True
            time.sleep(0.05)
        return False


@contextlib.contextmanager
def serve(*args: str) -> Iterator[Server]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "govrules", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(proc)
    found = threading.Event()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            server.log.append(line.rstrip("\n"))
            m = RUNNING.search(line)
            if m and not server.url:
                server.url = f"http://127.0.0.1:{m.group(1)}"
                found.set()
        found.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        found.wait(120)
        assert server.url, "the server did not start:\n" + "\n".join(server.log)
        end = time.monotonic() + 120  # with --workers, the socket listens once a worker has started
        while True:
            with contextlib.suppress(httpx.TransportError), server.client() as c:
                if c.get("/healthz").status_code == 200:
                    break
            assert time.monotonic() < end and proc.poll() is None, "\n".join(server.log)
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait()
        reader.join(30)
        assert proc.stdout is not None
        proc.stdout.close()
