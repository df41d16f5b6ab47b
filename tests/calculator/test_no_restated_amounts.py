"""Labels and interpretation texts of calculator/data name their paragraph or rule and take
any amount from the value: {<parameter id>} (or {value} in a value's label), filled by
calculator/answer.py on the answer's date."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import calculator
from calculator.answer import interpretation_note, placeholder_problems, value_label
from calculator.params import parse_rules, read_data_files

RULES = calculator.load_rules()
AMOUNT = re.compile(r"\d+(?:[,.]\d+)?\s?(?:€|euros?\b)|€\s?\d")
CAP = re.compile(r"\b\d+\s(?:séances?|sessies?|individuelle|groeps)|\bmaximaal\s\d+|\bmaximum\s\d+|\b(?:moyenne|gemiddeld)\s(?:de\s)?\d+",
                 re.I)


def data_texts(rules):
    for ref, text in rules.anchors.items():
        yield f"anchors.toml [\"{ref}\"]", text
    for p in rules.parameters.values():
        for v in p.values:
            yield f"{p.file}: [{p.id}] value from {v.start} label", v.label
    for it in rules.interpretations.values():
        for part in ("title", "choice", "reason"):
            yield f"{it.file}: [interpretations.{it.id}] {part}", getattr(it, part)
    for r in rules.references.values():
        yield f"references.toml: [references.{r.id}] label", r.label


def test_labels_and_interpretations_type_no_amount_or_cap():
    found = [(where, m.group(0)) for where, text in data_texts(RULES) for lang in ("fr", "nl")
             for rx in (AMOUNT, CAP) for m in rx.finditer(text.get(lang))]
    assert not found, ("write the amount as {<parameter id>} (or {value} in a value's label): "
                       f"calculator/answer.py fills it with the value on the answer's date: {found}")


def test_every_placeholder_names_a_parameter():
    assert placeholder_problems(RULES) == []


def _rules_with(edit):
    files = read_data_files()
    files["contribution.toml"] = edit(files["contribution.toml"].decode("utf-8")).encode("utf-8")
    return parse_rules(files)


def test_a_misspelled_placeholder_is_named():
    rules = _rules_with(lambda t: t.replace("coûte {copay_group}, que", "coûte {copay_grup}, que"))
    problems = placeholder_problems(rules)
    assert any("group-same-with-bim" in p and "{copay_grup} is not a parameter id" in p for p in problems), problems
    assert any("French has ['copay_grup'], Dutch ['copay_group']" in p for p in problems), problems


def test_an_interpretation_quotes_the_value_of_the_answer_s_date():
    from tests.republish.republish import add_value

    rules = _rules_with(lambda t: add_value(t, "copay_group", dt.date(2040, 1, 1),
                                            'value = "3.00"\nref = "circular-8761#cost-3"\n'
                                            'label = { fr = "{value} par séance de groupe", nl = "{value} per groepssessie" }\n'))
    it = rules.interpretations["group-same-with-bim"]
    before = interpretation_note(rules, it, dt.date(2039, 12, 31)).to_dict()
    after = interpretation_note(rules, it, dt.date(2040, 1, 1)).to_dict()
    assert "2,50 €" in before["fr"] and "€ 2,50" in before["nl"] and "3,00" not in before["fr"] + before["nl"]
    assert "3,00 €" in after["fr"] and "€ 3,00" in after["nl"] and "2,50" not in after["fr"] + after["nl"]
    labels = [value_label(rules, v).get("fr") for v in rules.param("copay_group").values]
    assert labels[0] == "2,50 € par séance de groupe" and labels[-1] == "3,00 € par séance de groupe"


@pytest.mark.parametrize("date, bim_amount", [("2023-10-01", "4,00 €")])
def test_answers_fill_the_amounts(date, bim_amount):
    answer = calculator.answer({"question": "contribution", "date": date, "age": 40, "route": "outside",
                                "place": "psychologist_office", "modality": "group", "bim": True,
                                "first_session": False})
    notes = {i["id"]: i for i in answer["interpretations"]}
    assert bim_amount in notes["group-same-with-bim"]["fr"]
    for i in answer["interpretations"]:
        assert "{" not in i["fr"] + i["nl"] + i["title"]["fr"] + i["title"]["nl"], i
