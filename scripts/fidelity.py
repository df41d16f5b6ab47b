"""Word-by-word fidelity of the published pages to the raw seed texts.

    python scripts/fidelity.py        # prints the share of seed words found, per document

For each original text, the seed lines it comes from (metadata `seed`,
`seed_lines`) are compared with the text of the built page (site/<doc>/),
in order, with difflib. Line-end hyphenation and PDF artefacts (page numbers,
bullet glyphs) are normalised; every other word must be on the page.
"""

from __future__ import annotations

import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from sources import load_checked  # noqa: E402

SEEDS = ROOT / "seeds"
WORD_RE = re.compile(r"\w+", re.UNICODE)
# The second seed file repeats circular 8761 (lines 481-899); it is published once.
EXTRA_RANGES = {"circular-8761": [("001_234e7826f2c864d6.txt", 481, 899)]}


class _Text(HTMLParser):
    """Collects the text of <article>, skipping scripts and styles."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def words(text: str) -> list[str]:
    text = text.replace("’", "'").replace("‘", "'").lower()
    return WORD_RE.findall(text)


def page_words(html: str) -> list[str]:
    p = _Text()
    p.feed(html)
    return words(" ".join(p.parts))


def share(doc_id: str, site: Path) -> tuple[int, int, list[str]]:
    """(matched, total, missing words) for one document's original page."""
    docs = load_checked()
    langs = docs[doc_id]
    src = next(s for s in langs.values() if s.is_original)
    prefix = "" if src.lang == "fr" else "nl/"
    html = (site / prefix / doc_id / "index.html").read_text(encoding="utf-8")
    pw = page_words(html)
    known = set(pw)
    ranges = [(src.meta["seed"], *src.meta["seed_lines"])] + EXTRA_RANGES.get(doc_id, [])
    matched = total = 0
    missing: list[str] = []
    for seed, first, last in ranges:
        sw = _seed_tokens(SEEDS / seed, first, last, known)
        sm = difflib.SequenceMatcher(None, sw, pw, autojunk=False)
        got = sum(b.size for b in sm.get_matching_blocks())
        matched += got
        total += len(sw)
        for tag, i1, i2, _, _ in sm.get_opcodes():
            if tag in ("replace", "delete"):
                missing += sw[i1:i2]
    return matched, total, missing


def _seed_tokens(path: Path, first: int, last: int, known: set[str]) -> list[str]:
    """Seed words; a word hyphenated at a line end is joined when the page
    has the joined form, else kept as its two parts (a real hyphen)."""
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1:last]
    tokens: list[str] = []
    carry = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if re.fullmatch(r"\d{1,3}", line):  # page number
            continue
        line = re.sub(r"^[o•]\s+", "", line)  # bullet glyph
        ws = words(line)
        if carry and ws:
            joined = carry + ws[0]
            if joined in known:
                ws = [joined] + ws[1:]
            else:
                ws = [carry] + ws
            carry = ""
        elif carry:
            tokens.append(carry)
            carry = ""
        if line.endswith("-") and ws and not line.endswith(" -"):
            carry = ws.pop()
        tokens += ws
    if carry:
        tokens.append(carry)
    return tokens


def report(site: Path) -> dict[str, float]:
    docs = load_checked()
    out = {}
    for doc_id in sorted(docs):
        matched, total, missing = share(doc_id, site)
        out[doc_id] = matched / total if total else 0.0
        print(f"{doc_id:22s} {matched:5d}/{total:5d} seed words on the page = {100 * out[doc_id]:.2f} %"
              + (f"  missing: {' '.join(missing[:12])}" if missing else ""))
    return out


if __name__ == "__main__":
    report(ROOT / "site")
