"""Privacy: no page asks another host for anything (fonts, scripts, analytics),
no cookie is set, and nothing a reader types is stored in the browser.
Every page of both languages, in Debian's chromium. (The calculator's inputs
are checked in test_calculator_states.py.)"""

import pytest

from tests.quality.qa import FIGURES, make_context, stored

TYPED = "zqxw-private-7319"


def test_no_request_to_another_host_and_no_cookie(light, hosted_url, page):
    light.goto(hosted_url + page, wait_until="networkidle")
    FIGURES["requests to another host"][page or "home"] = len(light.foreign)
    assert light.foreign == [], f"{page or 'home'} asked another host: {light.foreign}"
    assert light.page.evaluate("document.cookie") == ""
    assert light.context.cookies() == []


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_what_a_reader_types_is_not_stored(browser, hosted_url, lang):
    context = make_context(browser)
    try:
        page = context.new_page()
        root = hosted_url + ("nl/" if lang == "nl" else "")
        # the site's search box
        page.goto(root)
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.type("input.md-search__input", TYPED)
        page.wait_for_timeout(800)
        # the pseudocode table's filter
        page.goto(root + "pseudocodes/")
        page.fill("[data-code-filter] input", TYPED)
        page.wait_for_timeout(300)
        for url in (root, root + "pseudocodes/"):
            page.goto(url)
            assert TYPED not in stored(page)
            assert TYPED not in page.locator("[data-code-filter] input, input.md-search__input").first.input_value()
        assert context.cookies() == []
    finally:
        context.close()
