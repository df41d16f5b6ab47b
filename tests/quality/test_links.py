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

from qa import FIGURES, NODE_MODULES, ROOT, ids_of, site_pages

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
