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
from .declare import date_spec, result_field, spec
from .i18n import Key, Text
from .params import Pseudocode, Rules

QUESTION = "pseudocode"
MODES = ("lookup", "search")
ATTRIBUTES = ("care_type", "modality", "kind", "team")  # of a code: the fields of a search, and its labels
LABELS_SCHEMA = {
    "type": "object",
    "required": ["fr", "nl"],
    "additionalProperties": False,
    "properties": {lang: {
        "type": "object",
        "required": list(ATTRIBUTES),
        "additionalProperties": False,
        "properties": {k: {"type": "string"} for k in ATTRIBUTES},
    } for lang in ("fr", "nl")},
}


@dataclass(frozen=True, kw_only=True)
class PseudocodeRequest:
    # optional for a lookup: then the code as last encoded
    date: _dt.date | None = date_spec(optional_with=("code",))
    code: str | None = spec("code", required=False, default="792632", hint=True, excludes=ATTRIBUTES)  # lookup
    care_type: str | None = spec("choice", vocab="code_care_type", default="sppl", label="code_care_type")  # search
    # the form offers only the values that some code has with the fields above (combinations)
    modality: str | None = spec("choice", vocab="code_modality", default="individual", label="code_modality",
                                narrowed_by=("care_type",))
    kind: str | None = spec("choice", vocab="kind", default="physical_other", narrowed_by=("care_type", "modality"))
    team: str | None = spec("choice", vocab="team", required=False, hint=True,  # optional in a search
                            narrowed_by=("care_type", "modality", "kind"))


@dataclass(frozen=True)
class CodeInfo:
    code: str = result_field(pattern="^[0-9]{6}$")
    care_type: str = result_field(vocab="code_care_type")
    modality: str = result_field(vocab="code_modality")
    kind: str = result_field(vocab="kind")
    team: str = result_field(vocab="team")
    outreach: bool
    reserved_no_contribution: bool
    description: Text              # fr: the exact text of the annex; nl: unofficial translation
    # {"fr": {"care_type", "modality", "kind", "team"}, "nl": {...}}
    labels: dict = result_field(schema=LABELS_SCHEMA)


@dataclass(frozen=True)
class PseudocodeResult:
    mode: str = result_field(choices=MODES)
    codes: list[CodeInfo] = result_field(min_items=1)
    unique: bool
    reserved_no_contribution: bool  # True if any code returned is one of the 8 reserved codes


REQUEST, RESULT = PseudocodeRequest, PseudocodeResult


def combinations(rules: Rules) -> list[dict[str, str]]:
    """The attributes of each code (calculator/data/pseudocodes.toml), whatever its dates:
    what the form's narrowed choices offer (declare.FieldSpec narrowed_by)."""
    return [{a: getattr(pc, a) for a in ATTRIBUTES} for pc in rules.pseudocodes]


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
        # the answer changes where a code of the list starts or ends
        b.depends_on(d for pc in rules.pseudocodes
                     for d in (pc.start, *(() if pc.end is None else (pc.end + _dt.timedelta(days=1),))))
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
    if req.date is None or req.date > rules.known_valid_until:
        # the encoded list is the annex of 2023: the last one we encode (issue 12)
        b.warn("last_code_list", since=max(pc.start for pc in rules.pseudocodes))
    b.interpret("pseudocodes-from-2023-09-01")
    return b.build(PseudocodeResult(mode, [_info(pc, rules) for pc in found], len(found) == 1, reserved))

