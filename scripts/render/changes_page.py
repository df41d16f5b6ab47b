"""The "what changed" page (changes.md) and the maintainer guide page, per language.

Called once per language by scripts/build.py render(). Everything on the
"what changed" page comes from data, nothing is written by hand:

- for each source (a text of sources/, or a public reference of
  calculator/data/references.toml), the calculator values it changed: the old
  value, the new one and the date from which the new one applies (the dated
  values of calculator/data/*.toml, grouped by the `ref` of the new value);
- the known later changes that are not encoded yet (meta.toml [pending.*]);
- the public references themselves (press announcements, information pages),
  each under its anchor #ref-<id>, which the calculator's citations
  "changes#ref-<id>" link to.

The maintainer guide page (maintainer-guide.md) is MAINTAINERS.md (French) or
MAINTAINERS.nl.md (Dutch) with a front matter: the guide lives in the repository
and is readable on the site.

`check(docs)` adds the build checks of this part: every text of sources/ is in
the menu of both MkDocs configurations.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from scripts.check.sources import SourceProblem

GUIDES = {"fr": ROOT / "MAINTAINERS.md", "nl": ROOT / "MAINTAINERS.nl.md"}
CONFIGS = {"fr": ROOT / "mkdocs.yml", "nl": ROOT / "mkdocs.nl.yml"}
TEXTS_SECTION = {"fr": "Textes officiels:", "nl": "Officiële teksten:"}


def _rules():
    """The calculator's rules, parsed without raising: a broken data file is
    reported by the build's checks (calculator_bridge), with its line and fix."""
    from calculator.params import parse_rules, read_data_files

    return parse_rules(read_data_files())


from calculator.answer import value_label
from calculator.i18n import PublishedDate
from calculator.params import REFERENCE_KINDS, Ref


# --- references as link targets (timeline, glossary) ----------------------------


def reference_anchors() -> set[str]:
    """Anchors of the what-changed page that data files may point to (changes#<anchor>)."""
    rules = _rules()
    return ({r.anchor for r in rules.references.values()} | {f"pending-{p.id}" for p in rules.pending}
            | {"pending", "references", "by-source"})


def ref_label(ref: str, docs, lang: str, t: dict) -> str:
    """The link text of a `doc#para` reference in a list such as the timeline."""
    doc, _, para = ref.partition("#")
    if doc != "changes":
        return docs[doc][lang].meta["short_title"]
    rules = _rules()
    if para.startswith("ref-") and para[4:] in rules.references:
        return rules.catalogue.raw(lang, f"citations.kinds.{rules.references[para[4:]].kind}")
    if para.startswith("pending-"):
        return t["changes"]["timeline_pending"]
    return t["changes"]["title"]


# --- the what-changed page -------------------------------------------------------


@dataclass
class Change:
    parameter: str           # description in the page's language
    before: str              # the old value's label, or "" when nothing was encoded before
    before_until: date | None
    after: str
    start: date
    ref: str                 # doc#para of the new value
    ref_text: str            # link text of that reference
    ref_link: str


@dataclass
class Group:
    key: str                 # doc id, or "ref-<id>" for a public reference
    anchor: str
    title: str
    kind: str
    link: str
    dates: list[tuple[str, str]] = field(default_factory=list)   # (label, formatted date)
    changes: list[Change] = field(default_factory=list)


def _fmt_date(value, lang: str, cat) -> str:
    """A rule date or a publication date ("2024-01-17", "2024-01", "2024"), written by the
    package's catalogue as in the answers."""
    if isinstance(value, date):
        return cat.format_date(lang, value)
    return cat.format_published(lang, PublishedDate(str(value)))


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _link(ref, rules, lang: str) -> tuple[str, str]:
    """(text, target) of a calculator reference on the page."""
    if ref.is_reference:
        r = rules.references.get(ref.reference_id)
        return (r.label.get(lang) if r else str(ref)), f"#{ref.para}"
    if ref.is_code_row:
        text = rules.catalogue.text("citations.code_row", code=ref.para[5:]).get(lang)
    else:
        label = rules.anchors.get(str(ref))
        text = label.get(lang) if label else ref.para
    return text, f"{ref.doc}.md#{ref.para}"


def changes_context(docs, lang: str, t: dict) -> dict:
    rules = _rules()
    cat = rules.catalogue
    first_day = min(v.start for p in rules.parameters.values() for v in p.values)
    groups: dict[str, Group] = {}

    def group_for(ref) -> Group:
        key = ref.para if ref.is_reference else ref.doc
        if key in groups:
            return groups[key]
        if ref.is_reference:
            r = rules.references[ref.reference_id]
            c = t["changes"]
            g = Group(key, f"from-{key}", f"{r.publisher.get(lang)}{c['colon']}{c['quote_open']}{r.title}{c['quote_close']}",
                      cat.raw(lang, f"citations.kinds.{r.kind}"), f"#{r.anchor}",
                      [(t["changes"]["published"], _fmt_date(r.published, lang, cat)),
                       (t["changes"]["in_force"], _fmt_date(r.effective, lang, cat))])
        else:
            meta = docs[ref.doc][lang].meta if ref.doc in docs else {"title": ref.doc, "kind": "note", "date": None}
            dates = [(t["changes"]["text_date"], _fmt_date(meta["date"], lang, cat))] if meta.get("date") else []
            if meta.get("in_force"):
                dates.append((t["changes"]["in_force"], _fmt_date(meta["in_force"], lang, cat)))
            g = Group(key, f"from-{key}", meta["title"], t["kinds"].get(meta["kind"], meta["kind"]),
                      f"{ref.doc}.md", dates)
        groups[key] = g
        return g

    for p in rules.parameters.values():
        values = list(p.values)
        for i, v in enumerate(values):
            if i == 0 and v.start == first_day:
                continue  # the first version of the rules, not a change
            before = values[i - 1] if i else None
            text, link = _link(v.ref, rules, lang)
            group_for(v.ref).changes.append(Change(
                p.description.get(lang), value_label(rules, before).get(lang) if before else "",
                before.end if before else None, value_label(rules, v).get(lang), v.start, str(v.ref), text, link))
    # Pseudocodes that start later than the first rules: one line per (date, document).
    code_starts: dict[tuple[date, str], list[str]] = {}
    for pc in rules.pseudocodes:
        if pc.start != first_day:
            code_starts.setdefault((pc.start, pc.ref.doc), []).append(pc.code)
    for (start, doc), codes in sorted(code_starts.items()):
        g = group_for(Ref(doc, "codes"))
        g.changes.append(Change(t["changes"]["codes_parameter"], "", None,
                                t["changes"]["codes_value"].format(count=len(codes)), start,
                                f"{doc}#codes", t["changes"]["codes_link"], "pseudocodes.md"))
    ordered = sorted(groups.values(), key=lambda g: (min(c.start for c in g.changes), g.key), reverse=True)
    for g in ordered:
        g.changes.sort(key=lambda c: (c.start, c.parameter))
    pending = []
    for pc in rules.pending:
        pending.append({
            "id": pc.id, "anchor": f"pending-{pc.id}", "title": pc.title.get(lang), "summary": pc.summary.get(lang),
            "effective": _fmt_date(pc.effective, lang, cat), "warning": pc.warning,
            "taken_in_warning": pc.taken_in_warning,
            "refs": [_link(r, rules, lang) for r in pc.refs],
        })
    references = []
    for r in sorted(rules.references.values(), key=lambda r: (r.effective, REFERENCE_KINDS.index(r.kind), r.id)):
        used = []
        for p in rules.parameters.values():
            for v in p.values:
                if any(x.is_reference and x.reference_id == r.id for x in v.refs):
                    used.append((p.description.get(lang), value_label(rules, v).get(lang), _fmt_date(v.start, lang, cat)))
        references.append({
            "anchor": r.anchor, "kind": cat.raw(lang, f"citations.kinds.{r.kind}"), "title": r.title,
            "title_lang": r.title_lang, "publisher": r.publisher.get(lang), "url": r.url,
            "url_note": r.url_note.get(lang) if r.url_note else "",
            "published": _fmt_date(r.published, lang, cat),
            "published_note": r.published_note.get(lang) if r.published_note else "",
            "effective": _fmt_date(r.effective, lang, cat), "summary": r.summary.get(lang), "used": used,
            "pending": [p["title"] for p in pending if any(l[1] == f"#{r.anchor}" for l in p["refs"])],
        })
    return {
        "groups": ordered, "pending": pending, "references": references,
        "known_until": _fmt_date(rules.known_valid_until, lang, cat),
        "first_day": _fmt_date(first_day, lang, cat), "rules_version": rules.version,
        "cell": _cell, "fmt_date": lambda d: _fmt_date(d, lang, cat),
    }


def guide_page(lang: str, t: dict) -> str:
    path = GUIDES[lang]
    # A copy of the project without the guide (some tests copy only what they need) still builds.
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {t['changes']['guide_title']}\n\n`{path.name}`\n"
    m = re.search(r"^# (.+)$", text, re.M)
    title = m.group(1).strip() if m else t["changes"]["guide_title"]
    esc = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')  # noqa: E731
    return (f"---\n# {t['generated_notice']} Source: {path.name}\n"
            f"title: \"{esc(title)}\"\ndescription: \"{esc(t['changes']['guide_description'])}\"\n---\n" + text)


def pages(env, ctx: dict, docs, lang: str) -> dict[str, str]:
    """{file name: Markdown} of this module's pages in one language."""
    t = ctx["t"]
    return {"changes.md": env.get_template("changes.md.j2").render(**ctx, **changes_context(docs, lang, t)),
            "maintainer-guide.md": guide_page(lang, t)}


# --- checks ----------------------------------------------------------------------


def check(docs) -> list[SourceProblem]:
    """Every text of sources/ has its entry in the menu (nav) of both MkDocs configurations."""
    problems = []
    for lang, config in CONFIGS.items():
        if not config.exists():
            continue
        lines = config.read_text(encoding="utf-8").splitlines()
        section = next((i for i, l in enumerate(lines) if l.strip() == f"- {TEXTS_SECTION[lang]}"), None)
        listed = {m.group(1) for l in lines for m in [re.match(r"\s*- ([a-z0-9-]+)\.md\s*$", l)] if m}
        for doc_id in sorted(docs):
            if f"{doc_id}" not in listed:
                line = (section + 1) if section is not None else 0
                problems.append(SourceProblem(
                    config, line, f"the text '{doc_id}' is not in the menu (nav) of {config.name}",
                    f"add the line '      - {doc_id}.md' under '{TEXTS_SECTION[lang]}' in {config.name} "
                    f"(python -m scripts.maintain.new_source does it for a new text)"))
    return problems
