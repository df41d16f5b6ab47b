"""What a reader meets in a real browser (Debian chromium): search in each
language, the language switch, sub-path hosting. No page asks another host: every
page is swept by tests/quality/test_privacy.py, and `new_page` (tests/conftest.py)
fails any test whose pages did."""

import re

import pytest


def search(watch, base_url: str, query: str) -> list[tuple[str, str]]:
    page = watch.page
    page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # The index loads in a worker right after the page: a query typed before it
    # is ready is not run, so type again until the results show (as a reader would).
    for _ in range(20):
        page.fill("input.md-search__input", "")
        page.type("input.md-search__input", query)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=1000)
            break
        except Exception:
            continue
    # The theme shows the results 10 pages at a time and adds more when the list is
    # scrolled: scroll until every result is there (the site has more pages every year).
    items = page.locator(".md-search-result__item a")
    count = -1
    for _ in range(20):
        if items.count() == count:
            break
        count = items.count()
        page.locator(".md-search__scrollwrap").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_timeout(150)
    return [(items.nth(i).get_attribute("href"), items.nth(i).inner_text()) for i in range(items.count())]


@pytest.mark.parametrize(
    "lang, query, expected_href",
    [
        ("fr", "ticket modérateur", r"amendment-5/(\?[^#]*)?#art1-par1-1$"),
        ("nl", "remgeld", r"riziv-note-clb/(\?[^#]*)?#copay$"),
        ("fr", "792632", r"/pseudocodes/(\?[^#]*)?#code-792632$"),
        ("nl", "792632", r"/pseudocodes/(\?[^#]*)?#code-792632$"),
    ],
)
def test_search_finds_the_paragraph_in_the_current_language_only(new_page, base_url, lang, query, expected_href):
    watch = new_page()
    root = base_url + ("nl/" if lang == "nl" else "")
    results = search(watch, root, query)
    hrefs = [h for h, _ in results]
    assert any(re.search(expected_href, h) for h in hrefs), hrefs
    for h in hrefs:
        absolute = watch.page.evaluate("h => new URL(h, location.href).href", h)
        assert absolute.startswith(root), f"{absolute} is not on the {lang} site"
        if lang == "fr":
            assert "/nl/" not in absolute


def test_a_code_search_result_leads_to_its_row(new_page, base_url):
    watch = new_page()
    results = search(watch, base_url, "792632")
    # the row's own result (the page's entry holds only its introduction, not every row)
    href = next(h for h, _ in results if re.search(r"/pseudocodes/(\?[^#]*)?#code-792632$", h))
    watch.page.goto(watch.page.evaluate("h => new URL(h, location.href).href", href))
    row = watch.page.locator("#code-792632")
    assert row.is_visible()
    # the table is filtered to the searched code
    assert watch.page.locator("#pseudocode-table tbody tr:visible").count() == 1


@pytest.mark.parametrize("start, target", [("circular-8761/#cost-3", "nl/circular-8761/#cost-3"),
                                           ("nl/riziv-note-clb/#copay", "riziv-note-clb/#copay"),
                                           ("nl/pseudocodes/", "pseudocodes/")])
def test_language_switch_keeps_the_page_and_the_paragraph(new_page, base_url, start, target):
    watch = new_page()
    page = watch.page
    page.goto(base_url + start)
    page.locator(".md-header__option .md-select button").first.hover()
    other = "nl" if not start.startswith("nl/") else "fr"
    page.locator(f"a[data-language-switch][hreflang='{other}'].md-select__link").click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    assert page.url == base_url + target
    anchor = target.partition("#")[2]
    if anchor:
        assert page.locator(f"#{anchor}").is_visible()


def test_links_and_assets_work_under_a_sub_path(new_page, subpath_url, site):
    watch = new_page(origin=subpath_url)
    failed = []
    watch.page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    for path in ("", "circular-8761/", "nl/", "nl/pseudocodes/", "glossary/"):
        watch.page.goto(subpath_url + path, wait_until="networkidle")
        hrefs = watch.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            if href.startswith(subpath_url.split("/sppl/")[0]):
                assert href.startswith(subpath_url), f"{href} escapes the sub-path (from {path})"
    assert failed == []
