"""Shared fixtures (the built site, a local server, a real browser, the Pyodide
bundle) and the markers that say what a test needs.

`make test` builds site/ first; if it is missing the session builds it once.
The browser is Debian's chromium driven by Playwright (no downloaded browser).

Markers (registered in pyproject.toml) are given here, never by hand: a test gets
`browser`, `build` or `pyodide` from the fixtures it uses (FIXTURE_MARKERS, with
everything they depend on: `new_page` brings `browser`, `base_url` brings `site`),
or from its file when the whole file needs one (PATH_MARKERS).
`make test-fast` runs `-m "not browser and not build and not pyodide"`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
NODE_MODULES = ROOT / "node_modules"
PYODIDE_RUN = ROOT / "scripts" / "dev" / "pyodide_run.mjs"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

# fixture -> marker. A test using any fixture that depends on one of these gets its marker too,
# and so does a test given one of these names as a parameter, to fetch it with
# request.getfixturevalue (tests/quality's `scheme`: its light and dark browser contexts).
FIXTURE_MARKERS = {
    "browser": "browser", "new_page": "browser", "light": "browser", "dark": "browser",
    "site": "build", "base_url": "build", "subpath_url": "build",
    "pyodide_bundle": "pyodide", "pyodide_run": "pyodide",
}
# test file (from the repository root) -> marker, for files whose tests need it
# although no fixture says so: they boot the calculator's engine in the browser from site/assets/pyodide.
PATH_MARKERS = {
    "tests/calculator_page/test_calcpage_browser.py": "pyodide",
    "tests/quality/test_calculator_states.py": "pyodide",
    "tests/site/test_engine_cache.py": "pyodide",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        if callspec is not None:
            names |= {v for v in callspec.params.values() if isinstance(v, str)}
        marks = {mark for fixture, mark in FIXTURE_MARKERS.items() if fixture in names}
        rel = Path(str(item.path)).resolve().relative_to(ROOT).as_posix()
        if rel in PATH_MARKERS:
            marks.add(PATH_MARKERS[rel])
        for mark in sorted(marks):
            item.add_marker(mark)


def selects(config, *marks: str) -> bool:
    """Whether the run's -m expression keeps a test carrying exactly these markers."""
    expr = config.getoption("markexpr", "")
    if not expr:
        return True
    try:
        from _pytest.mark.expression import Expression
    except ImportError:  # another pytest: assume it does
        return True
    return Expression.compile(expr).evaluate(lambda name, /, **kw: name in marks)


# --- the built site, served locally ------------------------------------------------------

def site_is_built() -> bool:
    return (SITE / "index.html").exists() and (SITE / "nl" / "index.html").exists()


def ensure_site() -> Path:
    if not site_is_built():
        subprocess.run([sys.executable, "-m", "scripts.build"], check=True, cwd=ROOT)
    return SITE


@pytest.fixture(scope="session")
def site() -> Path:
    return ensure_site()


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


# --- a real browser ------------------------------------------------------------------------

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
    """Make browser pages; the test fails if any of them asked another host for anything
    (every page and calculator state is swept by tests/quality; this covers what the
    other browser tests do on the pages: search, switch language, answer, type)."""
    contexts, watches = [], []

    def make(width: int = 1280, height: int = 900, origin: str | None = None, **kw) -> PageWatch:
        ctx = browser.new_context(viewport={"width": width, "height": height}, **kw)
        contexts.append(ctx)
        watches.append(PageWatch(ctx.new_page(), origin or base_url))
        return watches[-1]

    yield make
    for ctx in contexts:
        ctx.close()
    foreign = [url for w in watches for url in w.foreign]
    assert foreign == [], f"the page asked another host: {foreign}"


# --- the Pyodide runtime under node, with the calculator as it is now --------------------------

@pytest.fixture(scope="session")
def pyodide_bundle(tmp_path_factory) -> Path:
    """The bundle the site serves at assets/pyodide/ (runtime, engine.json, the zip of stdlib and calculator),
    built once per session from the code as it is now."""
    if not (NODE_MODULES / "pyodide" / "package.json").is_file():
        pytest.fail("node_modules/pyodide is missing: run `make setup` (npm ci)")
    if not shutil.which("node"):
        pytest.fail("node is not installed but node_modules/pyodide is: install Node.js")
    tmp = tmp_path_factory.mktemp("pyodide")
    p = subprocess.run(
        [sys.executable, "-m", "scripts.publish.pyodide_bundle", str(tmp / "bundle")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert p.returncode == 0, f"scripts.publish.pyodide_bundle failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return tmp / "bundle"


@pytest.fixture(scope="session")
def pyodide_run(pyodide_bundle):
    """run(requests, *args): the parsed stdout of scripts/dev/pyodide_run.mjs given a JSON
    list of requests (args: e.g. "--bench", "3"); the test fails if node fails.
    With bundle=DIR it runs another bundle; with check=False it returns the finished process."""

    def run(requests: list, *args: str, bundle: Path | None = None, check: bool = True):
        p = subprocess.run(
            ["node", str(PYODIDE_RUN), "--bundle", str(bundle or pyodide_bundle), *args],
            input=json.dumps(requests), cwd=ROOT, capture_output=True, text=True, timeout=600,
        )
        if not check:
            return p
        assert p.returncode == 0, f"pyodide_run.mjs failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
        return json.loads(p.stdout)

    return run
