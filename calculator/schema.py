"""The JSON Schema (draft 2020-12) of requests and answers.

Built from the vocabularies and from each question module's REQUEST_SCHEMA and
RESULT_SCHEMA, so the schema cannot drift from the code.
"""

from __future__ import annotations

from . import contribution, course, fees, networks, pseudocode, quota
from .errors import ERROR_CODES
from .params import REFERENCE_KINDS
from .vocab import BILLING, CARE_TYPES, MODALITIES, NETWORKS, OUTCOMES, PLACES, QUESTIONS, REASONS, ROUTES

MODULES = {
    "networks": networks,
    "quota": quota,
    "contribution": contribution,
    "course": course,
    "pseudocode": pseudocode,
    "fees": fees,
}
assert tuple(MODULES) == QUESTIONS

TEXT = {
    "type": "object",
    "required": ["fr", "nl"],
    "additionalProperties": False,
    "properties": {"fr": {"type": "string"}, "nl": {"type": "string"}},
}


def schema() -> dict:
    defs = {
        "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                 "description": "ISO date YYYY-MM-DD of the session"},
        "age": {"type": "integer", "minimum": 0, "maximum": 120, "description": "age in completed years"},
        "network": {"enum": list(NETWORKS)},
        "care_type": {"enum": list(CARE_TYPES)},
        "modality": {"enum": list(MODALITIES)},
        "route": {"enum": list(ROUTES)},
        "place": {"enum": list(PLACES)},
        "outcome": {"enum": list(OUTCOMES)},
        "reason": {"enum": list(REASONS)},
        "billing": {"enum": list(BILLING)},
        "text": TEXT,
        "citation": {
            "type": "object",
            "required": ["doc", "para", "label"],
            "additionalProperties": False,
            "properties": {"doc": {"type": "string"}, "para": {"type": "string"}, "label": {"$ref": "#/$defs/text"},
                           "kind": {"enum": list(REFERENCE_KINDS),
                                    "description": "only for a public reference that is not an official text "
                                                   "(doc = \"changes\", para = \"ref-<id>\")"}},
        },
        "warning": {
            "type": "object",
            "required": ["code", "fr", "nl"],
            "additionalProperties": False,
            "properties": {"code": {"type": "string"}, "fr": {"type": "string"}, "nl": {"type": "string"}},
        },
        "interpretation": {
            "type": "object",
            "required": ["id", "title", "fr", "nl"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string"},
                "title": {"$ref": "#/$defs/text"},
                "fr": {"type": "string"},
                "nl": {"type": "string"},
            },
        },
        "error": {
            "type": "object",
            "required": ["field", "code", "fr", "nl"],
            "additionalProperties": False,
            "properties": {
                "field": {"type": "string"},
                "code": {"enum": list(ERROR_CODES)},
                "fr": {"type": "string"},
                "nl": {"type": "string"},
            },
        },
        "error_answer": {
            "type": "object",
            "required": ["ok", "errors"],
            "additionalProperties": False,
            "properties": {
                "ok": {"const": False},
                "errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/error"}},
            },
        },
    }
    requests = []
    answers = []
    for q, mod in MODULES.items():
        defs[f"{q}_request"] = mod.REQUEST_SCHEMA
        defs[f"{q}_result"] = mod.RESULT_SCHEMA
        defs[f"{q}_answer"] = {
            "type": "object",
            "required": ["ok", "question", "date", "result", "explanation", "citations", "warnings",
                         "interpretations", "rules_version"],
            "additionalProperties": False,
            "properties": {
                "ok": {"const": True},
                "question": {"const": q},
                "date": {"$ref": "#/$defs/date"} if q != "pseudocode" else
                        {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
                "result": {"$ref": f"#/$defs/{q}_result"},
                "explanation": {"$ref": "#/$defs/text"},
                "citations": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/citation"}},
                "warnings": {"type": "array", "items": {"$ref": "#/$defs/warning"}},
                "interpretations": {"type": "array", "items": {"$ref": "#/$defs/interpretation"}},
                "rules_version": {"type": "string"},
            },
        }
        requests.append({"$ref": f"#/$defs/{q}_request"})
        answers.append({"$ref": f"#/$defs/{q}_answer"})
    answers.append({"$ref": "#/$defs/error_answer"})
    defs["request"] = {"oneOf": requests}
    defs["answer"] = {"oneOf": answers}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "calculator.schema.json",
        "title": "SPPL/SPS calculator: requests and answers",
        "description": "A request is one of $defs/request; the answer is one of $defs/answer. "
                       "Amounts come twice: <name>_eur (number, euros) and <name>_cents (integer).",
        "type": "object",
        "properties": {"request": {"$ref": "#/$defs/request"}, "answer": {"$ref": "#/$defs/answer"}},
        "$defs": defs,
    }
