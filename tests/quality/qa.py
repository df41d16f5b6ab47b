"""Helpers of the quality tests (see conftest.py)."""

from __future__ import annotations

import threading
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
# WCAG 2.2 AA: every success criterion of levels A and AA that axe tests.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# figure name -> {page: value}; printed by pytest_terminal_summary
FIGURES: dict[str, dict[str, object]] = defaultdict(dict)


def site_pages(site: Path = SITE) -> list[str]:
    """Every page of both languages, as URL paths relative to the site root."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        parts = rel.split("/")
        if "assets" in parts or "search" in parts:
            continue
        pages.append("" if rel == "." else rel + "/")
    pages += [p.relative_to(site).as_posix() for p in sorted(site.rglob("404.html")) if "assets" not in p.parts]
    return pages


def lang_of(page: str) -> str:
    return "nl" if page.startswith("nl/") else "fr"


# --- a local "static host" that sends the headers of site/_headers -----------------
from scripts.publish.security import headers_for, headers_server, parse_headers_file  # noqa: F401


def make_hosted_server(site: Path = SITE):
    server = headers_server(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- one watched browser page per colour scheme, reused across tests -------------------

CSP_LISTENER = """
(() => {
  const seen = [];
  Object.defineProperty(window, "__cspViolations", {value: seen});
  document.addEventListener("securitypolicyviolation", (e) => {
    seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile || ""}:${e.lineNumber || ""}) ${e.sample || ""}`);
  });
})();
"""


class Watch:
    """A browser page recording, since the last reset(): requests to another
    host, CSP violations (events and console reports, workers included),
    console errors and uncaught exceptions."""

    def __init__(self, context, origin: str):
        self.context = context
        self.origin = origin.rstrip("/")
        self.page = context.new_page()
        self.reset()
        context.on("request", self._on_request)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("worker", self._on_worker)

    def reset(self):
        self.foreign: list[str] = []
        self.console_csp: list[str] = []
        self.errors: list[str] = []

    def _on_request(self, request):
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not (url == self.origin or url.startswith(self.origin + "/")):
            self.foreign.append(url)

    def _on_console(self, msg):
        text = msg.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console_csp.append(text)
        elif msg.type == "error":
            self.errors.append(text)

    def _on_worker(self, worker):
        try:
            worker.on("console", self._on_console)
        except Exception:  # older Playwright: no console event on workers
            pass

    def goto(self, url: str, wait_until: str = "load"):
        self.reset()
        response = self.page.goto(url, wait_until=wait_until)
        self.page.wait_for_timeout(150)  # let late events (violations, errors) arrive
        return response

    def csp_violations(self) -> list[str]:
        try:
            events = self.page.evaluate("() => window.__cspViolations || []")
        except Exception:
            events = []
        return list(events) + self.console_csp

    def axe(self, tags=None, rules=None) -> list[dict]:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        options = {"resultTypes": ["violations"]}
        if rules:
            options["runOnly"] = {"type": "rule", "values": rules}
        else:
            options["runOnly"] = {"type": "tag", "values": tags or AXE_TAGS}
        result = self.page.evaluate("o => axe.run(document, o)", options)
        return result["violations"]


def make_context(browser, scheme: str = "light", **kw):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme,
                                  locale="fr-BE", **kw)
    context.add_init_script(CSP_LISTENER)
    return context


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        node = v["nodes"][0]
        lines.append(f"- {v['id']} ({v['impact']}, {len(v['nodes'])} node(s)): {v['help']}\n"
                     f"    first: {node['target']} {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


_ID_CACHE: dict[Path, set[str]] = {}


def ids_of(path: Path) -> set[str]:
    if path not in _ID_CACHE:
        parser = _Ids()
        parser.feed(path.read_text(encoding="utf-8"))
        _ID_CACHE[path] = parser.ids
    return _ID_CACHE[path]


def stored(page) -> str:
    """Everything the site could have kept in this browser, as one string."""
    return page.evaluate("""async () => {
        const dump = (s) => Object.keys(s).map((k) => k + "=" + s.getItem(k)).join("\\n");
        let dbs = [];
        if (indexedDB.databases) dbs = (await indexedDB.databases()).map((d) => d.name);
        const caches_ = self.caches ? await caches.keys() : [];
        return [dump(localStorage), dump(sessionStorage), document.cookie, dbs.join(","), caches_.join(",")].join("\\n");
    }""")
