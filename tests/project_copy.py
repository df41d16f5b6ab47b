"""A copy of the project to break or change safely (build tests, republishing tests)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What a build reads, and the maintainer guide the republishing walkthrough follows.
PROJECT_PARTS = ["sources", "scripts", "templates", "data", "i18n", "content", "calculator", "docs/overrides",
                 "mkdocs.yml", "mkdocs.nl.yml", "pyproject.toml", "MAINTAINERS.md", "MAINTAINERS.nl.md"]


def copy_project(dst: Path, site: Path | None = None) -> Path:
    """Copy the project into dst (and its built site, without the Pyodide runtime)."""
    for part in PROJECT_PARTS:
        src = ROOT / part
        target = dst / part
        if src.is_dir():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    if site is not None:
        shutil.copytree(site, dst / "site", ignore=shutil.ignore_patterns("pyodide"))
    return dst


def tree_digest(folder: Path) -> str:
    """One hash of every file's path and bytes under folder."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()
