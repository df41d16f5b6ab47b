"""Question `course`: the total contribution for N sessions.

Each session is assessed with the rules of `contribution` on the given date
(interpretation course-one-date); only the first session of the course can be
the free first session (circular-8761#cost-4). With care_type and network, the
total counts only the sessions within the maximum per 12 months of that care
type, network and modality (circular-8761#quota-*): `sessions_over_cap` says how
many requested sessions lie beyond it; they are not reimbursed and the texts set
no price for them. Without care_type and network the total counts every session,
and the explanation says it is not compared with a maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

from .answer import Answer, Builder
from .contribution import Session, assess, interpret_age
from .declare import result_field, spec
from .i18n import Count, Key, Money
from .params import Rules
from .quota import cap, cite_cap

QUESTION = "course"
QUOTA_GROUP = ("care_type", "network")


@dataclass(frozen=True)
class CourseRequest(Session):
    # the course starts with the very first session
    first_session: bool = spec("boolean", default=True, label="course_first")
    sessions: int = spec("integer", minimum=1, maximum="course_sessions_max", default=10)
    # to compare with the maximum per 12 months: both or none
    care_type: str | None = spec("choice", vocab="quota_care_type", required=False, default="support", hint=True,
                                 together=QUOTA_GROUP)
    network: str | None = spec("choice", vocab="network", required=False, default="children_adolescents",
                               hint=True, together=QUOTA_GROUP)


@dataclass(frozen=True)
class CourseLine:
    count: int = result_field(minimum=1)
    amount_cents: int     # per session
    reason: str = result_field(vocab="reason")


@dataclass(frozen=True)
class CourseResult:
    route: str = result_field(vocab="route")
    place: str = result_field(vocab="place")
    modality: str = result_field(vocab="modality")
    bim: bool
    first_session: bool
    sessions: int = result_field(minimum=1)
    outcome: str = result_field(vocab="outcome")  # pay | free | not_allowed
    total_cents: int | None         # None when not_allowed
    standard_total_cents: int       # the counted sessions x the usual amount (without BIM, first session paid)
    breakdown: list[CourseLine]     # the sessions the totals count (within the maximum)
    max_sessions: int | None        # with care_type and network; None also when there is no maximum or none is known
    exceeds_quota: bool | None      # None without care_type and network, or when no maximum is known
    # with care_type and network: how many requested sessions lie beyond the maximum (0 when
    # none, or when there is no maximum); they are counted in no total. None without care_type
    # and network, or when no source of ours gives the maximum.
    sessions_over_cap: int | None = result_field(minimum=0)


REQUEST, RESULT = CourseRequest, CourseResult


def course(req: CourseRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    n = req.sessions
    # The maximum is read first (it decides how many sessions the totals count) and
    # cited after the contribution's rules, in the order the explanation uses them.
    maximum = over = exceeds = status = None
    if req.care_type is not None:
        maximum, status = cap(b, req.care_type, req.network, req.modality)
        if status != "not_known":
            over = max(0, n - maximum) if maximum is not None else 0
            exceeds = over > 0
    counted = n - (over or 0)
    series = n > 1  # the contribution's sentences then speak of the sessions, not of one
    first = assess(b, req.route, req.place, req.modality, req.bim, req.first_session, explain=False, age=req.age,
                   centre=req.centre)
    standard_total = counted * first.standard_amount_cents
    lines: list[CourseLine] = []
    total: int | None
    if first.outcome == "not_allowed":
        # Say why, once, with the contribution's own sentence.
        assess(b, req.route, req.place, req.modality, req.bim, req.first_session, age=req.age, centre=req.centre,
               series=series)
        total = None
        outcome = "not_allowed"
    else:
        rest = assess(b, req.route, req.place, req.modality, req.bim, False, explain=False, age=req.age,
                      centre=req.centre) if counted > 1 else None
        if rest is not None and rest.amount_cents == first.amount_cents and rest.reason == first.reason:
            lines.append(CourseLine(counted, first.amount_cents, first.reason))
        else:
            lines.append(CourseLine(1, first.amount_cents, first.reason))
            if rest is not None:
                lines.append(CourseLine(counted - 1, rest.amount_cents, rest.reason))
        total = sum(line.count * line.amount_cents for line in lines)
        outcome = "free" if first.outcome == "free" else "pay"
        # Explain: the first session, then the others, then the total.
        assess(b, req.route, req.place, req.modality, req.bim, req.first_session, age=req.age, centre=req.centre,
               series=series)
        if len(lines) == 2:
            key = "course.then_one" if lines[1].count == 1 else "course.then_many"
            b.say(key, count=lines[1].count, amount=Money(lines[1].amount_cents))
        if exceeds:
            b.say("course.total_within_cap", sessions=Count(counted, "sessions"), total=Money(total))
        else:
            b.say("course.total", sessions=Count(n, "sessions"), total=Money(total))
    if req.care_type is not None:
        months = cite_cap(b, req.care_type, req.network, req.modality)
        if exceeds:
            words = dict(maximum=maximum, months=Count(months, "months"),
                         care_type=Key(f"labels.care_type.{req.care_type}"),
                         network=Key(f"labels.network.{req.network}"))
            b.say("course.over_cap", over=Count(over, f"{req.modality}_sessions"), **words)
            b.warn("course_exceeds_quota", sessions=Count(n, "sessions"), **words)
        elif status == "no_maximum":
            b.say("course.no_maximum")
        elif status == "not_known":
            b.say("course.maximum_not_known")
        if status != "not_known":
            b.interpret("course-sessions-in-one-window")
    else:
        b.say("course.no_cap")
    b.interpret("course-one-date")
    interpret_age(b)
    return b.build(CourseResult(
        req.route, req.place, req.modality, req.bim, req.first_session, n, outcome,
        total, standard_total, lines, maximum, exceeds, over,
    ))
