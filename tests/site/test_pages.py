"""The pages a reader needs, checked on the built HTML of both languages."""

import re
import tomllib
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scripts.check.sources import load_checked

DOCS = load_checked()
GLOSSARY = tomllib.loads((Path(__file__).resolve().parents[2] / "data" / "glossary.toml").read_text(encoding="utf-8"))["term"]
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


def plain_text(html: str) -> str:
    """A page's text without its markup, its scripts and its styles, spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def longest_paragraphs(src, n: int = 3) -> list[str]:
    """The text's n longest paragraphs written without inline markup (so the page shows them verbatim)."""
    plain = [b.text for b in src.blocks if b.kind == "para" and not re.search(r"[\[\]*`{}<>_|\\]", b.text)]
    return sorted(plain, key=len, reverse=True)[:n]


def published_texts(site: Path) -> dict[tuple[str, str], set[str]]:
    """(document, language) -> every page of the site that shows one of its longest paragraphs."""
    pages = {p.relative_to(site).as_posix(): plain_text(p.read_text(encoding="utf-8"))
             for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts}
    return {(doc, lang): {page for page, text in pages.items() if any(para in text for para in longest_paragraphs(src))}
            for doc, langs in DOCS.items() for lang, src in langs.items()}


def test_each_text_is_published_once_in_each_language(site):
    published = published_texts(site)
    assert len(published) == 2 * len(DOCS) >= 10
    for (doc, lang), pages in sorted(published.items()):
        assert longest_paragraphs(DOCS[doc][lang]), f"{doc} ({lang}) has no paragraph to look for"
        assert pages == {f"{LANGS[lang]}{doc}/index.html"}, f"{doc} ({lang}) is on {sorted(pages)}"


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
    """Every abbreviation of the glossary that the page's text uses shows, as its tooltip,
    the glossary's meaning in the page's language."""
    html, parsed = parse(site, lang, page)
    text = plain_text(html.split("<article", 1)[1].split("</article>", 1)[0])
    meaning = {t["abbr"]: t[lang] for t in GLOSSARY}
    used = [a for a in meaning if re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text)]
    assert used, "the page uses no abbreviation of the glossary"
    assert {a: parsed.abbr_titles.get(a) for a in used} == {a: meaning[a] for a in used}


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
