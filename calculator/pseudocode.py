"""Question `pseudocode`: which pseudocode to bill, or what a pseudocode means.

Two forms of request:
- search: care_type, modality, kind (and optionally team) -> the matching codes;
- lookup: code -> its attributes and description.
Rules: annex-pseudocodes (the table, one row per code, as replaced by
amendment-5#art2 from 1/09/2023, amendment-5#art3); the 8 codes reserved to the
no-contribution situations: amendment-5#art1-codes.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .answer import Answer, Builder, date_before_rules
from .errors import FieldError, InputError
from .fields import Reader
from .i18n import Key, Text
from .params import Pseudocode, Rules
from .vocab import CODE_CARE_TYPES, CODE_KINDS, CODE_MODALITIES, TEAMS

QUESTION = "pseudocode"
SEARCH_FIELDS = ("care_type", "modality", "kind", "team")
FIELDS = ("date", "code", *SEARCH_FIELDS)


@dataclass(frozen=True)
class PseudocodeRequest:
    date: _dt.date | None          # optional for a lookup: then the code as last encoded
    code: str | None = None        # lookup
    care_type: str | None = None   # search
    modality: str | None = None
    kind: str | None = None
    team: str | None = None        # optional in a search


@dataclass(frozen=True)
class CodeInfo:
    code: str
    care_type: str
    modality: str
    kind: str
    team: str
    outreach: bool
    reserved_no_contribution: bool
    description: Text              # fr: the exact text of the annex; nl: unofficial translation
    labels: dict                   # {"fr": {"care_type", "modality", "kind", "team"}, "nl": {...}}


@dataclass(frozen=True)
class PseudocodeResult:
    mode: str                      # lookup | search
    codes: list[CodeInfo]
    unique: bool
    reserved_no_contribution: bool  # True if any code returned is one of the 8 reserved codes


def parse(raw: dict, rules: Rules) -> PseudocodeRequest:
    r = Reader(raw, FIELDS)
    when = r.date(required=not r.present("code"))
    if r.present("code"):
        code = r.code("code")
        for name in SEARCH_FIELDS:
            if r.present(name):
                r.error(name, "unexpected_field")
        r.finish()
        return PseudocodeRequest(when, code=code)
    care_type = r.choice("care_type", CODE_CARE_TYPES)
    modality = r.choice("modality", CODE_MODALITIES)
    kind = r.choice("kind", CODE_KINDS)
    team = r.choice("team", TEAMS, required=False)
    r.finish()
    return PseudocodeRequest(when, None, care_type, modality, kind, team)


def _info(pc: Pseudocode, rules: Rules) -> CodeInfo:
    cat = rules.catalogue
    texts = {
        "care_type": cat.text(f"labels.code_care_type.{pc.care_type}"),
        "modality": cat.text(f"labels.code_modality.{pc.modality}"),
        "kind": cat.text(f"labels.kind.{pc.kind}"),
        "team": cat.text(f"labels.team.{pc.team}"),
    }
    labels = {lang: {k: t.get(lang) for k, t in texts.items()} for lang in ("fr", "nl")}
    return CodeInfo(pc.code, pc.care_type, pc.modality, pc.kind, pc.team, pc.outreach,
                    pc.reserved_no_contribution, pc.description, labels)


def pseudocode(req: PseudocodeRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    if req.date is None:  # a lookup without date: what the code means in the encoded list
        in_force = list(rules.pseudocodes)
    else:
        in_force = [pc for pc in rules.pseudocodes if pc.covers(req.date)]
    if not in_force:
        later = [pc.start for pc in rules.pseudocodes if pc.start > req.date]
        raise InputError([date_before_rules(min(later) if later else None)])
    if req.code is not None:
        known = rules.code(req.code)
        if known is None:
            raise InputError([FieldError("code", "unknown_code", {"code": req.code})])
        if known not in in_force:
            raise InputError([FieldError("code", "code_not_in_force", {"code": req.code, "start": known.start})])
        found, mode = [known], "lookup"
    else:
        mode = "search"
        found = [
            pc for pc in in_force
            if pc.care_type == req.care_type and pc.modality == req.modality and pc.kind == req.kind
            and (req.team is None or pc.team == req.team)
        ]
        if not found:
            raise InputError([FieldError("team" if req.team else "kind", "no_matching_code", {})])
    b.cite("annex-pseudocodes#codes")
    for pc in found:
        b.cite(pc.ref)
    b.cite("amendment-5#art2")
    if mode == "lookup" or len(found) == 1:
        pc = found[0]
        b.say("pseudocode.one", code=pc.code, description=pc.description)
        b.say("pseudocode.attributes", care_type=Key(f"labels.code_care_type.{pc.care_type}"),
              modality=Key(f"labels.code_modality.{pc.modality}"), team=Key(f"labels.team.{pc.team}"))
    else:
        b.say("pseudocode.several", count=len(found))
        for pc in found:
            b.say("pseudocode.item", code=pc.code, team=Key(f"labels.team.{pc.team}"))
        b.warn("several_codes")
    reserved = any(pc.reserved_no_contribution for pc in found)
    if reserved:
        b.cite_value(b.value("reserved_no_contribution_codes") if req.date else
                      b.param("reserved_no_contribution_codes").values[-1])
        b.warn("reserved_code")
    b.interpret("pseudocodes-from-2023-09-01")
    return b.build(PseudocodeResult(mode, [_info(pc, rules) for pc in found], len(found) == 1, reserved))


REQUEST_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "title": "lookup",
            "required": ["question", "code"],
            "additionalProperties": False,
            "properties": {
                "question": {"const": QUESTION},
                "date": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
                "code": {"type": ["string", "integer"], "pattern": "^[0-9]{6}$"},
            },
        },
        {
            "type": "object",
            "title": "search",
            "required": ["question", "date", "care_type", "modality", "kind"],
            "additionalProperties": False,
            "properties": {
                "question": {"const": QUESTION},
                "date": {"$ref": "#/$defs/date"},
                "care_type": {"enum": list(CODE_CARE_TYPES)},
                "modality": {"enum": list(CODE_MODALITIES)},
                "kind": {"enum": list(CODE_KINDS)},
                "team": {"enum": [*TEAMS, None]},
            },
        },
    ]
}

RESULT_SCHEMA = {
    "type": "object",
    "required": ["mode", "codes", "unique", "reserved_no_contribution"],
    "additionalProperties": False,
    "properties": {
        "mode": {"enum": ["lookup", "search"]},
        "codes": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "care_type", "modality", "kind", "team", "outreach",
                             "reserved_no_contribution", "description", "labels"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": "^[0-9]{6}$"},
                    "care_type": {"enum": list(CODE_CARE_TYPES)},
                    "modality": {"enum": list(CODE_MODALITIES)},
                    "kind": {"enum": list(CODE_KINDS)},
                    "team": {"enum": list(TEAMS)},
                    "outreach": {"type": "boolean"},
                    "reserved_no_contribution": {"type": "boolean"},
                    "description": {"$ref": "#/$defs/text"},
                    "labels": {
                        "type": "object",
                        "required": ["fr", "nl"],
                        "additionalProperties": False,
                        "properties": {lang: {
                            "type": "object",
                            "required": ["care_type", "modality", "kind", "team"],
                            "additionalProperties": False,
                            "properties": {k: {"type": "string"} for k in ("care_type", "modality", "kind", "team")},
                        } for lang in ("fr", "nl")},
                    },
                },
            },
        },
        "unique": {"type": "boolean"},
        "reserved_no_contribution": {"type": "boolean"},
    },
}
