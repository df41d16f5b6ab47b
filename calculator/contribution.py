"""Question `contribution`: what the family pays for one session.

The personal contribution (ticket modérateur / remgeld) depends on the session
date, the route (how the session is arranged), the place, the modality, the
BIM status (increased allowance) and whether it is the first session.

Rules (calculator/data/contribution.toml):
- route_outside: riziv-note-clb#route-1, circular-8761#cost-2, #cost-3;
- route_own_convention: circular-8761#cost-1 (21/10/2022-31/08/2023), then
  amendment-5#art1-par1-1 with #art1-par1-1-cond1 and #art1-par1-1-cond2;
- route_other_organisation: circular-8761#cost-1, then amendment-5#art1-par1-2
  with #art1-par1-2-cond1 and #art1-par1-2-cond2 (school not a place);
- first_session_free: circular-8761#cost-4;
- copay_individual, copay_individual_bim, copay_group: circular-8761#cost-3;
- no_contribution_max_age: before 1/02/2024 "none" (circular-8761#cost-3: the
  same amounts at every age, interpretation amounts-do-not-depend-on-age); from
  1/02/2024, 23: children and young people up to 23 inclusive pay nothing,
  at any place the route allows (public announcements changes#ref-press-2024-02-free-youth
  and changes#ref-helan-2024-free-youth; interpretation free-young-people-2024).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .answer import Answer, Builder
from .declare import age_spec, date_spec, result_field, spec
from .i18n import Count, Key, Money
from .params import Rules, to_cents
from .vocab import CENTRE_ROUTES, route_parameter

QUESTION = "contribution"


@dataclass(frozen=True)
class Session:
    """The fields that describe one session, shared with the course question."""

    date: _dt.date = date_spec()
    age: int = age_spec()
    route: str = spec("choice", vocab="route", default="outside", hint=True)
    # which centre, for the routes a centre organises (its community's text applies)
    centre: str | None = spec("choice", vocab="centre", hint=True, when={"route": CENTRE_ROUTES})
    place: str = spec("choice", vocab="place", default="psychologist_office")
    modality: str = spec("choice", vocab="modality", default="individual")
    bim: bool = spec("boolean", default=False, hint=True)
    first_session: bool = spec("boolean", default=False)


@dataclass(frozen=True)
class ContributionRequest(Session):
    pass


@dataclass(frozen=True)
class Assessment:
    outcome: str                  # pay | free | not_allowed
    reason: str                   # see vocab.REASONS
    amount_cents: int | None      # None when not_allowed
    standard_amount_cents: int    # the usual amount for this modality, without BIM
    billing: str | None           # reserved_no_contribution_codes | standard_codes | None


@dataclass(frozen=True)
class ContributionResult:
    route: str = result_field(vocab="route")
    place: str = result_field(vocab="place")
    modality: str = result_field(vocab="modality")
    bim: bool
    first_session: bool
    outcome: str = result_field(vocab="outcome")
    reason: str = result_field(vocab="reason")
    amount_cents: int | None
    standard_amount_cents: int
    billing: str | None = result_field(vocab="billing")


REQUEST, RESULT = ContributionRequest, ContributionResult


def _codes_in_force(b: Builder) -> bool:
    return any(pc.covers(b.when) for pc in b.rules.pseudocodes)


def assess(b: Builder, route: str, place: str, modality: str, bim: bool, first_session: bool,
           explain: bool = True, age: int | None = None, *, centre: str | None = None,
           series: bool = False, billing_note: bool = True) -> Assessment:
    """Decide the contribution for one session; cites the rules it uses.

    With explain=False nothing is said (used by `course` for the sessions after the first).
    With series=True the sentences speak of a course of several sessions: each sentence
    contribution.<x> is series.<x> where the catalogue words it for a series.
    With billing_note=False the pseudocodes are neither cited nor named (the parents'
    question, family_contribution, keeps billing out of its answers).
    """
    def say(key: str, **params) -> None:
        if not explain:
            return
        for_series = f"series.{key.removeprefix('contribution.')}"
        b.say(for_series if series and b.rules.catalogue.has(for_series) else key, **params)

    place_at = Key(f"labels.place_at.{place}")
    route_param = route_parameter(route, centre)
    if centre is not None:
        b.interpret("which-centre")
    route_value = b.value(route_param)
    b.cite_value(route_value)
    rule = route_value.value
    standard = _standard(b, modality, cite=False)

    # 1. The place is not possible for this route (e.g. amendment-5#art1-par1-2-cond2).
    if place in rule["not_allowed"]:
        say(f"contribution.not_allowed.{route}", place_at=place_at)
        if route == "outside":
            b.interpret("outside-not-at-school")
        if route == "independent_psychologist":
            b.interpret("independent-psychologist")
        _circular_promise(b, route_param, route_value, place)
        return Assessment("not_allowed", "place_not_allowed", None, standard, None)

    # 2. The session is free because the CPMS/CLB arranged it at an agreed place
    #    (circular-8761#cost-1 before 1/09/2023; amendment-5 §1/1 from then on).
    if place in rule["free"]:
        later = b.param(route_param).next_after(route_value)
        if rule["basis"] in ("circular", "note"):
            say("contribution.free_circular" if rule["basis"] == "circular" else f"contribution.free_note.{route}",
                place_at=place_at)
            b.interpret("circular-before-amendment" if rule["basis"] == "circular" else "note-before-amendment")
            if route == "independent_psychologist":
                b.interpret("independent-psychologist")
            if later is not None and place not in later.value["free"] + later.value["not_allowed"]:
                # §1/1 does not cover this route: from then on the contribution is due
                b.warn("free_ends_later", date=later.start)
            elif later is not None:
                b.warn("federal_basis_later" if rule["basis"] == "circular" else "federal_basis_later_note",
                       date=later.start)
                if place in later.value["not_allowed"]:
                    b.warn("place_not_allowed_later", date=later.start, place_at=place_at)
        else:
            say(f"contribution.free.{route}", place_at=place_at)
        if first_session:
            say("contribution.first_session_anyway")
        billing = None
        if _codes_in_force(b):
            billing = "reserved_no_contribution_codes" if rule["basis"] == "convention" else "standard_codes"
            if billing == "reserved_no_contribution_codes" and billing_note:
                b.cite_value(b.value("reserved_no_contribution_codes"))
                say("contribution.staff.billing_reserved")
        return Assessment("free", "no_contribution_arrangement", 0, standard, billing)

    # 3. From 1/02/2024: nothing to pay up to 23 years inclusive, at any place the route
    #    allows (no_contribution_max_age; "none" before, when age does not change the
    #    amount). It comes after steps 1 and 2: the place says whether the session belongs
    #    to the route at all, whatever the age (interpretation free-young-people-2024).
    youth = b.value("no_contribution_max_age")
    if youth.value != "none" and age is not None:
        b.cite_value(youth)
        b.interpret("free-young-people-2024")
        if age <= youth.value:
            say("contribution.free_young_person", max_age=Count(youth.value, "years"), since=youth.start)
            if first_session:
                say("contribution.first_session_anyway")
            return Assessment("free", "free_young_person", 0, standard, None)
        say("contribution.young_person_limit", max_age=Count(youth.value, "years"), since=youth.start,
            age=Count(age, "years"))

    # 4. Otherwise the usual contribution applies.
    _standard(b, modality, cite=True)
    billing = "standard_codes" if _codes_in_force(b) else None
    if route == "independent_psychologist":
        # neither the centre nor another organisation holds a convention: §1/1 does not apply
        # (riziv-note-clb#route-1: the psychologist charges the remgeld)
        say("contribution.independent_pays")
        b.interpret("independent-psychologist")
        _circular_promise(b, route_param, route_value, place)
    elif route != "outside":
        free_at = [Key(f"labels.place_at.{p}") for p in rule["free"]]
        say("contribution.conditions_not_met", place_at=place_at, free_at=free_at)
        b.interpret("arrangement-elsewhere")
        _circular_promise(b, route_param, route_value, place)
    first_free = b.value("first_session_free")
    if first_session:
        b.cite_value(first_free)
        if modality in first_free.value:  # circular-8761#cost-4
            say("contribution.first_session_free")
            b.interpret("first-session-individual")
            return Assessment("pay", "first_session_free", 0, standard, billing)
        say("contribution.first_session_group")
        b.interpret("first-session-individual")
    if modality == "individual":
        if bim:  # circular-8761#cost-3: 4 € for a beneficiary of the increased allowance
            amount = to_cents(b.use("copay_individual_bim"))
            say("contribution.pay_individual_bim", amount=Money(amount), standard=Money(standard))
            return Assessment("pay", "reduced_contribution_bim", amount, standard, billing)
        say("contribution.pay_individual", amount=Money(standard))
        return Assessment("pay", "usual_contribution", standard, standard, billing)
    # group: circular-8761#cost-3, 2,5 € whatever the BIM status
    if bim:
        say("contribution.pay_group_bim", amount=Money(standard))
        b.interpret("group-same-with-bim")
    else:
        say("contribution.pay_group", amount=Money(standard))
    return Assessment("pay", "usual_contribution", standard, standard, billing)


def _circular_promise(b: Builder, route_param: str, route_value, place: str) -> None:
    """From 1/09/2023 the answer follows the convention's §1/1; where the circular
    promised a free session at this place (circular-8761#cost-1), it warns."""
    promised = [v for v in b.param(route_param).values if v.start < route_value.start
                and v.value["basis"] == "circular" and place in v.value["free"]]
    if promised:
        b.cite(promised[-1].ref)
        b.warn("circular_promise", date=route_value.start)
        b.interpret("circular-promise-after-amendment")


def interpret_age(b: Builder) -> None:
    """Before 1/02/2024 the age does not change the amount; from then on it does."""
    if b.value("no_contribution_max_age").value == "none":
        b.interpret("amounts-do-not-depend-on-age")


def _standard(b: Builder, modality: str, cite: bool) -> int:
    """The usual amount (without BIM) for the modality (circular-8761#cost-3)."""
    dv = b.value("copay_individual" if modality == "individual" else "copay_group")
    if cite:
        b.cite_value(dv)
    return to_cents(dv.value)


def contribution(req: ContributionRequest, rules: Rules) -> Answer:
    b = Builder(rules, QUESTION, req.date)
    a = assess(b, req.route, req.place, req.modality, req.bim, req.first_session, age=req.age, centre=req.centre)
    interpret_age(b)
    return b.build(ContributionResult(
        req.route, req.place, req.modality, req.bim, req.first_session,
        a.outcome, a.reason, a.amount_cents, a.standard_amount_cents, a.billing,
    ))

