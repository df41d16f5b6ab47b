"""Links: zero broken internal links or anchors.

- linkinator (npm, a real link checker) crawls the served site from every page
  of both languages, following links, assets and CSS url()s, and checks that
  every #fragment exists on its target page. Other hosts are not contacted.
- every paragraph the calculator can cite (calculator/data/*.toml) is an anchor
  of its document page, in French and in Dutch;
- every location of both search indexes (paragraph-level search) resolves.
"""

import json
import re
import subprocess

import pytest

from tests.quality.qa import FIGURES, NODE_MODULES, ROOT, ids_of, site_pages

LINKINATOR = NODE_MODULES / "linkinator" / "build" / "src" / "cli.js"
REF_RE = re.compile(r'"([a-z0-9-]+)#([A-Za-z0-9_.-]+)"')


def test_linkinator_finds_no_broken_link_or_anchor(site, hosted_url):
    if not LINKINATOR.exists():
        pytest.fail(f"{LINKINATOR} is missing: run `make setup` (npm ci)")
    starts = [hosted_url + p for p in site_pages(site)]
    run = subprocess.run(
        ["node", str(LINKINATOR), *starts, "--recurse", "--check-fragments", "--check-css",
         "--skip", "^(?!" + re.escape(hosted_url) + ")", "--concurrency", "16", "--format", "json"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"linkinator did not answer JSON (exit {run.returncode}):\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    links = report["links"]
    broken = [l for l in links if l["state"] == "BROKEN"]
    checked = [l for l in links if l["state"] != "SKIPPED"]
    FIGURES["broken links (linkinator)"]["site"] = len(broken)
    FIGURES["links checked (linkinator, unique)"]["site"] = len(checked)
    assert len(checked) >= len(starts)
    assert broken == [], "\n".join(f"{l.get('status')} {l['url']}  (on {l.get('parent', '?')})" for l in broken)


def calculator_refs() -> set[tuple[str, str]]:
    refs = set()
    for toml in sorted((ROOT / "calculator" / "data").glob("*.toml")):
        for line in toml.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                continue
            refs.update(REF_RE.findall(line))
    return refs


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_calculator_citation_is_an_anchor(site, lang):
    refs = calculator_refs()
    assert len(refs) > 20, "no citation found in calculator/data"
    root = site if lang == "fr" else site / "nl"
    missing = []
    for doc, para in sorted(refs):
        page = root / doc / "index.html"
        if not page.exists() or para not in ids_of(page):
            missing.append(f"{doc}#{para}")
    FIGURES["calculator citations not resolving"][lang] = len(missing)
    assert missing == [], f"{len(missing)} of {len(refs)} calculator citations do not resolve in {lang}: {missing}"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_search_result_resolves(site, lang):
    root = site if lang == "fr" else site / "nl"
    index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
    missing = []
    for entry in index["docs"]:
        page, _, frag = entry["location"].partition("#")
        path = root / page / "index.html" if (not page or page.endswith("/")) else root / page
        if not path.exists() or (frag and frag not in ids_of(path)):
            missing.append(entry["location"])
    FIGURES["search index locations not resolving"][lang] = len(missing)
    assert len(index["docs"]) > 100
    assert missing == [], missing[:30]


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_404_page_links_lead_to_its_language_from_the_published_root(site, lang):
    """A 404 page is served at any missing address, so its links start from the
    published root (the path of SITE_URL), and the Dutch one's lead to Dutch pages
    (MkDocs writes "/parents/" in both: scripts/publish/postbuild.py root_404_links)."""
    import posixpath

    from scripts.publish.published import root_path

    root = root_path()
    home = root + ("nl/" if lang == "nl" else "")
    page = (site / "nl" if lang == "nl" else site) / "404.html"
    links = re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text(encoding="utf-8"))
    assert len(links) > 15, links
    unresolved, other_language = [], []
    for link in links:
        path = posixpath.normpath(link)
        if link.endswith(("/", "/.")) and not path.endswith("/"):
            path += "/"
        if not path.startswith(root):
            unresolved.append(link)
            continue
        target = site / path[len(root):]
        if not (target / "index.html" if path.endswith("/") else target).exists():
            unresolved.append(link)
        elif lang == "nl" and path.endswith("/") and not path.startswith(home):
            other_language.append(link)
    FIGURES["404 page links not resolving"][lang] = len(unresolved)
    assert unresolved == [], unresolved
    assert home + "parents/" in links and home + "calculator/" in links
    # the Dutch 404 page: only its language switch leads to the French root
    assert other_language == ([] if lang == "fr" else [home + "../"]), other_language


def test_root_404_links_under_a_sub_path():
    from scripts.publish.postbuild import root_404_links

    html = '<a href="/parents/"><script src="/assets/x.js"></script><a href="//cdn/x">{"base": "/", "search": "/assets/w.js"}'
    assert root_404_links(html, "/repo/nl/") == (
        '<a href="/repo/nl/parents/"><script src="/repo/nl/assets/x.js"></script><a href="//cdn/x">'
        '{"base": "/repo/nl/", "search": "/repo/nl/assets/w.js"}')
