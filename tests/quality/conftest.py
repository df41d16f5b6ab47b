"""Quality gates over the whole built site (issue 6): accessibility, privacy,
Content Security Policy, links, HTML validity, reader care.

Every page of both languages is tested: each `index.html` of site/ (and the two
404 pages), outside assets/ and search/. The browser is Debian's chromium; ONE
context per colour scheme is reused across pages (the whole folder runs in
about three minutes on two idle cores, most of it the calculator's states). The site is served by `hosted_url`, a local server that
also sends the response headers of site/_headers, as Netlify or Cloudflare
Pages would: each page is then governed by BOTH its <meta> policy and the
header policy (frame-ancestors, workers), as on a real host.

Figures (axe violations, foreign requests, CSP violations per page, broken
links, vnu errors) are collected in FIGURES and printed at the end of the run.
"""

from __future__ import annotations

import pytest

from tests.conftest import ensure_site, selects, site_is_built
from tests.quality.qa import FIGURES, Watch, make_context, make_hosted_server, site_pages


def pytest_generate_tests(metafunc):
    if "page" in metafunc.fixturenames:
        # The pages are those of the built site: build it now, unless the run leaves
        # out every test that needs it (`make test-fast`), which then has no page to test.
        if selects(metafunc.config, "build") or selects(metafunc.config, "build", "browser"):
            ensure_site()
        pages = site_pages() if site_is_built() else []
        metafunc.parametrize("page", pages, ids=[p or "home" for p in pages])


@pytest.fixture(scope="session")
def hosted_url(site) -> str:
    server = make_hosted_server(site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def light(browser, hosted_url):
    context = make_context(browser, "light")
    yield Watch(context, hosted_url)
    context.close()


@pytest.fixture(scope="session")
def dark(browser, hosted_url):
    context = make_context(browser, "dark")
    yield Watch(context, hosted_url)
    context.close()



def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    tr = terminalreporter
    tr.section("quality figures (tests/quality)")
    for name in sorted(FIGURES):
        values = FIGURES[name]
        total = sum(v for v in values.values() if isinstance(v, (int, float)))
        nonzero = {k: v for k, v in values.items() if v}
        tr.write_line(f"{name}: {total} over {len(values)} item(s)"
                      + (f"; non-zero: {nonzero}" if nonzero else ""))
