"""Split a source text into its articles: the skeleton a rulebook file is written on.

python tools/extract_articles.py JURISDICTION SOURCE.txt > skeleton.yaml
"""

from __future__ import annotations

import sys

from govrules._sources import split


def main() -> None:
    jurisdiction, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = sys.stdout
    out.write(f"jurisdiction: {jurisdiction}\narticles:\n")
    for art in split(text):
        out.write(f"  - number: {art['number']}\n    label: {art['label']}\n")
        out.write(f"    chapter: {art['chapter']}\n    status: principle\n    note: TODO\n")
        out.write("    text: |-\n")
        for line in art["lines"]:
            out.write(f"      {line}\n")
        out.write("    rules: []\n")


if __name__ == "__main__":
    main()
