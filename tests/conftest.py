"""Shared fixtures: the built site, a local server, a real browser.

`make test` builds site/ first; if it is missing the session builds it once.
The browser is Debian's chromium driven by Playwright (no downloaded browser).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists() or not (SITE / "nl" / "index.html").exists():
        subprocess.run([sys.executable, "-m", "scripts.build"], check=True, cwd=ROOT)
    return SITE


def _serve(prefix: str):
    from scripts.dev.serve import make_server

    server = make_server(0, prefix)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


@pytest.fixture(scope="session")
def base_url(site) -> str:
    server, url = _serve("/")
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def subpath_url(site) -> str:
    """The same site served under a sub-path, as on many static hosts."""
    server, url = _serve("/sppl/site/")
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `make setup` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageWatch:
    """A browser page that records every request to another host."""

    def __init__(self, page, allowed_origin: str):
        self.page = page
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        origin = allowed_origin.split("/", 3)[:3]
        self.origin = "/".join(origin)
        page.on("request", self._on_request)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def _on_request(self, request):
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not url.startswith(self.origin):
            self.foreign.append(url)


@pytest.fixture
def new_page(browser, base_url):
    contexts = []

    def make(width: int = 1280, height: int = 900, origin: str | None = None, **kw) -> PageWatch:
        ctx = browser.new_context(viewport={"width": width, "height": height}, **kw)
        contexts.append(ctx)
        return PageWatch(ctx.new_page(), origin or base_url)

    yield make
    for ctx in contexts:
        ctx.close()
