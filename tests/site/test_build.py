"""The build: one command, strict, all-or-nothing."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.project_copy import ROOT, copy_project, tree_digest


@pytest.fixture
def project_copy(tmp_path, site):
    """A copy of the project with its built site, to break things safely."""
    return copy_project(tmp_path, site)


def run_build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.build"], cwd=project,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("value, canonical", [("", "http://127.0.0.1:8000/"),
                                              ("https://example.org/repo", "https://example.org/repo/")])
def test_site_url_is_read_once_for_every_part_of_the_build(project_copy, monkeypatch, value, canonical):
    """SITE_URL empty means the default address; without its final "/" it gets one.
    The canonical links, robots.txt, the 404 pages and the embed snippet agree."""
    monkeypatch.setenv("SITE_URL", value)
    result = run_build(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project_copy / "site"
    assert f'<link rel="canonical" href="{canonical}nl/">' in (site / "nl" / "index.html").read_text(encoding="utf-8")
    assert f"Sitemap: {canonical}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    root = "/" + canonical.split("/", 3)[3]
    assert f'href="{root}nl/parents/"' in (site / "nl" / "404.html").read_text(encoding="utf-8")
    assert f"{canonical}calculator/embed/" in (site / "calculator" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "doc, old, new, expected",
    [
        ("amendment-5/fr.md", "{#art3}", "{#art2}", "duplicate paragraph id 'art2'"),
        ("circular-8761/nl.md", "{#cost-3} ", "", "this block has no id"),
        ("inami-letter-2023/fr.md", 'reference = "Psy-Ort/2023/005"\n', "", "metadata 'reference' is missing"),
        ("amendment-5/fr.md", "{code:791976}", "{code:791977}", "unknown pseudocode {code:791977}"),
    ],
)
def test_a_malformed_source_stops_the_build_and_leaves_the_site(project_copy, doc, old, new, expected):
    path = project_copy / "sources" / doc
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = tree_digest(project_copy / "site")
    result = run_build(project_copy)
    assert result.returncode == 1
    assert expected in result.stderr
    assert f"sources/{doc}:" in result.stderr  # names the file and the line
    assert "fix:" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(project_copy / "site") == before
    assert not (project_copy / "build" / "site.new").exists()


def test_generated_pages_say_so_at_their_top(site):
    for lang in ("fr", "nl"):
        for page in (ROOT / "docs" / lang).glob("*.md"):
            head = page.read_text(encoding="utf-8").splitlines()[:2]
            assert head[0] == "---" and "scripts/build.py" in head[1], page


def test_french_at_the_root_and_dutch_under_nl(site):
    for page in ("", "circular-8761/", "pseudocodes/", "glossary/", "timeline/", "parents/", "staff/"):
        fr = (site / page / "index.html").read_text(encoding="utf-8")
        nl = (site / "nl" / page / "index.html").read_text(encoding="utf-8")
        assert '<html lang="fr"' in fr, page
        assert '<html lang="nl"' in nl, page
