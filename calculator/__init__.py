"""Rules as code for psychological care for pupils via CPMS/CLB (SPPL/SPS).

Seven questions, each a pure function (typed request in, typed answer out):
networks, quota, contribution, course, pseudocode, fees, and family_contribution
(the contribution asked with what a parent knows). Every answer carries
its explanation in French and Dutch, its citations (document and paragraph),
its warnings and the interpretations it relies on.

    >>> import calculator
    >>> a = calculator.answer({"question": "networks", "date": "2023-10-01", "age": 16})
    >>> a["result"]["networks"]
    ['children_adolescents', 'adults']

Public API:
    answer(request: dict) -> dict          never raises for bad input
    answer_json(text: str) -> str          the same, JSON text in and out
    validate(known_anchors=None) -> list   problems of the data files, rendered (empty: valid)
    validation_problems(known_anchors=None) -> list   the same problems, as records
    known_codes() -> list[str]             the pseudocodes of the data
    vocabulary() -> dict                   every enum value with its French and Dutch label
    rules_version() -> str

The vocabulary is documented in content/fr/vocabulary.md and
content/nl/vocabulary.md; `python -m calculator --schema` prints the JSON Schema.
"""

from __future__ import annotations

from typing import Mapping

from .api import answer, answer_json
from .params import load_rules

__version__ = "0.1.0"
__all__ = ["answer", "answer_json", "validate", "validation_problems", "known_codes", "vocabulary", "rules_version", "load_rules"]


def rules_version() -> str:
    return load_rules().version


def validate(known_anchors: Mapping[str, set[str]] | None = None, lang: str | None = None) -> list[str]:
    """Problems of the package's data files; with known_anchors (doc -> paragraph
    ids), every reference must name one of them. An empty list means valid.
    Each is "calculator/data/<file>:<line>: <message>" then "    fix: <what to do>",
    in `lang` (else $CALCULATOR_LANG, else French)."""
    from .validation import validate as _validate

    return _validate(known_anchors, lang=lang)


def validation_problems(known_anchors: Mapping[str, set[str]] | None = None) -> list:
    """The same problems as records (calculator.problems.Problem: file, line, table,
    start, code, params; .message(lang), .fix(lang), .render(lang))."""
    from .validation import validation_problems as _problems

    return _problems(known_anchors)


def known_codes() -> list[str]:
    """Every pseudocode of calculator/data/pseudocodes.toml, in the annex's order."""
    return [pc.code for pc in load_rules().pseudocodes]


def vocabulary() -> dict:
    """Each closed vocabulary of requests and answers: [{"value", "fr", "nl"}, ...]."""
    from .vocab import label_key_lists

    cat = load_rules().catalogue
    return {
        name: [{"value": value, **cat.text(key).to_dict()} for value, key in items]
        for name, items in label_key_lists().items()
    }
