"""Question `family_contribution`: what the family pays for one session, asked with
what a parent knows.

A parent knows the date, the age, the school's centre (a CPMS in the French
Community, a CLB in the Flemish Community), where the sessions take place, who
proposed them (the centre, the school, the family itself) and, perhaps, whether
the centre has its own convention with the mental health network; a parent
rarely knows how the centre arranges the sessions (the routes of `contribution`).

The answers are mapped to the routes they leave possible (POSSIBLE_ROUTES,
interpretation parents-who-proposed); a route that does not provide sessions at
the given place is left out while another one does (interpretation
parents-place-rules-out). Each possible route is assessed by
contribution.assess, the rules of `contribution` unchanged; routes with the same
amount are grouped. The answer is one outcome when what the parent does not
know does not change the amount, else each outcome with its condition, and the
centre that can tell which one holds. No sentence on billing (pseudocodes).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .answer import Answer, Builder
from .contribution import Assessment, assess, interpret_age
from .declare import age_spec, date_spec, result_field, spec
from .i18n import Key, Money, Text
from .params import Rules
from .vocab import CENTRE_ROUTES, CONVENTION_ANSWERS, PROPOSERS

QUESTION = "family_contribution"
WITH_CENTRE = ("centre", "school")  # the proposers for which the centre and its convention are asked


def possible_routes(proposer: str, convention: str | None) -> tuple[str, ...]:
    """The routes of vocab.ROUTES that the parent's answers leave possible
    (interpretation parents-who-proposed): the family itself, the route outside; the
    centre, its routes (its own convention, or the others when it has none); the school,
    the same routes through the centre, or a psychologist the family consults itself."""
    if proposer == "family":
        return ("outside",)
    own = ("own_convention",)
    others = tuple(r for r in CENTRE_ROUTES if r not in own)
    routes = {"yes": own, "no": others, "unknown": CENTRE_ROUTES}[convention]
    return routes + (("outside",) if proposer == "school" else ())


@dataclass(frozen=True)
class FamilyContributionRequest:
    date: _dt.date = date_spec()
    age: int = age_spec()
    proposer: str = spec("choice", vocab="proposer", default="family", hint=True)
    centre: str | None = spec("choice", vocab="centre", hint=True, when={"proposer": WITH_CENTRE})
    convention: str | None = spec("choice", vocab="convention", default="unknown", hint=True,
                                  when={"proposer": WITH_CENTRE})
    place: str = spec("choice", vocab="place", default="psychologist_office")
    modality: str = spec("choice", vocab="modality", default="individual")
    bim: bool = spec("boolean", default=False, hint=True)
    first_session: bool = spec("boolean", default=False)


@dataclass(frozen=True)
class RouteAssessment:
    """What `contribution` answers for one possible route."""

    route: str = result_field(vocab="route")
    outcome: str = result_field(vocab="outcome")
    reason: str = result_field(vocab="reason")
    amount_cents: int | None
    standard_amount_cents: int


@dataclass(frozen=True)
class FamilyOutcome:
    """One amount, the routes that give it and the condition, in plain words, under which it holds."""

    routes: list[str] = result_field(vocab="route", min_items=1)
    condition: Text
    amount_cents: int | None          # None: the situation is not provided for
    reasons: list[str] = result_field(vocab="reason", min_items=1)
    citations: list[str] = result_field(min_items=1, pattern="^[a-z0-9-]+#[A-Za-z0-9:_-]+$")


@dataclass(frozen=True)
class FamilyContributionResult:
    proposer: str = result_field(vocab="proposer")
    centre: str | None = result_field(vocab="centre")
    convention: str | None = result_field(vocab="convention")
    place: str = result_field(vocab="place")
    modality: str = result_field(vocab="modality")
    bim: bool
    first_session: bool
    routes: list[RouteAssessment]     # every route the answers leave possible, assessed
    outcomes: list[FamilyOutcome]     # one, or several when the amount depends on what the parent does not know
    ask: str | None = result_field(vocab="centre")  # who can tell which outcome holds (several outcomes)


REQUEST, RESULT = FamilyContributionRequest, FamilyContributionResult


def _assess(rules: Rules, req: FamilyContributionRequest, route: str) -> tuple[Assessment, Builder]:
    """contribution.assess for one route, in a builder of its own (its citations, its sentences)."""
    b = Builder(rules, QUESTION, req.date)
    a = assess(b, route, req.place, req.modality, req.bim, req.first_session, age=req.age,
               centre=req.centre if route in CENTRE_ROUTES else None, billing_note=False)
    return a, b


def _clauses(b: Builder, req: FamilyContributionRequest, routes: list[str]) -> list[Text]:
    """"the CPMS has its own convention with the network", for the routes of one outcome
    (the centre's two routes without a convention of its own said together)."""
    names = list(routes)
    if {"other_organisation", "independent_psychologist"} <= set(names):
        i = names.index("other_organisation")
        names = [n for n in names if n not in ("other_organisation", "independent_psychologist")]
        names.insert(i, "no_convention")
    if req.proposer == "family":
        names = ["family_itself"]
    centre = Key(f"family.centre.{req.centre}") if req.centre else ""
    return [b.text(f"family.condition.{n}", centre=centre) for n in names]


def _outcome_words(b: Builder, amount: int) -> Text:
    """"you pay 11,00 €" or "you pay nothing" (never for a situation not provided for: see the explanation)."""
    return b.text("family.outcome.free") if amount == 0 else b.text("family.outcome.pay", amount=Money(amount))


def family_contribution(req: FamilyContributionRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    assessed = [(route, *_assess(rules, req, route)) for route in possible_routes(req.proposer, req.convention)]
    b.interpret("parents-who-proposed")
    possible = [x for x in assessed if x[1].outcome != "not_allowed"] or assessed
    left_out = [route for route, _, _ in assessed if all(route != p[0] for p in possible)]
    groups: dict[int | None, list] = {}
    for route, a, sub in possible:
        groups.setdefault(a.amount_cents, []).append((route, a, sub))
    outcomes = []
    for amount, members in groups.items():
        routes = [route for route, _, _ in members]
        refs: list[str] = []
        for _, _, sub in members:
            refs += [str(r) for r in sub.citations if str(r) not in refs]
        outcomes.append(FamilyOutcome(routes, b.text("family.if", conditions=_clauses(b, req, routes)), amount,
                                      list(dict.fromkeys(a.reason for _, a, _ in members)), refs))
    for _, _, sub in assessed:
        b.take(sub)
    place_at = Key(f"labels.place_at.{req.place}")

    # The explanation: plain words, no billing.
    if all(a.outcome == "not_allowed" for _, a, _ in assessed):
        key = "family" if req.proposer == "family" else "centre"
        b.say(f"family.none_possible.{key}", place_at=place_at,
              centre=Key(f"family.centre.{req.centre}") if req.centre else "")
    elif len(possible) == 1:
        b.take(possible[0][2], sentences=True)  # contribution's own explanation of the one route
    elif len(outcomes) == 1:
        b.say("family.same_outcome", outcome=_outcome_words(b, outcomes[0].amount_cents))
    else:
        b.say("family.depends")  # each outcome with its condition: result.outcomes
    if left_out:
        b.say("family.left_out", conditions=_clauses(b, req, left_out), place_at=place_at)
        b.interpret("parents-place-rules-out")
    if len(outcomes) > 1:
        b.say(f"family.ask.{req.centre}")
    interpret_age(b)
    return b.build(FamilyContributionResult(
        req.proposer, req.centre, req.convention, req.place, req.modality, req.bim, req.first_session,
        [RouteAssessment(route, a.outcome, a.reason, a.amount_cents, a.standard_amount_cents)
         for route, a, _ in assessed],
        outcomes, req.centre if len(outcomes) > 1 else None,
    ))


__all__ = ["QUESTION", "REQUEST", "RESULT", "PROPOSERS", "CONVENTION_ANSWERS", "possible_routes",
           "family_contribution"]
