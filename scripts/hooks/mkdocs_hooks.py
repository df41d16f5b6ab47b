"""MkDocs hooks: what every page of a language shares.

Appends the glossary's abbreviations (data/glossary.toml) to every page so that
each abbreviation shows its expansion as a tooltip (Markdown `abbr` extension,
mkdocs-material `content.tooltips`).
"""

import tomllib
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[2] / "data" / "glossary.toml"


def _abbreviations(lang: str) -> str:
    terms = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]
    return "\n".join(f"*[{t['abbr']}]: {t[lang]}" for t in terms)


def on_page_markdown(markdown, page, config, files):
    lang = config["theme"]["language"]
    return markdown + "\n\n" + _abbreviations(lang) + "\n"
