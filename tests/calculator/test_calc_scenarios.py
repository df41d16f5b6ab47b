"""The scenario tables (tests/calculator/scenarios/*.toml) answered in CPython."""

from __future__ import annotations

import json

import pytest

import calculator
from tests.calculator.calc_scenarios import check, load_scenarios

SCENARIOS = load_scenarios()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(scenario):
    answer = calculator.answer(scenario.request)
    problems = check(scenario, answer)
    assert not problems, f"{scenario.where}: scenario {scenario.name!r}\n" + "\n".join(problems)
    # The JSON interface gives exactly the same answer.
    assert json.loads(calculator.answer_json(json.dumps(scenario.request))) == answer


def test_every_question_has_scenarios():
    questions = {s.request.get("question") for s in SCENARIOS}
    assert {"networks", "quota", "contribution", "course", "pseudocode", "fees"} <= questions


def test_every_route_centre_and_place_on_both_sides_of_every_rule_date():
    from calculator.vocab import CENTRE_ROUTES, CENTRES, PLACES, ROUTES

    for question in ("contribution", "fees"):
        seen = {
            (s.request["date"], s.request["route"], s.request.get("centre"), s.request["place"])
            for s in SCENARIOS if s.request.get("question") == question and "route" in s.request
            and "errors" not in s.spec
        }
        for date in ("2022-10-21", "2023-08-31", "2023-09-01", "2024-01-31", "2024-02-01", "2024-03-31", "2024-04-01"):
            for route in ROUTES:
                for centre in CENTRES if route in CENTRE_ROUTES else (None,):
                    for place in PLACES:
                        assert (date, route, centre, place) in seen, (question, date, route, centre, place)


def test_the_route_grid_is_the_table_of_route_grid():
    """The generated cases are those the readable table gives (not edited by hand)."""
    from tests.calculator import route_grid

    for name, cases in (("contribution.toml", route_grid.contribution_cases()), ("fees.toml", route_grid.fees_cases())):
        text = (route_grid.SCENARIOS / name).read_text(encoding="utf-8")
        assert route_grid.render(cases) in text, name


def test_both_sides_of_every_effective_date_and_age_bound():
    dates = {s.request.get("date") for s in SCENARIOS}
    for d in ("2022-10-20", "2022-10-21", "2023-08-31", "2023-09-01", "2024-01-31", "2024-02-01",
              "2024-03-31", "2024-04-01"):
        assert d in dates, d
    ages = {s.request.get("age") for s in SCENARIOS if s.request.get("question") == "networks"}
    assert {14, 15, 23, 24} <= ages
    # The free sessions up to 23 years inclusive, from 1 February 2024: both ages on both sides.
    sides = {(s.request["date"], s.request["age"]) for s in SCENARIOS
             if s.request.get("question") == "contribution" and "errors" not in s.spec}
    for d in ("2024-01-31", "2024-02-01", "2024-03-31", "2024-04-01"):
        for age in (23, 24):
            assert (d, age) in sides, (d, age)


def test_each_scenario_knows_its_file_and_line():
    """A failing scenario names tests/calculator/scenarios/<file>:<line> (its [[case]]),
    so a maintainer finds it without searching."""
    from tests.calculator.calc_scenarios import SCENARIO_DIR

    for s in SCENARIOS:
        lines = (SCENARIO_DIR / s.file).read_text(encoding="utf-8").splitlines()
        assert lines[s.line - 1].strip() == "[[case]]", s.where
        following = "\n".join(lines[s.line:s.line + 40])
        assert repr(s.name)[1:-1] in following or s.name in following, (s.where, s.name)
