"""Sentences true as a reader meets them (issue 13 items 4 and 5): the error of fields
that go together, the course's sentences for a series, one name for the personal
contribution."""

from __future__ import annotations

import re

import calculator
from calculator.params import load_rules
from tests.calculator.route_grid import DATES, PLACES, ROUTES

DAY = "2024-03-01"


def _errors(request: dict) -> list[dict]:
    answer = calculator.answer(request)
    assert not answer["ok"]
    return [e for e in answer["errors"] if e["code"] == "fields_go_together"]


def test_fields_that_go_together_say_all_or_none_for_more_than_two():
    # fees: route, place, bim and first_session go together (the "situation" group)
    many = _errors({"question": "fees", "service": "individual_session", "date": DAY, "place": "school"})
    assert len(many) == 3
    for e in many:
        assert "tous ou aucun" in e["fr"] and "des deux" not in e["fr"], e["fr"]
        assert "alle of geen" in e["nl"] and "beide" not in e["nl"], e["nl"]
    # course: care_type and network, two fields
    two = _errors({"question": "course", "date": DAY, "age": 12, "route": "outside", "place": "psychologist_office",
                   "modality": "individual", "bim": False, "first_session": True, "sessions": 3, "care_type": "sppl"})
    assert [e["field"] for e in two] == ["network"]
    assert "aucun des deux" in two[0]["fr"] and "geen van beide" in two[0]["nl"]


# --- a course speaks of its sessions -------------------------------------------------------

# What only a sentence about one session says (the contribution question's words).
SINGLE = {
    "fr": [r"\bcette séance\b", r"\bla séance (a|n'a|ne peut|peut)\b", r"permet la séance",
           r"C'est aussi votre première séance", r"de toute façon elle ne vous coûte rien"],
    "nl": [r"\bdeze sessie\b", r"\bde sessie (vindt|kan)\b", r"\bde sessie toelaat", r"Het is ook uw eerste sessie"],
}


def _grid(question: str, **extra):
    for day, _ in DATES:
        for route, centre in ROUTES:
            for place in PLACES:
                for modality, bim in (("individual", False), ("individual", True), ("group", False), ("group", True)):
                    for first in (True, False):
                        for age in (12, 30):
                            request = {"question": question, "date": day, "age": age, "route": route,
                                       "place": place, "modality": modality, "bim": bim, "first_session": first,
                                       **extra}
                            if centre:
                                request["centre"] = centre
                            yield request


def _single(text: str, lang: str) -> list[str]:
    return [p for p in SINGLE[lang] if re.search(p, text)]


def test_a_course_of_several_sessions_has_no_sentence_about_one_session():
    found = {"fr": set(), "nl": set()}
    for request in _grid("contribution"):  # the patterns do find the one-session sentences
        answer = calculator.answer(request)
        for lang in found:
            found[lang] |= set(_single(answer["explanation"][lang], lang))
    assert found == {lang: set(patterns) for lang, patterns in SINGLE.items()}
    answered = 0
    for sessions in (3,):
        for request in _grid("course", sessions=sessions):
            answer = calculator.answer(request)
            assert answer["ok"], (request, answer.get("errors"))
            answered += 1
            for lang in SINGLE:
                assert not _single(answer["explanation"][lang], lang), (request, answer["explanation"][lang])
    assert answered > 1000


def test_a_course_of_one_session_speaks_as_the_contribution_does():
    request = next(r for r in _grid("course", sessions=1) if r["route"] == "outside" and r["age"] == 30
                   and not r["first_session"] and r["modality"] == "individual" and not r["bim"])
    single = {k: v for k, v in request.items() if k != "sessions"}
    contribution = calculator.answer({**single, "question": "contribution"})
    course = calculator.answer(request)
    for lang in ("fr", "nl"):
        assert course["explanation"][lang].startswith(contribution["explanation"][lang])


# --- one name for the personal contribution ----------------------------------------------------

# The name the rule's own text uses (amendment-5#art1-par1-1: « le ticket modérateur n'est pas
# dû » / « het remgeld niet verschuldigd »; also the INAMI letter and the note to the CLB), and
# the other name of the sources (circular-8761#cost-3, the annex's descriptions), said once,
# in the gloss.
TERM = {"fr": "ticket modérateur", "nl": "remgeld"}
OTHER = {"fr": ["intervention personnelle", "contribution personnelle", "quote-part"],
         "nl": ["persoonlijk aandeel", "persoonlijke bijdrage", "eigen bijdrage"]}
# labels.kind.no_contribution keeps the annex's words: pseudocode answers carry it beside them
ANNEX_WORDS = {"glosses.contribution", "labels.kind.no_contribution"}


def test_the_catalogues_name_the_personal_contribution_one_way():
    cat = load_rules().catalogue
    for lang, names in OTHER.items():
        for key, text in cat.messages[lang].items():
            if key in ANNEX_WORDS:
                continue
            for name in names:
                assert name not in text.lower(), f"messages.{lang}.toml {key}: {name!r} (say {TERM[lang]!r})"
        assert OTHER[lang][0] in cat.raw(lang, "glosses.contribution")


# The rules' own words a reader meets beside an answer: parameter descriptions and labels,
# interpretations, pending changes, the references' labels and summaries. Not the pseudocode
# descriptions (the annex's words, quoted) nor anchors.toml (the titles of source paragraphs).
DATA_WORDED = ("contribution.toml", "fees.toml", "quotas.toml", "networks.toml", "meta.toml", "references.toml")


def _texts(node, lang):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in (lang, f"description_{lang}") and isinstance(value, str):
                yield value
            else:
                yield from _texts(value, lang)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item, lang)


def test_the_rules_data_name_the_personal_contribution_one_way():
    import tomllib
    from pathlib import Path

    data = Path(calculator.__file__).parent / "data"
    seen = 0
    for name in DATA_WORDED:
        tree = tomllib.loads((data / name).read_text(encoding="utf-8"))
        for lang, names in OTHER.items():
            for text in _texts(tree, lang):
                seen += 1
                for other in names:
                    assert other not in text.lower(), f"{name} ({lang}): {other!r} in {text[:90]!r} (say {TERM[lang]!r})"
    assert seen > 100


def test_an_answer_glosses_the_name_where_it_first_names_it():
    cat = load_rules().catalogue
    glossed = 0
    for question, extra in (("contribution", {}), ("course", {"sessions": 3})):
        for request in _grid(question, **extra):
            answer = calculator.answer(request)
            for lang, term in TERM.items():
                text, gloss = answer["explanation"][lang], cat.raw(lang, "glosses.contribution")
                if term not in text.lower():
                    assert gloss not in text
                    continue
                glossed += 1
                first = text.lower().index(term)
                assert text.count(gloss) == 1, (request, text)
                # the gloss follows the first mention (at most a word such as « habituel » between)
                assert 0 <= text.index(gloss) - first - len(term) < 12, (request, text)
    assert glossed > 1000
