"""The answer's history (calculator/history.py, present.history): what the same request gave
at each date where a rule it uses changes.

The expected rows are written from calculator/data/contribution.toml and quotas.toml and
the texts they cite, never from the calculator's output:
- copay_individual 11.00 from 21/10/2022 (circular-8761#cost-3), again 11.00 from 1/04/2024;
- no_contribution_max_age "none" from 21/10/2022, 23 from 1/02/2024 (nothing to pay up to 23);
- route_own_convention_cpms: free at the school from 21/10/2022 (circular-8761#cost-1) and
  from 1/09/2023 (amendment-5#art1-par1-1);
- route_other_organisation_cpms: free at the school until 31/08/2023 (circular-8761#cost-1),
  not possible there from 1/09/2023 (amendment-5#art1-par1-2-cond2);
- the care type sppl of the circular until 31/03/2024 (care_types), replaced from 1/04/2024.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

import calculator
from calculator import present
from calculator.history import on, periods
from calculator.params import load_rules
from tests.calculator.test_calc_properties import SETTINGS, contribution_requests

DAY = dt.timedelta(days=1)


def session(date: str, **fields) -> dict:
    base = {"question": "contribution", "date": date, "age": 12, "route": "outside", "place": "psychologist_office",
            "modality": "individual", "bim": False, "first_session": False}
    return {**base, **fields}


def rows(request: dict, lang: str) -> list[tuple]:
    return [(r["from"], r["until"], r["figure"], r["current"]) for r in present.history(request, lang)]


def test_a_child_at_the_psychologists_office_paid_until_the_end_of_january_2024_then_nothing():
    request = session("2023-10-01")
    assert rows(request, "fr") == [
        ("21 octobre 2022", "31 janvier 2024", "11,00 €", True),
        ("1er février 2024", "pas de fin connue", "Gratuit", False)]
    assert rows(request, "nl") == [
        ("21 oktober 2022", "31 januari 2024", "€ 11,00", True),
        ("1 februari 2024", "geen einde bekend", "Gratis", False)]
    # the same rows on the other side of the change, the other row marked
    assert [r[3] for r in rows(session("2024-06-01"), "fr")] == [False, True]


def test_an_adult_at_the_psychologists_office_has_paid_the_same_since_the_first_rules():
    # 11 € on 21/10/2022, on 1/02/2024 (older than 23) and on 1/04/2024: one period
    assert rows(session("2024-06-01", age=30), "fr") == [("21 octobre 2022", "pas de fin connue", "11,00 €", True)]


def test_a_session_at_school_by_the_cpms_own_convention_was_always_free():
    request = session("2024-06-01", route="own_convention", centre="cpms", place="school")
    assert rows(request, "fr") == [("21 octobre 2022", "pas de fin connue", "Gratuit", True)]
    assert rows(request, "nl") == [("21 oktober 2022", "geen einde bekend", "Gratis", True)]


def test_a_session_at_school_by_another_organisation_stopped_being_possible():
    request = session("2023-06-01", age=30, route="other_organisation", centre="cpms", place="school")
    assert rows(request, "fr") == [
        ("21 octobre 2022", "31 août 2023", "Gratuit", True),
        ("1er septembre 2023", "pas de fin connue", "Situation non prévue", False)]


def test_a_course_of_ten_sessions_starting_with_the_first():
    # the first session free (circular-8761#cost-4), nine at 11 €; nothing from 1/02/2024
    request = {**session("2023-10-01", first_session=True), "question": "course", "sessions": 10}
    assert rows(request, "fr") == [
        ("21 octobre 2022", "31 janvier 2024", "99,00 €", True),
        ("1er février 2024", "pas de fin connue", "Gratuit", False)]


def test_a_care_type_of_the_circular_has_no_answer_once_it_is_replaced():
    request = {"question": "quota", "date": "2023-10-01", "age": 12, "modality": "individual", "care_type": "sppl",
               "network": "children_adolescents"}
    history = rows(request, "fr")
    assert [(r[0], r[1], r[3]) for r in history] == [
        ("21 octobre 2022", "31 mars 2024", True), ("1er avril 2024", "pas de fin connue", False)]
    assert history[0][2].startswith("10 séances") and history[1][2] == "pas de réponse"
    # a care type of the convention: no row before it exists
    later = {**request, "date": "2024-06-01", "care_type": "support"}
    assert [r[0] for r in rows(later, "fr")] == ["1er avril 2024"]


def test_an_error_or_an_undated_answer_has_no_history():
    assert present.history(session("2022-10-20"), "fr") == []       # before the first rules
    assert present.history(session("2024-06-01", age=-1), "fr") == []
    assert periods({"question": "pseudocode", "code": "792632"}) == []  # a lookup without a date


def test_the_history_belongs_to_the_view_not_to_the_answer():
    request = session("2023-10-01")
    assert "history" not in calculator.answer(request)
    out = present.ask("contribution", {"date": "2023-10-01", "age": "12"}, {}, "fr")
    table = out["view"]["details"][0]
    assert table[0] == "table" and table[1]["class"] == "calc__history"
    text = present.html(table)
    assert text.startswith('<table class="calc__history"><caption>') and "<tbody>" in text
    assert '<tr class="calc__history-current" aria-current="date"><td>21 octobre 2022</td>' in text
    errors = present.ask("contribution", {"date": "2023-10-01", "age": "-1"}, {}, "fr")["view"]
    assert errors["state"] == "errors" and not any("calc__history" in present.html(n) for n in errors["details"])


def _rule_dates() -> set[dt.date]:
    rules = load_rules()
    return ({v.start for p in rules.parameters.values() for v in p.values}
            | {pc.start for pc in rules.pseudocodes} | {pc.end + DAY for pc in rules.pseudocodes if pc.end})


def requests():
    course = contribution_requests().flatmap(
        lambda r: st.integers(1, 30).map(lambda n: {**r, "question": "course", "sessions": n}))
    quota = st.fixed_dictionaries({
        "question": st.just("quota"), "date": st.dates(dt.date(2022, 10, 21), dt.date(2030, 1, 1)).map(str),
        "age": st.integers(0, 40), "modality": st.sampled_from(["individual", "group"]),
        "care_type": st.sampled_from(["sppl", "sps", "support", "treatment"]),
        "network": st.sampled_from(["children_adolescents", "adults"])})
    return st.one_of(contribution_requests(), course, quota)


@SETTINGS
@given(requests(), st.data())
def test_each_row_is_the_answer_of_its_own_dates_and_the_rows_follow_each_other(request, data):
    answer = calculator.answer(request)
    merged = present.history_periods(request)
    if not answer["ok"]:
        assert merged == []
        return
    when = dt.date.fromisoformat(request["date"])
    starts = [start for start, _, _ in merged]
    assert starts == sorted(starts) and set(starts) <= _rule_dates()   # no invented date
    for (start, end, _), (nxt, _, _) in zip(merged, merged[1:]):
        assert end is not None and nxt == end + DAY                    # contiguous
    assert merged[-1][1] is None
    for (_, _, a), (_, _, b) in zip(merged, merged[1:]):
        assert a != b                                                  # merged where they read the same
    for start, end, words in merged:
        inside = data.draw(st.dates(start, end or start + dt.timedelta(days=3000)))
        for day in (start, inside, end or inside):
            again = calculator.answer(on(request, day))
            assert {lang: present.headline(again, lang) for lang in ("fr", "nl")} == words, (day, again)
    current = [r for r in present.history(request, "fr") if r["current"]]
    assert len(current) == 1 and current[0]["figure"] == present.headline(answer, "fr")
    assert len(present.history(request, "nl")) == len(merged)
