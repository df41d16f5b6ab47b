"""Every question applies every rule of its date (issue 12, item 5).

- the fees question never says what "the patient" pays in general on a date when a
  young person pays nothing: it says first that up to the age bound nothing is paid;
- the free-up-to-23 rule and the place rules never contradict each other: no answer
  says "whatever the place" (a place a route does not allow stays "not provided for"
  at every age), and the sentence of a place that is not possible names no price.
"""

from __future__ import annotations

import itertools

import pytest

import calculator
from calculator.params import load_rules
from calculator.vocab import CENTRE_ROUTES, CENTRES, PLACES, ROUTES

RULES = load_rules()
YOUTH = RULES.param("no_contribution_max_age")
YOUTH_FROM = next(v.start for v in YOUTH.values if v.value != "none").isoformat()
WHATEVER_PLACE = {"fr": "quel que soit le lieu", "nl": "ongeacht de plaats"}


def situations():
    for route in ROUTES:
        for centre in CENTRES if route in CENTRE_ROUTES else (None,):
            for place in PLACES:
                yield {"route": route, **({"centre": centre} if centre else {}), "place": place}


@pytest.mark.parametrize("service, extra", [("individual_session", {}), ("group_session", {"participants": 4})])
def test_fees_on_a_youth_date_say_the_age_before_the_general_split(service, extra):
    before = calculator.answer({"question": "fees", "date": "2024-01-31", "service": service, **extra})
    after = calculator.answer({"question": "fees", "date": YOUTH_FROM, "service": service, **extra})
    assert "free-young-people-2024" not in {i["id"] for i in before["interpretations"]}
    assert "free-young-people-2024" in {i["id"] for i in after["interpretations"]}
    fr, nl = after["explanation"]["fr"], after["explanation"]["nl"]
    assert "23 ans au plus ne paie rien" in fr and "hoogstens 23 jaar niets" in nl
    assert fr.index("23 ans au plus") < fr.index("Au-delà de cet âge")
    assert "Qui paie quoi : en général" not in fr and "Wie betaalt wat: meestal" not in nl
    assert "Qui paie quoi" in before["explanation"]["fr"] and "23 ans" not in before["explanation"]["fr"]


def test_fees_with_a_situation_on_a_youth_date_say_the_amount_is_for_older_patients():
    a = calculator.answer({"question": "fees", "date": YOUTH_FROM, "service": "individual_session",
                           "route": "outside", "place": "video", "bim": False, "first_session": False})
    assert a["result"]["patient_contribution_cents"] > 0
    assert "Ce montant vaut au-delà de 23 ans" in a["explanation"]["fr"]


@pytest.mark.parametrize("date", ["2024-01-31", YOUTH_FROM, "2024-04-01"])
def test_the_age_rule_and_the_place_rules_never_contradict(date):
    for s, age in itertools.product(situations(), (12, 30)):
        a = calculator.answer({"question": "contribution", "date": date, "age": age, **s,
                               "modality": "individual", "bim": False, "first_session": False})
        assert a["ok"], (s, a)
        for lang, words in WHATEVER_PLACE.items():
            assert words not in a["explanation"][lang], (s, age, lang)
        if a["result"]["outcome"] == "not_allowed":
            # the same at every age: the place decides whether the route takes the session
            other = calculator.answer({"question": "contribution", "date": date, "age": 42 - age, **s,
                                       "modality": "individual", "bim": False, "first_session": False})
            assert other["result"]["outcome"] == "not_allowed"
            assert other["explanation"] == a["explanation"], s
            for lang, money in (("fr", "€"), ("nl", "€")):
                assert money not in a["explanation"][lang] and "rien" not in a["explanation"]["fr"], s
