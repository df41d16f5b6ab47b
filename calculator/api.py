"""The public entry points: one request (dict or JSON text) in, one answer out.

Never raises for bad input: a request that cannot be answered gets
``{"ok": false, "errors": [...]}`` naming each wrong field, in French and Dutch.
"""

from __future__ import annotations

import json
from typing import Any

from . import declare
from .answer import Answer
from .errors import REQUEST_FIELD, FieldError, InputError, render_errors
from .params import Rules, load_rules
from .vocab import QUESTIONS

# question -> its module (imported here, before calculator/__init__.py binds `answer`
# to the function: importing calculator/answer.py later would rebind the name)
MODULES = {q: declare.question_module(q) for q in QUESTIONS}


def _choices() -> str:
    return ", ".join(f"\"{q}\"" for q in QUESTIONS)


def compute(request: Any, rules: Rules) -> "Answer":
    """The typed answer of one request (a dict); raises InputError naming each wrong field."""
    if not isinstance(request, dict):
        raise InputError([FieldError(REQUEST_FIELD, "not_an_object")])
    q = request.get("question")
    if q is None:
        raise InputError([FieldError("question", "missing_field")])
    if not isinstance(q, str) or q not in MODULES:
        value = q[:40] if isinstance(q, str) else json.dumps(q)[:40]
        raise InputError([FieldError("question", "invalid_choice", {"value": value, "choices": _choices()})])
    compute_question = getattr(MODULES[q], q)  # the function named after its question
    return compute_question(declare.parse(q, request, rules), rules)


def answer(request: Any, rules: Rules | None = None) -> dict:
    """Answer one request (a dict). Always returns a JSON-serialisable dict."""
    rules = rules or load_rules()
    try:
        return compute(request, rules).to_dict()
    except InputError as e:
        return render_errors(e.errors, rules.catalogue)
    except Exception as e:  # a bug: report it as data, never as a traceback
        return render_errors([FieldError(REQUEST_FIELD, "internal_error", {"detail": type(e).__name__})],
                             rules.catalogue)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str | bytes) -> tuple[Any, dict | None]:
    """(request, None) or (None, error answer)."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant), None
    except (ValueError, RecursionError, TypeError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None, render_errors([FieldError(REQUEST_FIELD, "invalid_json")], load_rules().catalogue)


def dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


def answer_json(text: str | bytes) -> str:
    """Answer one request given as JSON text; the answer is JSON text."""
    request, error = parse_json(text)
    return dumps(error if error is not None else answer(request))
