"""Question `fees`: what the psychologist (or another provider) receives, and who pays what.

Rules (calculator/data/fees.toml, from the RIZIV note): riziv-note-clb#fee-individual
(75 €), #fee-group (200 €, second provider 123 €), #other-premiums (trajectory
60 € once per patient per year; multidisciplinary consultation 225 € with at
least 3 providers), #indexation. The split between patient and network follows
inami-letter-2023#purpose (interpretation network-pays-the-rest); the patient's
part is the contribution of calculator/contribution.py.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .answer import Answer, Builder
from .contribution import assess
from .fields import Reader
from .i18n import Count, Money
from .params import Rules, to_cents
from .vocab import CARE_TYPES, FEE_SERVICES, PLACES, ROUTES

QUESTION = "fees"
CONTEXT_FIELDS = ("route", "place", "bim", "first_session")
FIELDS = ("date", "service", *CONTEXT_FIELDS, "participants", "providers", "care_type")

# service -> (fee parameter, unit, recipient)
SERVICES = {
    "individual_session": ("fee_individual", "per_session", "clinical_psychologist"),
    "group_session": ("fee_group", "per_session", "clinical_psychologist"),
    "group_second_provider": ("fee_group_second_provider", "per_session", "second_provider"),
    "trajectory": ("fee_trajectory", "per_patient_per_year", "clinical_psychologist"),
    "multidisciplinary_consultation": ("fee_multidisciplinary", "per_consultation", "providers"),
}
FEE_UNITS = ("per_session", "per_patient_per_year", "per_consultation")
RECIPIENTS = ("clinical_psychologist", "second_provider", "providers")
SPLIT_CASES = ("usual", "bim", "free")


@dataclass(frozen=True)
class FeesRequest:
    date: _dt.date
    service: str
    route: str | None = None          # route, place, bim, first_session: all or none,
    place: str | None = None          # only for individual_session and group_session
    bim: bool | None = None
    first_session: bool | None = None
    participants: int | None = None   # group_session only
    providers: int | None = None      # multidisciplinary_consultation only
    care_type: str | None = None      # multidisciplinary_consultation only


@dataclass(frozen=True)
class Split:
    case: str                         # usual | bim | free
    patient_cents: int                # what each patient pays
    network_cents: int | None         # what the network pays (None: group without participants)


@dataclass(frozen=True)
class FeesResult:
    service: str
    fee_cents: int
    fee_unit: str
    recipient: str
    indexed: bool
    eligible: bool | None              # None when the conditions could not be checked
    patient_contribution_cents: int | None   # per patient, for the given situation
    network_share_cents: int | None
    participants: int | None
    splits: list[Split]


def parse(raw: dict, rules: Rules) -> FeesRequest:
    r = Reader(raw, FIELDS)
    when = r.date()
    service = r.choice("service", FEE_SERVICES)
    route = place = bim = first = participants = providers = care_type = None
    session = service in ("individual_session", "group_session")
    if session and r.together(CONTEXT_FIELDS):
        route = r.choice("route", ROUTES)
        place = r.choice("place", PLACES)
        bim = r.boolean("bim")
        first = r.boolean("first_session")
    if service == "group_session":
        participants = r.integer("participants", 1, rules.limits["participants_max"], required=False)
    if service == "multidisciplinary_consultation":
        providers = r.integer("providers", 1, rules.limits["providers_max"], required=False)
        care_type = r.choice("care_type", CARE_TYPES, required=False)
    if service is not None:
        used = {"date", "service"}
        if session:
            used |= set(CONTEXT_FIELDS)
        if service == "group_session":
            used.add("participants")
        if service == "multidisciplinary_consultation":
            used |= {"providers", "care_type"}
        r.allowed = used | {"question"}
    r.finish()
    return FeesRequest(when, service, route, place, bim, first, participants, providers, care_type)


def fees(req: FeesRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    pid, unit, recipient = SERVICES[req.service]
    fee_value = b.value(pid)
    b.cite_value(fee_value)
    fee = to_cents(fee_value.value)
    b.interpret("note-amounts-from-circular-date")
    eligible: bool | None = True
    patient = network = None
    splits: list[Split] = []

    if req.service in ("individual_session", "group_session"):
        modality = "individual" if req.service == "individual_session" else "group"
        if modality == "individual":
            b.say("fees.individual_session", fee=Money(fee))
        else:
            second = to_cents(b.use("fee_group_second_provider"))
            b.say("fees.group_session", fee=Money(fee), second=Money(second))
            b.interpret("group-fee-indexed")
        b.interpret("network-pays-the-rest")
        b.cite("inami-letter-2023#purpose")
        usual = to_cents(b.use("copay_individual" if modality == "individual" else "copay_group"))
        bim = to_cents(b.use("copay_individual_bim")) if modality == "individual" else usual
        count = req.participants if modality == "group" else 1

        def net(p: int) -> int | None:
            return None if count is None else fee - p * count

        splits.append(Split("usual", usual, net(usual)))
        if modality == "individual":
            splits.append(Split("bim", bim, net(bim)))
        splits.append(Split("free", 0, net(0)))
        if req.route is not None:
            a = assess(b, req.route, req.place, modality, req.bim, req.first_session)
            if a.outcome == "not_allowed":
                eligible = False
            else:
                patient = a.amount_cents
                network = net(patient)
                if network is not None:
                    key = "fees.split_individual" if modality == "individual" else "fees.split_group"
                    b.say(key, patient=Money(patient), network=Money(network), participants=count)
                else:
                    b.say("fees.split_group_unknown", patient=Money(patient))
        elif modality == "individual":
            b.say("fees.splits_individual", usual=Money(usual), usual_net=Money(fee - usual),
                  bim=Money(bim), bim_net=Money(fee - bim), fee=Money(fee))
        elif count is not None:
            b.say("fees.splits_group", usual=Money(usual), participants=count,
                  usual_net=Money(fee - usual * count), fee=Money(fee))
        else:
            b.say("fees.split_group_unknown", patient=Money(usual))
    else:
        patient, network = 0, fee
        if req.service == "group_second_provider":
            b.say("fees.group_second_provider", fee=Money(fee))
            b.interpret("network-pays-the-rest")
        elif req.service == "trajectory":
            b.say("fees.trajectory", fee=Money(fee))
            b.warn("once_per_year")
        else:
            minimum = b.use("multidisciplinary_min_providers")
            b.say("fees.multidisciplinary", fee=Money(fee), minimum=Count(minimum, "providers"))
            b.interpret("multidisciplinary-per-consultation")
            if req.care_type == "sppl":
                eligible = False
                b.say("fees.not_eligible_care_type")
            if req.providers is not None and req.providers < minimum:
                eligible = False
                b.say("fees.not_eligible_providers", providers=Count(req.providers, "providers"),
                      minimum=Count(minimum, "providers"))
            if eligible and (req.providers is None or req.care_type is None):
                eligible = None
            if eligible is False:
                patient = network = None
        if eligible is not False:
            b.say("fees.no_patient_share")
        if req.service != "group_second_provider":
            b.interpret("premiums-without-contribution")
    if fee_value.indexed:
        b.warn("indexed")
    return b.build(FeesResult(
        req.service, fee, unit, recipient, fee_value.indexed, eligible, patient, network,
        req.participants, splits,
    ))


REQUEST_SCHEMA = {
    "type": "object",
    "required": ["question", "date", "service"],
    "additionalProperties": False,
    "properties": {
        "question": {"const": QUESTION},
        "date": {"$ref": "#/$defs/date"},
        "service": {"enum": list(FEE_SERVICES)},
        "route": {"anyOf": [{"$ref": "#/$defs/route"}, {"type": "null"}]},
        "place": {"anyOf": [{"$ref": "#/$defs/place"}, {"type": "null"}]},
        "bim": {"type": ["boolean", "null"]},
        "first_session": {"type": ["boolean", "null"]},
        "participants": {"type": ["integer", "null"], "minimum": 1},
        "providers": {"type": ["integer", "null"], "minimum": 1},
        "care_type": {"anyOf": [{"$ref": "#/$defs/care_type"}, {"type": "null"}]},
    },
}

RESULT_SCHEMA = {
    "type": "object",
    "required": [
        "service", "fee_eur", "fee_cents", "fee_unit", "recipient", "indexed", "eligible",
        "patient_contribution_eur", "patient_contribution_cents", "network_share_eur",
        "network_share_cents", "participants", "splits",
    ],
    "additionalProperties": False,
    "properties": {
        "service": {"enum": list(FEE_SERVICES)},
        "fee_eur": {"type": "number", "minimum": 0},
        "fee_cents": {"type": "integer", "minimum": 0},
        "fee_unit": {"enum": list(FEE_UNITS)},
        "recipient": {"enum": list(RECIPIENTS)},
        "indexed": {"type": "boolean"},
        "eligible": {"type": ["boolean", "null"]},
        "patient_contribution_eur": {"type": ["number", "null"], "minimum": 0},
        "patient_contribution_cents": {"type": ["integer", "null"], "minimum": 0},
        "network_share_eur": {"type": ["number", "null"], "minimum": 0},
        "network_share_cents": {"type": ["integer", "null"], "minimum": 0},
        "participants": {"type": ["integer", "null"]},
        "splits": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["case", "patient_eur", "patient_cents", "network_eur", "network_cents"],
                "additionalProperties": False,
                "properties": {
                    "case": {"enum": list(SPLIT_CASES)},
                    "patient_eur": {"type": "number", "minimum": 0},
                    "patient_cents": {"type": "integer", "minimum": 0},
                    "network_eur": {"type": ["number", "null"], "minimum": 0},
                    "network_cents": {"type": ["integer", "null"], "minimum": 0},
                },
            },
        },
    },
}
