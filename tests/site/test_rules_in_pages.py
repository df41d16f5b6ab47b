"""The hand-written pages show the rules as the package states them, never typed by hand.

content/{fr,nl}/*.md ask the package through the Jinja globals of
scripts/render/rules_in_pages.py; each value they show is marked with what it answers
(<span class="rule-value" data-request=... | data-param=... data-date=...>), and these
tests check every mark of the built pages against the package.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

import calculator
from calculator.answer import fill, value_label
from calculator.i18n import Money
from calculator.params import to_cents
from scripts.render.calculator_page import build_date
from tests.project_copy import copy_project
from tests.republish.republish import add_value

ROOT = Path(__file__).resolve().parents[2]
LANGS = {"fr": "", "nl": "nl/"}
PAGES = ("parents", "staff", "vocabulary", "")   # "" is the home page
RULES = calculator.load_rules()

# A euro amount ("11 €", "2,50 €", "€ 11", "€ 2,50", "11,00 €") or a session cap ("10 séances",
# "20 sessies", "maximaal 10", "10 max.") typed in a page.
AMOUNT = re.compile(r"\d+(?:[,.]\d+)?\s?(?:€|euros?\b|EUR\b)|(?:€|EUR)\s?\d")
CAP = re.compile(r"\b\d+\s(?:séances?|sessies?|individuelle|groeps|de groupe)\b|\bmaximaal\s\d+|\b\d+\s(?:au\s)?max(?:imum)?\b"
                 r"|\bmax(?:imum)?\.?\s\d+|\b(?:moyenne|gemiddeld)\s(?:de\s)?\d+(?!\d|\s?(?:uur|heures?|minut))", re.I)
HOW_TO_FIX = ("write the value with the package's macro instead of typing it, e.g. "
              "{{ value(\"copay_individual\") }} (a parameter of calculator/data today), "
              "{{ ask({...request...}) }} (the calculator's answer today) or "
              "{{ value(\"quota_sppl_adults_individual\", \"max\") }} (a cap); "
              "see scripts/render/rules_in_pages.py")


def _without_jinja_and_code(text: str) -> str:
    """The page's own words: no macro call, no code (its line numbers kept)."""
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}|```.*?```|`[^`\n]*`", blank, text, flags=re.S)


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*/*.md")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_content_types_no_amount_or_session_cap(path):
    problems = []
    for n, line in enumerate(_without_jinja_and_code(path.read_text(encoding="utf-8")).splitlines(), 1):
        for rx in (AMOUNT, CAP):
            for m in rx.finditer(line):
                problems.append(f"{path.relative_to(ROOT)}:{n}: '{m.group(0)}' is typed by hand")
    assert not problems, "\n".join(problems) + "\n" + HOW_TO_FIX


# --- the built pages --------------------------------------------------------------------

class Marks(HTMLParser):
    """The rule-value marks of a page, and its prose outside them and outside the calculator."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.marks: list[tuple[dict, str]] = []
        self.prose: list[str] = []
        self._stack: list[str] = []   # "skip", "mark" or "" per open element
        self._mark: dict | None = None
        self._text: list[str] = []

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed", "param", "track"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if "calc-wrap" in classes or tag in ("script", "style", "svg", "code", "pre"):
            self._stack.append("skip")
        elif "rule-value" in classes:
            self._stack.append("mark")
            self._mark, self._text = a, []
        else:
            self._stack.append("")

    def handle_endtag(self, tag):
        if tag in self.VOID or not self._stack:
            return
        kind = self._stack.pop()
        if kind == "mark":
            self.marks.append((self._mark, "".join(self._text)))
            self._mark = None

    def handle_data(self, data):
        if "skip" in self._stack:
            return
        if "mark" in self._stack:
            self._text.append(data)
        else:
            self.prose.append(data)


def marks_of(site: Path, lang: str, page: str) -> Marks:
    path = site / LANGS[lang] / page / "index.html"
    m = Marks()
    m.feed(path.read_text(encoding="utf-8"))
    return m


def expected(attrs: dict, lang: str) -> str:
    """What the package says for the mark: the answer's field, a parameter's value or label, a date."""
    cat = RULES.catalogue
    if "data-request" in attrs:
        answer = calculator.answer(json.loads(attrs["data-request"]))
        assert answer["ok"], answer
        value = answer["result"][attrs["data-field"]]
        return Money(value).format(lang) if attrs["data-field"].endswith("_cents") else str(value)
    if "data-codes" in attrs:
        on = dt.date.fromisoformat(attrs["data-date"])
        return str(sum(1 for pc in RULES.pseudocodes
                       if pc.covers(on) and (attrs["data-codes"] == "all" or pc.reserved_no_contribution)))
    if "data-first-day" in attrs:
        return cat.format_date(lang, min(v.start for p in RULES.parameters.values() for v in p.values))
    if "data-known-until" in attrs:
        return cat.format_date(lang, RULES.known_valid_until)
    p = RULES.param(attrs["data-param"])
    if "data-start" in attrs:
        start = dt.date.fromisoformat(attrs["data-start"])
        assert any(v.start == start for v in p.values), f"no value of {p.id} starts on {start}"
        return cat.format_date(lang, start)
    v = p.at(dt.date.fromisoformat(attrs["data-date"]))
    if "data-label" in attrs:
        return value_label(RULES, v).get(lang)
    value = v.value[attrs["data-key"]] if "data-key" in attrs else v.value
    return Money(to_cents(value)).format(lang) if p.unit == "eur" else str(value)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ("parents", "staff", "vocabulary", ""))
def test_every_marked_value_is_the_package_s(site, lang, page):
    marks = marks_of(site, lang, page).marks
    if page in ("parents", "staff"):
        assert len(marks) >= 20, f"{page}: only {len(marks)} values are asked from the package"
    wrong = [(a, text, expected(a, lang)) for a, text in marks if text != expected(a, lang)]
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ("parents", "staff"))
def test_no_unmarked_amount_in_the_prose(site, lang, page):
    prose = " ".join(marks_of(site, lang, page).prose)
    found = AMOUNT.findall(prose) + CAP.findall(prose)
    assert not found, f"{page} ({lang}) shows amounts that the package did not give: {found}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_parents_cost_table_is_today_s_answer(site, lang):
    """The table beside the calculator: a pupil of 12 pays what the calculator answers today,
    in each situation it lists (first, individual, with BIM, group), and so does an adult."""
    marks = [(json.loads(a["data-request"]), text) for a, text in marks_of(site, lang, "parents").marks
             if "data-request" in a]
    today = build_date()
    situations = {(r["age"], r["modality"], r["bim"], r["first_session"]) for r, _ in marks}
    for age in (12, 40):
        assert {(age, "individual", False, True), (age, "individual", False, False), (age, "individual", True, False),
                (age, "group", False, False)} <= situations, situations
    assert all(r["date"] == today for r, _ in marks), "the table speaks of today: the build date"
    for request, text in marks:
        assert text == Money(calculator.answer(request)["result"]["amount_cents"]).format(lang), request
    # The calculator just above answers, before the engine starts, for its default inputs (a pupil
    # of 12, individual session at the psychologist's, no BIM, not the first): the same amount.
    html = (site / LANGS[lang] / "parents" / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'<strong class="calc__amount">([^<]*)</strong>', html)
    pupil = next(text for r, text in marks if (r["age"], r["modality"], r["bim"], r["first_session"])
                 == (12, "individual", False, False))
    assert shown and unescape(shown.group(1)) == pupil, (shown and shown.group(1), pupil)
    free_today = RULES.value("no_contribution_max_age", dt.date.fromisoformat(today)).value
    if free_today != "none":   # today a pupil pays nothing, whatever the texts of 2022-2023 said
        assert {text for r, text in marks if r["age"] == 12} == {Money(0).format(lang)}


@pytest.mark.parametrize("lang", LANGS)
def test_the_vocabulary_page_shows_each_interpretation_and_vocabulary_of_the_data(site, lang):
    html = (site / LANGS[lang] / "vocabulary" / "index.html").read_text(encoding="utf-8")
    text = "".join(marks_of(site, lang, "vocabulary").prose)
    text = re.sub(r"\s+", " ", text)
    plain = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))
    today = dt.date.fromisoformat(build_date())
    for iid, it in RULES.interpretations.items():
        on = min(today, it.until) if it.until else today
        assert f'id="interpretation-{iid}"' in html, iid
        for part in (it.title, it.choice, it.reason):
            words = re.sub(r"\s+", " ", fill(RULES, part, on).get(lang))
            assert words in text, (iid, words)
        for ref in it.refs:
            target = f"changes/#{ref.para}" if ref.is_reference else f"{ref.doc}/#{ref.para}"
            assert target in html, (iid, target)
    for name, items in calculator.vocabulary().items():
        for item in items:
            assert f"{item['value']} {item[lang]}" in plain, (name, item["value"])
    from calculator.errors import ERROR_CODES

    for code in ERROR_CODES:
        assert f"<code>{code}</code>" in html, code
    for key in RULES.catalogue.messages[lang]:
        if key.startswith("warnings."):
            assert f"<code>{key.split('.', 1)[1]}</code>" in html, key


# --- a maintainer's change reaches the pages -------------------------------------------------

@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """A copy of the project where the individual contribution becomes 12 € from 2045, rendered
    as on 1 June 2045."""
    project = copy_project(tmp_path_factory.mktemp("copy"))
    data = project / "calculator" / "data" / "contribution.toml"
    data.write_text(add_value(data.read_text(encoding="utf-8"), "copay_individual", dt.date(2045, 1, 1),
                              'value = "12.00"\nref = "circular-8761#cost-3"\n'
                              'label = { fr = "{value} par séance individuelle", nl = "{value} per individuele sessie" }\n'),
                    encoding="utf-8")
    env = {**os.environ, "CALCULATOR_BUILD_DATE": "2045-06-01"}
    p = subprocess.run([sys.executable, "-m", "scripts.build", "--render"], cwd=project, env=env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    script = ("import json, sys, calculator\n"
              "from calculator.answer import value_label\n"
              "r = calculator.load_rules()\n"
              "import datetime\n"
              "on = datetime.date(2045, 6, 1)\n"
              "labels = [value_label(r, p.at(on)).to_dict() for p in r.parameters.values()]\n"
              "labels += [t.to_dict() for t in r.anchors.values()]\n"
              "answers = [calculator.answer(json.loads(l)) for l in sys.stdin.read().splitlines()]\n"
              "print(json.dumps({'labels': labels, 'answers': answers}))\n")
    requests = [{"question": "contribution", "date": "2045-06-01", "age": age, "route": "outside",
                 "place": "psychologist_office", "modality": modality, "bim": bim, "first_session": False}
                for age in (12, 40) for modality in ("individual", "group") for bim in (False, True)]
    q = subprocess.run([sys.executable, "-c", script], cwd=project, input="\n".join(map(json.dumps, requests)),
                       capture_output=True, text=True, timeout=600)
    assert q.returncode == 0, q.stderr
    return project, json.loads(q.stdout)


@pytest.mark.parametrize("lang, since, adult", [("fr", "1er janvier 2045", "12,00 €"), ("nl", "1 januari 2045", "€ 12,00")])
def test_a_changed_value_changes_the_history_and_the_table(changed, lang, since, adult):
    project, _ = changed
    page = (project / "docs" / lang / "parents.md").read_text(encoding="utf-8")
    row = next(l for l in page.splitlines() if f'data-start="2045-01-01">{since}</span>' in l)
    assert f">{adult} " in row, row
    adult_cell = re.search(r'data-request="[^"]*&#34;age&#34;: 40, &#34;bim&#34;: false, &#34;date&#34;: &#34;2045-06-01'
                           r'&#34;, &#34;first_session&#34;: false, &#34;modality&#34;: &#34;individual&#34;[^"]*"'
                           r' data-field="amount_cents">([^<]*)<', page)
    assert adult_cell and adult_cell.group(1) == adult


def test_a_changed_value_leaves_no_old_amount_in_labels_and_interpretations(changed):
    """The labels of the values of 2045 and of the cited paragraphs, and the citations and
    interpretations of the answers of 2045, do not say 11 € any more."""
    _, out = changed
    old = re.compile(r"\b11(?:,00)? ?€|€ ?11\b")
    for label in out["labels"]:
        assert not old.search(label["fr"]) and not old.search(label["nl"]), label
    for answer in out["answers"]:
        texts = [c["label"] for c in answer["citations"]] + answer["interpretations"]
        for t in texts:
            assert not old.search(t["fr"]) and not old.search(t["nl"]), t
    adult = next(a for a in out["answers"] if a["result"]["amount_cents"] and a["date"] == "2045-06-01"
                 and a["result"]["reason"] == "usual_contribution")
    assert adult["result"]["amount_cents"] == 1200
    notes = [i for a in out["answers"] for i in a["interpretations"]]
    assert any("12,00 €" in i["fr"] and "€ 12,00" in i["nl"] for i in notes), "an interpretation quotes the new value"
