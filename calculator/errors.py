"""Structured errors for bad input: the field, a code, a message in French and Dutch.

An error answer is ``{"ok": false, "errors": [{"field", "code", "fr", "nl"}]}``.
Codes (each has the message ``errors.<code>`` in the catalogues):
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR_CODES = (
    "invalid_json",         # the text is not JSON (or uses NaN/Infinity)
    "not_an_object",        # the request is not a JSON object
    "missing_field",        # a required field is absent
    "unexpected_field",     # a field this question does not know
    "wrong_type",           # e.g. a string where a number is expected
    "not_a_whole_number",   # e.g. 15.5 for an age
    "out_of_range",         # e.g. a negative age, zero sessions
    "invalid_choice",       # a value outside the list (unknown route, place...)
    "invalid_date",         # not YYYY-MM-DD or an impossible date (2023-02-30)
    "date_before_rules",    # a date before the first encoded rule
    "network_not_for_age",  # the network does not take people of that age
    "care_type_replaced",   # a care type of the circular for a date of the convention of 1 April 2024
    "care_type_not_yet",    # a function of that convention for an earlier date
    "fields_go_together",   # a group of optional fields given only in part
    "unknown_code",         # a pseudocode not in the list
    "code_not_in_force",    # a pseudocode that does not apply on that date
    "no_matching_code",     # no pseudocode has these attributes
    "internal_error",       # a bug: never expected, reported instead of a traceback
)

# The field named by errors about the request as a whole.
REQUEST_FIELD = "$"


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class InputError(Exception):
    """Raised inside a question when the request cannot be answered."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(", ".join(f"{e.field}: {e.code}" for e in errors))
        self.errors = errors


def render_errors(errors: list[FieldError], catalogue) -> dict:
    """The error answer, with each message rendered in both languages."""
    from .i18n import Key

    items = []
    for e in errors:
        field_key = f"fields.{e.field}"
        field_label = Key(field_key) if catalogue.has(field_key) else e.field
        text = catalogue.text(f"errors.{e.code}", field=field_label, **e.params)
        items.append({"field": e.field, "code": e.code, "fr": text.fr, "nl": text.nl})
    return {"ok": False, "errors": items}
