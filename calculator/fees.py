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
from .declare import date_spec, result_field, spec
from .i18n import Count, Money
from .params import Rules, to_cents
from .vocab import CENTRE_ROUTES

QUESTION = "fees"
SESSIONS = ("individual_session", "group_session")
CONTEXT = ("route", "place", "bim", "first_session")  # the situation of the patient: all or none

# service -> (fee parameter, unit, recipient)
SERVICES = {
    "individual_session": ("fee_individual", "per_session", "clinical_psychologist"),
    "group_session": ("fee_group", "per_session", "clinical_psychologist"),
    "group_second_provider": ("fee_group_second_provider", "per_session", "second_provider"),
    "trajectory": ("fee_trajectory", "per_patient_per_year", "clinical_psychologist"),
    "multidisciplinary_consultation": ("fee_multidisciplinary", "per_consultation", "providers"),
}
FEE_UNITS = tuple(dict.fromkeys(unit for _, unit, _ in SERVICES.values()))
RECIPIENTS = tuple(dict.fromkeys(recipient for _, _, recipient in SERVICES.values()))
SPLIT_CASES = ("usual", "bim", "free")


@dataclass(frozen=True)
class FeesRequest:
    date: _dt.date = date_spec()
    service: str = spec("choice", vocab="service", default="individual_session")
    # the patient's situation: only for a session, all or none
    route: str | None = spec("choice", vocab="route", required=False, default="outside", hint=True,
                             together=CONTEXT, when={"service": SESSIONS})
    centre: str | None = spec("choice", vocab="centre", hint=True, when={"service": SESSIONS, "route": CENTRE_ROUTES})
    place: str | None = spec("choice", vocab="place", required=False, default="psychologist_office",
                             together=CONTEXT, when={"service": SESSIONS})
    bim: bool | None = spec("boolean", required=False, default=False, hint=True, together=CONTEXT,
                            when={"service": SESSIONS})
    first_session: bool | None = spec("boolean", required=False, default=False, together=CONTEXT,
                                      when={"service": SESSIONS})
    participants: int | None = spec("integer", minimum=1, maximum="participants_max", required=False, hint=True,
                                    when={"service": ("group_session",)})
    providers: int | None = spec("integer", minimum=1, maximum="providers_max", required=False, hint=True,
                                 when={"service": ("multidisciplinary_consultation",)})
    care_type: str | None = spec("choice", vocab="care_type", required=False, label="fee_care_type",
                                 when={"service": ("multidisciplinary_consultation",)})


@dataclass(frozen=True)
class Split:
    case: str = result_field(choices=SPLIT_CASES)
    patient_cents: int                # what each patient pays
    network_cents: int | None         # what the network pays (None: group without participants)


@dataclass(frozen=True)
class FeesResult:
    service: str = result_field(vocab="service")
    fee_cents: int
    fee_unit: str = result_field(choices=FEE_UNITS)
    recipient: str = result_field(choices=RECIPIENTS)
    indexed: bool
    eligible: bool | None              # None when the conditions could not be checked
    patient_contribution_cents: int | None   # per patient, for the given situation
    network_share_cents: int | None
    participants: int | None
    splits: list[Split]


REQUEST, RESULT = FeesRequest, FeesResult


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

    if req.service in SESSIONS:
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
        # From 1/02/2024 a young person pays nothing (no_contribution_max_age): the
        # question has no age, so the answer says both (interpretation free-young-people-2024).
        youth = b.value("no_contribution_max_age")
        young = None if youth.value == "none" else {"max_age": Count(youth.value, "years"), "since": youth.start}
        if young:
            b.cite_value(youth)
            b.interpret("free-young-people-2024")
        if req.route is not None:
            a = assess(b, req.route, req.place, modality, req.bim, req.first_session, centre=req.centre)
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
                if young and patient:
                    b.say("fees.young_pay_nothing", **young, fee=Money(fee))
        else:
            if young:
                b.say("fees.splits_young", **young, fee=Money(fee))
            prefix = "fees.splits_older_" if young else "fees.splits_"
            if modality == "individual":
                b.say(prefix + "individual", usual=Money(usual), usual_net=Money(fee - usual),
                      bim=Money(bim), bim_net=Money(fee - bim), fee=Money(fee))
            elif count is not None:
                b.say(prefix + "group", usual=Money(usual), participants=count,
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

