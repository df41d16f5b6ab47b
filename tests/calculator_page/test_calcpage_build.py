"""The calculator pages as built (no browser): which pages load the engine, the
served runtime, the answers shipped in the pages and the static tables, all
from the calculator package."""

from __future__ import annotations

import json
import pickle
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

import calculator
from calculator.vocab import CENTRE_ROUTES, CENTRES
from calculator import form, present
from calculator.params import PREBUILT_RULES, load_rules
from scripts.render.calculator_page import (ALL_QUESTIONS, LANG_PREFIX, _age_groups, _ages, _ask_cached, build_date,
                                            catalog)
from scripts.publish.stdlib_trace import package_digest, read_zip
from tests.calculator_page.calcpage import expected_view, read_view

ROOT = Path(__file__).resolve().parents[2]
CALC_PAGES = {"calculator/", "parents/", "calculator/embed/"}


def html_pages(site: Path) -> dict[str, str]:
    pages = {}
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith(("assets/", "search/")):
            continue
        pages[rel] = html.read_text(encoding="utf-8")
    return pages


def test_only_the_calculator_pages_load_the_engine(site):
    pages = html_pages(site)
    with_calc = set()
    for rel, text in pages.items():
        loads = "assets/calculator/ui.mjs" in text or "engine.mjs" in text or "pyodide" in text
        has = 'id="calculator"' in text
        assert loads == has, f"{rel}: loads the engine: {loads}, holds the calculator: {has}"
        if has:
            with_calc.add(rel)
    expected = {f"{LANG_PREFIX[lang]}{p}index.html" for lang in ("fr", "nl") for p in CALC_PAGES}
    assert with_calc == expected


def test_the_runtime_is_served_once_with_the_current_calculator(site):
    assert not (site / "nl" / "assets" / "pyodide").exists(), "one runtime for both languages"
    bundle = site / "assets" / "pyodide"
    manifest = json.loads((bundle / "engine.json").read_text())
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        served = bundle / manifest["runtime"] / name
        assert served.read_bytes() == (ROOT / "node_modules" / "pyodide" / name).read_bytes(), name
    # the zip was made of the package as it is now (a stale bundle would answer with old
    # rules): its modules are bytecode, so engine.json records what they were compiled from
    assert manifest["package_digest"] == package_digest(ROOT)
    with read_zip(bundle / manifest["stdlib"]) as z:
        rules = pickle.loads(z.read(f"calculator/data/{PREBUILT_RULES}"))
    assert pickle.dumps(rules, protocol=5) == pickle.dumps(load_rules(), protocol=5)


def test_the_form_asks_exactly_what_the_requests_take():
    """For each question, the form's fields are request fields of the package's
    schema, and every required field has a control."""
    from calculator.schema import schema

    defs = schema()["$defs"]
    for q in ALL_QUESTIONS:
        props = set(defs[f"{q}_request"].get("properties", {})) - {"question"}
        required = set(defs[f"{q}_request"].get("required", [])) - {"question"}
        fields = {c.name for c in form.CONTROLS if c.name and q in c.shows}
        if props:
            assert fields <= props, (q, fields - props)
            assert required <= fields, (q, required - fields)
        # the default inputs give an answer, not an error
        answer = calculator.answer(form.request_for(q, form.default_values(build_date())))
        assert answer["ok"], (q, answer.get("errors"))


class _Data(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data = None
        self._in = False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and dict(attrs).get("id") == "calc-data"

    def handle_data(self, data):
        if self._in:
            self.data = json.loads(data)
            self._in = False


@pytest.mark.parametrize("lang", ["fr", "nl"])
@pytest.mark.parametrize("page", sorted(CALC_PAGES))
def test_pages_ship_the_packages_views_for_their_defaults(site, lang, page):
    """The views shipped for the time before the engine is ready show the
    package's answer to each question's default inputs on the build's day, with
    the fragment that brings them back."""
    parser = _Data()
    parser.feed((site / LANG_PREFIX[lang] / page / "index.html").read_text(encoding="utf-8"))
    data = parser.data
    assert data["lang"] == lang
    assert data["buildDate"] == build_date()
    assert [p["question"] for p in data["prebuilt"]] == data["questions"]
    page_url = f"https://example.org/{LANG_PREFIX[lang]}{page}"
    defaults = form.default_values(build_date())
    for p in data["prebuilt"]:
        q = p["question"]
        assert p["values"] == form.shown_values(q, defaults)
        want = expected_view(q, defaults, {}, lang, urljoin(page_url, data["langRoot"]))
        assert read_view(p["view"], page_url) == want, q
        assert want["state"] == "answer", q
        request = form.request_for(q, defaults)
        assert request["date"] == build_date()
        # the link brings back the same request
        link = {name: text for name, text in p["fragment"] if name != "q"}
        assert form.request_for(q, *form.values_from_state(q, link, "2000-01-01")) == request


class _Tables(HTMLParser):
    """Every <table> of .calc-table: caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell = None
        self._caption = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []
        elif tag == "caption":
            self._caption = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_static_tables_are_the_packages_answers(site, lang):
    """Re-ask the package every cell of the contribution tables of the page."""
    html = (site / LANG_PREFIX[lang] / "calculator" / "index.html").read_text(encoding="utf-8")
    tables_html = html[html.index('class="calc-tables"'):]
    parser = _Tables()
    parser.feed(tables_html)
    v = {name: present.labels(name, lang) for name in ("route", "centre", "place", "outcome")}
    t = catalog(lang)["calculator"]
    today = build_date()
    # a route a centre organises has a table per centre: "<route> — <centre>"
    routes = {(f"{label} — {v['centre'][c]}" if key in CENTRE_ROUTES else label): (key, c if key in CENTRE_ROUTES else None)
              for key, label in v["route"].items() for c in (CENTRES if key in CENTRE_ROUTES else ("",))}
    places = {label: key for key, label in v["place"].items()}
    columns = [("individual", False, False), ("individual", True, False), ("individual", False, True),
               ("group", False, False)]
    checked = 0
    age_re = re.compile(re.escape(t["table_ages"]).replace(r"\{start\}", r"(\d+)").replace(r"\{end\}", r"(\d+)"))
    for table in parser.tables:
        m = age_re.search(table["caption"])
        if not m:
            continue
        route, centre = next(key for label, key in routes.items() if table["caption"].endswith(label))
        given = {"centre": centre} if centre else {}
        for age in {int(m.group(1)), int(m.group(2))}:
            for row in table["rows"][1:]:
                place = places[row[0]]
                for (modality, bim, first), cell in zip(columns, row[1:]):
                    a = calculator.answer({"question": "contribution", "date": today, "age": age, "route": route,
                                           **given, "place": place, "modality": modality, "bim": bim, "first_session": first})
                    want = (v["outcome"]["not_allowed"] if a["result"]["outcome"] == "not_allowed"
                            else present.money(a["result"]["amount_cents"], lang))
                    assert cell == want, (table["caption"], row[0], modality, bim, first, age)
                    checked += 1
    assert checked >= len(routes) * 6 * 4 * 2


def test_age_groups_equal_a_scan_of_every_age():
    """The tables probe the ages where the networks change and bisect between
    them; asking every age gives the same groups."""
    today = build_date()
    v = {name: present.labels(name, "fr") for name in ("route", "place")}
    situations = [{"route": r, **({"centre": c} if c else {})} for r in v["route"]
                  for c in (CENTRES if r in CENTRE_ROUTES else (None,))]

    def at(age):
        answers = [_ask_cached(json.dumps({"question": "contribution", "date": today, "age": age, **s,
                                           "place": p, "modality": m, "bim": b, "first_session": f}, sort_keys=True))
                   for s in situations for p in v["place"]
                   for (m, b, f) in (("individual", False, False), ("individual", True, False),
                                     ("individual", False, True), ("group", False, False))]
        return json.dumps([(a["result"]["outcome"], a["result"]["amount_cents"], a["result"]["reason"])
                           for a in answers]), None

    groups = [(start, end) for start, end, _ in _age_groups(today, at)]
    scan = []
    previous = None
    for age in _ages(today):
        sig = at(age)[0]
        if sig == previous:
            scan[-1][1] = age
        else:
            scan.append([age, age])
        previous = sig
    assert groups == [tuple(g) for g in scan]


def test_catalogues_have_the_same_calculator_keys():
    fr, nl = catalog("fr")["calculator"], catalog("nl")["calculator"]
    assert set(fr) == set(nl)
    for key in fr:
        assert re.findall(r"\{\w+\}", fr[key]) == re.findall(r"\{\w+\}", nl[key]) or \
            sorted(re.findall(r"\{\w+\}", fr[key])) == sorted(re.findall(r"\{\w+\}", nl[key])), key
