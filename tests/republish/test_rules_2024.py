"""The rules since 2024: free sessions up to 23 from 1 February 2024 (public
references, shown as less authoritative), and the convention of 1 April 2024 that
is known but not encoded (a named warning)."""

from __future__ import annotations

import itertools

import datetime as dt
import json

import pytest

import calculator
from tests.calculator.calc_jsonschema import errors as schema_errors
from calculator.i18n import PublishedDate
from calculator.params import Ref, load_rules, read_data_files
from calculator.schema import schema
from calculator.validation import validation_problems

RULES = load_rules()
ANSWER_SCHEMA = {"$ref": "#/$defs/answer", "$defs": schema()["$defs"]}


def contribution(date: str, age: int, **kw) -> dict:
    req = {"question": "contribution", "date": date, "age": age, "route": "outside", "place": "psychologist_office",
           "modality": "individual", "bim": False, "first_session": False, **kw}
    return calculator.answer(req)


# --- the references -------------------------------------------------------------------------


def test_the_two_public_references_are_recorded_with_their_kind_and_dates():
    press = RULES.references["press-2024-02-free-youth"]
    helan = RULES.references["helan-2024-free-youth"]
    assert press.kind == "press" and helan.kind == "mutuality"
    assert press.title == ("Offre gratuite chez le psychologue et l'orthopédagogue de première ligne pour les "
                           "enfants et les adolescents")
    assert helan.title == "offre gratuite psychologue de première ligne pour enfants"
    assert press.url == "https://vandenbroucke.belgium.be/" and helan.url == "https://helan.be/"
    # only the site is known: the note says the exact address must be checked
    assert "vérifiée" in press.url_note.fr and "nagekeken" in press.url_note.nl
    # publication and effect kept apart; no invented day
    assert press.published == "2024-01" and helan.published == "2024"
    assert press.effective == helan.effective == dt.date(2024, 2, 1)


def test_a_citation_of_a_reference_shows_its_kind_and_links_to_the_what_changed_page():
    a = contribution("2024-02-01", 16)
    refs = [c for c in a["citations"] if c["doc"] == "changes"]
    assert [(c["para"], c["kind"]) for c in refs] == [("ref-press-2024-02-free-youth", "press"),
                                                      ("ref-helan-2024-free-youth", "mutuality")]
    press = refs[0]["label"]
    assert press["fr"].startswith("Communiqué de presse (une annonce, pas un texte officiel) — ")
    assert "janvier 2024" in press["fr"] and "januari 2024" in press["nl"]
    assert press["nl"].startswith("Persbericht (een aankondiging, geen officiële tekst) — ")
    # a paragraph of our texts has no kind
    assert all("kind" not in c for c in a["citations"] if c["doc"] != "changes")
    assert schema_errors(ANSWER_SCHEMA, a) == []


def test_published_dates_without_a_day_are_written_as_such():
    cat = RULES.catalogue
    assert cat.text("citations.reference", kind="k", publisher="p", published=PublishedDate("2024-01"),
                    label="l").fr == "k — p, janvier 2024 : l"
    assert cat.text("citations.reference", kind="k", publisher="p", published=PublishedDate("2024"),
                    label="l").nl == "k — p, 2024: l"
    assert cat.text("citations.reference", kind="k", publisher="p", published=PublishedDate("2024-01-17"),
                    label="l").fr == "k — p, 17 janvier 2024 : l"


# --- 1 February 2024 -----------------------------------------------------------------------


@pytest.mark.parametrize("date, age, outcome, cents", [
    ("2024-01-31", 23, "pay", 1100), ("2024-01-31", 24, "pay", 1100),
    ("2024-02-01", 23, "free", 0), ("2024-02-01", 24, "pay", 1100),
    ("2024-02-01", 0, "free", 0), ("2024-02-01", 120, "pay", 1100),
])
def test_free_up_to_23_from_1_february_2024(date, age, outcome, cents):
    r = contribution(date, age)["result"]
    assert (r["outcome"], r["amount_cents"]) == (outcome, cents)


def test_adults_keep_their_amounts_from_1_february_2024():
    assert contribution("2024-02-01", 30, bim=True)["result"]["amount_cents"] == 400
    assert contribution("2024-02-01", 30, modality="group")["result"]["amount_cents"] == 250
    assert contribution("2024-02-01", 30, first_session=True)["result"]["reason"] == "first_session_free"


def test_every_place_and_route_is_free_at_23_unless_the_place_is_not_possible():
    from calculator.vocab import CENTRE_ROUTES, CENTRES, PLACES, ROUTES

    situations = [(route, centre) for route in ROUTES for centre in (CENTRES if route in CENTRE_ROUTES else (None,))]
    for (route, centre), place in itertools.product(situations, PLACES):
        given = {"centre": centre} if centre else {}
        r = contribution("2024-02-01", 23, route=route, place=place, modality="group", bim=True, **given)["result"]
        assert r["outcome"] in ("free", "not_allowed"), (route, centre, place, r)
        assert r["outcome"] == "not_allowed" or r["amount_cents"] == 0


# --- 1 April 2024 --------------------------------------------------------------------------

LATER = ("rules_may_have_changed", "convention_2024_not_encoded")


@pytest.mark.parametrize("question", [
    {"question": "networks", "age": 16},
    {"question": "fees", "service": "individual_session"},
    {"question": "pseudocode", "code": "792632"},
    {"question": "contribution", "age": 16, "route": "outside", "place": "video", "modality": "group", "bim": False,
     "first_session": False},
    {"question": "course", "age": 30, "route": "outside", "place": "video", "modality": "group", "bim": False,
     "first_session": True, "sessions": 3},
])
def test_from_1_april_2024_every_answer_names_the_new_convention(question):
    before = calculator.answer({**question, "date": "2024-03-31"})
    after = calculator.answer({**question, "date": "2024-04-01"})
    assert not {w["code"] for w in before["warnings"]} & set(LATER)
    codes = [w["code"] for w in after["warnings"]]
    assert "convention_2024_not_encoded" in codes and "rules_may_have_changed" not in codes
    w = next(w for w in after["warnings"] if w["code"] == "convention_2024_not_encoded")
    assert "1er avril 2024" in w["fr"] and "nouvelle convention de l'INAMI" in w["fr"] and "31 mars 2024" in w["fr"]
    assert "1 april 2024" in w["nl"] and "RIZIV-overeenkomst" in w["nl"] and "31 maart 2024" in w["nl"]
    assert "Ce qui a changé" in w["fr"] and "Wat is er veranderd" in w["nl"]
    # the last encoded rules: the result itself is that of 31 March 2024
    assert after["result"] == before["result"]


def test_from_1_april_2024_the_quota_question_says_the_convention_text_is_not_among_our_sources():
    before = calculator.answer({"question": "quota", "date": "2024-03-31", "care_type": "sppl",
                                "network": "children_adolescents", "modality": "individual"})
    after = calculator.answer({"question": "quota", "date": "2024-04-01", "care_type": "support",
                               "network": "children_adolescents", "modality": "individual"})
    assert not {w["code"] for w in before["warnings"]} & set(LATER)
    codes = [w["code"] for w in after["warnings"]]
    # the pending warning is replaced: the values are taken in from public pages, cited with their kind
    assert "convention_2024_text_not_in_sources" in codes and not set(codes) & set(LATER)
    w = next(w for w in after["warnings"] if w["code"] == "convention_2024_text_not_in_sources")
    assert "1er avril 2024" in w["fr"] and "ne fait pas partie de nos sources" in w["fr"] and "31 mars 2024" in w["fr"]
    assert "1 april 2024" in w["nl"] and "niet in onze bronnen" in w["nl"]
    kinds = {c["para"]: c.get("kind") for c in after["citations"]}
    assert kinds["ref-kw-2024-02-sessions"] == "press" and kinds["ref-inami-2024-citizens"] == "inami_page"
    assert all(c["doc"] == "changes" for c in after["citations"])  # none of our texts says it
    assert schema_errors(ANSWER_SCHEMA, after) == []


def test_the_known_until_date_and_the_pending_changes():
    assert RULES.known_valid_until == dt.date(2024, 3, 31)
    convention, circular = RULES.pending
    assert (convention.id, convention.effective, convention.warning, convention.taken_in_warning) == (
        "convention-2024-04", dt.date(2024, 4, 1), "convention_2024_not_encoded", "convention_2024_text_not_in_sources")
    assert "soutien psychologique" in convention.summary.fr and "ne fait pas partie de nos sources" in convention.summary.fr
    assert (circular.id, circular.effective) == ("fwb-circular-2025-09", dt.date(2025, 9, 18))
    assert "pas encodée" in circular.summary.fr and "niet gecodeerd" in circular.summary.nl


def test_the_2024_references_have_their_kind_and_a_publication_date_without_an_invented_day():
    refs = RULES.references
    expected = {"inami-2024-professionals": ("inami_page", "2024"), "inami-2024-citizens": ("inami_page", "2024"),
                "riziv-2024-citizens": ("inami_page", "2024"), "kw-2024-02-sessions": ("press", "2024-02"),
                "psynam-f3": ("network_site", "2024"), "helan-2024-contribution": ("mutuality", "2024"),
                "mr-2025-09-fwb-circular": ("party", "2025-09")}
    assert {rid: (refs[rid].kind, refs[rid].published) for rid in expected} == expected
    # a kind is shown in every citation label: never presented as the convention
    label = RULES.citation_label(Ref("changes", "ref-inami-2024-citizens"))
    assert "pas le texte de la convention" in label.fr and "niet de tekst van de overeenkomst" in label.nl


# --- the validation stays strict ----------------------------------------------------------


def mutate(name: str, old: str, new: str) -> dict[str, bytes]:
    files = dict(read_data_files())
    text = files[name].decode("utf-8")
    assert text.count(old) == 1, old
    files[name] = text.replace(old, new).encode("utf-8")
    return files


@pytest.mark.parametrize("name, old, new, code", [
    ("contribution.toml", 'ref = "changes#ref-press-2024-02-free-youth"', 'ref = "changes#ref-nope"',
     "reference_unknown"),
    ("references.toml", '[references.press-2024-02-free-youth]\nkind = "press"',
     '[references.press-2024-02-free-youth]\nkind = "blog"', "reference_kind"),
    ("references.toml", '\npublished = "2024-01"', '\npublished = 2024-01-15', "published_quoted"),
    ("references.toml", '\npublished = "2024-01"', '\npublished = "2024-13"', "published_not_a_date"),
    ("references.toml", 'url = "https://helan.be/"', 'url = "helan.be"', "url_https"),
    ("references.toml", '\neffective = 2024-02-01\nlabel = { fr = "gratuit jusqu', '\neffective = 2024-03-01\nlabel = { fr = "gratuit jusqu',
     "reference_not_yet"),
    ("meta.toml", "effective = 2024-04-01", "effective = 2024-03-01", "pending_effective"),
    ("meta.toml", 'warning = "convention_2024_not_encoded"', 'warning = "convention_2025"',
     "pending_message"),
    ("contribution.toml", 'start = 2024-02-01\nvalue = 23', 'start = 2024-02-01\nvalue = "23"',
     "age_limit"),
])
def test_broken_references_and_pending_changes_are_refused(name, old, new, code):
    problems = validation_problems(files=mutate(name, old, new))
    assert any(p.code == code and p.file and p.line > 0 for p in problems), problems


def test_answers_are_json_and_match_the_schema_on_both_sides():
    for d in ("2024-01-31", "2024-02-01", "2024-04-01", "2030-01-01"):
        for age in (23, 24):
            a = contribution(d, age)
            assert schema_errors(ANSWER_SCHEMA, a) == []
            json.dumps(a, allow_nan=False)
