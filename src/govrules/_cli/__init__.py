"""The `govrules` command (being split into a package: see check.py)."""

from .check import build_parser, main

__all__ = ["build_parser", "main"]
