"""The docs page (content/{fr,nl}/vocabulary.md) documents the whole vocabulary, and its examples are true."""

from __future__ import annotations

from pathlib import Path

import json
import re

import pytest

import calculator
from tests.calculator.calc_scenarios import _subset
from calculator.errors import ERROR_CODES
from calculator.params import load_rules
from calculator.validation import collect_anchors

REPO = Path(__file__).resolve().parents[2]

LANGS = ("fr", "nl")
JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)
DOC_LINK = re.compile(r"\]\(doc:([a-z0-9-]+)#([a-z0-9:-]+)\)")


def page(lang: str) -> str:
    return (REPO / "content" / lang / "vocabulary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_page_is_a_content_page(lang):
    text = page(lang)
    assert text.startswith("---\ntitle: ") and "\ndescription: " in text.split("---", 2)[1]
    # Content pages are rendered as Jinja templates by scripts/build.py.
    assert not re.search(r"\{\{|\{%|\{#", text)


@pytest.mark.parametrize("lang", LANGS)
def test_page_lists_every_value_code_and_interpretation(lang):
    text = page(lang)
    for name, items in calculator.vocabulary().items():
        for item in items:
            assert f"| `{item['value']}` | {item[lang]} |" in text, (name, item["value"])
    for code in ERROR_CODES:
        assert f"`{code}`" in text, code
    rules = load_rules()
    for key in rules.catalogue.messages[lang]:
        if key.startswith("warnings."):
            assert f"`{key.split('.', 1)[1]}`" in text, key
    for iid, it in rules.interpretations.items():
        assert f"`{iid}`" in text and it.title.get(lang) in text and it.choice.get(lang) in text, iid


@pytest.mark.parametrize("lang", LANGS)
def test_page_links_resolve(lang):
    anchors = collect_anchors(REPO / "sources")
    links = DOC_LINK.findall(page(lang))
    assert links
    for doc, para in links:
        assert para in anchors.get(doc, set()), f"doc:{doc}#{para}"


@pytest.mark.parametrize("lang", LANGS)
def test_page_examples_are_the_real_answers(lang):
    blocks = [json.loads(b) for b in JSON_BLOCK.findall(page(lang))]
    pairs = [(a, b) for a, b in zip(blocks, blocks[1:]) if "question" in a and "ok" in b]
    assert len(pairs) >= 9
    for request, shown in pairs:
        actual = calculator.answer(request)
        problems: list[str] = []
        _subset(shown, actual, "answer", problems)
        assert not problems, (request, problems)
