"""The pseudocode form offers only what exists (issue 13 item 4): each modality offers
the kinds some code has with it (and with the care type), each kind the teams; the
offers come from calculator/data/pseudocodes.toml (form.Control.offers), and every
offered combination finds a code."""

from __future__ import annotations

import calculator
from calculator import form
from calculator.params import load_rules

Q = "pseudocode"
CARE, MODALITY, KIND, TEAM = (form.CONTROL[k] for k in ("code_care_type", "code_modality", "kind", "team"))


def _dates() -> list[str]:
    """A day in force of each list of codes (the codes' start dates)."""
    return sorted({pc.start.isoformat() for pc in load_rules().pseudocodes})


def _search(care: str, modality: str, kind: str, team: str | None = None) -> list[dict]:
    """The answers of a search on each date some code starts."""
    request = {"question": Q, "care_type": care, "modality": modality, "kind": kind}
    if team:
        request["team"] = team
    return [calculator.answer({**request, "date": day}) for day in _dates()]


def _states():
    """(raw values, care, modality, kind) of every combination the form offers."""
    values = form.default_values(_dates()[0])
    for care in CARE.options:
        v1 = {**values, "code_care_type": care}
        for modality in form.offered(MODALITY, Q, v1):
            v2 = {**v1, "code_modality": modality}
            for kind in form.offered(KIND, Q, v2):
                yield {**v2, "kind": kind}, care, modality, kind


def test_every_offered_kind_and_team_finds_a_code():
    seen = set()
    for values, care, modality, kind in _states():
        seen.add(kind)
        assert any(a["ok"] for a in _search(care, modality, kind)), (care, modality, kind)
        for team in form.offered(TEAM, Q, values):
            assert any(a["ok"] for a in _search(care, modality, kind, team)), (care, modality, kind, team)
    # nothing is lost: every kind is offered with some modality
    assert seen == set(KIND.options)


def test_a_kind_not_offered_finds_no_code():
    """The narrowing is exact: a kind the form hides for a modality matches no code."""
    values = form.default_values(_dates()[0])
    hidden = 0
    for care in CARE.options:
        for modality in MODALITY.options:
            v = {**values, "code_care_type": care, "code_modality": modality}
            shown = set(form.offered(KIND, Q, v)) if modality in form.offered(MODALITY, Q, v) else set()
            for kind in set(KIND.options) - shown:
                hidden += 1
                answers = _search(care, modality, kind)
                assert not any(a["ok"] for a in answers), (care, modality, kind)
                assert {e["code"] for a in answers for e in a["errors"]} <= {"no_matching_code"}
    assert hidden > 0


def test_each_modality_offers_fewer_kinds_than_all():
    values = form.default_values(_dates()[0])
    for modality in MODALITY.options:
        kinds = form.offered(KIND, Q, {**values, "code_care_type": "sps", "code_modality": modality})
        assert 0 < len(kinds) < len(KIND.options), modality


def test_settle_takes_an_offered_value_after_a_change():
    """A change of care type or modality moves the choices it narrows to an offered one,
    as the page does (ui.mjs settle): the request then finds a code."""
    start = form.default_values(_dates()[0])
    assert form.settle(Q, start) == start  # the defaults are offered
    for care in CARE.options:
        for modality in MODALITY.options:
            values = form.settle(Q, {**start, "lookup": "search", "code_care_type": care,
                                     "code_modality": modality, "team": "one_psychologist"})
            assert values["code_modality"] in form.offered(MODALITY, Q, values)
            assert values["kind"] in form.offered(KIND, Q, values)
            assert values["team"] in form.offered(TEAM, Q, values) + ("",)
            answer = calculator.answer(form.request_for(Q, values))
            assert answer["ok"], (care, modality, answer.get("errors"))


def test_offers_follow_the_data():
    """The offers are derived from the codes, not listed by hand: each condition names
    only values that a code of the data has."""
    codes = load_rules().pseudocodes
    for option, conditions in KIND.offers[Q].items():
        for condition in conditions:
            for care in condition["code_care_type"]:
                for modality in condition["code_modality"]:
                    assert any(pc.kind == option and pc.care_type == care and pc.modality == modality
                               for pc in codes), (option, care, modality)
