"""Reader care: every page has a real title and description, <html lang> says
its language, each page has its twin in the other language (hreflang pairs in
sitemap.xml, the language switch to the same page, a canonical URL), the
sitemap lists every page of both languages, robots.txt points to it, and a
document page prints cleanly with its citations."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import urljoin

import pytest

from tests.quality.qa import lang_of, site_pages

SITE_URL_RE = re.compile(r'<link rel="canonical" href="([^"]+)">')
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def read(site, page):
    return (site / (page + "index.html" if page == "" or page.endswith("/") else page)).read_text(encoding="utf-8")


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def description_of(html):
    m = re.search(r'<meta name="description" content="([^"]*)">', html)
    return m.group(1).strip() if m else ""


def noindex(html: str) -> bool:
    return bool(re.search(r'<meta name="robots" content="[^"]*noindex', html))


def content_pages(site):
    """The pages search engines may index (not the 404 pages nor the embed page)."""
    return [p for p in site_pages(site) if not p.endswith("404.html") and not noindex(read(site, p))]


def test_title_description_and_language(site, page):
    html = read(site, page)
    title, description = title_of(html), description_of(html)
    assert len(title) >= 10, f"title {title!r}"
    assert len(description) >= 50, f"description {description!r}"
    assert re.search(r'<html lang="([a-z]+)"', html).group(1) == lang_of(page)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_titles_and_descriptions_are_unique_within_a_language(site, lang):
    pages = [p for p in content_pages(site) if lang_of(p) == lang]
    assert len(pages) >= 12
    titles = Counter(title_of(read(site, p)) for p in pages)
    descriptions = Counter(description_of(read(site, p)) for p in pages)
    assert [t for t, n in titles.items() if n > 1] == []
    assert [d for d, n in descriptions.items() if n > 1] == []


def twin(page: str) -> str:
    return page[3:] if page.startswith("nl/") else "nl/" + page


def test_every_page_has_its_twin_and_a_switch_to_it(site, page):
    if page.endswith("404.html"):
        pytest.skip("the 404 page has no address of its own")
    other = twin(page)
    assert (site / other / "index.html").exists(), f"{page} has no twin {other}"
    html = read(site, page)
    if noindex(html):
        return  # the embed page: framed by other sites, it has no language switch
    other_lang = lang_of(other)
    switch = re.search(rf'<a href="([^"]*)" hreflang="{other_lang}" lang="{other_lang}" class="md-select__link"', html)
    assert switch, "no language switch"
    base = "http://site.test/" + page
    assert urljoin(base, switch.group(1)) == "http://site.test/" + other


def site_url(site) -> str:
    html = read(site, "")
    return SITE_URL_RE.search(html).group(1)


def test_canonical_urls_are_absolute_and_name_the_page(site, page):
    html = read(site, page)
    canon = SITE_URL_RE.findall(html)
    if page.endswith("404.html") or noindex(html):
        assert canon == []
        return
    root = site_url(site)
    assert re.match(r"https?://", root) and root.endswith("/")
    assert canon == [root + page]


def test_sitemap_lists_both_languages_with_hreflang_pairs(site):
    root = site_url(site)
    tree = ET.parse(site / "sitemap.xml")
    urls = {}
    for url in tree.getroot().findall("s:url", NS):
        loc = url.find("s:loc", NS).text
        alts = {l.get("hreflang"): l.get("href") for l in url.findall("x:link", NS)}
        urls[loc] = alts
    pages = content_pages(site)
    assert sorted(urls) == sorted(root + p for p in pages)
    for page in pages:
        fr, nl = (page, twin(page)) if lang_of(page) == "fr" else (twin(page), page)
        assert urls[root + page] == {"fr": root + fr, "nl": root + nl, "x-default": root + fr}
    assert (site / "sitemap.xml.gz").exists()


def test_robots_txt_allows_all_and_names_the_sitemap(site):
    text = (site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in text and "Disallow: /\n" not in text
    assert f"Sitemap: {site_url(site)}sitemap.xml" in text


@pytest.mark.parametrize("doc, scheme", [("circular-8761/", "light"), ("nl/riziv-note-clb/", "light"),
                                         ("parents/", "light"), ("circular-8761/", "dark")])
def test_a_document_page_prints_cleanly_with_its_citations(request, site, hosted_url, doc, scheme):
    watch = request.getfixturevalue(scheme)
    watch.goto(hosted_url + doc)
    page = watch.page
    page.emulate_media(media="print")
    page.wait_for_timeout(200)
    try:
        hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary',
                                          '.md-footer', '.md-search', '.md-select', '.md-top']
            .map((s) => [s, [...document.querySelectorAll(s)].every((e) => getComputedStyle(e).display === 'none')])""")
        assert all(ok for _, ok in hidden), hidden
        # every link of the text shows where it leads (a paragraph of a text or a URL)
        shown = page.evaluate("""() => [...document.querySelectorAll(
                '.md-content a[href]:not(.headerlink):not(.para-link):not(.footnote-ref):not(.footnote-backref)')]
            .filter((a) => !a.getAttribute('href').startsWith('#') && a.offsetParent !== null)
            .map((a) => [a.getAttribute('href'), getComputedStyle(a, '::after').content])""")
        assert shown, "no link in the text"
        # ... as the published address (issue 13: a relative "../nl/amendment-5/" on paper led nowhere)
        published = urljoin(site_url(site), doc)
        for href, after in shown:
            assert urljoin(published, href) in after, (href, after)
            assert after.count("://") == 1, after
        if doc == "parents/":
            assert any("#" in href for href, _ in shown), "no citation of a paragraph"
        # every piece of text is dark on white paper (contrast >= 7:1 for the text itself)
        low = page.evaluate("""() => {
            const lum = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
            const contrast = (css) => {
                const [r, g, b, a = 1] = css.match(/[\\d.]+/g).map(Number);
                const mix = [r, g, b].map((v) => v * a + 255 * (1 - a));
                const l = 0.2126 * lum(mix[0]) + 0.7152 * lum(mix[1]) + 0.0722 * lum(mix[2]);
                return 1.05 / (l + 0.05);
            };
            return [...document.querySelectorAll('.md-typeset p, .md-typeset li, .md-typeset td, .md-typeset h1, .md-typeset h2, .md-typeset dd')]
                .filter((e) => e.offsetParent !== null && e.textContent.trim())
                .map((e) => [e.textContent.trim().slice(0, 40), getComputedStyle(e).color, contrast(getComputedStyle(e).color)])
                .filter(([, , ratio]) => ratio < 7);
        }""")
        assert low == [], low[:5]
        pdf = page.pdf(format="A4")
        assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    finally:
        page.emulate_media(media="screen")
