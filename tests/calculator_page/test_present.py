"""calculator/present.py and calculator/form.py without a browser: amounts,
plurals, dates, each question's figure and caption, errors next to their
control, links that bring a state back, the view as HTML and the worker's entry
point."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import calculator
from calculator import form, present
from calculator.params import load_rules
from tests.calculator_page.calcpage import expected_view, load_scenarios, read_view

ROOT = Path(__file__).resolve().parents[2]
DAY = "2023-10-01"
SCENARIOS = load_scenarios()


def raw(lang: str, key: str) -> str:
    return load_rules().catalogue.raw(lang, key)


def ask(question: str, **fields) -> tuple[dict, dict, dict]:
    """(answer, values, overrides) for a link's fields."""
    values, overrides = form.values_from_state(question, {k: json.dumps(v) if isinstance(v, bool) else str(v)
                                                          for k, v in fields.items()}, DAY)
    return calculator.answer(form.request_for(question, values, overrides)), values, overrides


@pytest.mark.parametrize("cents, fr, nl", [(1100, "11,00 €", "€ 11,00"), (250, "2,50 €", "€ 2,50"),
                                           (5, "0,05 €", "€ 0,05"), (0, "0,00 €", "€ 0,00"),
                                           (-400, "-4,00 €", "€ -4,00"), (123456, "1234,56 €", "€ 1234,56")])
def test_money(cents, fr, nl):
    assert present.money(cents, "fr") == fr
    assert present.money(cents, "nl") == nl


def test_plurals_french_singular_for_0_and_1_dutch_for_1():
    assert present.plural("caption_course", 0, "fr") == "au total pour 0 séance"
    assert present.plural("caption_course", 1, "fr") == "au total pour 1 séance"
    assert present.plural("caption_course", 2, "fr") == "au total pour 2 séances"
    assert present.plural("caption_course", 0, "nl") == "in totaal voor 0 sessies"
    assert present.plural("caption_course", 1, "nl") == "in totaal voor 1 sessie"
    assert present.plural("caption_course", 2, "nl") == "in totaal voor 2 sessies"
    # the same rule as the package's own counts in its sentences (units.*)
    from calculator.i18n import Count

    cat = load_rules().catalogue
    assert cat.text("course.total", sessions=Count(0, "sessions"), total="x").fr.startswith("Pour 0 séance,")
    assert "0 sessies" in cat.text("course.total", sessions=Count(0, "sessions"), total="x").nl


def test_dates_in_belgian_form():
    assert present.day_text("2023-10-01") == "01/10/2023"
    assert present.day_text("2024-02-29") == "29/02/2024"
    assert present.day_text(None) == ""
    answer, values, _ = ask("networks", age=16, date=DAY)
    meta = read_view(present.view(answer, "nl"))["meta"]
    assert "01/10/2023" in meta and answer["rules_version"] in meta


def test_figure_and_caption_of_each_question():
    # contribution: the amount, and the reason in words
    a, _, _ = ask("contribution", age=12, route="outside", place="psychologist_office", modality="individual",
                  bim=False, first_session=False, date=DAY)
    assert present.figure(a, "fr") == (present.money(a["result"]["amount_cents"], "fr"),
                                       present.label("reason", a["result"]["reason"], "fr"))
    assert present.figure(a, "fr")[0] == "11,00 €" and present.figure(a, "nl")[0] == "€ 11,00"
    # not allowed: the outcome's words instead of an amount
    a, _, _ = ask("contribution", age=12, route="other_organisation", centre="clb", place="school", date=DAY)
    assert a["result"]["outcome"] == "not_allowed"
    assert present.figure(a, "nl")[0] == present.label("outcome", "not_allowed", "nl")
    # course: the total, "for n sessions"
    a, _, _ = ask("course", age=16, sessions=10, date=DAY)
    assert present.figure(a, "fr") == (present.money(a["result"]["total_cents"], "fr"), "au total pour 10 séances")
    # beyond the maximum, the total is for the sessions within it
    a, _, _ = ask("course", age=16, sessions=12, care_type="sppl", network="children_adolescents", date=DAY)
    assert a["result"]["sessions_over_cap"] == 2
    assert present.figure(a, "fr") == (present.money(a["result"]["total_cents"], "fr"), "au total pour 10 séances")
    # quota: the maximum, the window, what is left
    a, _, _ = ask("quota", care_type="sps", network="children_adolescents", sessions_used=12, date=DAY)
    figure, caption = present.figure(a, "fr")
    assert figure == str(a["result"]["max_sessions"])
    assert caption == (present.plural("caption_quota", a["result"]["max_sessions"], "fr",
                                      months=a["result"]["window_months"])
                       + " · " + present.plural("caption_remaining", a["result"]["remaining"], "fr"))
    # networks: their names joined with "or", the caption counts them
    a, _, _ = ask("networks", age=16, date=DAY)
    assert len(a["result"]["networks"]) == 2
    assert present.figure(a, "nl")[0] == " of ".join(present.label("network", n, "nl") for n in a["result"]["networks"])
    assert present.figure(a, "nl")[1] == raw("nl", "view.caption_networks.other").format(age=16)
    a, _, _ = ask("networks", age=40, date=DAY)
    assert present.figure(a, "fr") == (present.label("network", "adults", "fr"),
                                       raw("fr", "view.caption_networks.one").format(age=40))
    assert present.networks_text([], "fr") == raw("fr", "view.networks_none")
    # pseudocode: a looked-up code says what it means; a search counts the codes
    a, _, _ = ask("pseudocode", code="792632", date=DAY)
    assert present.figure(a, "nl") == ("792632", a["result"]["codes"][0]["description"]["nl"])
    a, _, _ = ask("pseudocode", care_type="sppl", modality="group", kind="standard", date=DAY)
    n = len(a["result"]["codes"])
    assert n > 1 and present.figure(a, "fr")[1] == f"les {n} pseudocodes qui correspondent"
    # fees: the amount and its unit, or that it is not paid
    a, _, _ = ask("fees", service="trajectory", date=DAY)
    assert present.figure(a, "fr") == (present.money(a["result"]["fee_cents"], "fr"),
                                       raw("fr", f"view.fee_unit.{a['result']['fee_unit']}"))
    a, _, _ = ask("fees", service="multidisciplinary_consultation", providers=2, care_type="sps", date=DAY)
    assert a["result"]["eligible"] is False
    assert present.figure(a, "nl")[1] == raw("nl", "view.fees_not_eligible")


@pytest.mark.parametrize("question, fields, controls", [
    ("contribution", {"age": -2, "date": "2023-02-30"}, {"age", "date"}),
    ("course", {"sessions": 0, "date": DAY}, {"sessions"}),
    # the same request field, held by a different control per question
    ("pseudocode", {"care_type": "dental", "date": DAY}, {"code_care_type"}),
    ("fees", {"service": "multidisciplinary_consultation", "care_type": "dental", "date": DAY}, {"fee_care_type"}),
    ("contribution", {"route": "private", "date": DAY}, {"route"}),
])
def test_each_error_goes_to_the_control_that_holds_its_field(question, fields, controls):
    answer, values, _ = ask(question, **fields)
    assert not answer["ok"]
    for lang in ("fr", "nl"):
        v = present.view(answer, lang, question=question, values=values)
        assert v["state"] == "errors"
        assert set(v["fields"]) == controls
        for key, message in v["fields"].items():
            c = form.CONTROL[key]
            assert form.visible(c, question, values)
            assert message in [e[lang] for e in answer["errors"] if e["field"] == c.name]
        seen = read_view(v)
        assert seen["figure"] == raw(lang, "view.errors_title")
        assert seen["errors"] == [e[lang] for e in answer["errors"]]


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_scenario_view_says_what_the_answer_says(lang):
    """The view's nodes, read as the page reads its DOM, equal the answer's texts."""
    for s in SCENARIOS:
        values, overrides = s.values(DAY)
        out = present.ask(s.question, values, overrides, lang, "https://example.org/")
        assert out["request"] == form.request_for(s.question, values, overrides)
        want = expected_view(s.question, values, overrides, lang, "https://example.org/")
        assert read_view(out["view"]) == want, s.name
        assert want["state"] == s.expect, s.name


def test_share_links_round_trip():
    """The fragment the package gives brings back the same request, on any day."""
    for s in SCENARIOS:
        values, overrides = s.values(DAY)
        request = form.request_for(s.question, values, overrides)
        params = form.fragment(s.question, values, request)
        assert params[0] == ["q", s.question]
        back = form.values_from_state(s.question, {k: v for k, v in params[1:]}, "1999-01-01")
        assert form.request_for(s.question, *back) == request, s.name


def test_old_links_keep_their_meaning():
    """A hand-written or older link: a missing field keeps its default, compare is
    ticked for a course that names a network, an unknown field reaches the package."""
    values, overrides = form.values_from_state("course", {"network": "adults"}, DAY)
    assert values["compare"] is True and values["network"] == "adults" and overrides == {}
    assert form.request_for("course", values, overrides)["network"] == "adults"
    values, overrides = form.values_from_state("networks", {"age": "16", "colour": "blue"}, DAY)
    request = form.request_for("networks", values, overrides)
    assert request == {"question": "networks", "age": 16, "date": DAY, "colour": "blue"}
    assert not calculator.answer(request)["ok"]


def test_raw_values_as_the_browser_sends_them():
    values = form.default_values(DAY)
    assert form.request_for("networks", {**values, "age": "12"})["age"] == 12
    assert form.request_for("networks", {**values, "age": "12.5"})["age"] == 12.5
    assert "age" not in form.request_for("networks", {**values, "age": ""})  # emptied: the package says it is missing
    assert form.request_for("networks", {**values, "age": None})["age"] == ""  # unreadable
    assert form.request_for("pseudocode", {**values, "lookup": "lookup", "code": " 792632 "})["code"] == "792632"


def test_html_of_a_view():
    answer, values, _ = ask("contribution", age=12, date=DAY)
    v = present.view(answer, "fr", "../", question="contribution", values=values)
    result, details = present.html(v["result"]), present.html(v["details"])
    assert result.startswith('<p class="calc__figure"><strong class="calc__amount">')
    assert '<span class="calc__caption">' in result and '<p class="calc__explanation">' in result
    assert "'" in answer["explanation"]["fr"] and "'" not in result  # escaped (&#39;), as the build always did
    assert '<a href="../' in details and "target=" not in details
    embed = present.html(present.view(answer, "fr", "../", new_tab=True)["details"])
    assert 'target="_blank" rel="noopener"' in embed
    assert present.html(["p", {"class": "x"}, ["<b>&\"'"]]) == '<p class="x">&lt;b&gt;&amp;&#34;&#39;</p>'


def test_ask_json_is_the_workers_entry_point():
    values = form.default_values(DAY)
    out = json.loads(present.ask_json(json.dumps({"question": "networks", "values": values, "overrides": {},
                                                  "lang": "nl", "lang_root": "/nl/", "variant": "embed"})))
    assert set(out) == {"request", "view", "fragment"}
    assert out["request"] == {"question": "networks", "age": 12, "date": DAY}
    links = present.html(out["view"]["details"]).count("<a ")
    assert links and present.html(out["view"]["details"]).count('target="_blank" rel="noopener"') == links
    assert out["fragment"] == [["q", "networks"], ["age", "12"], ["date", DAY]]
    assert "error" in json.loads(present.ask_json("[]"))
    assert "error" in json.loads(present.ask_json('{"question": "weather", "values": {}}'))
    assert "error" in json.loads(present.ask_json("{"))


def test_the_view_words_are_the_packages_only():
    """No word of the view is kept again in the site's chrome catalogue."""
    for lang in ("fr", "nl"):
        chrome = tomllib.loads((ROOT / "i18n" / f"{lang}.toml").read_text(encoding="utf-8"))["calculator"]
        view = load_rules().catalogue.messages[lang]
        words = {v for k, v in view.items() if k.startswith("view.")}
        assert not words & set(chrome.values()), words & set(chrome.values())


def test_the_form_is_derived_from_the_declarations():
    """Each question's controls fill exactly its declared request fields, with the
    declared choices, bounds and defaults, and every control has its words."""
    from calculator.declare import TODAY, request_fields

    for q in calculator.vocab.QUESTIONS:
        declared = {f.name: f for f in request_fields(q)}
        controls = [c for c in form.CONTROLS if c.name and q in c.shows]
        assert sorted(c.name for c in controls) == sorted(declared), q
        for c in controls:
            f = declared[c.name]
            assert c.options == tuple(f.choices or ()), (q, c.key)
            assert (c.minimum, c.maximum, c.default) == (f.minimum, f.maximum, f.default), (q, c.key)
            assert c.label == f.label and c.hint == f.hint, (q, c.key)
    for c in form.CONTROLS:
        for lang in ("fr", "nl"):
            w = form.words(c, lang, DAY)
            assert w["label"] and "{" not in w["label"] + w["hint"], (c.key, lang)
            assert [o["value"] for o in w["options"]] == ([""] if c.empty else []) + list(c.options)
    assert form.CONTROL["date"].default == TODAY


def test_hints_name_the_rules_values():
    """The network hint gives the networks' ages as the rules say on the day."""
    rules = load_rules()
    when = __import__("datetime").date.fromisoformat(DAY)
    hint = form.words(form.CONTROL["network"], "fr", DAY)["hint"]
    assert f"jusqu'à {rules.value('children_max_age', when).value} ans" in hint
    assert f"dès {rules.value('adults_min_age', when).value} ans" in hint
    label = form.words(form.CONTROL["sessions_used"], "nl", DAY)["label"]
    assert f"laatste {rules.value('quota_window_months', when).value} maanden" in label


@pytest.mark.parametrize("question, link", [
    ("contribution", {"age": "10", "route": "own_convention", "place": "school", "date": "2023-10-01"}),
    ("course", {"age": "16", "route": "other_organisation", "place": "cpms_clb", "sessions": "4", "date": "2023-10-01"}),
    ("fees", {"service": "individual_session", "route": "own_convention", "place": "cpms_clb", "bim": "false",
              "first_session": "false", "date": "2023-10-01"}),
])
def test_an_old_link_without_centre_asks_it(question, link):
    """A link shared before `centre` existed opens with the centre asked, not with an
    error; once answered, the centre's own text answers and the link keeps it."""
    values, overrides = form.values_from_state(question, link, DAY)
    assert overrides == {} and values["centre"] is None
    assert form.visible(form.CONTROL["centre"], question, values)
    for lang in ("fr", "nl"):
        out = present.ask(question, values, overrides, lang)
        assert out["view"]["state"] == "question" and out["view"]["fields"] == {}
        seen = read_view(out["view"])
        assert seen["errors"] == [] and raw(lang, "form.label.centre") in seen["caption"]
        assert ["centre", ""] in out["fragment"]
    for centre, text in (("cpms", "circular-8761"), ("clb", "riziv-note-clb")):
        out = present.ask(question, {**values, "centre": centre}, overrides, "fr")
        assert out["view"]["state"] == "answer" and ["centre", centre] in out["fragment"]
        assert text in {c["doc"] for c in calculator.answer(out["request"])["citations"]}
    # a wrong centre is an error next to its control, as any other field
    out = present.ask(question, {**values, "centre": "zks"}, overrides, "nl")
    assert out["view"]["state"] == "errors" and set(out["view"]["fields"]) == {"centre"}


@pytest.mark.parametrize("question, fields", [
    ("contribution", {"route": "own_convention", "centre": "cpms", "place": "school"}),
    ("course", {"route": "other_organisation", "centre": "clb", "place": "cpms_clb", "sessions": 4}),
])
def test_the_parents_view_leaves_out_how_a_session_is_billed(question, fields):
    """Issue 13 item 5: the billing sentences (contribution.staff.*) are for the staff:
    the page and the embed keep them, the parents' variant of the form does not."""
    values, _ = form.values_from_state(question, {"age": "30", "date": DAY, **{k: str(v) for k, v in fields.items()}},
                                       DAY)
    key = "contribution.staff.billing_reserved" if question == "contribution" else "series.staff.billing_reserved"
    for lang in ("fr", "nl"):
        billing = raw(lang, key)
        explanation = {variant: read_view(present.ask(question, values, {}, lang, "../", variant)["view"])
                       ["explanation"] for variant in ("page", "embed", "parents")}
        assert billing in explanation["page"] and billing in explanation["embed"]
        assert billing not in explanation["parents"] and "pseudocode" not in explanation["parents"]
        # only that sentence goes: the rest is the page's explanation, word for word
        assert explanation["parents"] == explanation["page"].replace(f" {billing}", "")
        assert explanation["parents"].strip() and "  " not in explanation["parents"]
