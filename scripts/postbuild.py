"""Steps after MkDocs, on the new site folder before it is published."""

from pathlib import Path


def postbuild(site: Path) -> None:
    # GitHub Pages: serve folders starting with '_' and skip Jekyll.
    (site / ".nojekyll").write_text("", encoding="utf-8")
