"""Question `course`: the total contribution for N sessions.

Each session is assessed with the rules of `contribution` on the given date
(interpretation course-one-date); only the first session of the course can be
the free first session (circular-8761#cost-4). With care_type and network, the
answer warns when N exceeds the maximum per 12 months (circular-8761#quota-*).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .answer import Answer, Builder
from .contribution import assess, interpret_age, read_session
from .fields import Reader
from .i18n import Count, Key, Money
from .params import Rules
from .quota import max_sessions
from .vocab import CARE_TYPES, NETWORKS

QUESTION = "course"
FIELDS = ("date", "age", "route", "place", "modality", "bim", "first_session", "sessions", "care_type", "network")


@dataclass(frozen=True)
class CourseRequest:
    date: _dt.date
    age: int
    route: str
    place: str
    modality: str
    bim: bool
    first_session: bool   # the course starts with the very first session
    sessions: int
    care_type: str | None = None
    network: str | None = None


@dataclass(frozen=True)
class CourseLine:
    count: int
    amount_cents: int     # per session
    reason: str


@dataclass(frozen=True)
class CourseResult:
    route: str
    place: str
    modality: str
    bim: bool
    first_session: bool
    sessions: int
    outcome: str                    # pay | free | not_allowed
    total_cents: int | None         # None when not_allowed
    standard_total_cents: int       # sessions x the usual amount (without BIM, first session paid)
    breakdown: list[CourseLine]
    max_sessions: int | None        # with care_type and network
    exceeds_quota: bool | None


def parse(raw: dict, rules: Rules) -> CourseRequest:
    r = Reader(raw, FIELDS)
    session = read_session(r, rules)
    sessions = r.integer("sessions", 1, rules.limits["course_sessions_max"])
    care_type = network = None
    if r.together(("care_type", "network")):
        care_type = r.choice("care_type", CARE_TYPES)
        network = r.choice("network", NETWORKS)
    r.finish()
    return CourseRequest(*session, sessions, care_type, network)


def course(req: CourseRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    n = req.sessions
    first = assess(b, req.route, req.place, req.modality, req.bim, req.first_session, explain=False, age=req.age)
    standard_total = n * first.standard_amount_cents
    lines: list[CourseLine] = []
    total: int | None
    if first.outcome == "not_allowed":
        # Say why, once, with the contribution's own sentence.
        assess(b, req.route, req.place, req.modality, req.bim, req.first_session, age=req.age)
        total = None
        outcome = "not_allowed"
    else:
        rest = assess(b, req.route, req.place, req.modality, req.bim, False, explain=False, age=req.age) if n > 1 else None
        if rest is not None and rest.amount_cents == first.amount_cents and rest.reason == first.reason:
            lines.append(CourseLine(n, first.amount_cents, first.reason))
        else:
            lines.append(CourseLine(1, first.amount_cents, first.reason))
            if rest is not None:
                lines.append(CourseLine(n - 1, rest.amount_cents, rest.reason))
        total = sum(line.count * line.amount_cents for line in lines)
        outcome = "free" if first.outcome == "free" else "pay"
        # Explain: the first session, then the others, then the total.
        assess(b, req.route, req.place, req.modality, req.bim, req.first_session, age=req.age)
        if len(lines) == 2:
            key = "course.then_one" if lines[1].count == 1 else "course.then_many"
            b.say(key, count=lines[1].count, amount=Money(lines[1].amount_cents))
        b.say("course.total", sessions=Count(n, "sessions"), total=Money(total))
    maximum = exceeds = None
    if req.care_type is not None:
        maximum, _ = max_sessions(b, req.care_type, req.network, req.modality)
        exceeds = n > maximum
        if exceeds:
            b.warn("course_exceeds_quota", sessions=Count(n, "sessions"), maximum=maximum,
                   care_type=Key(f"labels.care_type.{req.care_type}"),
                   network=Key(f"labels.network.{req.network}"))
    b.interpret("course-one-date")
    interpret_age(b)
    return b.build(CourseResult(
        req.route, req.place, req.modality, req.bim, req.first_session, n, outcome,
        total, standard_total, lines, maximum, exceeds,
    ))


REQUEST_SCHEMA = {
    "type": "object",
    "required": ["question", "date", "age", "route", "place", "modality", "bim", "first_session", "sessions"],
    "additionalProperties": False,
    "properties": {
        "question": {"const": QUESTION},
        "date": {"$ref": "#/$defs/date"},
        "age": {"$ref": "#/$defs/age"},
        "route": {"$ref": "#/$defs/route"},
        "place": {"$ref": "#/$defs/place"},
        "modality": {"$ref": "#/$defs/modality"},
        "bim": {"type": "boolean"},
        "first_session": {"type": "boolean"},
        "sessions": {"type": "integer", "minimum": 1, "maximum": 100},
        "care_type": {"anyOf": [{"$ref": "#/$defs/care_type"}, {"type": "null"}]},
        "network": {"anyOf": [{"$ref": "#/$defs/network"}, {"type": "null"}]},
    },
}

RESULT_SCHEMA = {
    "type": "object",
    "required": [
        "route", "place", "modality", "bim", "first_session", "sessions", "outcome",
        "total_eur", "total_cents", "standard_total_eur", "standard_total_cents", "breakdown",
        "max_sessions", "exceeds_quota",
    ],
    "additionalProperties": False,
    "properties": {
        "route": {"$ref": "#/$defs/route"},
        "place": {"$ref": "#/$defs/place"},
        "modality": {"$ref": "#/$defs/modality"},
        "bim": {"type": "boolean"},
        "first_session": {"type": "boolean"},
        "sessions": {"type": "integer", "minimum": 1},
        "outcome": {"$ref": "#/$defs/outcome"},
        "total_eur": {"type": ["number", "null"], "minimum": 0},
        "total_cents": {"type": ["integer", "null"], "minimum": 0},
        "standard_total_eur": {"type": "number", "minimum": 0},
        "standard_total_cents": {"type": "integer", "minimum": 0},
        "breakdown": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["count", "amount_eur", "amount_cents", "reason"],
                "additionalProperties": False,
                "properties": {
                    "count": {"type": "integer", "minimum": 1},
                    "amount_eur": {"type": "number", "minimum": 0},
                    "amount_cents": {"type": "integer", "minimum": 0},
                    "reason": {"$ref": "#/$defs/reason"},
                },
            },
        },
        "max_sessions": {"type": ["integer", "null"]},
        "exceeds_quota": {"type": ["boolean", "null"]},
    },
}
