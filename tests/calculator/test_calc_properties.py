"""Invariants, checked with hypothesis over many generated requests."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calculator
from tests.calculator.calc_jsonschema import errors as schema_errors
from tests.calculator.calc_scenarios import load_scenarios
from calculator.errors import ERROR_CODES
from calculator.schema import schema
from calculator.vocab import CENTRE_ROUTES, CENTRES, MODALITIES, NETWORKS, OUTCOMES, PLACES, QUOTA_CARE_TYPES, ROUTES

FIRST = dt.date(2022, 10, 21)
KNOWN_UNTIL = dt.date(2024, 3, 31)
# After KNOWN_UNTIL every answer warns: by naming the known change that is not encoded
# yet (meta.toml [pending]), else with the general warning.
LATER_WARNINGS = {"rules_may_have_changed", "convention_2024_not_encoded", "convention_2024_text_not_in_sources"}
SCHEMA = schema()
ANSWER_SCHEMA = {"$ref": "#/$defs/answer", "$defs": SCHEMA["$defs"]}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dates = st.dates(min_value=FIRST, max_value=dt.date(2035, 12, 31))
ages = st.integers(min_value=0, max_value=120)


def contribution_requests():
    return st.fixed_dictionaries({
        "question": st.just("contribution"),
        "date": dates.map(dt.date.isoformat),
        "age": ages,
        "route": st.sampled_from(ROUTES),
        "place": st.sampled_from(PLACES),
        "modality": st.sampled_from(MODALITIES),
        "bim": st.booleans(),
        "first_session": st.booleans(),
        "centre": st.sampled_from(CENTRES),
    }).map(lambda r: r if r["route"] in CENTRE_ROUTES else {k: v for k, v in r.items() if k != "centre"})


def assert_well_formed(answer: dict) -> None:
    assert schema_errors(ANSWER_SCHEMA, answer) == []
    json.dumps(answer, allow_nan=False)
    if answer["ok"]:
        assert answer["explanation"]["fr"] and answer["explanation"]["nl"]
        assert answer["citations"]
        for c in answer["citations"]:
            assert c["label"]["fr"] and c["label"]["nl"]
    else:
        assert answer["errors"]
        for e in answer["errors"]:
            assert e["code"] in ERROR_CODES and e["code"] != "internal_error", e
            assert isinstance(e["field"], str) and e["fr"] and e["nl"]
            assert e["field"] or e["code"] == "unexpected_field"  # a key "" is named as it is


@SETTINGS
@given(contribution_requests())
def test_a_contribution_is_never_negative_nor_above_the_standard_amount(request):
    a = calculator.answer(request)
    assert a["ok"], a
    r = a["result"]
    assert r["outcome"] in OUTCOMES
    if r["outcome"] == "not_allowed":
        assert r["amount_cents"] is None and r["amount_eur"] is None
    else:
        assert 0 <= r["amount_cents"] <= r["standard_amount_cents"]
        assert r["amount_eur"] == r["amount_cents"] / 100
    if r["outcome"] == "free":
        assert r["amount_cents"] == 0
    assert_well_formed(a)
    when = dt.date.fromisoformat(request["date"])
    assert bool(LATER_WARNINGS & {w["code"] for w in a["warnings"]}) == (when > KNOWN_UNTIL)


@SETTINGS
@given(contribution_requests(), st.integers(min_value=1, max_value=99))
def test_a_course_costs_the_sum_of_its_sessions_and_grows_with_them(request, n):
    course = {**request, "question": "course", "sessions": n}
    a = calculator.answer(course)
    b = calculator.answer({**course, "sessions": n + 1})
    assert a["ok"] and b["ok"]
    ra, rb = a["result"], b["result"]
    if ra["outcome"] == "not_allowed":
        assert ra["total_cents"] is None and rb["total_cents"] is None
        return
    assert ra["total_cents"] == sum(line["count"] * line["amount_cents"] for line in ra["breakdown"])
    assert sum(line["count"] for line in ra["breakdown"]) == n
    assert 0 <= ra["total_cents"] <= ra["standard_total_cents"]
    assert ra["total_cents"] <= rb["total_cents"]
    # The first session of a course costs what the contribution question says.
    one = calculator.answer(request)["result"]
    assert ra["breakdown"][0]["amount_cents"] == one["amount_cents"]


@SETTINGS
@given(dates, st.sampled_from(QUOTA_CARE_TYPES), st.sampled_from(NETWORKS), st.sampled_from(MODALITIES),
       st.integers(min_value=0, max_value=1000))
def test_remaining_sessions_are_never_negative(when, care_type, network, modality, used):
    a = calculator.answer({"question": "quota", "date": when.isoformat(), "care_type": care_type,
                           "network": network, "modality": modality, "sessions_used": used})
    # the care types of the circular until 31 March 2024, the functions of the convention from 1 April 2024
    in_force = (care_type in ("support", "treatment")) == (when >= dt.date(2024, 4, 1))
    if not in_force:
        assert [e["code"] for e in a["errors"]] in (["care_type_replaced"], ["care_type_not_yet"])
        return
    r = a["result"]
    if r["max_sessions"] is None:  # no maximum, or none known: nothing to count down
        assert r["max_status"] in ("no_maximum", "not_known") and r["remaining"] is None
        return
    assert r["max_status"] == "at_most"
    assert r["remaining"] >= 0
    assert r["remaining"] == max(0, r["max_sessions"] - used)
    assert r["quota_reached"] == (used >= r["max_sessions"])
    if r["average_sessions"] is not None:
        assert r["average_sessions"] <= r["max_sessions"]
    assert_well_formed(a)


@SETTINGS
@given(dates, ages)
def test_every_age_has_a_network_and_choice_is_15_to_23(when, age):
    a = calculator.answer({"question": "networks", "date": when.isoformat(), "age": age})
    r = a["result"]
    assert r["networks"]
    assert r["can_choose"] == (15 <= age <= 23)
    assert ("two_networks" in {w["code"] for w in a["warnings"]}) == r["can_choose"]


@SETTINGS
@given(st.dates(max_value=FIRST - dt.timedelta(days=1)),
       st.sampled_from(["networks", "quota", "contribution", "course", "fees"]))
def test_a_date_before_the_first_rule_is_refused(when, question):
    base = {
        "networks": {"age": 16},
        "quota": {"care_type": "sppl", "network": "adults", "modality": "group"},
        "contribution": {"age": 16, "route": "outside", "place": "video", "modality": "individual",
                         "bim": False, "first_session": False},
        "course": {"age": 16, "route": "outside", "place": "video", "modality": "individual",
                   "bim": False, "first_session": False, "sessions": 3},
        "fees": {"service": "trajectory"},
    }[question]
    a = calculator.answer({"question": question, "date": when.isoformat(), **base})
    assert a["ok"] is False
    assert [(e["field"], e["code"]) for e in a["errors"]] == [("date", "date_before_rules")]


# --- any JSON in: an answer or a structured error out -----------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
VALID = [s.request for s in load_scenarios() if "errors" not in s.spec]
FIELDS = sorted({k for r in VALID for k in r} | {"", "x"})


@SETTINGS
@given(json_values)
def test_any_json_value_gets_an_answer_or_a_structured_error(value):
    out = json.loads(calculator.answer_json(json.dumps(value)))
    assert_well_formed(out)


@SETTINGS
@given(st.sampled_from(VALID), st.sampled_from(FIELDS), json_values)
def test_a_valid_request_with_one_field_changed_never_breaks(request, field, value):
    changed = {**request, field: value}
    out = json.loads(calculator.answer_json(json.dumps(changed)))
    assert_well_formed(out)


@SETTINGS
@given(st.sampled_from(VALID), st.sampled_from(FIELDS))
def test_a_valid_request_with_one_field_removed_never_breaks(request, field):
    changed = {k: v for k, v in request.items() if k != field}
    assert_well_formed(calculator.answer(changed))


@SETTINGS
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_any_text_gets_an_answer_or_a_structured_error(text):
    out = json.loads(calculator.answer_json(text))
    assert_well_formed(out)


def test_nan_infinity_and_deep_nesting_are_invalid_json_not_a_crash():
    for text in ('{"question": "networks", "date": "2023-10-01", "age": NaN}',
                 '{"age": Infinity}', "[" * 100000 + "]" * 100000, "1" * 5000, "", "{", "\ud800"):
        out = json.loads(calculator.answer_json(text))
        assert_well_formed(out)
