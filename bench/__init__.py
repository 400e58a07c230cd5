"""The benchmark suite of govrules (issue 7): `python -m bench`, results in bench/RESULTS.md."""
