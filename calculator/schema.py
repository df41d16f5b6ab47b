"""The JSON Schema (draft 2020-12) of requests and answers.

Derived from each question's declaration (calculator/declare.py): its request
fields (kinds, vocabularies, bounds resolved from meta.toml [input_limits]) and
its result dataclass (annotations and result_field metadata), so the schema
cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import types
import typing
from typing import Any

from .declare import FieldSpec, question_module, request_fields, result_meta
from .errors import ERROR_CODES
from .i18n import Text
from .params import REFERENCE_KINDS
from .vocab import LABELLED, QUESTIONS

TEXT = {
    "type": "object",
    "required": ["fr", "nl"],
    "additionalProperties": False,
    "properties": {"fr": {"type": "string"}, "nl": {"type": "string"}},
}


def schema(rules=None) -> dict:
    """The JSON Schema; the bounds of the requests are those of these rules (default: the package's)."""
    if rules is None:
        from .params import load_rules

        rules = load_rules()
    defs = {
        "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                 "description": "ISO date YYYY-MM-DD of the session"},
        **{name: {"enum": list(values)} for name, (_, values) in LABELLED.items()},
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
    for q in QUESTIONS:
        fields = request_fields(q, rules)
        dated = next(f for f in fields if f.name == "date")
        defs[f"{q}_request"] = request_schema(q, fields)
        defs[f"{q}_result"] = result_schema(question_module(q).RESULT)
        defs[f"{q}_answer"] = {
            "type": "object",
            "required": ["ok", "question", "date", "result", "explanation", "citations", "warnings",
                         "interpretations", "rules_version"],
            "additionalProperties": False,
            "properties": {
                "ok": {"const": True},
                "question": {"const": q},
                "date": _nullable({"$ref": "#/$defs/date"}, not (dated.required and not dated.optional_with)),
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


# --- requests --------------------------------------------------------------------------

def _nullable(sub: dict, nullable: bool) -> dict:
    if not nullable:
        return sub
    if "type" in sub and not {"enum", "const"} & set(sub):  # minimum, pattern...: only for their type
        types_ = sub["type"] if isinstance(sub["type"], list) else [sub["type"]]
        return {**sub, "type": [*types_, "null"]}
    return {"anyOf": [sub, {"type": "null"}]}


def _field_schema(f: FieldSpec) -> dict:
    if f.kind == "date":
        return {"$ref": "#/$defs/date"}
    if f.kind == "integer":
        return {"type": "integer", "minimum": f.minimum, "maximum": f.maximum}
    if f.kind == "boolean":
        return {"type": "boolean"}
    if f.kind == "choice":
        return {"$ref": f"#/$defs/{f.vocab}"}
    if f.kind == "code":  # a string of 6 digits, or the same as a number
        return {"anyOf": [{"type": "string", "pattern": "^[0-9]{6}$"},
                          {"type": "integer", "minimum": 100000, "maximum": 999999}]}
    return {"type": "string"}


def _object(question: str, fields: list[FieldSpec], required: set[str], nullable_only: set[str] = frozenset(),
            title: str | None = None) -> dict:
    props: dict[str, Any] = {"question": {"const": question}}
    for f in fields:
        # A field left out or null is not given; a required one must be given.
        props[f.name] = {"type": "null"} if f.name in nullable_only else _nullable(_field_schema(f), f.name not in required)
    out: dict[str, Any] = {"type": "object"}
    if title:
        out["title"] = title
    out["required"] = ["question", *(f.name for f in fields if f.name in required)]
    out["additionalProperties"] = False
    out["properties"] = props
    groups = {f.together for f in fields if f.together}
    if groups:
        out["dependentRequired"] = {n: [m for m in g if m != n] for g in sorted(groups) for n in g}
    return out


def request_schema(question: str, fields: tuple[FieldSpec, ...]) -> dict:
    """A question's request: one object, or (when a field excludes others) one of
    two objects, with that field and without it."""
    fields = list(fields)
    # a field taken only `when` others hold some values is not required by the schema
    # (the package names it when it is missing)
    required = {f.name for f in fields if f.required and not f.optional_with and not f.when}
    pivot = next((f for f in fields if f.excludes), None)
    if pivot is None:
        return _object(question, fields, required)
    with_it = [f for f in fields if f.name not in pivot.excludes]
    relaxed = {f.name for f in fields if pivot.name in f.optional_with}
    without = {f.name for f in fields if f.required}
    return {"oneOf": [
        _object(question, with_it, (required - relaxed) | {pivot.name}, title=f"with {pivot.name}"),
        _object(question, fields, without, nullable_only={pivot.name}, title=f"without {pivot.name}"),
    ]}


# --- results ---------------------------------------------------------------------------

_SCALARS = {int: "integer", bool: "boolean", str: "string", float: "number"}


def _type_schema(tp: Any, meta: dict) -> dict:
    if "schema" in meta:
        return meta["schema"]
    args = typing.get_args(tp)
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        (inner,) = [a for a in args if a is not type(None)]
        return _nullable(_type_schema(inner, meta), True)
    if typing.get_origin(tp) is list:
        out = {"type": "array", "items": _type_schema(args[0], {k: v for k, v in meta.items() if k != "min_items"})}
        if "min_items" in meta:
            out["minItems"] = meta["min_items"]
        return out
    if tp is Text:
        return {"$ref": "#/$defs/text"}
    if dataclasses.is_dataclass(tp):
        return result_schema(tp)
    if tp is _dt.date:
        return {"$ref": "#/$defs/date"}
    if "vocab" in meta:
        return {"$ref": f"#/$defs/{meta['vocab']}"}
    if "choices" in meta:
        return {"enum": list(meta["choices"])}
    out = {"type": _SCALARS[tp]}
    if "pattern" in meta:
        out["pattern"] = meta["pattern"]
    if "minimum" in meta:
        out["minimum"] = meta["minimum"]
    return out


def _with_minimum(sub: dict, minimum: int | None) -> dict:
    return sub if minimum is None else {**sub, "minimum": minimum}


def result_schema(cls: type) -> dict:
    """The JSON of a result dataclass, as calculator/answer.py to_json writes it: a
    field <name>_cents (an amount, never negative) gives <name>_eur then <name>_cents."""
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        meta = result_meta(f)
        if f.name.endswith("_cents"):
            nullable = isinstance(hints[f.name], types.UnionType)
            base = f.name[: -len("_cents")]
            minimum = meta.get("minimum", 0)
            props[f"{base}_eur"] = _with_minimum(_nullable({"type": "number"}, nullable), minimum)
            props[f.name] = _with_minimum(_nullable({"type": "integer"}, nullable), minimum)
        else:
            props[f.name] = _type_schema(hints[f.name], meta)
    return {"type": "object", "required": list(props), "additionalProperties": False, "properties": props}
