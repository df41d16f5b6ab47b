"""The wording of issue 13 (item 5), pinned against the paragraph that makes it right.

Each translation fix names its paragraph, the words of the original that decide it and the
words the translation must (and must not) use; the guides (parents, staff) carry in French
and in Dutch the same links and the same rule values, block by block; every glossary entry
points to a paragraph that contains the abbreviation or what it stands for.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from scripts.check.sources import load_checked

ROOT = Path(__file__).resolve().parents[2]
DOCS = load_checked()
GLOSSARY = tomllib.loads((ROOT / "data" / "glossary.toml").read_text(encoding="utf-8"))["term"]
GUIDES = ("parents", "staff")


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("*", "").split()).lower()


def paragraph(doc: str, lang: str, pid: str) -> str:
    """The text of one block, list item or table row of a source, by its id."""
    for block in DOCS[doc][lang].blocks:
        if block.kind == "list":
            for item in block.items_flat():
                if item.id == pid:
                    return item.text
        elif block.kind == "table":
            for row in block.rows:
                if row.id == pid:
                    return " | ".join(row.cells)
        elif block.id == pid or (block.kind == "footnote" and f"fn:{block.id}" == pid):
            return block.text
    raise AssertionError(f"{doc}#{pid} is not a paragraph of sources/{doc}/{lang}.md")


# (document, paragraph, words of the original, translation language, words it uses, words it no longer uses)
TRANSLATIONS = [
    ("circular-8761", "cost-1", "au sein des établissements", "nl", "binnen de instellingen", "in de scholen"),
    ("annex-pseudocodes", "code-792212", "supervisé par", "nl", "onder supervisie van", "onder begeleiding van"),
    ("annex-pseudocodes", "code-792234", "supervisé par", "nl", "onder supervisie van", "onder begeleiding van"),
    ("annex-pseudocodes", "code-792256", "supervisé par", "nl", "onder supervisie van", "onder begeleiding van"),
    ("riziv-note-clb", "other-premiums", "trajectvergoeding", "fr", "forfait trajet (trajectvergoeding)", "indemnité de trajet"),
    ("riziv-note-clb", "findplaces", "in overleg en afstemming", "fr", "en concertation et en coordination avec", "en accord avec"),
    ("amendment-5", "art1-par1-2-cond2", "lieu de prise en charge", "nl", "plaats zijn waar de zorg wordt verleend", "tenlasteneming"),
    ("inami-letter-2023", "situation-2-cond2", "lieu de prise en charge", "nl", "plaats zijn waar de zorg wordt verleend", "tenlasteneming"),
    ("riziv-note-clb", "clb-partner", "leerlingenbegeleiding", "fr", "encadrement des élèves", "accompagnement des élèves"),
    ("riziv-note-clb", "findplace-actors", "leerlingenbegeleiders", "fr", "encadrement des élèves", "accompagnement des élèves"),
    ("riziv-note-clb", "additional-offer", "leerlingenbegeleiding", "fr", "encadrement des élèves", "accompagnement des élèves"),
    ("amendment-5", "art1-intro", "dans la première ligne", "nl", "in de eerste lijn", "in de eerstelijn "),
    ("inami-letter-2023", "approval", "dans la première ligne", "nl", "in de eerste lijn", "in de eerstelijn."),
]


@pytest.mark.parametrize("doc, pid, original_words, lang, new, old", TRANSLATIONS,
                         ids=[f"{t[0]}#{t[1]}" for t in TRANSLATIONS])
def test_a_translation_says_what_its_original_paragraph_says(doc, pid, original_words, lang, new, old):
    original = DOCS[doc][lang].meta["original_language"]
    assert original != lang, f"{doc}/{lang}.md is the original: its words are not ours to change"
    assert _norm(original_words) in _norm(paragraph(doc, original, pid)), f"{doc}/{original}.md#{pid}"
    text = _norm(paragraph(doc, lang, pid))
    assert _norm(new) in text and _norm(old) not in text, f"{doc}/{lang}.md#{pid}: {text}"


def _our_texts(lang: str, guides_only: bool = False):
    """The translations in `lang` and the guides in content/<lang>/ (the originals are the authors')."""
    for doc, langs in DOCS.items():
        if not langs[lang].is_original and not guides_only:
            yield f"sources/{doc}/{lang}.md", langs[lang].path.read_text(encoding="utf-8")
    for page in sorted((ROOT / "content" / lang).glob("*.md")):
        yield page.relative_to(ROOT).as_posix(), page.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, words, why, guides_only", [
    ("nl", r"\bin de eerstelijn\b", "the RIZIV writes 'in de eerste lijn'", False),
    ("nl", r"tenlasteneming", "'plaats waar de zorg wordt verleend'", False),
    # the circular's footnote 1 does speak of schools ("dans les écoles"): only the guides' quotes of cost-1
    ("nl", r"\bin de scholen\b", "circular cost-1 says 'au sein des établissements': 'binnen de instellingen'", True),
    ("fr", r"indemnité de trajet", "one term: 'forfait trajet (trajectvergoeding)'", False),
    ("fr", r"accompagnement des élèves", "leerlingenbegeleiding is 'encadrement des élèves'", False),
])
def test_a_rejected_rendering_is_gone_from_every_text_of_ours(lang, words, why, guides_only):
    found = [where for where, text in _our_texts(lang, guides_only) if re.search(words, " ".join(text.split()), re.I)]
    assert found == [], f"{words!r} ({why}) in {found}"


# --- the guides -------------------------------------------------------------------------

def guide(lang: str, page: str) -> str:
    return " ".join((ROOT / "content" / lang / f"{page}.md").read_text(encoding="utf-8").split())


@pytest.mark.parametrize("lang, page, words, source", [
    ("fr", "parents", "séances courtes", "circular-8761#services-sppl: « interventions psychologiques de courte durée »"),
    ("fr", "parents", "toute la Belgique", "amendment-5#art1-par1-1-cond1: the CLB and CPMS of the two decrees"),
    ("nl", "parents", "heel België", "amendment-5#art1-par1-1-cond1: the CLB and CPMS of the two decrees"),
    ("fr", "parents", "pénalisé", "riziv-note-clb#additional-offer: no drawback from the care, such as missed lessons"),
    ("nl", "parents", "omdat het een les mist", "riziv-note-clb#additional-offer: no drawback from the care, such as missed lessons"),
    ("fr", "staff", "lieu de vie où l'on rencontre les jeunes", "riziv-note-clb#findplace-definition"),
])
def test_a_claim_that_changed_its_source_is_gone(lang, page, words, source):
    assert words.lower() not in guide(lang, page).lower(), source


@pytest.mark.parametrize("lang, page, words, link", [
    ("fr", "parents", "interventions de courte durée ou de faible intensité", "doc:circular-8761#services-sppl"),
    ("nl", "parents", "kortdurende of weinig intensieve interventies", "doc:riziv-note-clb#care-type-elp"),
    ("fr", "parents", "seulement les CLB et les CPMS des deux décrets", "doc:amendment-5#fn:4"),
    ("nl", "parents", "alleen voor de CLB en de CPMS van de twee decreten", "doc:amendment-5#fn:4"),
    ("fr", "parents", "ne causent pas d'inconvénient à votre enfant, comme manquer d'autres cours", "doc:riziv-note-clb#additional-offer"),
    ("nl", "parents", "geen nadeel ondervindt van de zorg, zoals afwezigheid in andere lessen", "doc:riziv-note-clb#additional-offer"),
    ("fr", "parents", "Le CPMS doit vous donner les informations utiles", "doc:circular-8761#parents-info-1"),
    ("nl", "parents", "Het CPMS moet u de nodige informatie geven", "doc:circular-8761#parents-info-1"),
    ("fr", "parents", "la séance a lieu chez cette organisation", "doc:riziv-note-clb#route-2"),
    ("nl", "parents", "de sessie vindt bij die organisatie plaats", "doc:riziv-note-clb#route-2"),
    ("fr", "staff", "se rendent déjà pour une autre raison qu'un soutien psychique", "doc:riziv-note-clb#findplace-definition"),
    ("nl", "staff", "al naartoe gaan met een ander doel dan psychische ondersteuning", "doc:riziv-note-clb#findplace-definition"),
])
def test_a_claim_is_worded_as_its_source_and_links_it(lang, page, words, link):
    """The words and the paragraph that makes them right sit in the same block of the guide."""
    blocks = [b for b in _blocks(lang, page) if words in " ".join(b.split())]
    assert blocks, f"content/{lang}/{page}.md: {words!r}"
    assert any(f"]({link})" in b for b in blocks), f"content/{lang}/{page}.md: {words!r} without ({link})"


LINK = re.compile(r"\]\(((?:doc:|[a-z0-9-]+\.md)[^)\s]*)\)")
CODE = re.compile(r"\{code:(\d{6})\}")
JINJA = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
HISTORY_LABELS = re.compile(r"(history\(\s*\[[^\]]*\])[^)]*\)")  # its column headings are words


def _blocks(lang: str, page: str) -> list[str]:
    """The guide's blocks in reading order: a heading, a paragraph, one list item, one table row."""
    text = (ROOT / "content" / lang / f"{page}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        out += [b for b in re.split(r"\n(?=\s*(?:- |\d+\. |\||#))", block) if b.strip()]
    return out


def claims(lang: str, page: str) -> list[tuple[str, tuple[str, ...]]]:
    """Per block that cites or computes anything: (its first words, the sorted links to source
    paragraphs and pages, pseudocodes and the rules it asks the package for)."""
    out = []
    for block in _blocks(lang, page):
        found = LINK.findall(block) + [f"code:{c}" for c in CODE.findall(block)]
        for expr, stmt in JINJA.findall(block):
            found.append(" ".join(HISTORY_LABELS.sub(r"\1)", expr or stmt).split()))
        if found or block.lstrip().startswith("#"):
            out.append((" ".join(block.split())[:70], tuple(sorted(found))))
    return out


@pytest.mark.parametrize("page", GUIDES)
def test_the_french_and_dutch_guides_make_the_same_claims_with_the_same_links(page):
    fr, nl = claims("fr", page), claims("nl", page)
    for i, ((fr_words, fr_claims), (nl_words, nl_claims)) in enumerate(zip(fr, nl)):
        assert fr_claims == nl_claims, (
            f"block {i} of content/{{fr,nl}}/{page}.md cites or computes different things:\n"
            f"  fr «{fr_words}»: {sorted(set(fr_claims) - set(nl_claims))} not in nl\n"
            f"  nl «{nl_words}»: {sorted(set(nl_claims) - set(fr_claims))} not in fr")
    assert len(fr) == len(nl), f"content/fr/{page}.md has {len(fr)} blocks that cite, content/nl/{page}.md {len(nl)}"


def test_the_parity_check_sees_a_link_that_only_one_language_has(monkeypatch):
    real = _blocks

    def dropped(lang, page):
        blocks = real(lang, page)
        if lang == "nl":
            blocks = [b.replace(", [omzendbrief](doc:circular-8761#target-group-2)", "") for b in blocks]
        return blocks

    monkeypatch.setattr(sys.modules[__name__], "_blocks", dropped)
    with pytest.raises(AssertionError, match="target-group-2"):
        test_the_french_and_dutch_guides_make_the_same_claims_with_the_same_links("parents")


# --- the glossary -----------------------------------------------------------------------

def _names(term: dict, lang: str) -> list[str]:
    """What a paragraph may write for the term: the abbreviation, its expansion (before any
    gloss in brackets) and the other abbreviations the gloss gives (RIZIV for INAMI, GGZ for SSM)."""
    label = term[lang]
    return [term["abbr"], label.split(" (")[0]] + re.findall(r"\b[A-Z][A-Z-]{1,}[A-Z]\b", label)


@pytest.mark.parametrize("term", GLOSSARY, ids=[t["abbr"] for t in GLOSSARY])
@pytest.mark.parametrize("lang", ("fr", "nl"))
def test_a_glossary_entry_points_to_a_paragraph_that_contains_it(term, lang):
    doc, pid = term["ref"].split("#")
    text = _norm(paragraph(doc, lang, pid))
    names = _names(term, lang)
    assert any(re.search(rf"(?<!\w){re.escape(_norm(n))}(?!\w)", text) for n in names), (
        f"data/glossary.toml {term['abbr']}: sources/{doc}/{lang}.md#{pid} contains none of {names}")


def test_ssm_is_soins_de_sante_mentale_as_in_the_amendment():
    """The amendment writes "réseau SSM" for the network it also calls "réseau de soins de santé mentale"."""
    ssm = next(t for t in GLOSSARY if t["abbr"] == "SSM")
    assert ssm["fr"].startswith("Soins de santé mentale")
    assert "réseau SSM" in paragraph("amendment-5", "fr", "party-2-adults")
    assert "réseau de soins de santé mentale" in paragraph("amendment-5", "fr", "party-2-children")


# --- on the built pages -----------------------------------------------------------------

def _page_text(site: Path, path: str) -> str:
    from html import unescape

    html = (site / path / "index.html").read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("path", ["nl/parents", "nl/calculator", "nl/staff"])
def test_an_upper_age_bound_says_tot_en_met_in_dutch(site, path):
    """The texts write "jusque 23 ans inclus" (circular-8761#networks-children): in Dutch an upper
    bound is "tot en met"; "van 15 tot 23 jaar" (a range, networks-overlap) stays."""
    text = _page_text(site, path)
    bare = [text[max(0, m.start() - 40):m.end()] for m in re.finditer(r"\btot (\d+) jaar", text)
            if not re.search(r"\bvan \d+(?: jaar)? $", text[max(0, m.start() - 12):m.start()], re.I)]
    assert bare == [], f"site/{path}: 'tot <n> jaar' for an upper bound: {bare}"


# --- one name for the personal contribution, as in the calculator's answers ------------------

# The name amendment-5 §1/1 writes (« ticket modérateur » / « remgeld »); the circular's other
# name (« intervention personnelle », cost-3) appears once, as the gloss of the first mention.
@pytest.mark.parametrize("lang, term, other", [("fr", "ticket modérateur", "intervention personnelle"),
                                               ("nl", "remgeld", "persoonlijk aandeel")])
def test_the_parents_guide_names_the_personal_contribution_as_the_calculator_does(lang, term, other):
    text = guide(lang, "parents").lower()
    assert term in text
    assert text.count(other) <= 1, f"content/{lang}/parents.md: say {term!r}, not {other!r}"
    if other in text:
        assert 0 < text.index(other) - text.index(term) < 40  # the gloss follows the first mention
