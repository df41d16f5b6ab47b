"""Question `quota`: the maximum number of sessions per 12 months, and how many remain.

Rules: circular-8761#quota-intro (12 months; depends on care type, network and
modality), #quota-sppl-children, #quota-sppl-adults, #quota-sps-children,
#quota-sps-adults. Interpretations: sps-average-and-maximum, rolling-window,
modalities-counted-separately (calculator/data/quotas.toml).

From 1 April 2024 the care types are the functions of the new convention,
"support" and "treatment" (parameter care_types); their maxima come from public
pages (the convention's text is not among our sources). A maximum may be "none"
(max_sessions null: no maximum) or "unknown" (max_sessions null: no source of
ours gives a number); `max_status` says which.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .answer import Answer, Builder
from .errors import FieldError, InputError
from .declare import age_spec, date_spec, result_field, spec
from .i18n import Count, Key
from .networks import open_networks
from .params import Rules

QUESTION = "quota"
MAX_STATUSES = ("at_most", "no_maximum", "not_known")
STATUS_OF = {"none": "no_maximum", "unknown": "not_known"}


@dataclass(frozen=True)
class QuotaRequest:
    date: _dt.date = date_spec()
    # the care types of the date (parameter care_types): sppl | sps until 31/03/2024, support | treatment from 1/04/2024
    care_type: str = spec("choice", vocab="quota_care_type", default="support", hint=True)
    network: str = spec("choice", vocab="network", default="children_adolescents", hint=True)
    modality: str = spec("choice", vocab="modality", default="individual")
    # sessions already had in the last 12 months
    sessions_used: int | None = spec("integer", minimum=0, maximum="sessions_used_max", required=False, hint=True)
    # optional: checks that the network fits the age
    age: int | None = age_spec(required=False)


@dataclass(frozen=True)
class QuotaResult:
    care_type: str = result_field(vocab="quota_care_type")
    network: str = result_field(vocab="network")
    modality: str = result_field(vocab="modality")
    max_sessions: int | None = result_field(minimum=1)  # None: no maximum, or none known (max_status)
    average_sessions: int | None   # only for specialised individual care ("a mean of 10")
    window_months: int
    sessions_used: int | None
    remaining: int | None = result_field(minimum=0)  # None when sessions_used is not given
    quota_reached: bool | None
    # "at_most": max_sessions is a ceiling; "no_maximum": the sources say there is none;
    # "not_known": no source of ours gives a number
    max_status: str = result_field(choices=MAX_STATUSES)


REQUEST, RESULT = QuotaRequest, QuotaResult


def quota_parameter(care_type: str, network: str, modality: str) -> str:
    return f"quota_{care_type}_{network}_{modality}"


def interpret_value(b: Builder, pid: str) -> None:
    """Lists the interpretations of a parameter's value on the session date."""
    for iid in b.value(pid).interpretations:
        b.interpret(iid)


def use_care_types(b: Builder) -> None:
    """Cites the care types of the date; those of public pages (the functions of 1 April 2024)
    make the answer say that the convention's own text is not among our sources."""
    b.use("care_types")
    interpret_value(b, "care_types")
    if b.value("care_types").ref.is_reference:
        b.taken_in()


def check_care_type(b: Builder, care_type: str) -> None:
    """Refuses a care type that does not apply on the session date, naming those that do."""
    param = b.param("care_types")
    now = b.value("care_types")
    if care_type in now.value:
        return
    later = [v for v in param.values if care_type in v.value and v.start > now.start]
    choices = [Key(f"labels.care_type.{c}") for c in now.value]
    if later:
        code, since = "care_type_not_yet", later[0].start
    else:
        code, since = "care_type_replaced", now.start
    raise InputError([FieldError("care_type", code, {
        "date": b.when, "since": since, "value": Key(f"labels.care_type.{care_type}"), "choices": choices})])


def max_sessions(b: Builder, care_type: str, network: str, modality: str) -> tuple[int | None, int | None, str]:
    """(maximum or None, average or None, max_status) for this care type, network and modality; cited."""
    q = b.use(quota_parameter(care_type, network, modality))
    status = STATUS_OF.get(q["max"], "at_most")
    if status != "at_most":
        interpret_value(b, quota_parameter(care_type, network, modality))
    return (q["max"] if status == "at_most" else None), q.get("average"), status


def cap(b: Builder, care_type: str, network: str, modality: str) -> tuple[int | None, str]:
    """(the maximum or None, max_status) for this care type, network and modality (not cited: see cite_cap)."""
    check_care_type(b, care_type)
    q = b.value(quota_parameter(care_type, network, modality)).value
    status = STATUS_OF.get(q["max"], "at_most")
    return (q["max"] if status == "at_most" else None), status


def cite_cap(b: Builder, care_type: str, network: str, modality: str) -> int:
    """Cites the maximum and the period it is counted over; returns the period in months."""
    b.use(quota_parameter(care_type, network, modality))
    months = b.use("quota_window_months")
    use_care_types(b)
    if cap(b, care_type, network, modality)[1] != "at_most":
        interpret_value(b, quota_parameter(care_type, network, modality))
    return months


def quota(req: QuotaRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    if req.age is not None:
        nets, _, _ = open_networks(b, req.age)
        if req.network not in nets:
            raise InputError([FieldError("network", "network_not_for_age", {"age": Count(req.age, "years")})])
    check_care_type(b, req.care_type)
    window = b.use("quota_window_months")  # circular-8761#quota-intro
    use_care_types(b)
    maximum, average, status = max_sessions(b, req.care_type, req.network, req.modality)
    labels = dict(
        care_type=Key(f"labels.care_type.{req.care_type}"),
        network=Key(f"labels.network.{req.network}"),
    )
    if status == "at_most":
        b.say("quota.maximum", sessions=Count(maximum, f"{req.modality}_sessions"), months=Count(window, "months"),
              **labels)
    else:
        key = "quota.no_maximum" if status == "no_maximum" else "quota.not_known"
        b.say(key, modality=Key(f"units.{req.modality}_sessions.other"), **labels)
    if average is not None:
        b.say("quota.average_and_maximum", average=average, maximum=maximum,
              para=str(b.value(quota_parameter(req.care_type, req.network, req.modality)).ref))
        b.interpret("sps-average-and-maximum")
    remaining = reached = None
    if req.sessions_used is not None and maximum is not None:
        remaining = max(0, maximum - req.sessions_used)
        reached = req.sessions_used >= maximum
        if remaining > 0:
            b.say("quota.remaining", used=Count(req.sessions_used, "sessions"), remaining=remaining)
        else:
            b.say("quota.none_left", used=Count(req.sessions_used, "sessions"), months=Count(window, "months"))
        if req.sessions_used > maximum:
            b.warn("quota_exceeded", used=Count(req.sessions_used, "sessions"), maximum=maximum)
    if status != "not_known":
        b.warn("rolling_window", months=Count(window, "months"))
        b.interpret("rolling-window")
        b.interpret("modalities-counted-separately")
    return b.build(QuotaResult(
        req.care_type, req.network, req.modality, maximum, average, window,
        req.sessions_used, remaining, reached, status,
    ))
