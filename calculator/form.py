"""The calculator's form: its controls, the request they make, their state in a link.

    from calculator import form
    values = form.default_values("2024-03-01")            # control key -> raw value
    request = form.request_for("contribution", values)    # what calculator.answer takes
    form.fragment("contribution", values, request)        # [("q", "contribution"), ("age", "12"), ...]
    values, overrides = form.values_from_state("course", {"age": "16", "sessions": "8"}, "2024-03-01")

The page (scripts/ and docs/overrides/assets/calculator/ui.mjs) shows these
controls and sends their raw values; everything else happens here.

Raw values are what a browser reads from a control: a string for a number, date,
text or select control ("" when empty), a boolean for a checkbox, the chosen
value or None for a radio group. A number or date input whose text the browser
cannot read (validity.badInput) is sent as None: the request then holds "" and
the package says what it expects.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .vocab import QUESTIONS

from .declare import TODAY, request_fields

# Presentation only (the fields themselves, their kinds, choices, bounds, defaults,
# labels and conditions are declared with each question, calculator/declare.py):
# the order of the controls in the form (the date last: it rarely changes) ...
ORDER = ("service", "lookup", "code", "code_care_type", "code_modality", "kind", "team", "situation", "age",
         "route", "proposer", "centre", "convention", "place", "modality", "bim", "first_session", "sessions", "course_first", "compare",
         "care_type", "network", "sessions_used", "participants", "providers", "fee_care_type", "date")
# ... the choices shown as a list rather than as buttons ...
SELECTS = frozenset({"service", "code_care_type", "code_modality", "kind", "team", "place", "fee_care_type"})
# ... the checkbox that reveals a question's optional group of fields (declared `together`) ...
GROUP_SWITCH = {"course": "compare", "fees": "situation"}
# ... and the radio that chooses between a field and the fields it excludes
# (declared `excludes`): (its key, (the value for the excluded fields, the value for the field)).
ALTERNATIVE = {"pseudocode": ("lookup", ("search", "lookup"))}
WIDGETS = {"date": "date", "integer": "number", "boolean": "checkbox", "code": "text", "text": "text"}


@dataclass(frozen=True)
class Control:
    """One control of the form.

    key:   unique name of the control (ids calc-<key>; its words form.label.<key>,
           form.hint.<key>)
    name:  the request field it fills; None for a control that only shapes the
           form (e.g. "compare with the maximum")
    kind:  date | number | text | radio | select | checkbox
    shows: question -> condition under which the control is shown for it, as
           {other control key: [raw values]} ({} = always)
    default: its value when the page opens (TODAY for the date)
    vocab: its options are this vocabulary of calculator.vocabulary() (labels.*)
    options: the values of a radio or select (form.option.<key>.<value> without vocab)
    empty: a select whose first option is empty (the field is then left out)
    minimum, maximum: the bounds of a number (from calculator/data/meta.toml)
    hint:  the catalogue key of its hint, or None
    offers: question -> option -> the conditions under which the option is offered, any
           of them ([{other control key: [raw values]}, ...]); an option not named is
           always offered (a field declared `narrowed_by`: the values that exist with the
           other fields' values, e.g. the kinds of pseudocode of a modality)
    """

    key: str
    name: str | None
    kind: str
    shows: dict[str, dict]
    default: object = None
    vocab: str | None = None
    options: tuple[str, ...] = ()
    empty: bool = False
    minimum: int | None = None
    maximum: int | None = None
    hint: str | None = None
    offers: dict[str, dict[str, list[dict]]] | None = None

    @property
    def label(self) -> str:
        return f"form.label.{self.key}"


def _offers(question: str, f, fields) -> dict[str, list[dict]]:
    """option -> the conditions under which a field declared `narrowed_by` offers it: the
    values of the narrowing fields that some combination of the question's module has
    with it, as few conditions as merging those that differ in one field gives."""
    from importlib import import_module

    from .params import load_rules

    combos = import_module(f"{__package__}.{question}").combinations(load_rules())
    out = {}
    for option in f.choices:
        found = {tuple(c[n] for n in f.narrowed_by) for c in combos if c[f.name] == option}
        conditions = [[{v} for v in values] for values in sorted(found)]
        merged = True
        while merged:
            merged = False
            for i, a in enumerate(conditions):
                for b in conditions[i + 1:]:
                    differ = [k for k in range(len(a)) if a[k] != b[k]]
                    if len(differ) == 1:
                        a[differ[0]] |= b[differ[0]]
                        conditions.remove(b)
                        merged = True
                        break
                if merged:
                    break
        by_name = {g.name: g for g in fields}
        out[option] = [{by_name[n].label.removeprefix("form.label."): sorted(vs, key=by_name[n].choices.index)
                        for n, vs in zip(f.narrowed_by, c)} for c in conditions]
    return out


def _controls() -> tuple[Control, ...]:
    """Every control, derived from the questions' declared request fields."""
    found: dict[str, dict] = {}

    def add(key: str, **attrs) -> None:
        shows, offers = attrs.pop("shows"), attrs.pop("offers", {})
        known = found.setdefault(key, {**attrs, "shows": {}, "offers": {}})
        different = {k: (known[k], v) for k, v in attrs.items() if known[k] != v}
        if different:
            raise ValueError(f"the control {key!r} is declared differently by two questions: {different}")
        known["shows"].update(shows)
        known["offers"].update(offers)

    for q in QUESTIONS:
        fields = request_fields(q)
        key_of = {f.name: f.label.removeprefix("form.label.") for f in fields}
        grouped = {f.name for f in fields if f.together}
        excluded = {name for f in fields for name in f.excludes}
        switch, alternative = GROUP_SWITCH.get(q), ALTERNATIVE.get(q)
        for f in fields:
            key = key_of[f.name]
            condition = {key_of[k]: list(allowed) for k, allowed in f.when.items()}
            if switch and (f.together or grouped & set(f.when)):  # in the group, or shown by one of it
                condition[switch] = [True]
            if alternative and (f.excludes or f.name in excluded):
                condition[alternative[0]] = [alternative[1][1] if f.excludes else alternative[1][0]]
            kind = ("select" if key in SELECTS else "radio") if f.kind == "choice" else WIDGETS[f.kind]
            add(key, name=f.name, kind=kind, shows={q: condition}, default=f.default, vocab=f.vocab,
                options=tuple(f.choices or ()), empty=kind == "select" and not f.required and not f.together,
                minimum=f.minimum, maximum=f.maximum, hint=f.hint,
                offers={q: _offers(q, f, fields)} if f.narrowed_by else {})
        if switch:
            group = next(f for f in fields if f.together)
            add(switch, name=None, kind="checkbox", default=False, vocab=None, options=(), empty=False,
                minimum=None, maximum=None, hint=None,
                shows={q: {key_of[k]: list(allowed) for k, allowed in group.when.items()}})
        if alternative:
            add(alternative[0], name=None, kind="radio", default=alternative[1][0], vocab=None,
                options=alternative[1], empty=False, minimum=None, maximum=None, hint=None, shows={q: {}})
    if set(found) != set(ORDER):
        raise ValueError(f"form.ORDER and the declared fields differ: {sorted(set(found) ^ set(ORDER))}")
    return tuple(Control(key, **found[key]) for key in ORDER)


CONTROLS: tuple[Control, ...] = _controls()
CONTROL = {c.key: c for c in CONTROLS}

# A number as a browser's number input holds it (a "valid floating-point number").
_NUMBER = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?")


# --- words ------------------------------------------------------------------------------

def _rule_values(day: str) -> dict:
    """The rule values a label or hint names (e.g. the networks' ages), on `day`."""
    from .i18n import Count
    from .params import load_rules

    rules, when = load_rules(), _dt.date.fromisoformat(day)
    value = lambda pid: rules.value(pid, when).value  # noqa: E731
    return {"children_max": Count(value("children_max_age"), "years"),
            "adults_min": Count(value("adults_min_age"), "years"), "months": value("quota_window_months")}


def words(control: Control, lang: str, day: str) -> dict:
    """The label, the hint ("" when none) and the options ([{value, label}]) of a
    control in `lang`, with the rule values they name as on `day` (ISO)."""
    from .params import load_rules

    cat, values = load_rules().catalogue, _rule_values(day)
    if control.vocab:
        from .vocab import label_key_lists

        keys = dict(label_key_lists()[control.vocab])
        options = [{"value": o, "label": cat.raw(lang, keys[o])} for o in control.options]
    else:
        options = [{"value": o, "label": cat.raw(lang, f"form.option.{control.key}.{o}")} for o in control.options]
    if control.empty:
        options.insert(0, {"value": "", "label": cat.raw(lang, "form.option.empty")})
    return {"label": cat.say(lang, control.label, **values),
            "hint": cat.say(lang, control.hint, **values) if control.hint else "", "options": options}


# --- values ----------------------------------------------------------------------------

def raw(control: Control, value) -> object:
    """A value as the browser reads it from `control` (see the module's doc)."""
    if control.kind == "checkbox":
        return bool(value)
    if control.kind == "radio":
        return None if value in (None, "") else str(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def field_default(vocab: str | None, default: object, today: str) -> object:
    """A field's default when the page opens on `today` (ISO): TODAY is that day; a care type
    of the quota and course questions is the declared one if it applies on that day, else the
    first care type of that day (calculator/data/quotas.toml [care_types])."""
    if default == TODAY:
        return today
    if vocab == "quota_care_type" and default is not None:
        import datetime

        from .params import RuleDateError, load_rules

        try:
            on_day = load_rules().value("care_types", datetime.date.fromisoformat(today)).value
        except RuleDateError:  # a day before any rule: the answer will say so
            return default
        return default if default in on_day else on_day[0]
    return default


def default_values(today: str) -> dict[str, object]:
    """Every control's raw value when the page opens on `today` (ISO)."""
    return {c.key: (today if c.default == TODAY else raw(c, field_default(c.vocab, c.default, today)))
            for c in CONTROLS}


def visible(control: Control, question: str, values: dict) -> bool:
    """Whether `control` is shown for `question` with these raw values."""
    condition = control.shows.get(question)
    if condition is None:
        return False
    return _met(condition, values)


def _met(condition: dict, values: dict) -> bool:
    return all(values.get(k) in allowed for k, allowed in condition.items())


def offered(control: Control, question: str, values: dict) -> tuple[str, ...]:
    """The options of `control` offered for `question` with these raw values (Control.offers);
    the empty option of a select ("") is always offered."""
    conditions = (control.offers or {}).get(question, {})
    return tuple(o for o in control.options
                 if o not in conditions or any(_met(c, values) for c in conditions[o]))


def settle(question: str, values: dict) -> dict:
    """The raw values once each shown choice that is no longer offered (the reader changed a
    field that narrows it) takes its first offered option, or "" for a select with an empty
    option, in the form's order: what the page does after each change (ui.mjs)."""
    values = dict(values)
    for c in CONTROLS:
        if not c.offers or question not in c.offers or not visible(c, question, values):
            continue
        choices = offered(c, question, values)
        if values.get(c.key) in choices or (c.empty and values.get(c.key) == ""):
            continue
        values[c.key] = "" if c.empty else (choices[0] if choices else values.get(c.key))
    return values


def shown_values(question: str, values: dict) -> dict:
    """The raw values of the controls shown for `question` (what identifies a state)."""
    return {c.key: values.get(c.key) for c in CONTROLS if visible(c, question, values)}


def control_for(question: str, name: str, values: dict) -> Control | None:
    """The shown control that holds the request field `name` (e.g. where its error goes)."""
    return next((c for c in CONTROLS if c.name == name and visible(c, question, values)), None)


def _number(text: str):
    if not _NUMBER.fullmatch(text):
        return text
    number = float(text)
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return int(number) if number.is_integer() else number


def _typed(control: Control, value):
    """The request value of a raw control value; None: the field is left out."""
    if control.kind == "checkbox":
        return value if isinstance(value, bool) else bool(value)
    if control.kind == "text":
        return (value or "").strip() if isinstance(value, str) else value
    if control.kind in ("number", "date") and value is None:
        return ""  # unreadable: the package says what it expects
    if value is None or value == "":
        return None
    if control.kind == "number" and isinstance(value, str):
        return _number(value)
    return value


def _from_text(control: Control | None, text):
    """A value from a link (text) as the request takes it: true/false for a
    checkbox, a number for a number field, else the text itself."""
    if control is None or not isinstance(text, str) or text == "":
        return text
    if control.kind == "checkbox":
        return {"true": True, "false": False}.get(text, text)
    if control.kind == "number":
        return _number(text)
    return text


def request_for(question: str, values: dict, overrides: dict | None = None) -> dict:
    """The request for these raw control values: every shown field, an empty one
    left out (the package then says what is missing), except a text field, always
    sent; then `overrides` (request field -> text from a link that no control can
    hold), which the package checks and names if wrong."""
    request: dict = {"question": question}
    for c in CONTROLS:
        if c.name is None or not visible(c, question, values):
            continue
        v = _typed(c, values.get(c.key))
        if v is not None:
            request[c.name] = v
    for name, text in (overrides or {}).items():
        request[name] = _from_text(next((c for c in CONTROLS if c.name == name and question in c.shows), None), text)
    return request


# --- links -----------------------------------------------------------------------------

def _text(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def fragment(question: str, values: dict, request: dict) -> list[list[str]]:
    """The URL fragment's parameters for this state, in order: q, each shown field
    (empty when the request leaves it out: the reader emptied it), then the
    request's other fields. A link's field left out keeps its default."""
    out = {"q": question}
    for c in CONTROLS:
        if c.name is None or not visible(c, question, values) or c.name in out:
            continue
        out[c.name] = _text(request[c.name]) if c.name in request else ""
    for name, v in request.items():
        if name != "question" and name not in out:
            out[name] = _text(v)
    return [[k, v] for k, v in out.items()]


def state_map(questions) -> dict[str, dict[str, dict]]:
    """question -> request field -> {"key": the control that holds it, "set": the
    form-shaping controls to set first so that it shows (e.g. compare = true)}.
    The page applies a link's fields with it (ui.mjs, before the engine is loaded)."""
    out: dict[str, dict[str, dict]] = {}
    for q in questions:
        fields: dict[str, dict] = {}
        for c in CONTROLS:
            if c.name is None or q not in c.shows or c.name in fields:
                continue
            shaping = {k: allowed[0] for k, allowed in c.shows[q].items() if CONTROL[k].name is None}
            fields[c.name] = {"key": c.key, "set": shaping}
        out[q] = fields
    return out


def _holds(control: Control, text: str) -> bool:
    """Whether the control can show this text from a link (the browser's rules)."""
    if control.kind == "checkbox":
        return text in ("true", "false")
    if control.kind in ("radio", "select"):
        # "" is an empty select, or a question without default left unanswered
        return text in control.options or (text == "" and (control.empty or control.default is None))
    if text == "" or control.kind == "text":
        return True
    if control.kind == "number":
        return bool(_NUMBER.fullmatch(text))
    try:  # date
        return _dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def values_from_state(question: str, fields: dict[str, str], today: str) -> tuple[dict, dict]:
    """(raw control values, overrides) for a link's fields (request field -> text),
    as the page sets them: a missing field keeps its default, a value no control
    can hold (or a field no control takes) goes to the request as it is."""
    values = default_values(today)
    overrides: dict[str, str] = {}
    mapping = state_map([question])[question]
    for name, text in fields.items():
        entry = mapping.get(name)
        if entry is None:
            overrides[name] = text
            continue
        values.update(entry["set"])
        c = CONTROL[entry["key"]]
        if _holds(c, text):
            values[c.key] = text == "true" if c.kind == "checkbox" else text
        else:
            overrides[name] = text
    return values, overrides
