"""HTML validity: zero errors from the Nu HTML Checker (vnu.jar, npm package
vnu-jar, run with the Java runtime that `make setup` installs) over every HTML
file of site/ in both languages: one run for all files."""

import json
import shutil
import subprocess
from collections import defaultdict

import pytest

from tests.quality.qa import FIGURES, NODE_MODULES, SITE

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_files(site):
    return [p for p in sorted(site.rglob("*.html")) if "assets" not in p.relative_to(site).parts[:-1]]


def test_nu_html_checker_finds_no_error(site):
    java = shutil.which("java")
    if not java:
        pytest.fail("no Java runtime: run `make setup` (apt-get install default-jre-headless)")
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: run `make setup` (npm ci)")
    files = html_files(site)
    assert len(files) >= 28
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=600)
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    by_file = defaultdict(list)
    for m in report["messages"]:
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal":
            rel = m.get("url", "").replace(f"file:{SITE}/", "")
            by_file[rel].append(f"  line {m.get('lastLine')}: {m['message']}")
    for f in files:
        FIGURES["vnu errors"][f.relative_to(site).as_posix()] = len(by_file.get(f.relative_to(site).as_posix(), []))
    assert not by_file, "Nu HTML Checker errors:\n" + "\n".join(
        f"{name} ({len(msgs)}):\n" + "\n".join(msgs[:10]) for name, msgs in sorted(by_file.items()))
