"""The docs page (content/{fr,nl}/vocabulary.md) documents the whole vocabulary. Its
interpretations, value lists and examples are rendered from the package at build time
(scripts/render/rules_in_pages.py); tests/site/test_rules_in_pages.py checks the built page
shows each interpretation and value of the data. Here: the hand-written part."""

from __future__ import annotations

from pathlib import Path

import ast
import re

import pytest

import calculator
from calculator.errors import ERROR_CODES
from calculator.params import load_rules
from calculator.validation import collect_anchors

REPO = Path(__file__).resolve().parents[2]

LANGS = ("fr", "nl")
DOC_LINK = re.compile(r"\]\(doc:([a-z0-9-]+)#([a-z0-9:-]+)\)")
EXAMPLE = re.compile(r"\{\{ example\((\{.*?\}), (?:\[.*?\]|none)(?:, \"[^\"]*\")?\) \}\}")


def page(lang: str) -> str:
    return (REPO / "content" / lang / "vocabulary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_page_is_a_content_page_that_asks_the_package(lang):
    text = page(lang)
    assert text.startswith("---\ntitle: ") and "\ndescription: " in text.split("---", 2)[1]
    assert "{{ interpretations(" in text
    rules = load_rules()
    for iid, it in rules.interpretations.items():   # no hand copy left to keep in step
        assert f"`{iid}`" not in text and it.reason.get(lang) not in text, iid
    for name, items in calculator.vocabulary().items():
        assert f'vocabulary_table("{name}"' in text, name
        assert f"| `{items[0]['value']}` | {items[0][lang]} |" not in text, name


@pytest.mark.parametrize("lang", LANGS)
def test_page_lists_every_error_and_warning_code(lang):
    text = page(lang)
    for code in ERROR_CODES:
        assert f"`{code}`" in text, code
    rules = load_rules()
    for key in rules.catalogue.messages[lang]:
        if key.startswith("warnings."):
            assert f"`{key.split('.', 1)[1]}`" in text, key


@pytest.mark.parametrize("lang", LANGS)
def test_page_links_resolve(lang):
    anchors = collect_anchors(REPO / "sources")
    links = DOC_LINK.findall(page(lang))
    assert links
    for doc, para in links:
        assert para in anchors.get(doc, set()), f"doc:{doc}#{para}"


@pytest.mark.parametrize("lang", LANGS)
def test_page_examples_cover_every_question(lang):
    """The examples' answers are the package's own (rendered); the requests cover every
    question, and only the example of errors is refused."""
    requests = [ast.literal_eval(m.replace("true", "True").replace("false", "False").replace("none", "None"))
                for m in EXAMPLE.findall(page(lang))]
    assert len(requests) >= 9
    assert {r["question"] for r in requests} == set(calculator.vocab.QUESTIONS)
    refused = [r for r in requests if not calculator.answer(r)["ok"]]
    assert len(refused) == 1, refused
