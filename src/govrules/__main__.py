"""`python -m govrules`: the command line."""

from ._cli import main

raise SystemExit(main())
