"""The calculator's engine in the real browser, on the built site: a repeat visit
fetches none of the runtime's files again (they are named by their content and
kept for a year, site/_headers); the engine loads under a sub-path, and from a
host that decodes the .gz zip itself; the theme's search index waits for the
engine's first answer unless the reader searches (issue 14).

Only the layout of assets/pyodide/ is assumed: engine.json (revalidated on every
visit) and files named by their content (every other file there), whatever they hold.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass

import pytest

from scripts.publish.security import IMMUTABLE, headers_server

READY, FAILED = "calculator:ready", "calculator:failed"
RUNTIME = "/assets/pyodide/"
MANIFEST = RUNTIME + "engine.json"
BOOT_TIMEOUT_MS = 60000  # one boot takes about 5 s; more on a busy machine


@dataclass
class Hit:
    method: str
    path: str
    status: int
    cache_control: str | None


def counting_server(site):
    """headers_server(site) recording every response it sends (method, path, status, Cache-Control)."""
    server = headers_server(site)
    handler = server.RequestHandlerClass  # functools.partial(handler class, directory=...)
    hits: list[Hit] = []

    class Counting(handler.func):
        def send_response(self, code, message=None):
            self._status, self._sent = int(code), {}
            super().send_response(code, message)

        def send_header(self, keyword, value):
            if hasattr(self, "_sent"):
                self._sent.setdefault(keyword.lower(), []).append(value)
            super().send_header(keyword, value)

        def end_headers(self):
            super().end_headers()  # headers_server adds the _headers rules here
            cache_control = ", ".join(self._sent.get("cache-control", [])) or None  # two rules: joined, as hosts do
            hits.append(Hit(self.command, self.path.split("?", 1)[0], self._status, cache_control))

    server.RequestHandlerClass = type(handler)(Counting, *handler.args, **handler.keywords)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


def open_calculator(page, url: str, console: list[str]) -> None:
    """Open a calculator page and wait for the engine's first answer (the mark calculator:ready)."""
    page.goto(url)
    try:
        page.wait_for_function(
            f"() => performance.getEntriesByName({READY!r}).length + performance.getEntriesByName({FAILED!r}).length",
            timeout=BOOT_TIMEOUT_MS)
    except Exception as e:  # noqa: BLE001 - Playwright's TimeoutError
        pytest.fail(f"{url}: neither {READY} nor {FAILED} after {BOOT_TIMEOUT_MS / 1000} s ({e.__class__.__name__})\n"
                    "console:\n" + "\n".join(console[-40:]))
    if page.evaluate(f"() => performance.getEntriesByName({FAILED!r}).length"):
        notice = page.locator("#calc-failed").inner_text()
        pytest.fail(f"{url}: {FAILED}: {notice.strip()}\nconsole:\n" + "\n".join(console[-40:]))
    # what the first answer lets start (the theme's search index and its worker's scripts)
    # finishes before the next page: a navigation would abort it
    page.wait_for_load_state("networkidle")


def watch_console(page) -> list[str]:
    """The page's console messages (its workers' too: Playwright reports them on the page)."""
    lines: list[str] = []
    page.on("console", lambda m: lines.append(f"[{m.type}] {m.text}"))
    page.on("pageerror", lambda e: lines.append(f"[uncaught] {e}"))
    return lines


def test_repeat_visit_fetches_no_runtime_file_again(browser, site):
    """Proves issue 14, item 4: once a calculator page has loaded the engine, the other
    calculator pages (both languages) of the same browser get every runtime file from
    the browser's cache, because the site's _headers serve them with IMMUTABLE;
    only engine.json (no-cache), which names them, is asked again."""
    manifest = json.loads((site / MANIFEST.lstrip("/")).read_text(encoding="utf-8"))
    server, hits = counting_server(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        console = watch_console(page)
        open_calculator(page, base + "calculator/", console)
        first_visit = len(hits)
        for path in ("parents/", "nl/calculator/"):
            open_calculator(page, base + path, console)
    finally:
        context.close()
        server.shutdown()

    runtime = [h for h in hits if h.path.startswith(RUNTIME)]
    first = Counter(h.path for h in hits[:first_visit] if h.method == "GET" and h.path.startswith(RUNTIME))
    again = Counter(h.path for h in hits[first_visit:] if h.path.startswith(RUNTIME))  # any method: a round trip
    files = sorted(p for p in first if p != MANIFEST)

    # the first visit fetched engine.json and what it names, each file once
    assert first[MANIFEST] == 1, f"engine.json fetched {first[MANIFEST]} times on the first visit"
    for name in (manifest["runtime"], manifest["stdlib"]):
        assert any(p.startswith(RUNTIME + name) for p in files), f"the first visit never fetched {name}: {files}"
    twice = {p: n for p, n in first.items() if n > 1}
    assert not twice, f"fetched more than once on the first visit: {twice}"

    wrong = sorted({f"{h.method} {h.path}: {h.cache_control!r}" for h in runtime
                    if h.cache_control != ("no-cache" if h.path == MANIFEST else IMMUTABLE)})
    assert not wrong, f"engine.json wants 'no-cache', every other runtime file {IMMUTABLE!r}; got: {wrong}"

    # the repeat visits fetched none of them again, but revalidated engine.json
    repeated = {p: n for p, n in sorted(again.items()) if p != MANIFEST}
    assert not repeated, f"fetched again from the server on a repeat visit (not from the browser's cache): {repeated}"
    assert again[MANIFEST] >= 2, "engine.json was not asked again on each repeat visit (no-cache)"
    bad = sorted({f"{h.method} {h.path}: {h.status}" for h in hits if h.status >= 400})
    assert not bad, f"the server answered with an error: {bad}"


def test_engine_loads_under_a_sub_path(browser, subpath_url):
    """Proves the engine works when the site is served under a sub-path: on the calculator
    pages of both languages and the parents' page, every request of the page and of its
    engine worker (runtime, zip, engine.json) stays under the sub-path and succeeds."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    answered: set[tuple[str, str]] = set()
    failed: list[tuple[str, str, str]] = []
    context.on("request", lambda r: requests.append(r.url))
    context.on("response", lambda r: (answered.add((r.request.method, r.url)),
                                      r.status >= 400 and errors.append(f"{r.url}: HTTP {r.status}")))
    # Chromium reports a HEAD request (the worker's check of the wasm's type) as aborted
    # after its response came: only a request that got no response at all failed.
    context.on("requestfailed", lambda r: failed.append((r.method, r.url, r.failure)))
    try:
        page = context.new_page()
        console = watch_console(page)
        for path in ("calculator/", "nl/calculator/", "parents/"):
            open_calculator(page, subpath_url + path, console)
    finally:
        context.close()

    # a request the browser itself aborted (the next page's navigation stops what the last
    # one was still loading) is no error of the site: a wrong address answers 404 above
    errors += [f"{method} {url}: {failure}" for method, url, failure in failed
               if (method, url) not in answered and "ERR_ABORTED" not in (failure or "")]
    requests = [u for u in requests if not u.startswith(("data:", "blob:", "about:"))]
    outside = sorted({u for u in requests if not u.startswith(subpath_url)})
    assert not outside, f"requests outside {subpath_url}: {outside}"
    assert not errors, f"failed requests under the sub-path: {sorted(set(errors))}"
    engine_files = {u for u in requests if u.startswith(subpath_url + RUNTIME.lstrip("/")) and not u.endswith("engine.json")}
    assert engine_files, f"the worker's requests for the runtime were not seen: {sorted(set(requests))}"


SEARCH_INDEX = "**/search/search_index.json"
STDLIB = "**/assets/pyodide/stdlib-*"


def test_the_search_index_waits_for_the_engine_unless_the_reader_searches(browser, base_url):
    """On a page holding the calculator, the theme's search index (fetched at once on
    other pages, then built by its worker) is not fetched while the engine loads
    (docs/overrides/main.html); it is as soon as the reader turns to the search, and
    after the engine's first answer otherwise. The engine is held back by holding its
    zip's response."""
    for reader_searches in (True, False):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        held = []
        context.route(STDLIB, lambda route: held.append(route))
        index_requests = []
        context.on("request", lambda r: r.url.endswith("/search/search_index.json") and index_requests.append(r.url))
        try:
            page = context.new_page()
            page.goto(base_url + "calculator/")
            page.wait_for_function("() => document.documentElement.classList.contains('js')")  # the theme's bundle ran
            page.wait_for_timeout(1500)
            assert held, "the engine did not ask for its zip"
            assert index_requests == [], "the search index was fetched while the engine loads"
            if reader_searches:
                page.locator(".md-search__input").focus()
                page.keyboard.type("pseudocode")
                page.wait_for_selector(".md-search-result__item", timeout=20000)
                assert len(index_requests) == 1
                assert not page.evaluate(f"() => performance.getEntriesByName({READY!r}).length")
            for route in held:
                route.continue_()
            page.wait_for_function(f"() => performance.getEntriesByName({READY!r}).length", timeout=BOOT_TIMEOUT_MS)
            for _ in range(300):  # the theme asks for it once its search worker is up: up to 30 s
                if index_requests:
                    break
                page.wait_for_timeout(100)
            page.wait_for_load_state("networkidle")
            assert len(index_requests) == 1, index_requests
        finally:
            context.close()


def test_the_engine_starts_when_the_host_sends_the_zip_already_decoded(browser, base_url, site):
    """Some hosts serve a .gz file with Content-Encoding: gzip, so the browser hands the
    worker the zip itself: the worker then takes it as it is (engine-worker.mjs)."""
    import gzip

    manifest = json.loads((site / "assets" / "pyodide" / "engine.json").read_text())
    plain = gzip.decompress((site / "assets" / "pyodide" / manifest["stdlib"]).read_bytes())
    assert plain[:2] == b"PK"
    context = browser.new_context()
    served = []
    context.route(STDLIB, lambda route: (served.append(route.request.url),
                                         route.fulfill(status=200, body=plain, content_type="application/zip")))
    try:
        page = context.new_page()
        console = watch_console(page)
        open_calculator(page, base_url + "calculator/", console)
        assert served and page.locator("#calc-result").inner_text().strip()
    finally:
        context.close()
