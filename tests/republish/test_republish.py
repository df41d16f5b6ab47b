"""End to end: a maintainer adds a new text that changes one value from a future date.

On a copy of the project (and of its built site): the scaffold makes a draft that
the build refuses; the fictitious "sixth amendment" (fixtures/sixth-amendment) is
then completed and its value taken in (group session: 2.50 € -> 3.00 € from
1 January 2040), and the site is rebuilt. Answers for earlier dates are unchanged,
answers from that date use the new value and cite the new text, the timeline and
the what-changed page show it. Broken variants (fixtures/sixth-amendment-broken)
stop the build with the file, the line and the fix, and leave the site untouched.
"""

from __future__ import annotations

import itertools
import re

import pytest

from tests.republish.republish import (
    apply_edits, apply_fixture, answers, broken_variants, build, cli, copy_project, run, tree_digest,
)

NEW_DATE = "2040-01-01"


def requests_around_the_change() -> list[dict]:
    """Contribution and course requests on dates before the new value (and one after)."""
    out = []
    for d, modality, bim, age, place in itertools.product(
            ("2023-08-31", "2024-01-31", "2024-02-01", "2024-04-01", "2039-12-31"), ("individual", "group"),
            (False, True), (16, 40), ("psychologist_office", "cpms_clb")):
        base = {"date": d, "age": age, "route": "own_convention", "centre": "cpms", "place": place, "modality": modality, "bim": bim}
        out.append({"question": "contribution", **base, "first_session": False})
        out.append({"question": "course", **base, "first_session": True, "sessions": 4})
    out += [{"question": "quota", "date": "2039-12-31", "care_type": "treatment", "network": "adults", "modality": "group"},
            {"question": "networks", "date": "2039-12-31", "age": 20},
            {"question": "fees", "date": "2039-12-31", "service": "group_session", "participants": 5}]
    return out


GROUP = {"question": "contribution", "age": 40, "route": "outside", "place": "psychologist_office",
         "modality": "group", "bim": False, "first_session": False}


def without_version(answer: str) -> str:
    return re.sub(r'"rules_version": "[^"]*"', '"rules_version": ""', answer)


@pytest.fixture(scope="module")
def republished(tmp_path_factory, site):
    """The copy before and after the sixth amendment, with what the steps printed."""
    project = copy_project(tmp_path_factory.mktemp("republish"), site)
    before_answers = answers(project, requests_around_the_change())
    before_group = cli(project, {**GROUP, "date": "2039-12-31"})

    # 1. The scaffold makes the two files; the draft cannot be published.
    scaffold = run(project, "-m", "scripts.maintain.new_source", "example-amendment", "--lang", "fr", "--kind", "amendment",
                   "--title", "Sixième avenant (FICTIF, texte de test)", "--short-title", "Sixième avenant (fictif)",
                   "--summary", "Texte fictif.", "--issuer", "Aucun", "--reference", "Sixième avenant (fictif)",
                   "--date", "2039-11-16", "--in-force", NEW_DATE, "--audience", "Mainteneurs")
    assert scaffold.returncode == 0, scaffold.stderr
    site_before = tree_digest(project / "site")
    draft_build = build(project)
    assert tree_digest(project / "site") == site_before

    # 2. The completed text and the new value, as the guide says.
    apply_fixture(project)
    result = build(project)
    return {
        "project": project, "before": before_answers, "before_group": before_group, "scaffold": scaffold,
        "draft_build": draft_build,
        "build": result,
    }


def test_the_scaffold_makes_both_files_and_the_menu_entries(republished):
    project = republished["project"]
    assert "example-amendment.md" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "example-amendment.md" in (project / "mkdocs.nl.yml").read_text(encoding="utf-8")
    assert "next steps" in republished["scaffold"].stdout


def test_a_scaffolded_draft_is_refused_with_file_line_and_fix(republished):
    r = republished["draft_build"]
    assert r.returncode == 1
    assert "nothing was published" in r.stderr
    assert re.search(r"sources/example-amendment/fr\.md:\d+: draft marker TODO-REVIEW", r.stderr)
    assert re.search(r"sources/example-amendment/nl\.md:\d+: draft marker TODO-TRANSLATE", r.stderr)
    assert "fix: translate the text" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_rebuild_succeeds(republished):
    r = republished["build"]
    assert r.returncode == 0, r.stdout + r.stderr


def test_answers_for_earlier_dates_are_unchanged(republished):
    after = answers(republished["project"], requests_around_the_change())
    changed = [(a, b) for a, b in zip(republished["before"], after) if without_version(a) != without_version(b)]
    assert not changed, changed[:2]
    assert all('"rules_version": "2040-01-01.1"' in a for a in after)


def test_from_the_new_date_the_new_value_applies_and_cites_the_new_text(republished):
    project = republished["project"]
    group = GROUP
    old = cli(project, {**group, "date": "2039-12-31"})
    new = cli(project, {**group, "date": NEW_DATE})
    # the day before: as before the change (2,50 € today), apart from the version of the rules
    assert {**old, "rules_version": ""} == {**republished["before_group"], "rules_version": ""}
    assert new["result"]["amount_cents"] == 300
    new_cited = {(c["doc"], c["para"]) for c in new["citations"]}
    old_cited = {(c["doc"], c["para"]) for c in old["citations"]}
    assert ("example-amendment", "copay-group") in new_cited
    assert ("example-amendment", "copay-group") not in old_cited
    label = next(c["label"] for c in new["citations"] if c["doc"] == "example-amendment")
    assert label["fr"].startswith("Sixième avenant (fictif) — ") and label["nl"].startswith("Zesde wijzigingsclausule (fictief) — ")
    assert "3,00 €" in new["explanation"]["fr"] and "€ 3,00" in new["explanation"]["nl"]
    # The interpretation quotes the value of its date: 2,50 € the day before, 3,00 € from the date,
    # with nothing rewritten by hand (its text says {copay_group}).
    bim = {**group, "bim": True}

    def group_words(date: str) -> str:
        answer = cli(project, {**bim, "date": date})
        return next(i["fr"] for i in answer["interpretations"] if i["id"] == "group-same-with-bim")

    assert "2,50 €" in group_words("2039-12-31") and "3,00 €" not in group_words("2039-12-31")
    assert "3,00 €" in group_words(NEW_DATE) and "2,50 €" not in group_words(NEW_DATE)
    # A course of group sessions from that date: 4 x 3 €.
    course = cli(project, {**group, "question": "course", "date": NEW_DATE, "first_session": True, "sessions": 4})
    assert course["result"]["total_cents"] == 1200


def test_the_new_text_is_published_in_both_languages(republished):
    site = republished["project"] / "site"
    fr = (site / "example-amendment" / "index.html").read_text(encoding="utf-8")
    nl = (site / "nl" / "example-amendment" / "index.html").read_text(encoding="utf-8")
    assert 'id="copay-group"' in fr and 'id="copay-group"' in nl
    assert "3,00 euros" in fr and "3,00 euro" in nl


def test_the_timeline_shows_the_new_date(republished):
    site = republished["project"] / "site"
    for page, words in ((site / "timeline" / "index.html", "1er janvier 2040"),
                        (site / "nl" / "timeline" / "index.html", "1 januari 2040")):
        html = page.read_text(encoding="utf-8")
        assert 'id="when-2040-01-01"' in html and words in html
        assert "example-amendment/#entry-into-force" in html


def open_value_label(project, parameter: str, when: str) -> dict:
    """The label of the value of `parameter` that the copy's data give on `when` ({value}
    written as the package writes an amount)."""
    import tomllib

    from calculator.i18n import Money
    from calculator.params import to_cents

    data = tomllib.loads((project / "calculator" / "data" / "contribution.toml").read_text(encoding="utf-8"))
    for v in data[parameter]["values"]:
        if v["start"].isoformat() <= when and ("end" not in v or when <= v["end"].isoformat()):
            return {lang: v["label"][lang].replace("{value}", Money(to_cents(v["value"])).format(lang)) for lang in ("fr", "nl")}
    raise AssertionError(f"no value of {parameter} on {when}")


def test_the_what_changed_page_shows_the_change(republished):
    project = republished["project"]
    site = project / "site"
    old = open_value_label(project, "copay_group", "2039-12-31")   # 2,50 € today
    for page, before, after, when in (
            (site / "changes" / "index.html", old["fr"], "3,00 € par séance de groupe", "1er janvier 2040"),
            (site / "nl" / "changes" / "index.html", old["nl"], "€ 3,00 per groepssessie", "1 januari 2040")):
        html = page.read_text(encoding="utf-8")
        section = html[html.index('id="from-example-amendment"'):]
        section = section[:section.index("</table>")]
        assert before in section and after in section and when in section
        assert "example-amendment/#copay-group" in section


# --- broken fixtures ------------------------------------------------------------------

VARIANTS = broken_variants()


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_broken_amendment_stops_the_build_and_leaves_the_site(tmp_path, site, name):
    project = copy_project(tmp_path, site)
    assert run(project, "-m", "scripts.maintain.new_source", "example-amendment", "--lang", "fr", "--kind", "amendment",
               "--title", "x", "--short-title", "x", "--summary", "x", "--issuer", "x", "--reference", "x",
               "--date", "2039-11-16", "--audience", "x").returncode == 0
    apply_fixture(project)
    apply_edits(project, VARIANTS[name]["edit"])
    before = tree_digest(project / "site")
    result = build(project)
    assert result.returncode == 1, result.stdout
    for words in VARIANTS[name]["expect"]:
        assert words in result.stderr, f"{words!r} not in:\n{result.stderr}"
    assert re.search(r"^\S+:[1-9]\d*: ", result.stderr, re.M), "the message names a file and a line"
    assert "Traceback" not in result.stderr
    assert tree_digest(project / "site") == before
    assert not (project / "build" / "site.new").exists()
