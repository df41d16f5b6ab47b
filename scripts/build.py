"""Build the bilingual site: sources + data + templates -> docs/{fr,nl} -> site/.

    python scripts/build.py            # check, render, run MkDocs (strict), publish site/
    python scripts/build.py --render   # check and render docs/ only

Nothing is published unless every step succeeds: pages are rendered into a
temporary folder, both MkDocs builds run into temporary folders, and only then
are docs/{fr,nl} and site/ replaced. A problem in a source stops the build with
its file, line and fix, and leaves the published site as it was.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

sys.path.insert(0, str(Path(__file__).resolve().parent))

from published import site_url  # noqa: E402
from sources import (  # noqa: E402
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
CONFIGS = {"fr": ROOT / "mkdocs.yml", "nl": ROOT / "mkdocs.nl.yml"}
# Where each language lives relative to the site root.
PREFIX = {"fr": "", "nl": "nl/"}
DOC_ORDER = ["circular-8761", "inami-letter-2023", "amendment-5", "annex-pseudocodes", "riziv-note-clb"]


def doc_order(docs) -> list[str]:
    """The five first texts in their order, then any text added later, by date."""
    later = sorted((d for d in docs if d not in DOC_ORDER), key=lambda d: (docs[d]["fr"].meta["date"], d))
    return [d for d in DOC_ORDER if d in docs] + later

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
}
DOC_LINK_RE = re.compile(r"\]\(doc:([a-z0-9-]+)(#[^)\s]*)?\)")


class BuildError(Exception):
    pass


def human_date(value, lang: str) -> str:
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}", value):
            return value
        value = date.fromisoformat(value)
    day = "1er" if (value.day == 1 and lang == "fr") else str(value.day)
    return f"{day} {MONTHS[lang][value.month - 1]} {value.year}"


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
            from changes_page import reference_anchors

            if para not in reference_anchors():
                problems.append(SourceProblem(path, line, f"{what}: '{ref}' is not an anchor of the what-changed page",
                                              f"use one of {', '.join(sorted('changes#' + a for a in reference_anchors()))}"))
        elif doc not in anchors:
            problems.append(SourceProblem(path, line, f"{what}: unknown document in '{ref}'",
                                          f"use one of {', '.join(sorted(anchors))}"))
        elif para and para not in anchors[doc]:
            problems.append(SourceProblem(path, line, f"{what}: paragraph '{ref}' does not exist",
                                          f"use an id of sources/{doc}/fr.md (python scripts/check_sources.py --ids {doc} lists them)"))
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
    from calculator_bridge import code_attributes

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
    from calculator_bridge import check_calculator

    problems += check_calculator(docs, anchors)
    import changes_page

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
        from calculator_page import render as calculator_page  # also gives content pages calculator_widget()
        write("calculator.md", calculator_page(env, ctx, lang))
        for page in sorted((CONTENT / lang).glob("*.md")):
            text = env.get_template(page.name).render(**ctx)
            if not text.startswith("---\n"):
                raise SourceError([SourceProblem(page, 1, "a content page has no front matter",
                                                 "start it with '---', title: and description:, then '---'")])
            text = "---\n# " + t["generated_notice"] + f" Source: content/{lang}/{page.name}\n" + text[4:]
            write(page.name, inline(text))
    return out


def mkdocs_build(lang: str, docs_dir: Path, out: Path) -> subprocess.Popen:
    # The config names docs/<lang>; we point MkDocs at the freshly rendered
    # folder through a copy of the config that differs only in docs_dir.
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIGS[lang]), "-d", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # SITE_URL as the rest of the build reads it (scripts/published.py): an
        # empty one means the default, not a crash in sitemap.xml and robots.txt.
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url()},
    )


def build_site(docs) -> Path:
    """Run both MkDocs builds (in parallel) into build/site.new; return it."""
    new = BUILD / "site.new"
    nl_tmp = BUILD / "site.nl.new"
    for p in (new, nl_tmp):
        shutil.rmtree(p, ignore_errors=True)
    procs = {"fr": mkdocs_build("fr", DOCS / "fr", new), "nl": mkdocs_build("nl", DOCS / "nl", nl_tmp)}
    failed = []
    for lang, proc in procs.items():
        output, _ = proc.communicate()
        if proc.returncode != 0:
            failed.append(f"MkDocs ({lang}) failed:\n{output}")
        else:
            # MkDocs' --quiet would also silence the warnings that --strict counts:
            # run it verbose and show only what is not routine.
            shown = [l for l in output.splitlines() if l.strip() and not l.startswith("INFO")]
            if shown:
                print("\n".join(shown))
    if failed:
        raise BuildError("\n".join(failed))
    nl_tmp.rename(new / "nl")
    from postbuild import postbuild

    postbuild(new, docs)
    return new


def swap(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--render", action="store_true", help="render docs/ only, do not run MkDocs")
    args = ap.parse_args(argv)
    # One build at a time in a checkout: two would share docs/ and build/.
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _main(args)


def _main(args) -> int:
    t0 = time.perf_counter()
    docs, problems = load_all()
    try:
        if problems:
            raise SourceError(problems)
        rendered = render(docs)
    except SourceError as exc:
        print(f"Build stopped: {len(exc.problems)} problem(s); nothing was published.\n", file=sys.stderr)
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    # Keep the previous docs/ until the new site is built: MkDocs reads docs/<lang>.
    staged = BUILD / "docs.staged"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    for lang in LANGUAGES:
        if (DOCS / lang).exists():
            (DOCS / lang).rename(staged / lang)
        (rendered / lang).rename(DOCS / lang)
    t1 = time.perf_counter()
    if args.render:
        shutil.rmtree(staged, ignore_errors=True)
        print(f"rendered docs/ in {t1 - t0:.2f} s")
        return 0
    try:
        new = build_site(docs)
    except BuildError as exc:
        # put the previous pages back: the published state stays consistent
        for lang in LANGUAGES:
            shutil.rmtree(DOCS / lang, ignore_errors=True)
            if (staged / lang).exists():
                (staged / lang).rename(DOCS / lang)
        print(f"Build stopped; site/ was left as it was.\n{exc}", file=sys.stderr)
        return 1
    shutil.rmtree(staged, ignore_errors=True)
    swap(new, SITE)
    t2 = time.perf_counter()
    print(f"site/ built: render {t1 - t0:.2f} s, mkdocs {t2 - t1:.2f} s, total {t2 - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
