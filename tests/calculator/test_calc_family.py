"""The parents' question (family_contribution) against `contribution`, over generated requests:
each possible route's assessment is what `contribution` answers for that route, the outcomes
group those routes by amount, and the answer never talks about billing."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calculator
from calculator.family_contribution import possible_routes
from calculator.schema import schema
from calculator.vocab import CENTRE_ROUTES, CENTRES, CONVENTION_ANSWERS, MODALITIES, PLACES, PROPOSERS
from tests.calculator.calc_jsonschema import errors as schema_errors

ANSWER_SCHEMA = {"$ref": "#/$defs/answer", "$defs": schema()["$defs"]}
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def family_requests(draw):
    proposer = draw(st.sampled_from(PROPOSERS))
    request = {"question": "family_contribution",
               "date": draw(st.dates(min_value=dt.date(2022, 10, 21), max_value=dt.date(2026, 12, 31))).isoformat(),
               "age": draw(st.integers(min_value=0, max_value=60)), "proposer": proposer}
    if proposer != "family":
        request["centre"] = draw(st.sampled_from(CENTRES))
        request["convention"] = draw(st.sampled_from(CONVENTION_ANSWERS))
    request.update(place=draw(st.sampled_from(PLACES)), modality=draw(st.sampled_from(MODALITIES)),
                   bim=draw(st.booleans()), first_session=draw(st.booleans()))
    return request


def contribution_for(request: dict, route: str) -> dict:
    fields = {k: request[k] for k in ("date", "age", "place", "modality", "bim", "first_session")}
    centre = {"centre": request["centre"]} if route in CENTRE_ROUTES else {}
    return calculator.answer({"question": "contribution", "route": route, **centre, **fields})


@SETTINGS
@given(family_requests())
def test_each_outcome_is_what_contribution_answers_for_its_routes(request):
    answer = calculator.answer(request)
    assert answer["ok"], answer.get("errors")
    assert schema_errors(ANSWER_SCHEMA, answer) == []
    r = answer["result"]
    routes = [x["route"] for x in r["routes"]]
    assert routes == list(possible_routes(request["proposer"], request.get("convention")))
    cited = {f"{c['doc']}#{c['para']}" for c in answer["citations"]}
    by_route = {}
    for x in r["routes"]:
        c = contribution_for(request, x["route"])["result"]
        assert (x["outcome"], x["reason"], x["amount_cents"], x["standard_amount_cents"]) == \
            (c["outcome"], c["reason"], c["amount_cents"], c["standard_amount_cents"]), x["route"]
        by_route[x["route"]] = c
    allowed = [route for route, c in by_route.items() if c["outcome"] != "not_allowed"]
    shown = [route for o in r["outcomes"] for route in o["routes"]]
    # every route that provides the place is shown, once; the others only when none does
    assert sorted(shown) == sorted(allowed or routes)
    amounts = [o["amount_cents"] for o in r["outcomes"]]
    assert len(set(amounts)) == len(amounts)  # one outcome per amount
    for o in r["outcomes"]:
        assert {by_route[route]["amount_cents"] for route in o["routes"]} == {o["amount_cents"]}
        assert set(o["reasons"]) == {by_route[route]["reason"] for route in o["routes"]}
        assert set(o["citations"]) <= cited and o["condition"]["fr"] and o["condition"]["nl"]
    assert r["ask"] == (request["centre"] if len(r["outcomes"]) > 1 else None)
    # plain words for parents: nothing on billing
    assert not any(c["doc"] == "annex-pseudocodes" or c["para"] == "art1-codes" for c in answer["citations"])
    for lang in ("fr", "nl"):
        assert "pseudocode" not in answer["explanation"][lang].lower()


def test_the_convention_known_or_not_changes_only_what_is_left_open():
    base = {"question": "family_contribution", "date": "2023-10-01", "age": 16, "proposer": "centre", "centre": "cpms",
            "place": "school", "modality": "individual", "bim": False, "first_session": False}
    outcomes = {c: calculator.answer({**base, "convention": c})["result"]["outcomes"] for c in CONVENTION_ANSWERS}
    known = [(o["routes"], o["amount_cents"]) for c in ("yes", "no") for o in outcomes[c]]
    assert [(o["routes"], o["amount_cents"]) for o in outcomes["unknown"]] == known
    # each condition of "I don't know" names what the known answer would have said
    assert [o["condition"] for o in outcomes["unknown"]] == [o["condition"] for c in ("yes", "no") for o in outcomes[c]]
