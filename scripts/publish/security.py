"""Content Security Policy and security headers of the built site.

    from scripts.publish.security import apply_csp; apply_csp(site)     # scripts/publish/postbuild.py
    python -m scripts.publish.security [site/]                   # the same, by hand

Every HTML page of site/ (both languages) gets, right after <meta charset>, a
<meta http-equiv="Content-Security-Policy"> whose script-src allows the site's
own files plus the sha256 hash of each inline script of THAT page (the theme's
small inline scripts; nothing else may run). 'wasm-unsafe-eval' is added only
where Pyodide runs: pages with the calculator (id="calculator") and the embed
page. A page with an inline event handler (onclick=...) or a javascript: URL
stops the build: the policy would silently break it.

A <meta> policy cannot say who may frame a page (frame-ancestors) nor protect
a worker, so the same policies, with frame-ancestors, are also written as
response headers for the static hosts that read a file from the published
folder:

- `_headers` (Netlify, Cloudflare Pages): one rule per page, `/dir/*` (which
  also matches `/dir/` itself), or `/dir/` and `/dir/index.html` for a page with
  pages below it, so that no path ever gets two CSP rules (both hosts would join
  them with a comma, i.e. enforce both); plus the workers' folders and one `/*`
  rule with the headers every response gets (Cloudflare reads 100 rules at most),
  and the cache lifetimes of the runtime's files (CACHE_RULES);
- `vercel.json` (Vercel, when site/ is the deployed folder): the same rules.

GitHub Pages sends no custom headers: there the <meta> policy is what applies.
Only the embed page may be framed by other sites (frame-ancestors *); every
other page says frame-ancestors 'none' and X-Frame-Options: DENY.

`headers_server(site)` serves site/ on localhost WITH the headers of its
`_headers` file, as those hosts would (the quality tests and the Lighthouse
audit use it: a page is then governed by both its <meta> and header policies).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from pathlib import Path

# What every response gets, on every host that reads the header files.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": ", ".join(f"{f}=()" for f in (
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb")),
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Folders of scripts that run as workers: a worker is governed by the policy of
# its own response, not the page's. Pyodide compiles WebAssembly in its worker.
WORKER_DIRS = {
    "assets/javascripts/workers": False,  # mkdocs-material's search
    "assets/calculator": True,            # the calculator's engine (Pyodide)
    "assets/pyodide": True,               # the Pyodide runtime itself
}

# How long a browser keeps the runtime's files. Every file of the bundle but
# engine.json is named by its content (scripts/publish/pyodide_bundle.py): a
# changed file gets a new name, so the old one may be kept for good and a
# repeat visit fetches nothing; engine.json, which names them, is revalidated.
RUNTIME_DIR = "assets/pyodide"
IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_RULES = {"runtime-*": IMMUTABLE, "stdlib-*": IMMUTABLE, "engine.json": "no-cache"}

CSP_META_RE = re.compile(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', re.I)
CHARSET_RE = re.compile(r"<meta charset=[^>]*>", re.I)
SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
ATTR_RE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
HANDLER_RE = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
JS_URL_RE = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
# Inline <script> types the browser runs (others, e.g. application/json, are data).
JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


class CSPError(Exception):
    pass


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "") for m in ATTR_RE.finditer(text)}


def inline_script_hashes(page_html: str) -> list[str]:
    """'sha256-…' of every inline script the browser would run, in page order."""
    hashes = []
    for m in SCRIPT_RE.finditer(CSP_META_RE.sub("", page_html)):
        attrs = _attrs(m.group(1))
        if "src" in attrs or attrs.get("type", "").strip().lower() not in JS_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(m.group(2).encode("utf-8")).digest()).decode("ascii")
        token = f"'sha256-{digest}'"
        if token not in hashes:
            hashes.append(token)
    return hashes


def is_embed(rel: str) -> bool:
    """The embed page (meant to be framed by other sites): any path segment
    starting with 'embed', e.g. calculator/embed/index.html or embed.html."""
    return any(part.startswith("embed") for part in rel.split("/"))


def needs_wasm(rel: str, page_html: str) -> bool:
    return 'id="calculator"' in page_html or is_embed(rel)


def policy(hashes: list[str], wasm: bool, frame_ancestors: str | None = None) -> str:
    """The policy of one page. frame_ancestors=None: for the <meta> tag."""
    script = ["'self'", *hashes] + (["'wasm-unsafe-eval'"] if wasm else [])
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(script),
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "media-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if frame_ancestors is not None:
        directives.append(f"frame-ancestors {frame_ancestors}")
    return "; ".join(directives)


def worker_policy(wasm: bool) -> str:
    script = "script-src 'self'" + (" 'wasm-unsafe-eval'" if wasm else "")
    return f"default-src 'self'; {script}; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'"


def _check_no_inline_handlers(rel: str, page_html: str) -> None:
    body = SCRIPT_RE.sub("", page_html)
    problems = []
    m = HANDLER_RE.search(body)
    if m:
        problems.append(f"an inline event handler ({m.group(0)[-40:].strip()}…)")
    m = JS_URL_RE.search(body)
    if m:
        problems.append(f"a javascript: URL ({m.group(0)})")
    if problems:
        raise CSPError(f"site/{rel}: {' and '.join(problems)}; the Content Security Policy blocks it. "
                       "Attach the behaviour from a script file (addEventListener) instead.")


def _with_meta(page_html: str, content: str) -> str:
    page_html = CSP_META_RE.sub("", page_html, count=1)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    m = CHARSET_RE.search(page_html)
    if m:
        return page_html[: m.end()] + "\n    " + meta + page_html[m.end():]
    m = re.search(r"<head\b[^>]*>", page_html, re.I)
    if not m:
        raise CSPError("a page without <head>")
    return page_html[: m.end()] + meta + page_html[m.end():]


def _url_paths(rel: str, all_pages) -> list[str]:
    """The path patterns of a _headers rule for site/<rel>: a page's folder with
    a splat, unless other pages live below it (its rule would reach them)."""
    if not rel.endswith("index.html"):
        return ["/" + rel]
    folder = "/" + rel[: -len("index.html")]
    nested = any(other != rel and ("/" + other).startswith(folder) for other in all_pages)
    return [folder, folder + "index.html"] if nested else [folder + "*"]


def header_rules(site: Path, pages: dict[str, tuple[list[str], bool]]) -> list[tuple[str, dict[str, str]]]:
    """(path pattern, headers) for every page and worker folder, then '/*'."""
    rules: list[tuple[str, dict[str, str]]] = []
    for rel, (hashes, wasm) in sorted(pages.items()):
        embed = is_embed(rel)
        headers = {"Content-Security-Policy": policy(hashes, wasm, "*" if embed else "'none'")}
        if not embed:
            headers["X-Frame-Options"] = "DENY"
        for path in _url_paths(rel, pages):
            rules.append((path, headers))
    for folder, wasm in WORKER_DIRS.items():
        for found in sorted(p for p in site.glob(f"**/{folder}") if p.is_dir()):
            rules.append(("/" + found.relative_to(site).as_posix() + "/*",
                          {"Content-Security-Policy": worker_policy(wasm)}))
    for found in sorted(p for p in site.glob(f"**/{RUNTIME_DIR}") if p.is_dir()):
        for name, value in CACHE_RULES.items():
            rules.append(("/" + found.relative_to(site).as_posix() + "/" + name, {"Cache-Control": value}))
    rules.append(("/*", dict(COMMON_HEADERS)))
    return rules


def write_header_files(site: Path, rules: list[tuple[str, dict[str, str]]]) -> None:
    lines = ["# Response headers for Netlify and Cloudflare Pages, written by scripts/publish/security.py",
             "# at build time (CSP hashes of each page's inline scripts). Do not edit.", ""]
    for path, headers in rules:
        lines.append(path)
        lines += [f"  {k}: {v}" for k, v in headers.items()]
        lines.append("")
    (site / "_headers").write_text("\n".join(lines), encoding="utf-8")

    def vercel_source(path: str) -> str:
        if path.endswith("/*"):
            return path[:-1] + ":path*"
        return path.replace("*", "(.*)")  # a splat inside a name: a regex group (path-to-regexp)

    vercel = {"headers": [{"source": vercel_source(path), "headers": [{"key": k, "value": v} for k, v in headers.items()]}
                          for path, headers in rules]}
    (site / "vercel.json").write_text(json.dumps(vercel, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def apply_csp(site: Path) -> None:
    """Add the CSP <meta> to every page of site/ and write the header files."""
    site = Path(site)
    pages: dict[str, tuple[list[str], bool]] = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if "assets" in rel.split("/")[:-1]:
            continue  # files of the runtime or theme, not pages
        page_html = path.read_text(encoding="utf-8")
        _check_no_inline_handlers(rel, page_html)
        hashes = inline_script_hashes(page_html)
        wasm = needs_wasm(rel, page_html)
        path.write_text(_with_meta(page_html, policy(hashes, wasm)), encoding="utf-8")
        pages[rel] = (hashes, wasm)
    write_header_files(site, header_rules(site, pages))


def parse_headers_file(text: str) -> list[tuple[re.Pattern, dict[str, str]]]:
    """Netlify/Cloudflare `_headers`: a path pattern (with * splats) at column 0,
    then indented 'Name: value' lines."""
    rules: list[tuple[re.Pattern, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            pattern = "^" + ".*".join(re.escape(part) for part in line.strip().split("*")) + "$"
            rules.append((re.compile(pattern), {}))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1][name.strip()] = value.strip()
    return rules


def headers_for(rules, path: str) -> list[tuple[str, str]]:
    """Every header a host would send for `path` (all matching rules, in order)."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    out: list[tuple[str, str]] = []
    for pattern, headers in rules:
        if pattern.match(path):
            out += headers.items()
    return out


COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/wasm", "image/svg+xml",
                    "application/xml")


def headers_server(site: Path, port: int = 0, compress: bool = True):
    """A ThreadingHTTPServer on 127.0.0.1 serving `site` (scripts/dev/serve.py's MIME
    types) that adds the headers of site/_headers and, like every common static
    host, gzips text and WebAssembly for browsers that accept it; call
    serve_forever() in a thread."""
    import gzip
    import io
    from scripts.dev.serve import make_server

    site = Path(site)
    server = make_server(port, "/", site)
    headers_file = site / "_headers"
    rules = parse_headers_file(headers_file.read_text(encoding="utf-8")) if headers_file.exists() else []
    handler = server.RequestHandlerClass  # functools.partial(Handler subclass, directory=...)
    cache: dict[tuple[str, float], bytes] = {}

    class WithHeaders(handler.func):
        def end_headers(self):
            for name, value in headers_for(rules, self.path):
                self.send_header(name, value)
            super().end_headers()

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            ctype = self.guess_type(str(path))
            if (not compress or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file()
                    or not ctype.startswith(COMPRESSED_TYPES) or not self.path.split("?")[0].endswith(
                        ("/", path.name))):
                return super().send_head()
            key = (str(path), path.stat().st_mtime)
            if key not in cache:
                cache[key] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            body = cache[key]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    server.RequestHandlerClass = type(handler)(WithHeaders, *handler.args, **handler.keywords)
    default_handle_error = server.handle_error

    def handle_error(request, client_address):  # a browser that stops reading is no error
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            default_handle_error(request, client_address)

    server.handle_error = handle_error
    return server


if __name__ == "__main__":
    apply_csp(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "site")
