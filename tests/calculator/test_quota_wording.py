"""A maximum of sessions is a ceiling, not an entitlement (issue 12): no answer, interpretation or
page about the number of sessions says a person "has a right to" sessions, and no sentence says
what most courses count (no text says it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import calculator
from calculator.params import load_rules

ROOT = Path(__file__).resolve().parents[2]
# "a droit à N séances", "heeft recht op maximaal N sessies"; "environ N séances", "ongeveer N sessies"
ENTITLEMENT = re.compile(r"a droit à|ont droit à|heeft recht op (maximaal|\d)|hebben recht op (maximaal|\d)", re.I)
UNSUPPORTED = re.compile(r"(environ|ongeveer) \d+ (séances|sessies)|beaucoup de suivis|veel begeleidingen", re.I)


def quota_texts():
    rules = load_rules()
    for key, text in rules.catalogue.messages["fr"].items():
        yield f"fr:{key}", text
    for key, text in rules.catalogue.messages["nl"].items():
        yield f"nl:{key}", text
    for it in rules.interpretations.values():
        for lang in ("fr", "nl"):
            yield f"{it.id}:{lang}", f"{it.title.get(lang)} {it.text.get(lang)}"
    for lang in ("fr", "nl"):
        for page in sorted((ROOT / "content" / lang).glob("*.md")):
            yield str(page.relative_to(ROOT)), page.read_text(encoding="utf-8")


@pytest.mark.parametrize("where, text", list(quota_texts()))
def test_a_maximum_is_a_ceiling_and_no_unsupported_sentence_is_left(where, text):
    assert not ENTITLEMENT.search(text), where
    assert not UNSUPPORTED.search(text), where


@pytest.mark.parametrize("care_type, network, date", [("sppl", "adults", "2023-10-01"),
                                                      ("sps", "children_adolescents", "2023-10-01"),
                                                      ("treatment", "adults", "2024-04-01")])
def test_the_answer_says_at_most_and_the_window_is_our_interpretation(care_type, network, date):
    a = calculator.answer({"question": "quota", "date": date, "care_type": care_type, "network": network,
                           "modality": "individual"})
    assert "au maximum" in a["explanation"]["fr"] and "hoogstens" in a["explanation"]["nl"]
    w = next(w for w in a["warnings"] if w["code"] == "rolling_window")
    assert "notre interprétation" in w["fr"] and "onze interpretatie" in w["nl"]
    it = next(i for i in a["interpretations"] if i["id"].startswith("rolling-window"))
    assert "notre interprétation" in it["fr"] and "onze interpretatie" in it["nl"]
