"""The built site: the what-changed page, the timeline of 2024, the maintainer guide."""

from __future__ import annotations

import re

import pytest

from calculator.params import load_rules

RULES = load_rules()
PAGES = {"fr": "", "nl": "nl/"}


def page(site, lang: str, name: str) -> str:
    return (site / PAGES[lang] / name / "index.html").read_text(encoding="utf-8")


def section(html: str, anchor: str, end: str = "<h2") -> str:
    start = html.index(f'id="{anchor}"')
    stop = html.find(end, start + 1)
    return html[start:stop if stop > 0 else None]


@pytest.mark.parametrize("lang", PAGES)
def test_every_reference_the_calculator_cites_has_its_anchor(site, lang):
    html = page(site, lang, "changes")
    for r in RULES.references.values():
        assert f'id="ref-{r.id}"' in html
    for p in RULES.pending:
        assert f'id="pending-{p.id}"' in html


@pytest.mark.parametrize("lang, old, new, when, kind", [
    ("fr", "Pas de gratuité selon l'âge", "Gratuit jusqu'à 23 ans inclus", "1er février 2024",
     "Communiqué de presse (une annonce, pas un texte officiel)"),
    ("nl", "Geen gratis sessies volgens leeftijd", "Gratis tot en met 23 jaar", "1 februari 2024",
     "Persbericht (een aankondiging, geen officiële tekst)"),
])
def test_the_change_of_february_2024_is_listed_under_its_source(site, lang, old, new, when, kind):
    html = page(site, lang, "changes")
    part = section(html, "from-ref-press-2024-02-free-youth", "<h3")
    assert old.replace("'", "&#39;") in part or old in part
    assert new.replace("'", "&#39;") in part or new in part
    assert when in part and kind in part
    assert 'href="#ref-press-2024-02-free-youth"' in part
    # the changes of 1 September 2023 are there too, under the fifth amendment
    assert 'id="from-amendment-5"' in html


@pytest.mark.parametrize("lang, words", [
    ("fr", ["Notre résumé (ce n&#39;est pas une citation)", "janvier 2024", "https://vandenbroucke.belgium.be/",
            "moins officiel qu&#39;un texte de convention"]),
    ("nl", ["Onze samenvatting (geen citaat)", "januari 2024", "https://helan.be/",
            "minder officieel dan een overeenkomsttekst"]),
])
def test_the_references_say_what_they_are(site, lang, words):
    html = page(site, lang, "changes")
    part = section(html, "references")
    for w in words:
        assert w in part or w.replace("&#39;", "'") in part, w
    assert 'lang="fr"' in part  # the French title on the Dutch page is marked as French


@pytest.mark.parametrize("lang, words", [
    ("fr", ["Nouvelle convention INAMI du 1er avril 2024", "convention_2024_not_encoded", "31 mars 2024"]),
    ("nl", ["Nieuwe RIZIV-overeenkomst van 1 april 2024", "convention_2024_not_encoded", "31 maart 2024"]),
])
def test_the_convention_of_april_2024_is_listed_as_not_encoded(site, lang, words):
    html = page(site, lang, "changes")
    for w in words:
        assert w in html, w
    assert "10 à 20 séances" in html or "10 tot 20 individuele sessies" in html


@pytest.mark.parametrize("lang", PAGES)
def test_the_timeline_shows_2024_with_links_to_the_what_changed_page(site, lang):
    html = page(site, lang, "timeline")
    for date, anchor in (("2024-02-01", "ref-press-2024-02-free-youth"), ("2024-04-01", "pending-convention-2024-04")):
        item = html[html.index(f'id="when-{date}"'):]
        item = item[:item.index("</li>")]
        assert f"changes/#{anchor}" in item


@pytest.mark.parametrize("lang, title", [("fr", "Guide de maintenance"), ("nl", "Gids voor het onderhoud")])
def test_the_maintainer_guide_is_on_the_site_and_linked(site, lang, title):
    guide = page(site, lang, "maintainer-guide")
    assert title in guide and "new_source.py" in guide and "import_text.py" in guide
    assert 'href="../maintainer-guide/"' in page(site, lang, "maintainers")
    assert 'href="../changes/"' in page(site, lang, "maintainers")


def test_the_guide_says_the_same_in_both_languages():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    fr = (root / "MAINTAINERS.md").read_text(encoding="utf-8")
    nl = (root / "MAINTAINERS.nl.md").read_text(encoding="utf-8")
    code = re.compile(r"```(?:sh|toml)\n(.*?)```", re.S)
    # the same commands and data snippets, apart from the words of the examples
    assert len(code.findall(fr)) == len(code.findall(nl))
    assert len(re.findall(r"^## ", fr, re.M)) == len(re.findall(r"^## ", nl, re.M))
    for cmd in ("-m scripts.maintain.import_text", "-m scripts.maintain.new_source", "--translation",
                "-m scripts.check.check_sources --ids", "calculator.validation --sources sources", "-m scripts.build",
                "make test"):
        assert cmd in fr and cmd in nl, cmd
