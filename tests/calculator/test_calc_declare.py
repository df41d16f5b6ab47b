"""calculator.declare: each question's request declared once, and what derives from it."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

import calculator
from calculator import form
from calculator.declare import KINDS, TODAY, FieldSpec, limit_names, parse, question_module, request_fields
from calculator.errors import InputError
from calculator.params import load_rules
from calculator.schema import schema
from calculator.vocab import QUESTIONS
from tests.calculator.calc_jsonschema import errors as schema_errors

RULES = load_rules()
META = tomllib.loads((Path(calculator.__file__).parent / "data" / "meta.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_fields_are_those_of_the_request_dataclass_in_order(question):
    fields = request_fields(question)
    request = question_module(question).REQUEST
    assert [f.name for f in fields] == [f.name for f in dataclasses.fields(request)]
    vocabulary = calculator.vocabulary()
    for f in fields:
        assert isinstance(f, FieldSpec) and f.kind in KINDS
        assert f.label.startswith("form.label.") and (f.hint is None or f.hint.startswith("form.hint."))
        if f.kind == "choice":
            assert list(f.choices) == [item["value"] for item in vocabulary[f.vocab]]
            assert f.default is None or f.default in f.choices
        else:
            assert f.choices is None and f.vocab is None
        if f.kind == "integer":
            assert f.minimum <= f.maximum
            assert f.default is None or f.minimum <= f.default <= f.maximum
        for name in (*f.together, *f.when, *f.excludes, *f.optional_with):
            assert name in request.__dataclass_fields__, (f.name, name)


def test_every_input_limit_bounds_some_field_and_the_schema_says_it():
    limits = META["input_limits"]
    assert set(limit_names()) == set(limits)  # each limit bounds a field, and only these limits
    defs = schema()["$defs"]
    for q in QUESTIONS:
        for f in request_fields(q):
            if f.kind == "integer":
                assert f.maximum in limits.values()
                prop = defs[f"{q}_request"]["properties"][f.name]
                assert (prop["minimum"], prop["maximum"]) == (f.minimum, f.maximum), (q, f.name)


def test_bounds_come_from_the_loaded_rules():
    small = dataclasses.replace(RULES, limits={**RULES.limits, "age_max": 30, "course_sessions_max": 5})
    assert next(f for f in request_fields("networks", small) if f.name == "age").maximum == 30
    a = calculator.answer({"question": "networks", "date": "2023-10-01", "age": 31}, small)
    assert [(e["field"], e["code"]) for e in a["errors"]] == [("age", "out_of_range")]
    assert "30" in a["errors"][0]["fr"] and "30" in a["errors"][0]["nl"]
    assert calculator.answer({"question": "networks", "date": "2023-10-01", "age": 31})["ok"]
    sessions = schema(small)["$defs"]["course_request"]["properties"]["sessions"]
    assert sessions["maximum"] == 5


def _form_requests(question: str, date: str) -> list[dict]:
    """The requests the form's defaults make: every field with a default that applies
    (for a field that excludes others: one request with it, one without)."""
    fields = request_fields(question)
    pivots = [f for f in fields if f.excludes]
    variants = [set()] if not pivots else [{p.name for p in pivots}, set(pivots[0].excludes)]
    out = []
    for left_out in variants:
        request = {"question": question}
        for f in fields:
            if f.name in left_out or f.default is None or f.together:
                continue
            if any(request.get(k) not in v for k, v in f.when.items()):
                continue
            request[f.name] = form.field_default(f.vocab, f.default, date)
        out.append(request)
    return out


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_form_defaults_give_an_answer_and_a_valid_request(question):
    request_schema = {"$ref": "#/$defs/request", "$defs": schema()["$defs"]}
    # on both sides of 1 April 2024, when the care types change
    for request in _form_requests(question, "2023-10-01") + _form_requests(question, "2024-10-01"):
        answer = calculator.answer(request)
        assert answer["ok"], (request, answer.get("errors"))
        assert schema_errors(request_schema, request) == []


def test_parse_gives_the_typed_request():
    req = parse("course", {"question": "course", "date": "2023-10-01", "age": 16.0, "route": "outside",
                           "place": "video", "modality": "group", "bim": True, "first_session": False,
                           "sessions": 3, "care_type": None, "network": None}, RULES)
    assert type(req) is question_module("course").REQUEST
    assert (req.age, req.sessions, req.care_type, req.date.isoformat()) == (16, 3, None, "2023-10-01")
    assert type(req.age) is int
    lookup = parse("pseudocode", {"code": 792632}, RULES)
    assert (lookup.code, lookup.date, lookup.kind) == ("792632", None, None)


def test_parse_names_every_wrong_field_in_request_order():
    with pytest.raises(InputError) as e:
        parse("pseudocode", {"zz": 1, "code": "792632", "team": "none", "kind": "x", "date": "x"}, RULES)
    assert [(x.field, x.code) for x in e.value.errors] == [
        ("date", "invalid_date"), ("kind", "unexpected_field"), ("team", "unexpected_field"), ("zz", "unexpected_field")]
    with pytest.raises(InputError) as e:
        parse("pseudocode", {"code": None}, RULES)
    assert [(x.field, x.code) for x in e.value.errors] == [
        ("date", "missing_field"), ("care_type", "missing_field"), ("modality", "missing_field"),
        ("kind", "missing_field")]
