"""Debian's chromium, headless, driven by Playwright: the one way every browser test starts it
(never a browser a tool downloads itself)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# A bound on how long the page may take to get there (the machine may be loaded), not a timed assertion.
expect.set_options(timeout=30_000)


def chromium() -> Iterator[Browser]:
    """The browser, for a module-scoped fixture; closed after the module."""
    assert Path(CHROMIUM).exists(), f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
