"""The source format: what the checker accepts and the messages it gives."""

from pathlib import Path

import pytest

from scripts.check.sources import load_all, parse_source

GOOD_FR = """+++
id = "demo"
language = "fr"
original_language = "fr"
kind = "circular"
title = "Titre"
short_title = "Court"
summary = "Résumé."
issuer = "Émetteur"
reference = "Réf"
date = 2022-10-21
audience = "Tous"
seed = "none"
seed_lines = [1, 2]
+++

## Titre {#title}

{#p1} Un paragraphe
sur deux lignes[^1].

- {#item-a} premier
    - {#item-a-1} imbriqué
- {#item-b} second

{#table}
| a | b |
|---|---|
| {#row-1} x | y |

[^1]: Une note.
"""


def write(tmp: Path, doc: str, lang: str, text: str) -> Path:
    p = tmp / doc / f"{lang}.md"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def nl_of(text: str) -> str:
    return text.replace('language = "fr"\n', 'language = "nl"\n', 1).replace("Un paragraphe", "Een alinea")


def test_a_good_source_parses_into_blocks(tmp_path):
    src, problems = parse_source(write(tmp_path, "demo", "fr", GOOD_FR))
    assert problems == []
    assert [b.kind for b in src.blocks] == ["heading", "para", "list", "table", "footnote"]
    assert [a for a, _ in src.anchors()] == ["title", "p1", "item-a", "item-a-1", "item-b", "table", "row-1", "fn:1"]
    assert src.blocks[1].text == "Un paragraphe sur deux lignes[^1]."
    assert src.blocks[2].items[0].children[0].text == "imbriqué"


@pytest.mark.parametrize(
    "change, message, line",
    [
        (("{#p1} Un paragraphe", "Un paragraphe"), "this block has no id", 19),
        (("{#item-b}", "{#item-a}"), "duplicate paragraph id 'item-a'", 24),
        (('title = "Titre"\n', ""), "metadata 'title' is missing", 2),
        (("date = 2022-10-21", 'date = "hier"'), "metadata 'date' has the wrong type", 2),
        (("| {#row-1} x | y |", "| x | y |"), "a table row has no id", 29),
        (("[^1]: Une note.", "[^2]: Une note."), "footnote [^1] has no definition", 19),
        (("sur deux lignes", "sur deux lignes {code:123456}"), "unknown pseudocode {code:123456}", 19),
        (("## Titre {#title}", "## Titre"), "a heading is malformed", 17),
    ],
)
def test_a_broken_source_names_file_line_and_fix(tmp_path, change, message, line):
    old, new = change
    bad = GOOD_FR.replace(old, new, 1)
    assert bad != GOOD_FR
    write(tmp_path, "demo", "fr", bad)
    write(tmp_path, "demo", "nl", nl_of(bad))
    _, problems = load_all(tmp_path)
    found = [p for p in problems if message in p.message]
    assert found, [str(p) for p in problems]
    assert found[0].path.name in ("fr.md", "nl.md")
    assert found[0].line == line
    assert found[0].fix


def test_translation_must_have_the_same_ids_in_the_same_order(tmp_path):
    write(tmp_path, "demo", "fr", GOOD_FR)
    write(tmp_path, "demo", "nl", nl_of(GOOD_FR).replace("{#item-b} second", "{#item-c} second"))
    _, problems = load_all(tmp_path)
    messages = [p.message for p in problems]
    assert "paragraph id 'item-b' (fr.md line 24) has no translation" in messages
    assert any("'item-c'" in m and "is not in fr.md" in m for m in messages)


def test_missing_translation_file_is_reported(tmp_path):
    write(tmp_path, "demo", "fr", GOOD_FR)
    _, problems = load_all(tmp_path)
    assert any("the nl version of 'demo' is missing" in p.message for p in problems)


def test_the_real_sources_are_valid_and_ids_match_across_languages():
    docs, problems = load_all()
    assert problems == [], "\n".join(map(str, problems))
    # the five first texts; a maintainer adds more (MAINTAINERS.md)
    assert set(docs) >= {"circular-8761", "inami-letter-2023", "amendment-5", "annex-pseudocodes", "riziv-note-clb"}
    for doc, langs in docs.items():
        assert [a for a, _ in langs["fr"].anchors()] == [a for a, _ in langs["nl"].anchors()], doc
        assert sum(s.is_original for s in langs.values()) == 1, doc


def test_annex_has_45_codes_and_the_8_reserved_ones():
    docs, _ = load_all()
    codes = docs["annex-pseudocodes"]["fr"].table_codes()
    assert len(codes) == 45 and len(set(codes)) == 45
    assert {"791976", "792013", "792050", "792131", "792352", "792094", "793951", "793973"} <= set(codes)
