"""Create a new source (a new official text): its two files, with their metadata.

    python -m scripts.maintain.new_source amendment-6 --lang fr --kind amendment \\
        --title "Sixième avenant à la convention du 26 juillet 2021 ..." --short-title "Sixième avenant" \\
        --date 2026-11-16 --in-force 2027-01-01 --issuer "INAMI, Comité de l'assurance soins de santé" \\
        --reference "Sixième avenant" --audience "Réseaux de santé mentale, CPMS et CLB" \\
        --summary "One sentence: what the text is and why a reader opens it." \\
        [--body draft.md]            # the text, as made by scripts/maintain/import_text.py
        [--seed new.txt --seed-lines 1 80]

    python -m scripts.maintain.new_source amendment-6 --translation   # later: add to the translation the blocks
                                                             # added to the original since

It writes:
- sources/<doc-id>/<lang>.md, the ORIGINAL: the metadata, then the body given
  with --body, or one placeholder block marked TODO-REVIEW;
- sources/<doc-id>/<other>.md, the TRANSLATION: the same metadata, each text
  field marked TODO-TRANSLATE (unless given with --title-nl, ...), and every
  block of the original with the same id, its text copied after the marker
  TODO-TRANSLATE;
- the entry '<doc-id>.md' in the menu of mkdocs.yml and mkdocs.nl.yml.

The build refuses any file that still has a TODO-REVIEW or TODO-TRANSLATE
marker, naming its file and line: a draft cannot be published by mistake.
Format of the files: sources/README.md. Step by step: MAINTAINERS.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from scripts.check.sources import KINDS, LANGUAGES, ROOT, SOURCES, parse_source

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
TRANSLATE = "TODO-TRANSLATE:"
TEXT_FIELDS = ("title", "short_title", "summary", "issuer", "audience")
MENU = {"fr": (ROOT / "mkdocs.yml", "Textes officiels:"), "nl": (ROOT / "mkdocs.nl.yml", "Officiële teksten:")}
PLACEHOLDER = ("{#text-1} TODO-REVIEW: replace this block by the text of the document, one block per paragraph, "
               "each with its id (sources/README.md), or make a draft with scripts/maintain/import_text.py and pass it "
               "with --body.")


def toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(meta: dict) -> str:
    order = ("id", "language", "original_language", "kind", "title", "short_title", "summary", "issuer",
             "reference", "date", "in_force", "date_note", "audience", "seed", "seed_lines")
    lines = ["+++"]
    for key in order:
        if key not in meta:
            continue
        v = meta[key]
        if isinstance(v, date):
            lines.append(f"{key} = {v.isoformat()}")
        elif isinstance(v, list):
            lines.append(f"{key} = [{', '.join(str(x) for x in v)}]")
        else:
            lines.append(f"{key} = {toml_str(str(v))}")
    lines.append("+++")
    return "\n".join(lines) + "\n"


def body_text(path: Path) -> str:
    """The body of a draft: the whole file, or what follows its metadata block."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("+++"):
        parts = text.split("+++", 2)
        text = parts[2] if len(parts) == 3 else text
    return text.strip() + "\n"


# --- the translation skeleton ----------------------------------------------------


def _mark(text: str) -> str:
    return f"{TRANSLATE} {text}".rstrip()


def translation_body(original: Path, existing: Path | None = None) -> tuple[str, int, int]:
    """The translation's body: every block of the original with its id and the
    marker. Blocks already translated in `existing` (same id, no marker) are kept.
    Returns (body, blocks kept, blocks to translate)."""
    src, problems = parse_source(original)
    if src is None:
        raise SystemExit("\n".join(str(p) for p in problems))
    done: dict[str, str] = {}
    if existing is not None and existing.exists():
        old, _ = parse_source(existing)
        if old is not None:
            for b in old.blocks:
                rendered = render_block(b)
                if TRANSLATE not in rendered:
                    for aid, _ in b.ids():
                        done[aid] = rendered
    kept = todo = 0
    out: list[str] = []
    for b in src.blocks:
        ids = [a for a, _ in b.ids()]
        if ids and all(a in done for a in ids) and done[ids[0]] not in out:
            out.append(done[ids[0]])
            kept += 1
            continue
        out.append(render_block(b, mark=True))
        todo += 1
    return "\n\n".join(out) + "\n", kept, todo


def render_block(b, mark: bool = False) -> str:
    m = _mark if mark else (lambda t: t)
    if b.kind == "heading":
        return f"{'#' * b.level} {m(b.text)} {{#{b.id}}}"
    if b.kind == "para":
        return f"{{#{b.id}}} {m(b.text)}"
    if b.kind == "footnote":
        return f"[^{b.id}]: {m(b.text)}"
    if b.kind == "list":
        lines: list[str] = []

        def walk(items, depth):
            for it in items:
                lines.append(f"{'    ' * depth}{it.label} {{#{it.id}}} {m(it.text)}")
                walk(it.children, depth + 1)

        walk(b.items, 0)
        return "\n".join(lines)
    if b.kind == "table":
        head = "| " + " | ".join(m(c) if mark else c for c in b.header) + " |"
        rows = [f"| {{#{r.id}}} " + " | ".join([m(r.cells[0])] + [m(c) for c in r.cells[1:]]) + " |"
                for r in b.rows]
        return "\n".join([f"{{#{b.id}}}", head, "|" + "---|" * len(b.header)] + rows)
    raise ValueError(b.kind)


# --- the menu ------------------------------------------------------------------------


def add_to_menu(doc_id: str, root: Path = ROOT) -> list[str]:
    """Add '<doc-id>.md' at the end of the official texts in both MkDocs configs."""
    changed = []
    for lang, (config, section) in MENU.items():
        config = root / config.name
        if not config.exists():
            continue
        lines = config.read_text(encoding="utf-8").splitlines()
        if any(l.strip() == f"- {doc_id}.md" for l in lines):
            continue
        start = next((i for i, l in enumerate(lines) if l.strip() == f"- {section}"), None)
        if start is None:
            print(f"  ! {config.name}: no '{section}' in the menu: add '- {doc_id}.md' to nav by hand")
            continue
        indent = len(lines[start]) - len(lines[start].lstrip())
        i = start + 1
        while i < len(lines) and lines[i].strip().startswith("- ") and len(lines[i]) - len(lines[i].lstrip()) > indent:
            i += 1
        item_indent = " " * (len(lines[i - 1]) - len(lines[i - 1].lstrip())) if i > start + 1 else " " * (indent + 4)
        lines.insert(i, f"{item_indent}- {doc_id}.md")
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        changed.append(config.name)
    return changed


# --- main ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("doc_id", help="the document id = folder name = page address, e.g. amendment-6")
    ap.add_argument("--translation", action="store_true",
                    help="only (re)write the translation from the original, keeping the blocks already translated")
    ap.add_argument("--lang", choices=LANGUAGES, help="the language of the ORIGINAL text")
    ap.add_argument("--kind", choices=KINDS)
    ap.add_argument("--title")
    ap.add_argument("--short-title")
    ap.add_argument("--summary")
    ap.add_argument("--issuer")
    ap.add_argument("--reference")
    ap.add_argument("--audience")
    ap.add_argument("--date", type=date.fromisoformat, help="date of the text, YYYY-MM-DD")
    ap.add_argument("--in-force", type=date.fromisoformat, help="date it takes effect, YYYY-MM-DD (optional)")
    ap.add_argument("--date-note", help="a word on the date (optional)")
    ap.add_argument("--seed", help="file name in seeds/ of the raw extraction (default: none)")
    ap.add_argument("--seed-lines", nargs=2, type=int, metavar=("FIRST", "LAST"))
    ap.add_argument("--body", type=Path, help="the text of the original (a draft of scripts/maintain/import_text.py)")
    for f in TEXT_FIELDS:
        ap.add_argument(f"--{f.replace('_', '-')}-tr", dest=f"{f}_tr",
                        help=f"the {f.replace('_', ' ')} in the translation's language (else TODO-TRANSLATE)")
    ap.add_argument("--no-menu", action="store_true", help="do not add the text to the menu of mkdocs.yml")
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    args = ap.parse_args(argv)

    if not ID_RE.fullmatch(args.doc_id):
        ap.error("the document id is lowercase letters, digits and '-', e.g. amendment-6")
    folder = SOURCES / args.doc_id

    if args.translation:
        if not folder.is_dir():
            ap.error(f"no folder sources/{args.doc_id}")
        originals = []
        for p in (folder / f"{l}.md" for l in LANGUAGES):
            src = parse_source(p)[0] if p.exists() else None
            if src is not None and src.is_original:
                originals.append(p)
        if len(originals) != 1:
            ap.error("cannot tell which file is the original (the one whose language = original_language)")
        original = originals[0]
        other = folder / f"{next(l for l in LANGUAGES if l != original.stem)}.md"
        text = other.read_text(encoding="utf-8") if other.exists() else ""
        meta_end = text.find("+++", 3)
        if meta_end < 0:
            ap.error(f"{other} has no metadata block: create the source again with --force")
        body, kept, todo = translation_body(original, other)
        other.write_text(text[:meta_end + 3] + "\n\n" + body, encoding="utf-8")
        print(f"{other.relative_to(ROOT)}: {kept} block(s) kept, {todo} block(s) marked {TRANSLATE[:-1]}")
        return 0

    missing = [n for n in ("lang", "kind", "title", "short_title", "summary", "issuer", "reference", "date",
                           "audience") if getattr(args, n) is None]
    if missing:
        ap.error("missing: " + ", ".join("--" + n.replace("_", "-") for n in missing))
    if folder.exists() and any(folder.iterdir()) and not args.force:
        ap.error(f"sources/{args.doc_id} exists already (use --force to overwrite, or --translation)")
    folder.mkdir(parents=True, exist_ok=True)
    other_lang = next(l for l in LANGUAGES if l != args.lang)
    meta = {
        "id": args.doc_id, "language": args.lang, "original_language": args.lang, "kind": args.kind,
        "title": args.title, "short_title": args.short_title, "summary": args.summary, "issuer": args.issuer,
        "reference": args.reference, "date": args.date, "audience": args.audience,
        "seed": args.seed or "none", "seed_lines": list(args.seed_lines) if args.seed_lines else [0, 0],
    }
    if args.in_force:
        meta["in_force"] = args.in_force
    if args.date_note:
        meta["date_note"] = args.date_note
    body = body_text(args.body) if args.body else PLACEHOLDER + "\n"
    original = folder / f"{args.lang}.md"
    original.write_text(front_matter(meta) + "\n" + body, encoding="utf-8")

    tmeta = {k: v for k, v in meta.items() if k not in ("seed", "seed_lines")}
    tmeta["language"] = other_lang
    for f in TEXT_FIELDS:
        given = getattr(args, f"{f}_tr")
        tmeta[f] = given if given else _mark(meta[f])
    if "date_note" in tmeta:
        tmeta["date_note"] = _mark(tmeta["date_note"])
    tbody, _, todo = translation_body(original)
    translation = folder / f"{other_lang}.md"
    translation.write_text(front_matter(tmeta) + "\n" + tbody, encoding="utf-8")
    menus = [] if args.no_menu else add_to_menu(args.doc_id)

    print(f"created {original.relative_to(ROOT)} (the original) and {translation.relative_to(ROOT)} "
          f"(the translation: {todo} block(s) to translate)")
    if menus:
        print(f"added '{args.doc_id}.md' to the menu of {' and '.join(menus)}")
    print("next steps (MAINTAINERS.md, steps 3 to 7):\n"
          f"  1. review sources/{args.doc_id}/{args.lang}.md against the original document; remove every TODO-REVIEW\n"
          f"  2. bring the translation in line with it: python -m scripts.maintain.new_source {args.doc_id} --translation\n"
          f"  3. translate sources/{args.doc_id}/{other_lang}.md; remove every TODO-TRANSLATE\n"
          "  4. python -m scripts.check.check_sources; the dated values in calculator/data/; python -m scripts.build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
