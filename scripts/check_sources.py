"""Check every source in sources/ and print the problems (exit 1 if any).

Usage: python scripts/check_sources.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sources import load_all  # noqa: E402


def main() -> int:
    docs, problems = load_all()
    for p in problems:
        print(p)
    n_ids = {d: len(next(iter(langs.values())).anchors()) for d, langs in docs.items()}
    if problems:
        print(f"\n{len(problems)} problem(s) in sources/.")
        return 1
    for d, n in n_ids.items():
        print(f"ok  {d}: {n} paragraph ids in {', '.join(sorted(docs[d]))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
