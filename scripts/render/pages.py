"""Render stage: sources + content + data + templates -> docs/{fr,nl} (Markdown for MkDocs).

    from scripts.render.pages import render     # scripts/build.py
    rendered = render(docs)                      # a temporary folder with fr/ and nl/

Every page is rendered from sources/ (the texts), content/ (hand-written pages, Jinja
with the package's globals), data/ (glossary, timeline) and templates/ (layout).
"""
from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from scripts.check.sources import (
    CODE_REF_RE,
    LANGUAGES,
    ROOT,
    SourceError,
    SourceProblem,
    anchors_by_doc,
    load_all,
)

DOCS = ROOT / "docs"
BUILD = ROOT / "build"
SITE = ROOT / "site"
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
DATA = ROOT / "data"
I18N = ROOT / "i18n"
# Where each language lives relative to the site root.
PREFIX = {"fr": "", "nl": "nl/"}
DOC_ORDER = ["circular-8761", "inami-letter-2023", "amendment-5", "annex-pseudocodes", "riziv-note-clb"]


def doc_order(docs) -> list[str]:
    """The five first texts in their order, then any text added later, by date."""
    later = sorted((d for d in docs if d not in DOC_ORDER), key=lambda d: (docs[d]["fr"].meta["date"], d))
    return [d for d in DOC_ORDER if d in docs] + later

DOC_LINK_RE = re.compile(r"\]\(doc:([a-z0-9-]+)(#[^)\s]*)?\)")


class BuildError(Exception):
    pass


def human_date(value, lang: str) -> str:
    """A date as the pages write it ("1er janvier 2024" / "1 januari 2024"): the package's
    catalogue formats it, as in the answers; a year alone ("2023") stays as it is."""
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}", value):
            return value
        value = date.fromisoformat(value)
    from calculator import load_rules

    return load_rules().catalogue.format_date(lang, value)


def inline(text: str) -> str:
    """Resolve the two source shortcuts into ordinary Markdown links."""
    text = CODE_REF_RE.sub(lambda m: f"[{m.group(1)}](pseudocodes.md#code-{m.group(1)})", text)
    return DOC_LINK_RE.sub(lambda m: f"]({m.group(1)}.md{m.group(2) or ''})", text)


def doc_link(ref: str) -> str:
    doc, _, para = ref.partition("#")
    return f"{doc}.md" + (f"#{para}" if para else "")


def yaml_str(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"')


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def load_toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def check_refs(refs: list[tuple[str, Path, str]], anchors: dict[str, set[str]]) -> list[SourceProblem]:
    """refs: (doc#para, file, what) -> problems for the ones that do not resolve."""
    problems = []
    for ref, path, what in refs:
        doc, _, para = ref.partition("#")
        line = _line_of(path, f'"{ref}"')
        if doc == "changes":  # the "what changed" page: a public reference or a pending change
            from scripts.render.changes_page import reference_anchors

            if para not in reference_anchors():
                problems.append(SourceProblem(path, line, f"{what}: '{ref}' is not an anchor of the what-changed page",
                                              f"use one of {', '.join(sorted('changes#' + a for a in reference_anchors()))}"))
        elif doc not in anchors:
            problems.append(SourceProblem(path, line, f"{what}: unknown document in '{ref}'",
                                          f"use one of {', '.join(sorted(anchors))}"))
        elif para and para not in anchors[doc]:
            problems.append(SourceProblem(path, line, f"{what}: paragraph '{ref}' does not exist",
                                          f"use an id of sources/{doc}/fr.md (python -m scripts.check.check_sources --ids {doc} lists them)"))
    return problems


def _line_of(path: Path, needle: str) -> int:
    """1-based line of the first occurrence of needle in a data file (0 if absent)."""
    try:
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in text:
                return i
    except OSError:
        pass
    return 0


def pseudocode_rows(docs, lang: str) -> list[dict]:
    """The table rows: code and description from the annex (in the page's
    language), attributes from the calculator package (the same data the
    calculator answers with)."""
    from scripts.check.calculator_bridge import code_attributes

    annex = docs["annex-pseudocodes"][lang]
    rows = []
    for b in annex.blocks:
        if b.kind != "table":
            continue
        for r in b.rows:
            if not r.id.startswith("code-"):
                continue
            code = r.id.removeprefix("code-")
            attrs = code_attributes(code, lang)
            rows.append({"code": code, "description": r.cells[1] if len(r.cells) > 1 else "", **attrs})
    return rows


def render(docs) -> Path:
    """Render every page of both languages into build/docs.new; return it."""
    out = BUILD / "docs.new"
    shutil.rmtree(out, ignore_errors=True)
    glossary = load_toml(DATA / "glossary.toml")["term"]
    timeline = load_toml(DATA / "timeline.toml")["event"]
    anchors = anchors_by_doc(docs)
    problems = check_refs(
        [(t["ref"], DATA / "glossary.toml", f"glossary term {t['abbr']}") for t in glossary]
        + [(e["ref"], DATA / "timeline.toml", f"timeline event {e['date']}") for e in timeline],
        anchors,
    )
    for t in glossary:
        for key in LANGUAGES + tuple(f"{l}_def" for l in LANGUAGES):
            if not str(t.get(key, "")).strip():
                problems.append(SourceProblem(DATA / "glossary.toml", 0, f"glossary term {t.get('abbr')} lacks '{key}'",
                                              f"add {key} = \"…\" to that term"))
    from scripts.check.calculator_bridge import check_calculator

    problems += check_calculator(docs, anchors)
    from scripts.render import changes_page
    problems += changes_page.check(docs)
    if problems:
        raise SourceError(problems)

    catalogs = {lang: load_toml(I18N / f"{lang}.toml") for lang in LANGUAGES}
    for lang in LANGUAGES:
        t = catalogs[lang]
        other = next(l for l in LANGUAGES if l != lang)
        env = Environment(
            loader=FileSystemLoader([str(TEMPLATES), str(CONTENT / lang)]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )
        env.filters.update(inline=inline, yaml_str=yaml_str, slug=slug, doc_link=doc_link,
                           human_date=lambda v, _l=lang: human_date(v, _l))
        ctx = {"t": t, "lang": lang, "other_lang": other}
        target = out / lang
        target.mkdir(parents=True)

        def write(name: str, text: str) -> None:
            (target / name).write_text(text, encoding="utf-8")

        for doc_id in doc_order(docs):
            src = docs[doc_id][lang]
            up = "../" if lang == "fr" else "../../"
            other_url = f"{up}{PREFIX[other]}{doc_id}/"
            write(f"{doc_id}.md", env.get_template("document.md.j2").render(
                **ctx, src=src, meta=src.meta, other_url=other_url))
        write("pseudocodes.md", env.get_template("pseudocodes.md.j2").render(
            **ctx, codes=pseudocode_rows(docs, lang)))
        write("glossary.md", env.get_template("glossary.md.j2").render(
            **ctx, terms=sorted(glossary, key=lambda g: g["abbr"])))
        events = sorted(timeline, key=lambda e: e["date"])
        for e in events:
            e["ref_label"] = changes_page.ref_label(e["ref"], docs, lang, t)
        write("timeline.md", env.get_template("timeline.md.j2").render(**ctx, events=events))
        for name, text in changes_page.pages(env, ctx, docs, lang).items():  # changes.md, maintainer-guide.md
            write(name, text)
        from scripts.render.calculator_page import render as calculator_page  # also gives content pages calculator_widget()
        write("calculator.md", calculator_page(env, ctx, lang))
        from scripts.render.rules_in_pages import globals_for  # ask(), value(), history()… for content pages
        env.globals.update(globals_for(lang))
        for page in sorted((CONTENT / lang).glob("*.md")):
            text = env.get_template(page.name).render(**ctx)
            if not text.startswith("---\n"):
                raise SourceError([SourceProblem(page, 1, "a content page has no front matter",
                                                 "start it with '---', title: and description:, then '---'")])
            text = "---\n# " + t["generated_notice"] + f" Source: content/{lang}/{page.name}\n" + text[4:]
            write(page.name, inline(text))
    return out

