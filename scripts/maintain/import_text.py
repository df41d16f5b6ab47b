"""Turn a PDF or a text extraction into a DRAFT source body, for a person to review.

    python -m scripts.maintain.import_text document.pdf -o draft.md
    python -m scripts.maintain.import_text seeds/000_726856f98d145a1f.txt --lines 1 120 -o draft.md
    python -m scripts.maintain.import_text document.pdf --save-text seeds/new_text.txt -o draft.md

What it does (the format is described in sources/README.md):
- reads the text: a PDF with pypdf (one page after the other), or a .txt file
  (optionally only the lines --lines FIRST LAST, as numbered in the file);
- drops what the PDF adds: page numbers, and in a PDF the running headers and
  footers (a first or last line of a page repeated on 3 pages or more); they
  are listed on the screen. Nothing else is dropped;
- reflows paragraphs: lines that the PDF broke are joined (a word cut by a
  hyphen at the end of a line is joined without space, hyphen kept: check it);
- guesses headings ("Article 3", "Chapitre 2", "1. Contexte", short lines in
  capitals) and list items ("1)", "a)", "-", "•");
- proposes a paragraph id for every block: art3, art3-1, art3-2 for the blocks
  under "Article 3", or a few words of the heading, intro-1 before any heading;
- leaves what looks like a flattened table as a paragraph marked TODO-REVIEW.

The draft starts with a block `{#draft-notice} TODO-REVIEW: ...` and flagged
blocks carry the marker TODO-REVIEW. The build refuses a source that still has
a marker: a draft cannot be published blind. Use the draft with
`python -m scripts.maintain.new_source <doc-id> ... --body draft.md`, then review it
against the original: every word of the original must be there, in order
(ids may be renamed, but never after publication).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HEADING_WORDS = r"(?:Article|Art\.|Artikel|Chapitre|Hoofdstuk|Section|Afdeling|Titre|Titel|Annexe|Bijlage|Partie|Deel)"
HEADING_RE = re.compile(rf"^{HEADING_WORDS}\s+[\w/.-]+\.?(\s.*)?$", re.IGNORECASE)
NUMBERED_HEADING_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
ITEM_RE = re.compile(r"^([-•o▪◦*]|\d{1,2}[.)]|[a-z][.)])\s+(\S.*)$")
PAGE_NUMBER_RE = re.compile(r"^(?:page\s+|p\.\s*)?\d{1,3}(?:\s*(?:/|sur|van|of)\s*\d{1,3})?$", re.IGNORECASE)
END_PUNCT = (".", ":", ";", "!", "?", "»", "\"")
STOPWORDS = {
    "le", "la", "les", "de", "des", "du", "d", "l", "un", "une", "et", "ou", "a", "au", "aux", "en", "pour", "par",
    "sur", "dans", "avec", "the", "of", "and", "to", "in", "for", "het", "de", "een", "van", "en", "voor", "op", "met",
}
DRAFT_NOTICE = ("{{#draft-notice}} TODO-REVIEW: draft made by scripts/maintain/import_text.py from {source}. Compare every "
                "block with the original, correct the ids, headings, lists and tables (sources/README.md), remove "
                "every TODO-REVIEW marker, then delete this block.")


@dataclass
class Line:
    text: str        # spaces collapsed
    number: int      # line number in the input (1-based; for a PDF: running number)
    gap: int         # blank lines before it
    raw: str = ""    # as extracted (wide spaces may separate table columns)


@dataclass
class Draft:
    blocks: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    headings: int = 0
    flagged: int = 0


# --- reading -----------------------------------------------------------------------


def read_pdf(path: Path, dropped: list[str]) -> tuple[str, str]:
    """(the raw text, the text without the running headers and footers: a first
    or last line of a page that is the same on 3 pages or more), page after page."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = [[l for l in (page.extract_text() or "").splitlines()] for page in reader.pages]
    edges = Counter(" ".join(l.split()) for p in pages for l in {p[0], p[-1]} if p and l.strip()) if pages else Counter()
    running = {t for t, n in edges.items() if n >= 3}
    out = []
    for number, p in enumerate(pages, 1):
        for i, l in enumerate(p):
            if (i == 0 or i == len(p) - 1) and " ".join(l.split()) in running:
                dropped.append(f"page {number}: {l.strip()} (running header or footer)")
                continue
            out.append(l)
    # No blank line between pages: a paragraph may go on over the page break.
    return "\n".join(l for p in pages for l in p), "\n".join(out)


def read_input(path: Path, lines: tuple[int, int] | None, dropped: list[str]) -> tuple[str, str]:
    """(raw text, text to import); --lines applies to a text file only."""
    if path.suffix.lower() == ".pdf":
        return read_pdf(path, dropped)
    text = path.read_text(encoding="utf-8", errors="replace")
    if lines:
        text = "\n".join(text.splitlines()[lines[0] - 1:lines[1]])
    return text, text


def to_lines(text: str, first_number: int = 1) -> list[Line]:
    out, gap = [], 0
    for i, raw in enumerate(text.splitlines()):
        t = " ".join(raw.replace("\u00a0", " ").split())
        if not t:
            gap += 1
            continue
        out.append(Line(t, first_number + i, gap, raw.rstrip()))
        gap = 0
    return out


def drop_artefacts(lines: list[Line], draft: Draft) -> list[Line]:
    """Page numbers (a line that is only a number, "Page 3", "3/12"). Nothing else
    is dropped: the text must keep every word of the original."""
    kept = []
    for l in lines:
        if PAGE_NUMBER_RE.match(l.text):
            draft.dropped.append(f"line {l.number}: {l.text} (page number)")
            continue
        kept.append(l)
    return kept


# --- guessing ----------------------------------------------------------------------


def ascii_slug(text: str, words: int = 3) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = [w for w in re.findall(r"[a-z0-9]+", t) if w not in STOPWORDS]
    return "-".join(parts[:words])[:30].strip("-") or "block"


def heading_of(line: str) -> tuple[int, str, bool] | None:
    """(level, id stem, strong) when the line looks like a heading; a strong one
    ("Article 3", "Chapitre 2") is a heading even in the middle of a paragraph."""
    if len(line) > 90 or line.endswith((",", ";")):
        return None
    m = re.match(r"^(?:Article|Art\.|Artikel)\s+(\d+[a-z]*(?:/\d+)?)\.?$", line, re.IGNORECASE)
    if m:
        return 2, "art" + m.group(1).replace("/", "-").lower(), True
    m = re.match(r"^(?:Article|Art\.|Artikel)\s+(\d+[a-z]*(?:/\d+)?)", line, re.IGNORECASE)
    if m and len(line) < 70 and not line.endswith("."):
        return 2, "art" + m.group(1).replace("/", "-").lower(), False
    if HEADING_RE.match(line) and not line.endswith("."):
        return 2, ascii_slug(line, 2), bool(re.match(rf"^{HEADING_WORDS}\s+[\w/.-]+\.?$", line, re.IGNORECASE))
    m = NUMBERED_HEADING_RE.match(line)
    if m and len(line) < 70 and not line.endswith(END_PUNCT) and m.group(2)[:1].isupper():
        level = min(2 + m.group(1).count("."), 4)
        return level, ascii_slug(m.group(2)), False
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 4 and len(line) < 70 and all(c.isupper() for c in letters) and not line.endswith(","):
        return 2, ascii_slug(line), False
    return None


def looks_like_table_row(line: Line) -> bool:
    """A flattened table row: a 6-digit code first, or columns separated by wide spaces."""
    return bool(re.match(r"^\d{6}\b", line.text)) or len(re.findall(r"\S {3,}\S", line.raw.strip())) >= 2


# --- building blocks ---------------------------------------------------------------


def join_lines(parts: list[str]) -> str:
    out = ""
    for p in parts:
        if not out:
            out = p
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and p[:1].islower():
            out += p          # a word cut at the end of the line: joined, hyphen kept (check it)
        else:
            out += " " + p
    return out


def build(lines: list[Line], source: str) -> Draft:
    draft = Draft()
    draft.blocks.append(DRAFT_NOTICE.format(source=source))
    gaps = Counter(min(l.gap, 3) for l in lines[1:])
    # A "double-spaced" extraction has a blank line after every line: a paragraph
    # break is then two blank lines or more.
    para_gap = 2 if gaps and gaps.most_common(1)[0][0] >= 1 else 1
    used: set[str] = {"draft-notice"}
    section = "intro"
    counter = {"n": 0}

    def new_id(stem: str) -> str:
        aid, k = stem, 2
        while aid in used:
            aid, k = f"{stem}-{k}", k + 1
        used.add(aid)
        return aid

    def next_para_id() -> str:
        counter["n"] += 1
        return new_id(f"{section}-{counter['n']}")

    current: list[str] = []
    current_kind = ""          # "para" | "item" | "table"
    items: list[str] = []

    def flush() -> None:
        nonlocal current, current_kind
        if not current:
            return
        text = join_lines(current)
        if current_kind in ("table", "para"):
            flush_items()
        if current_kind == "table":
            draft.flagged += 1
            text = " / ".join(current)
            draft.blocks.append(f"{{#{next_para_id()}}} TODO-REVIEW: flattened table? Rebuild it as a pipe "
                                f"table with an id on every row (sources/README.md): {text}")
        elif current_kind == "item":
            m = ITEM_RE.match(text)
            label, body = m.group(1), m.group(2)
            label = "-" if label in "-•o▪◦*" else label
            items.append(f"{label} {{#{next_para_id()}}} {body}")
        else:
            draft.blocks.append(f"{{#{next_para_id()}}} {text}")
        current, current_kind = [], ""

    def flush_items() -> None:
        if items:
            draft.blocks.append("\n".join(items))
            items.clear()

    prev: Line | None = None
    for line in lines:
        t = line.text
        heading = None if looks_like_table_row(line) else heading_of(t)
        breaks = (prev is None or line.gap >= para_gap or prev.text.endswith(END_PUNCT))
        if heading and (heading[2] or breaks or current_kind not in ("para", "table")):
            flush()
            flush_items()
            level, stem, _ = heading
            section = new_id(stem)
            counter["n"] = 0
            draft.headings += 1
            draft.blocks.append(f"{'#' * level} {t} {{#{section}}}")
        elif looks_like_table_row(line):
            if current_kind != "table":
                flush()
                flush_items()
                current_kind = "table"
            current.append(t)       # a new row
        elif current_kind == "table" and line.gap < para_gap:
            current[-1] += " " + t  # the row goes on
        elif ITEM_RE.match(t) and (breaks or current_kind in ("item", "table")):
            flush()
            current_kind = "item"
            current.append(t)
        elif current and current_kind != "table" and not breaks:
            current.append(t)       # the PDF broke this line: same paragraph or item
        else:
            flush()
            flush_items()
            current_kind = "para"
            current.append(t)
        prev = line
    flush()
    flush_items()
    return draft


def render(draft: Draft) -> str:
    return "\n\n".join(draft.blocks) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path, help="a .pdf, or a .txt extraction")
    ap.add_argument("--lines", nargs=2, type=int, metavar=("FIRST", "LAST"),
                    help="only these lines of a .txt file (numbered as in the file)")
    ap.add_argument("-o", "--out", type=Path, help="write the draft there (default: print it)")
    ap.add_argument("--save-text", type=Path, metavar="TXT",
                    help="also save the raw extracted text (to keep it in seeds/ as the seed of the new source)")
    args = ap.parse_args(argv)
    if not args.input.is_file():
        print(f"import_text: no file {args.input}", file=sys.stderr)
        return 2
    dropped: list[str] = []
    try:
        raw, text = read_input(args.input, tuple(args.lines) if args.lines else None, dropped)
    except Exception as exc:  # a broken PDF: say so, no traceback
        print(f"import_text: cannot read {args.input}: {exc}", file=sys.stderr)
        return 1
    if args.save_text:
        args.save_text.write_text(raw if raw.endswith("\n") else raw + "\n", encoding="utf-8")
    lines = to_lines(text, args.lines[0] if args.lines else 1)
    draft = Draft(dropped=dropped)
    lines = drop_artefacts(lines, draft)
    built = build(lines, args.input.name)
    built.dropped = draft.dropped
    out = render(built)
    if args.out:
        args.out.write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    report = (f"import_text: {len(built.blocks) - 1} blocks, {built.headings} headings guessed, "
              f"{built.flagged} block(s) flagged TODO-REVIEW, {len(built.dropped)} line(s) dropped")
    print(report, file=sys.stderr)
    for d in built.dropped[:20]:
        print(f"  dropped {d}", file=sys.stderr)
    if args.out:
        print(f"  draft written to {args.out}: review it, then use it with scripts/maintain/new_source.py --body",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
