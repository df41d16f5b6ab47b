"""The pages a reader needs, checked on the built HTML of both languages."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scripts.check.sources import load_checked

DOCS = load_checked()
LANGS = {"fr": "", "nl": "nl/"}
RESERVED = {"791976", "792013", "792050", "792131", "792352", "792094", "793951", "793973"}


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.abbr_titles: dict[str, str] = {}
        self._abbr = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "abbr":
            self._abbr = a.get("title")

    def handle_data(self, data):
        if self._abbr is not None:
            self.abbr_titles[data] = self._abbr
            self._abbr = None


def parse(site: Path, lang: str, page: str) -> tuple[str, Ids]:
    html = (site / LANGS[lang] / page / "index.html").read_text(encoding="utf-8")
    p = Ids()
    p.feed(html)
    return html, p


@pytest.mark.parametrize("doc", sorted(DOCS))
@pytest.mark.parametrize("lang", LANGS)
def test_every_paragraph_id_is_an_anchor_in_both_languages(site, doc, lang):
    _, parsed = parse(site, lang, doc)
    expected = [a for a, _ in DOCS[doc][lang].anchors()]
    present = set(parsed.ids)
    missing = [a for a in expected if a not in present]
    assert missing == []
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids on the page"


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_document_pages_have_their_card_and_say_which_text_prevails(site, doc):
    for lang, prefix in LANGS.items():
        html, _ = parse(site, lang, doc)
        src = DOCS[doc][lang]
        assert 'class="doc-card"' in html
        assert f'<time datetime="{src.meta["date"]}">' in html
        assert src.meta["reference"] in html.replace("&#39;", "'")
        other = "nl" if lang == "fr" else "fr"
        up = "../" if lang == "fr" else "../../"
        link = f'href="{up}{LANGS[other]}{doc}/"'
        assert link in html
        if src.is_original:
            assert "doc-status--original" in html
        else:
            assert "doc-status--translation" in html
            assert ("Traduction non officielle" if lang == "fr" else "Niet-officiële vertaling") in html


def test_circular_is_published_once(site):
    pages = [p for p in site.rglob("index.html") if "Circulaire 8761 du 21/10/2022" in p.read_text(encoding="utf-8")]
    assert {p.parent.name for p in pages if "nl" not in p.parts} <= {"circular-8761", "timeline", "glossary", "staff", "parents", "search", "site"}


@pytest.mark.parametrize("lang", LANGS)
def test_pseudocode_table_lists_45_codes_with_attributes_and_permalinks(site, lang):
    html, parsed = parse(site, lang, "pseudocodes")
    rows = [(m.group(2), "code-reserved" in m.group(1)) for m in re.finditer(r'<tr ([^>]*)id="code-(\d{6})"', html)]
    assert len(rows) == 45
    assert {code for code, reserved in rows if reserved} == RESERVED
    for code, _ in rows:
        assert f'href="#code-{code}"' in html
    assert "data-code-filter" in html and "data-sortable" in html
    # attributes come from the calculator: each row has a care type and a modality
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert len(re.findall(r"<td[^>]*>SPPL</td>", body)) >= 10 and len(re.findall(r"<td[^>]*>SPS</td>", body)) >= 10


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["", "circular-8761", "riziv-note-clb", "pseudocodes", "parents", "staff"])
def test_abbreviations_show_their_meaning_as_tooltips(site, lang, page):
    _, parsed = parse(site, lang, page)
    assert parsed.abbr_titles, "no abbreviation tooltip on the page"
    for abbr in ("SPPL", "CPMS", "CLB"):
        if abbr in parsed.abbr_titles:
            assert len(parsed.abbr_titles[abbr]) > len(abbr)


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_and_timeline(site, lang):
    html, parsed = parse(site, lang, "glossary")
    for abbr in ("SPPL", "SPS", "CPMS", "CLB", "PPL", "BIM", "INAMI", "RIZIV"):
        assert f"term-{abbr.lower()}" in parsed.ids
    html, parsed = parse(site, lang, "timeline")
    dates = re.findall(r'<time datetime="([\d-]+)">', html)
    assert "2022-10-21" in dates and "2023-09-01" in dates
    assert dates == sorted(dates)


@pytest.mark.parametrize("lang", LANGS)
def test_home_sends_each_reader_somewhere(site, lang):
    html, _ = parse(site, lang, "")
    for target in ("parents/", "staff/", "maintainers/", "pseudocodes/"):
        assert f'href="{target}' in html or f'href="./{target}' in html, target
