"""Check every source in sources/ and print the problems (exit 1 if any).

Usage:
    python -m scripts.check.check_sources               # check every text
    python -m scripts.check.check_sources --ids DOC     # also list the paragraph ids of sources/DOC (to cite them)
"""

import argparse
import sys
from pathlib import Path

from scripts.check.sources import load_all


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ids", metavar="DOC", help="list the paragraph ids of sources/DOC/fr.md with their first words")
    args = ap.parse_args(argv)
    docs, problems = load_all()
    for p in problems:
        print(p)
    if args.ids:
        langs = docs.get(args.ids)
        if not langs:
            print(f"no text '{args.ids}' in sources/ (one of: {', '.join(sorted(docs))})")
            return 1
        src = langs.get("fr") or next(iter(langs.values()))
        texts = {}
        for b in src.blocks:
            if b.kind == "list":
                texts.update({it.id: it.text for it in b.items_flat()})
            elif b.kind == "table":
                texts[b.id] = "(table) " + " | ".join(b.header)
                texts.update({r.id: " | ".join(r.cells) for r in b.rows})
            else:
                texts[b.id if b.kind != "footnote" else f"fn:{b.id}"] = b.text
        for aid, line in src.anchors():
            words = " ".join(texts.get(aid, "").split())
            print(f"{args.ids}#{aid:<28} line {line:<4} {words[:70]}")
    n_ids = {d: len(next(iter(langs.values())).anchors()) for d, langs in docs.items()}
    if problems:
        print(f"\n{len(problems)} problem(s) in sources/.")
        return 1
    if not args.ids:
        for d, n in n_ids.items():
            print(f"ok  {d}: {n} paragraph ids in {', '.join(sorted(docs[d]))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
