"""Content Security Policy (scripts/publish/security.py): every page carries a strict
policy as a <meta> tag, with the hashes of its own inline scripts, and the same
policy (plus frame-ancestors) in the header files of static hosts; in the
browser, no page triggers a single securitypolicyviolation (nor a script error),
served as a host would serve it (meta + headers)."""

import json
import re

import pytest

from tests.quality.qa import FIGURES, SITE, headers_for, make_context, parse_headers_file, site_pages

import sys
from scripts.publish.security import inline_script_hashes, is_embed

META_RE = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def page_file(site, page):
    return site / (page + "index.html" if page == "" or page.endswith("/") else page)


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_page_has_a_strict_policy_early_in_its_head(site, page):
    html = page_file(site, page).read_text(encoding="utf-8")
    metas = META_RE.findall(html)
    assert len(metas) == 1, "one CSP <meta> per page"
    assert re.search(r'<head>\s*<meta charset="utf-8">\s*<meta http-equiv="Content-Security-Policy"', html), \
        "the CSP <meta> must come first in <head>, right after <meta charset>"
    assert html.index('http-equiv="Content-Security-Policy"') < min(
        i for i in (html.find("<script"), html.find("<link"), html.find("<style")) if i >= 0)
    d = directives(metas[0])
    assert d["default-src"] == ["'self'"]
    wasm = 'id="calculator"' in html or is_embed(page)
    assert sorted(d["script-src"]) == sorted(["'self'", *inline_script_hashes(html)] + (["'wasm-unsafe-eval'"] if wasm else []))
    for name in ("style-src", "connect-src", "worker-src", "font-src"):
        assert d[name] == ["'self'"], name
    assert d["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in metas[0] and "'unsafe-eval'" not in metas[0]
    assert "frame-ancestors" not in d, "a <meta> policy cannot carry frame-ancestors (the header files do)"


def test_header_files_carry_the_same_policies_and_the_security_headers(site):
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    vercel = json.loads((site / "vercel.json").read_text(encoding="utf-8"))
    assert len(vercel["headers"]) == len(rules)
    for page, path in [(p, "/" + p) for p in site_pages(site)] + [
            (p, f"/{p}index.html") for p in site_pages(site) if p == "" or p.endswith("/")]:
        headers = dict(headers_for(rules, path))
        csp_lines = [v for k, v in headers_for(rules, path) if k == "Content-Security-Policy"]
        assert len(csp_lines) == 1, f"{path}: exactly one CSP rule (hosts join duplicates)"
        meta = META_RE.search(page_file(site, page).read_text(encoding="utf-8")).group(1)
        if is_embed(page):
            assert csp_lines[0] == meta + "; frame-ancestors *"
            assert "X-Frame-Options" not in headers
        else:
            assert csp_lines[0] == meta + "; frame-ancestors 'none'"
            assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in headers["Permissions-Policy"]
    FIGURES["header rules (_headers)"]["site"] = len(rules)
    assert len(rules) <= 100, "Cloudflare Pages reads at most 100 rules of _headers"


def test_no_policy_violation_in_the_browser(light, hosted_url, page):
    light.goto(hosted_url + page, wait_until="networkidle")
    violations = light.csp_violations()
    FIGURES["CSP violations"][page or "home"] = len(violations)
    assert violations == [], f"{page or 'home'}: {violations}"
    assert light.errors == [], f"{page or 'home'}: script errors {light.errors}"


@pytest.mark.parametrize("lang, query", [("fr", "ticket modérateur"), ("nl", "remgeld")])
def test_search_and_table_filter_run_under_the_policy(light, hosted_url, lang, query):
    root = hosted_url + ("nl/" if lang == "nl" else "")
    light.goto(root)
    page = light.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    for _ in range(20):  # the index loads in a worker: type again until it answers
        page.fill("input.md-search__input", "")
        page.type("input.md-search__input", query)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=1000)
            break
        except Exception:
            continue
    assert page.locator(".md-search-result__item").count() > 0
    page.goto(root + "pseudocodes/")
    page.fill("[data-code-filter] input", "792632")
    page.locator("#pseudocode-table th button").first.click()
    page.wait_for_timeout(200)
    assert light.csp_violations() == []
    assert light.errors == []


def test_only_the_embed_page_can_be_framed_by_another_site(browser, hosted_url, site, tmp_path):
    """frame-ancestors comes from the header files (a host that sends them). The
    other site is another origin on this machine (another port: browsers keep
    public sites from framing local addresses anyway)."""
    import functools
    import http.server
    import threading

    targets = ["circular-8761/", "nl/"] + [p for p in site_pages(site) if is_embed(p)][:2]
    frames = "".join(f'<iframe title="{t}" src="{hosted_url}{t}"></iframe>' for t in targets)
    (tmp_path / "index.html").write_text(f"<!doctype html><title>another site</title>{frames}", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    context = make_context(browser)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        page.wait_for_timeout(1500)
        results = {}
        for iframe in page.query_selector_all("iframe"):
            frame = iframe.content_frame()
            try:
                results[iframe.get_attribute("title")] = frame.evaluate(
                    "() => !!document.querySelector('.md-content, #calculator')")
            except Exception:  # blocked: an error page of another origin
                results[iframe.get_attribute("title")] = False
        for t in targets:
            assert results.get(t) == is_embed(t), f"{t}: framed by another site = {results.get(t)} ({results})"
        assert any(is_embed(t) for t in targets), "no embed page was built"
    finally:
        context.close()
        other.shutdown()
