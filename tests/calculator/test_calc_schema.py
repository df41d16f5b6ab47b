"""The JSON Schema printed by `python -m calculator --schema` describes the real requests and answers."""

from __future__ import annotations

import pytest

import calculator
from tests.calculator.calc_jsonschema import errors
from tests.calculator.calc_scenarios import load_scenarios
from calculator.schema import schema

SCHEMA = schema()
SCENARIOS = load_scenarios()


def _sub(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}", "$defs": SCHEMA["$defs"]}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_answers_match_the_schema(scenario):
    answer = calculator.answer(scenario.request)
    assert errors(_sub("answer"), answer) == []
    if "errors" not in scenario.spec:
        # A request that gets an answer is a valid request for the schema too.
        assert errors(_sub("request"), scenario.request) == []


def test_schema_rejects_what_the_calculator_rejects():
    bad = [
        {"question": "networks", "date": "2023-10-01"},
        {"question": "networks", "date": "2023-10-01", "age": 16, "extra": 1},
        {"question": "contribution", "date": "2023-10-01", "age": 16, "route": "x", "place": "school",
         "modality": "individual", "bim": False, "first_session": False},
        {"question": "nope"},
    ]
    for request in bad:
        assert errors(_sub("request"), request), request
        assert calculator.answer(request)["ok"] is False


def test_every_error_code_and_question_is_in_the_schema():
    from calculator.errors import ERROR_CODES
    from calculator.vocab import QUESTIONS

    assert SCHEMA["$defs"]["error"]["properties"]["code"]["enum"] == list(ERROR_CODES)
    for q in QUESTIONS:
        assert f"{q}_request" in SCHEMA["$defs"] and f"{q}_answer" in SCHEMA["$defs"]
