"""Word-by-word fidelity of the published pages to the raw seed texts.

    python -m scripts.check.fidelity        # prints the share of seed words found, per document

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

ROOT = Path(__file__).resolve().parents[2]

from scripts.check.sources import load_checked

SEEDS = ROOT / "seeds"
WORD_RE = re.compile(r"\w+", re.UNICODE)
# The second seed file repeats circular 8761 (lines 481-899); it is published once.
EXTRA_RANGES = {"circular-8761": [("001_234e7826f2c864d6.txt", 481, 899)]}


class _Text(HTMLParser):
    """Collects the text of <article>, skipping scripts and styles; the
    footnotes (div.footnote, placed at the end by Markdown) apart."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.stack: list[bool] = []  # per open div: is it the footnotes?
        self.in_notes = 0
        self.parts: list[str] = []
        self.notes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "div":
            is_notes = "footnote" in (dict(attrs).get("class") or "").split()
            self.stack.append(is_notes)
            self.in_notes += is_notes

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "div" and self.stack:
            self.in_notes -= self.stack.pop()

    def handle_data(self, data):
        if self.depth and not self.skip:
            (self.notes if self.in_notes else self.parts).append(data)


def words(text: str) -> list[str]:
    text = text.replace("’", "'").replace("‘", "'").lower()
    return WORD_RE.findall(text)


def page_words(html: str) -> tuple[list[str], list[str]]:
    """(words of the text, words of its footnotes)."""
    p = _Text()
    p.feed(html)
    return words(" ".join(p.parts)), words(" ".join(p.notes))


def _match(seed: list[str], page: list[str]) -> tuple[int, list[list[str]]]:
    """Words of `seed` found in order in `page`, and the runs not found."""
    sm = difflib.SequenceMatcher(None, seed, page, autojunk=False)
    got = sum(b.size for b in sm.get_matching_blocks())
    runs = [seed[i1:i2] for tag, i1, i2, _, _ in sm.get_opcodes() if tag in ("replace", "delete")]
    return got, runs


def share(doc_id: str, site: Path) -> tuple[int, int, list[str]]:
    """(matched, total, missing words) for one document's original page.

    The text is matched in order; what it misses is then looked for, in order,
    in the footnotes, which Markdown moves to the end of the page."""
    docs = load_checked()
    langs = docs[doc_id]
    src = next(s for s in langs.values() if s.is_original)
    prefix = "" if src.lang == "fr" else "nl/"
    html = (site / prefix / doc_id / "index.html").read_text(encoding="utf-8")
    body, notes = page_words(html)
    known = set(body) | set(notes)
    ranges = [(src.meta["seed"], *src.meta["seed_lines"])] + EXTRA_RANGES.get(doc_id, [])
    matched = total = 0
    missing: list[str] = []
    for seed, first, last in ranges:
        sw = _seed_tokens(SEEDS / seed, first, last, known)
        got, runs = _match(sw, body)
        rest = [w for run in runs for w in run]
        got_notes, runs = _match(rest, notes)
        matched += got + got_notes
        total += len(sw)
        missing += [w for run in runs for w in run]
    return matched, total, missing


def _seed_tokens(path: Path, first: int, last: int, known: set[str]) -> list[str]:
    """Seed words, with the extraction's artefacts undone:
    - a page number alone on its line, and a bullet glyph, are dropped;
    - a line holding only a URL already seen is the PDF's link annotation;
    - a word hyphenated at a line end is joined when the page has the joined
      form, else kept as its two parts (a real hyphen);
    - a footnote number glued to a word ("leerlingenbegeleiding1") is split."""
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1:last]
    tokens: list[str] = []
    seen_urls: set[str] = set()
    carry = ""
    for raw in lines:
        line = raw.strip()
        if not line or re.fullmatch(r"\d{1,3}", line):
            continue
        if re.fullmatch(r"https?://\S+", line) and any(line in u or u in line for u in seen_urls):
            continue
        seen_urls.update(re.findall(r"https?://\S+", line))
        line = re.sub(r"^[o•]\s+", "", line)
        ws = []
        for w in words(line):
            m = re.fullmatch(r"(\D+?)(\d{1,2})", w)
            ws += [m.group(1), m.group(2)] if m and w not in known and m.group(1) in known else [w]
        if carry and ws:
            joined = carry + ws[0]
            ws = [joined] + ws[1:] if joined in known else [carry] + ws
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
        if next(s for s in docs[doc_id].values() if s.is_original).meta.get("seed") == "none":
            continue  # a text without a raw extraction (seed = "none"): nothing to compare
        matched, total, missing = share(doc_id, site)
        out[doc_id] = matched / total if total else 0.0
        print(f"{doc_id:22s} {matched:5d}/{total:5d} seed words on the page = {100 * out[doc_id]:.2f} %"
              + (f"  missing: {' '.join(missing[:12])}" if missing else ""))
    return out


if __name__ == "__main__":
    report(ROOT / "site")
