"""Question `quota`: the maximum number of sessions per 12 months, and how many remain.

Rules: circular-8761#quota-intro (12 months; depends on care type, network and
modality), #quota-sppl-children, #quota-sppl-adults, #quota-sps-children,
#quota-sps-adults. Interpretations: sps-average-and-maximum, rolling-window,
modalities-counted-separately (calculator/data/quotas.toml).
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


@dataclass(frozen=True)
class QuotaRequest:
    date: _dt.date = date_spec()
    care_type: str = spec("choice", vocab="care_type", default="sppl", hint=True)
    network: str = spec("choice", vocab="network", default="children_adolescents", hint=True)
    modality: str = spec("choice", vocab="modality", default="individual")
    # sessions already had in the last 12 months
    sessions_used: int | None = spec("integer", minimum=0, maximum="sessions_used_max", required=False, hint=True)
    # optional: checks that the network fits the age
    age: int | None = age_spec(required=False)


@dataclass(frozen=True)
class QuotaResult:
    care_type: str = result_field(vocab="care_type")
    network: str = result_field(vocab="network")
    modality: str = result_field(vocab="modality")
    max_sessions: int = result_field(minimum=1)
    average_sessions: int | None   # only for specialised individual care ("a mean of 10")
    window_months: int
    sessions_used: int | None
    remaining: int | None = result_field(minimum=0)  # None when sessions_used is not given
    quota_reached: bool | None


REQUEST, RESULT = QuotaRequest, QuotaResult


def quota_parameter(care_type: str, network: str, modality: str) -> str:
    return f"quota_{care_type}_{network}_{modality}"


def max_sessions(b: Builder, care_type: str, network: str, modality: str) -> tuple[int, int | None]:
    """(maximum, average or None) for this care type, network and modality; cited."""
    q = b.use(quota_parameter(care_type, network, modality))
    return q["max"], q.get("average")


def cap(b: Builder, care_type: str, network: str, modality: str) -> int:
    """The maximum for this care type, network and modality (not cited: see cite_cap)."""
    return b.value(quota_parameter(care_type, network, modality)).value["max"]


def cite_cap(b: Builder, care_type: str, network: str, modality: str) -> int:
    """Cites the maximum and the period it is counted over; returns the period in months."""
    b.use(quota_parameter(care_type, network, modality))
    return b.use("quota_window_months")


def quota(req: QuotaRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    if req.age is not None:
        nets, _, _ = open_networks(b, req.age)
        if req.network not in nets:
            raise InputError([FieldError("network", "network_not_for_age", {"age": Count(req.age, "years")})])
    window = b.use("quota_window_months")  # circular-8761#quota-intro
    maximum, average = max_sessions(b, req.care_type, req.network, req.modality)
    labels = dict(
        care_type=Key(f"labels.care_type.{req.care_type}"),
        network=Key(f"labels.network.{req.network}"),
        sessions=Count(maximum, f"{req.modality}_sessions"),
        months=Count(window, "months"),
    )
    b.say("quota.maximum", **labels)
    if average is not None:
        b.say("quota.average_and_maximum", average=average, maximum=maximum)
        b.interpret("sps-average-and-maximum")
    remaining = reached = None
    if req.sessions_used is not None:
        remaining = max(0, maximum - req.sessions_used)
        reached = req.sessions_used >= maximum
        if remaining > 0:
            b.say("quota.remaining", used=Count(req.sessions_used, "sessions"), remaining=remaining)
        else:
            b.say("quota.none_left", used=Count(req.sessions_used, "sessions"), months=Count(window, "months"))
        if req.sessions_used > maximum:
            b.warn("quota_exceeded", used=Count(req.sessions_used, "sessions"), maximum=maximum)
    b.warn("rolling_window", months=Count(window, "months"))
    b.interpret("rolling-window")
    b.interpret("modalities-counted-separately")
    return b.build(QuotaResult(
        req.care_type, req.network, req.modality, maximum, average, window,
        req.sessions_used, remaining, reached,
    ))

