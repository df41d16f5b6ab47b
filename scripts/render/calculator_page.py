"""The calculator in the page: build-time side.

    from scripts.render.calculator_page import render          # scripts/build.py, once per language
    write("calculator.md", render(env, ctx, lang))
    from scripts.render.calculator_page import publish         # scripts/publish/postbuild.py
    publish(site)

What it makes, for each language:

- `calculator.md`: the calculator page (templates/calculator.md.j2): the form,
  the answer for the default inputs computed now by the package, and the same
  answers as static tables (for readers without JavaScript or whose browser
  cannot run the engine);
- the Jinja global `calculator_widget(variant)` that content pages call to embed
  a compact calculator (content/<lang>/parents.md does);
- `calculator/embed/index.html` (written after MkDocs by `publish`): a minimal
  page meant to be framed by other sites (templates/calculator_embed.html.j2).

`publish(site)` also copies the self-hosted Pyodide runtime with the calculator
wheel (scripts/publish/pyodide_bundle.py's output, rebuilt only when the calculator,
pyproject.toml or the pinned runtime changed) into site/assets/pyodide/, once
for both languages.

This module only places things: the form's controls and requests come from
calculator/form.py, every answer and what a reader sees of it (figure, caption,
amounts, dates, citations, the answer's markup) from calculator/present.py. The
browser (docs/overrides/assets/calculator/ui.mjs) gets the same views from the
same package, in a Web Worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from calculator import form, present, vocab

ROOT = Path(__file__).resolve().parents[2]

BUILD = ROOT / "build"
BUNDLE = BUILD / "pyodide"
BUNDLE_STAMP = BUILD / "pyodide.stamp"
TEMPLATES = ROOT / "templates"
I18N = ROOT / "i18n"
LANGUAGES = ("fr", "nl")
LANG_PREFIX = {"fr": "", "nl": "nl/"}
EMBED_DIR = "calculator/embed"

PARENT_QUESTIONS = ("contribution", "course", "quota", "networks")
STAFF_QUESTIONS = ("pseudocode", "fees")
ALL_QUESTIONS = PARENT_QUESTIONS + STAFF_QUESTIONS
# Which questions each variant of the widget offers, and the one it opens on. The parents'
# guide asks the cost of a session with what a parent knows (family_contribution: who
# proposed the sessions, the centre's convention or "I don't know"); the calculator page
# and the embed page keep the precise routes (contribution), for staff.
VARIANTS = {
    "page": ALL_QUESTIONS,        # the calculator page
    "parents": ("family_contribution", "course", "quota", "networks"),  # embedded in the parents' guide (under an h2)
    "embed": ALL_QUESTIONS,       # the page other sites frame
}
HEADING_LEVEL = {"page": 2, "parents": 3, "embed": 2}
DEFAULT_QUESTION = {"page": "contribution", "parents": "family_contribution", "embed": "contribution"}
# The centre the parents' form opens with: the guide of each language is read mostly by the
# families of its community's schools (a CPMS in French, a CLB in Dutch).
PARENTS_CENTRE = {"fr": "cpms", "nl": "clb"}


def build_date() -> str:
    """The day of this build (ISO): the default date of the answers shipped in the pages."""
    return os.environ.get("CALCULATOR_BUILD_DATE") or date.today().isoformat()


# --- the static tables (the same answers, for every common case) ----------------------

def _ask(request: dict) -> dict:
    import calculator

    answer = calculator.answer(request)
    if not answer.get("ok"):
        raise RuntimeError(f"the calculator refused a table request {request}: {answer.get('errors')}")
    return answer


@lru_cache(maxsize=None)
def _ask_cached(request_json: str) -> dict:
    """The same answer for both languages and every page of a build."""
    return _ask(json.loads(request_json))


@lru_cache(maxsize=None)
def _ages(today: str) -> tuple[int, ...]:
    """Every age the package accepts (it refuses the first one beyond)."""
    import calculator

    ages = []
    for age in range(0, 1000):
        if not calculator.answer({"question": "networks", "date": today, "age": age}).get("ok"):
            break
        ages.append(age)
    return tuple(ages)


def _age_groups(today: str, at) -> list[tuple[int, int, object]]:
    """[(first age, last age, data)] for the runs of ages where at(age) = (signature,
    data) has the same signature. Asking every age of every table would take
    seconds; instead the ages where the open networks change (and the first and
    last age) are probed, and each interval between probes is bisected until its
    ends and its middle agree."""
    ages = _ages(today)
    nets = [tuple(_ask_cached(json.dumps({"question": "networks", "date": today, "age": a}, sort_keys=True))
                  ["result"]["networks"]) for a in ages]
    probes = {ages[0], ages[-1]}
    for i in range(1, len(ages)):
        if nets[i] != nets[i - 1]:
            probes |= {ages[i - 1], ages[i]}
    known: dict[int, tuple] = {}

    def sig(age: int):
        if age not in known:
            known[age] = at(age)
        return known[age][0]

    def fill(a: int, b: int) -> None:
        if b - a <= 1:
            return
        m = (a + b) // 2
        if sig(a) == sig(b) == sig(m):
            return
        fill(a, m)
        fill(m, b)

    points = sorted(probes)
    for a, b in zip(points, points[1:]):
        fill(a, b)
    for p in points:
        sig(p)
    groups: list[list] = []
    for age in sorted(known):
        if groups and groups[-1][2] == known[age][0]:
            continue
        if groups:
            groups[-1][1] = age - 1
        groups.append([age, ages[-1], known[age][0], known[age][1]])
    return [(g[0], g[1], g[3]) for g in groups]

def tables(lang: str, t: dict, lang_root: str, today: str) -> dict:
    """Every table of the fallback, computed by calculator.answer for `today`,
    its cells worded by calculator.present."""
    v = {name: present.labels(name, lang) for name in ("route", "centre", "place", "quota_care_type", "network",
                                                         "modality",
                                                         "service")}
    # one table per route, and per centre for the routes a centre organises
    situations = [(route, centre) for route in v["route"]
                  for centre in (v["centre"] if route in vocab.CENTRE_ROUTES else (None,))]
    columns = (  # the request fields that differ from a usual individual session
        {"modality": "individual", "bim": False, "first_session": False},
        {"modality": "individual", "bim": True, "first_session": False},
        {"modality": "individual", "bim": False, "first_session": True},
        {"modality": "group", "bim": False, "first_session": False},
    )
    # The amounts may depend on the age (the package decides): one set of tables
    # per group of consecutive ages with the same answers (_age_groups).
    def grid_at(age: int) -> tuple[str, dict]:
        grid = {(route, centre, place): [_ask_cached(json.dumps({
                    "question": "contribution", "date": today, "age": age, "route": route,
                    **({"centre": centre} if centre else {}), "place": place, **extra},
                    sort_keys=True)) for extra in columns]
                for route, centre in situations for place in v["place"]}
        signature = json.dumps([[(a["result"]["outcome"], a["result"]["amount_cents"], a["result"]["reason"])
                                 for a in answers] for answers in grid.values()])
        return signature, grid

    age_groups = [{"from": start, "to": end, "grid": grid} for start, end, grid in _age_groups(today, grid_at)]
    contribution = []
    for group in age_groups:
        ages = t["table_ages"].format(start=group["from"], end=group["to"])
        for route, centre in situations:
            rows, answers = [], []
            for place in v["place"]:
                cells = group["grid"][(route, centre, place)]
                answers += cells
                rows.append({"place": v["place"][place], "cells": [present.contribution_cell(a, lang) for a in cells]})
            label = v["route"][route] + (f" — {v['centre'][centre]}" if centre else "")
            contribution.append({"id": f"{route}-{centre + '-' if centre else ''}{group['from']}", "route": route,
                                 "centre": centre, "ages": ages, "label": label, "rows": rows,
                                 "sources": present.citation_links(answers, lang, lang_root), "answers": answers})

    quota_rows, quota_answers = [], []
    for care in present.care_types_on(today):
        for network in v["network"]:
            cells = []
            for modality in v["modality"]:
                a = _ask_cached(json.dumps({"question": "quota", "date": today, "care_type": care,
                                            "network": network, "modality": modality}, sort_keys=True))
                quota_answers.append(a)
                cells.append(present.quota_cell(a, lang))
            quota_rows.append({"care_type": v["quota_care_type"][care], "network": v["network"][network], "cells": cells})
    quota = {"modalities": list(v["modality"].values()), "rows": quota_rows,
             "sources": present.citation_links(quota_answers, lang, lang_root),
             "window": quota_answers[0]["result"]["window_months"]}

    # Every age the package accepts, grouped by the networks open to it.
    groups, network_answers = [], []
    for age in _ages(today):
        a = _ask_cached(json.dumps({"question": "networks", "date": today, "age": age}, sort_keys=True))
        network_answers.append(a)
        nets = tuple(a["result"]["networks"])
        if groups and groups[-1]["nets"] == nets:
            groups[-1]["to"] = age
        else:
            groups.append({"from": age, "to": age, "nets": nets})
    networks = {"rows": [{"ages": t["table_ages"].format(start=g["from"], end=g["to"]),
                          "networks": present.networks_text(g["nets"], lang)} for g in groups],
                "sources": present.citation_links([network_answers[g["from"]] for g in groups], lang, lang_root)}

    fee_rows, fee_answers = [], []
    for service in v["service"]:
        a = _ask_cached(json.dumps({"question": "fees", "date": today, "service": service}, sort_keys=True))
        fee_answers.append(a)
        fee, unit, indexed = present.fee_cells(a, lang)
        fee_rows.append({"service": v["service"][service], "fee": fee, "unit": unit, "indexed": indexed})
    fees = {"rows": fee_rows, "sources": present.citation_links(fee_answers, lang, lang_root)}
    # Warnings every answer of the tables carries (e.g. "the rules may have changed
    # since"): said once, above the tables.
    everything = [a for a in fee_answers + quota_answers + network_answers]
    for block in contribution:
        everything += block.pop("answers")
    common = [w[lang] for w in everything[0]["warnings"]
              if all(any(x["code"] == w["code"] for x in a["warnings"]) for a in everything)]
    return {"contribution": contribution, "quota": quota, "networks": networks, "fees": fees,
            "rules_version": fee_answers[0].get("rules_version", ""), "common_warnings": common}


# --- the widget --------------------------------------------------------------------------

def _json_for_script(data) -> str:
    """JSON safe inside <script type="application/json">."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def widget(lang: str, t: dict, variant: str, site_root: str, lang_root: str, today: str,
           tables_href: str) -> dict:
    """Everything templates/calculator_widget.html.j2 needs."""
    questions = VARIANTS[variant]
    default_question = DEFAULT_QUESTION[variant]
    values = form.default_values(today)
    if variant == "parents":
        values["centre"] = PARENTS_CENTRE[lang]
    # The views of the default inputs, shown before the engine is ready (keyed by
    # the question and the values of its shown controls).
    prebuilt = [{"question": q, "values": form.shown_values(q, values),
                 **{k: v for k, v in present.ask(q, values, {}, lang, lang_root, variant).items() if k != "request"}}
                for q in questions]
    view = next(p["view"] for p in prebuilt if p["question"] == default_question)
    fields = []
    for c in form.CONTROLS:
        shown_for = [q for q in questions if q in c.shows]
        if not shown_for:
            continue
        fields.append({
            "key": c.key, "name": c.name, "kind": c.kind, "shows": {q: c.shows[q] for q in shown_for},
            "offers": {q: c.offers[q] for q in shown_for if q in c.offers},
            "default": values[c.key], **form.words(c, lang, today), "min": c.minimum, "max": c.maximum,
            "visible": form.visible(c, default_question, values),
            "today": c.default == form.TODAY,
        })
    # Only the strings the browser needs (the rest is in the HTML or in the views).
    js_keys = [k for k in t if k.startswith("status_")] + ["copied"]
    config = {
        "lang": lang,
        "langRoot": lang_root,
        "variant": variant,
        "questions": list(questions),
        "defaultQuestion": default_question,
        "buildDate": today,
        "fields": [{k: f[k] for k in ("key", "name", "kind", "shows", "offers", "default", "today")} for f in fields],
        "state": form.state_map(questions),
        "t": {k: t[k] for k in sorted(set(js_keys))},
        "views": {"pending": present.notice(t["pending"], "pending"),
                  "engine_error": present.notice(t["engine_error"], "engine-error")},
        "failures": {kind: t["failed"].format(reason=t[f"failed_{kind}"]) for kind in ("worker", "runtime", "timeout")},
        "prebuilt": prebuilt,
        "linkTarget": "_blank" if variant == "embed" else "",
        "tablesHref": tables_href,
    }
    return {
        "lang": lang, "variant": variant,
        "questions": [{"value": q, "label": present.label("question", q, lang), "staff": q in STAFF_QUESTIONS}
                      for q in questions],
        "default_question": default_question, "fields": fields,
        "result": present.html(view["result"]), "details": present.html(view["details"]),
        "config": _json_for_script(config),
        "site_root": site_root, "tables_href": tables_href, "link_target": config["linkTarget"],
        "heading": HEADING_LEVEL[variant],
    }

# --- Jinja --------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def catalog(lang: str) -> dict:
    return tomllib.loads((I18N / f"{lang}.toml").read_text(encoding="utf-8"))


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       keep_trailing_newline=True, autoescape=False)


def _escape(value) -> str:
    from markupsafe import escape

    return str(escape(value))


def widget_html(env: Environment, lang: str, variant: str, site_root: str, lang_root: str, tables_href: str) -> str:
    t = catalog(lang)["calculator"]
    w = widget(lang, t, variant, site_root, lang_root, build_date(), tables_href)
    html = env.get_template("calculator_widget.html.j2").render(w=w, t=t, e=_escape)
    # The widget sits in Markdown pages: no blank line may end its HTML block early.
    return "\n".join(line for line in html.splitlines() if line.strip())


def tables_html(env: Environment, lang: str, lang_root: str, heading_level: int = 3,
                blank_links: bool = False) -> str:
    t = catalog(lang)["calculator"]
    data = tables(lang, t, lang_root, build_date())
    html = env.get_template("calculator_tables.html.j2").render(
        tb=data, t=t, e=_escape, h=heading_level, day_text=present.day_text(build_date()), blank_links=blank_links)
    return "\n".join(line for line in html.splitlines() if line.strip())


def render(env: Environment, ctx: dict, lang: str) -> str:
    """The calculator page of `lang` (Markdown for MkDocs). Also gives the content
    pages of this language (rendered with `env` afterwards) the Jinja global
    `calculator_widget(variant)` that embeds a compact calculator."""
    own = _environment()

    def calculator_widget(variant: str = "parents") -> str:
        # a content page is at the same depth as the calculator page
        return widget_html(own, lang, variant, "../" if lang == "fr" else "../../", "../", "../calculator/#tables")

    env.globals["calculator_widget"] = calculator_widget
    t = ctx["t"]
    from scripts.publish.published import site_url
    return env.get_template("calculator.md.j2").render(
        **ctx,
        widget=widget_html(own, lang, "page", "../" if lang == "fr" else "../../", "../", "#tables"),
        tables=tables_html(own, lang, "../"),
        embed_url=f"{site_url()}{LANG_PREFIX[lang]}{EMBED_DIR}/",
        embed_title=t["calculator"]["embed_iframe_title"],
    )


def embed_pages(site: Path) -> list[Path]:
    """Write <site>/[nl/]calculator/embed/index.html: the calculator alone, for an iframe."""
    env = _environment()
    written = []
    for lang in LANGUAGES:
        depth = EMBED_DIR.count("/") + 1 + (1 if lang == "nl" else 0)
        site_root = "../" * depth
        lang_root = "../" * (EMBED_DIR.count("/") + 1)
        t = catalog(lang)
        html = env.get_template("calculator_embed.html.j2").render(
            lang=lang, t=t["calculator"], site_name=t["calculator"]["embed_site_name"], e=_escape,
            site_root=site_root, lang_root=lang_root,
            widget=widget_html(env, lang, "embed", site_root, lang_root, "#tables"),
            tables=tables_html(env, lang, lang_root, heading_level=3, blank_links=True),
        )
        out = site / LANG_PREFIX[lang] / EMBED_DIR / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        written.append(out)
    return written


# --- the runtime ----------------------------------------------------------------------------

def _bundle_inputs_digest() -> str:
    """What the bundle is made of: the calculator package, the pinned runtime,
    the scripts that bundle and trace it and the workload of the trace."""
    h = hashlib.sha256()
    paths = sorted(p for d in ("calculator", "tests/calculator/scenarios") for p in (ROOT / d).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    paths += [ROOT / "package-lock.json", ROOT / "node_modules" / "pyodide" / "package.json",
              ROOT / "tests" / "calculator_page" / "scenarios.toml", ROOT / "scripts" / "dev" / "pyodide_run.mjs",
              *sorted((ROOT / "scripts" / "publish").glob("*.py"))]
    for p in paths:
        h.update(p.relative_to(ROOT).as_posix().encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()


def _bundle_complete(bundle: Path) -> bool:
    try:
        manifest = json.loads((bundle / "engine.json").read_text(encoding="utf-8"))
        needed = [manifest["stdlib"]] + [manifest["runtime"] + n for n in ("pyodide.mjs", "pyodide.asm.mjs",
                                                                         "pyodide.asm.wasm")]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all((bundle / n).is_file() for n in needed)


def ensure_bundle() -> Path | None:
    """build/pyodide/, rebuilt by scripts/publish/pyodide_bundle.py when its inputs changed.
    None (with a warning) when the npm package `pyodide` is not installed."""
    if not (ROOT / "node_modules" / "pyodide" / "package.json").is_file():
        print("warning: node_modules/pyodide is missing (run `npm ci` or `make setup`): the calculator pages "
              "are published without their engine and show their static tables.", file=sys.stderr)
        return None
    digest = _bundle_inputs_digest()
    if (BUNDLE_STAMP.is_file() and BUNDLE_STAMP.read_text().strip() == digest and _bundle_complete(BUNDLE)):
        return BUNDLE
    proc = subprocess.run([sys.executable, "-m", "scripts.publish.pyodide_bundle", str(BUNDLE)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0 or not _bundle_complete(BUNDLE):
        raise RuntimeError("scripts/publish/pyodide_bundle.py failed:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    BUNDLE_STAMP.write_text(digest + "\n")
    return BUNDLE


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def publish(site: Path) -> None:
    """After MkDocs, before the site is published: the runtime and the embed pages."""
    bundle = ensure_bundle()
    target = site / "assets" / "pyodide"
    shutil.rmtree(target, ignore_errors=True)
    if bundle is not None:
        # the files of the bundle are replaced, never modified in place: hard links are safe
        shutil.copytree(bundle, target, copy_function=_link_or_copy)
    embed_pages(site)


def main(argv: list[str] | None = None) -> int:
    """python -m scripts.render.calculator_page: rebuild the bundle if needed and print its place."""
    bundle = ensure_bundle()
    print(bundle or "no bundle (node_modules/pyodide missing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
