"""The calculator in each of its states, on every page that carries it (the
calculator page, the parents' guide's widget, the embed page), both languages:

- loading: the engine is not ready (its worker script never arrives);
- error: the engine cannot start (its worker script is refused);
- answered: the real engine (self-hosted Pyodide) has answered.

In each state: zero axe-core violations (WCAG 2.2 A/AA), no securitypolicyviolation
(page and worker, the site served with the headers of site/_headers), no request to
another host, no script error; once answered, every citation of the answer
resolves to a paragraph of a built page, and nothing typed in the form is stored.

The contract with docs/overrides/assets/calculator/ui.mjs: the container
`#calculator` has aria-busy="true" until the first answer of the engine, then the
class `calc--ready`, or `calc--failed` (with `#calc-failed` shown) if the engine
cannot start; the answer is `#calc-result`, its citations `.calc__sources a`.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlparse

import pytest

from tests.quality.qa import AXE_TAGS, FIGURES, SITE, Watch, describe, ids_of, make_context, site_pages, stored

WORKER = "**/assets/calculator/engine-worker.mjs"
TYPED = "987654"
ENGINE_TIMEOUT_MS = 180_000


def calculator_pages() -> list[str]:
    out = []
    for page in site_pages(SITE):
        path = SITE / (page + "index.html" if page.endswith("/") or page == "" else page)
        if path.exists() and 'id="calculator"' in path.read_text(encoding="utf-8"):
            out.append(page)
    return out


PAGES = calculator_pages()
FULL = [p for p in PAGES if p.endswith("calculator/")]
ANSWERED = FULL + [p for p in PAGES if p in ("calculator/embed/", "parents/")]

pytestmark = pytest.mark.skipif(
    not FULL, reason="the calculator page is not built (site/calculator/index.html): nothing to test yet")


@pytest.fixture
def watch(browser, hosted_url):
    context = make_context(browser)
    yield Watch(context, hosted_url)
    context.close()


def check_quality(watch: Watch, label: str) -> None:
    violations = watch.axe(tags=AXE_TAGS)
    csp = watch.csp_violations()
    FIGURES["calculator states: axe violations"][label] = sum(len(v["nodes"]) for v in violations)
    FIGURES["calculator states: CSP violations"][label] = len(csp)
    FIGURES["calculator states: requests to another host"][label] = len(watch.foreign)
    assert violations == [], f"{label}:\n{describe(violations)}"
    assert csp == [], f"{label}: {csp}"
    assert watch.foreign == [], f"{label}: {watch.foreign}"
    assert watch.errors == [], f"{label}: script errors {watch.errors}"


@pytest.mark.parametrize("calc_page", PAGES or ["calculator/"])
def test_loading(watch, hosted_url, calc_page):
    watch.context.route(WORKER, lambda route: None)  # never answered: the engine stays loading
    watch.goto(hosted_url + calc_page)
    box = watch.page.locator("#calculator")
    assert box.get_attribute("aria-busy") == "true"
    assert watch.page.locator("#calc-status").is_visible()
    check_quality(watch, f"{calc_page} loading")


@pytest.mark.parametrize("calc_page", PAGES or ["calculator/"])
def test_error(watch, hosted_url, calc_page):
    watch.context.route(WORKER, lambda route: route.abort())
    watch.goto(hosted_url + calc_page)
    watch.page.wait_for_selector("#calculator.calc--failed", timeout=30_000)
    assert watch.page.locator("#calc-failed").is_visible()
    assert watch.page.locator("#calculator").get_attribute("aria-busy") == "false"
    watch.errors = [e for e in watch.errors if "engine-worker.mjs" not in e]  # the refused script itself
    check_quality(watch, f"{calc_page} error")


@pytest.mark.parametrize("calc_page", ANSWERED or ["calculator/"])
def test_answered(watch, hosted_url, calc_page):
    watch.goto(hosted_url + calc_page)
    pg = watch.page
    pg.wait_for_selector("#calculator.calc--ready", timeout=ENGINE_TIMEOUT_MS)
    # a second question, answered by the engine (not the answer computed at build time)
    radios = pg.locator("#calc-question input[type=radio]")
    for i in range(radios.count()):
        if not radios.nth(i).is_checked():
            radios.nth(i).check()
            break
    pg.wait_for_function(
        "() => ['answer', 'errors'].includes(document.getElementById('calc-result').dataset.state)"
        " && document.getElementById('calculator').getAttribute('aria-busy') === 'false'")
    pg.wait_for_timeout(300)
    check_quality(watch, f"{calc_page} answered")

    # every citation of the answer leads to an existing paragraph
    hrefs = pg.eval_on_selector_all(".calc__sources a[href]", "els => els.map(e => e.href)")
    assert hrefs, "the answer cites nothing"
    missing = []
    for href in hrefs:
        url, fragment = urldefrag(href)
        path = urlparse(url).path.lstrip("/")
        target = SITE / (path + "index.html" if path == "" or path.endswith("/") else path)
        if not target.exists() or (fragment and fragment not in ids_of(target)):
            missing.append(href)
    FIGURES["calculator states: citations not resolving"][calc_page] = len(missing)
    assert missing == [], missing

    # what a reader types stays in the page (and its address), not in the browser's storage
    inputs = pg.locator("#calculator input[type=number]:visible, #calculator input[type=text]:visible")
    for i in range(inputs.count()):
        inputs.nth(i).fill(TYPED)
    pg.wait_for_timeout(500)
    pg.reload()
    pg.wait_for_timeout(300)
    assert TYPED not in stored(pg)
    assert watch.context.cookies() == []
