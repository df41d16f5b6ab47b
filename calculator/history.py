"""An answer's history: what the same request gave at each date where a rule it uses changes.

    periods(request)   -> [Period(start, end, answer), ...] in date order, or [] when the
                          request has no answer (an error) or no date

The dates come from the answer itself: each rule it looks up (Builder.value, and the
pseudocode list through Builder.depends_on) records the start of each of its dated values
(calculator/params.py: a value holds until the next one starts). The request is
answered again at each such date, and at the dates of the rules those answers look up
in turn, until no new date appears; so the history covers the period the rules cover,
from the first start to the last known value, and no date is invented.

A period starts at one of these dates and ends the day before the next (the last has no
end). The dates before the first one the request can be answered at (e.g. a care type
that did not exist yet) are left out; a later date where it cannot be answered is a
period whose answer is an error (``answer["ok"]`` is false).

Pure: the rules in, the answers (as calculator.answer returns them) out. How a period
reads, and which periods read the same, is the view's business (calculator/present.py).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from .api import compute
from .errors import InputError, render_errors
from .params import Rules, load_rules


@dataclass(frozen=True)
class Period:
    start: _dt.date
    end: _dt.date | None       # the day before the next period's start; None: the last
    answer: dict               # calculator.answer's answer for the request on `start`

    def covers(self, when: _dt.date) -> bool:
        return self.start <= when and (self.end is None or when <= self.end)


def on(request: dict, when: _dt.date) -> dict:
    """The same request for a session on `when`."""
    return {**request, "date": when.isoformat()}


def _dated(request: Any) -> _dt.date | None:
    if not isinstance(request, dict) or not isinstance(request.get("date"), str):
        return None
    try:
        return _dt.date.fromisoformat(request["date"])
    except ValueError:
        return None


def periods(request: dict, rules: Rules | None = None) -> list[Period]:
    """The request's answer at each date where a rule it uses changes (see the module)."""
    rules = rules or load_rules()
    when = _dated(request)
    if when is None:
        return []
    try:
        own = compute(request, rules)
    except Exception:  # an error answer has no history (api.answer reports it)
        return []
    answers: dict[_dt.date, dict] = {}
    todo = set(own.rule_dates)
    while todo:
        day = todo.pop()
        try:
            a = compute(on(request, day), rules)
        except InputError as e:
            answers[day] = render_errors(e.errors, rules.catalogue)
            continue
        answers[day] = a.to_dict()
        todo |= set(a.rule_dates) - answers.keys()
    days = sorted(answers)
    while days and not answers[days[0]]["ok"]:
        days.pop(0)
    return [Period(day, nxt - _dt.timedelta(days=1) if nxt else None, answers[day])
            for day, nxt in zip(days, [*days[1:], None])]
