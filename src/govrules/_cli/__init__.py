"""The `govrules` command, a wing of its own that only calls the library:

- main.py      the parser (every command, in one place) and `main` (errors → one line, exit codes)
- options.py   the options every command shares: `--rulebook`, `--rules`, `--lang`, `--format`
- check.py     `govrules check`: streaming, worker processes
- audit.py     `govrules audit`
- commands.py  the smaller commands: explain, facts, validate, test, schema, reference, coverage,
               compare, show
- formats.py   the output formats: text, JSON, JUnit XML, SARIF
- exits.py     the exit codes

Nothing here imports the engine, the rulebook models or the calendar at import: each command
imports what it needs when it runs, so that `govrules --help` starts fast.
"""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
