"""One declaration per question: the fields of its request, and of its result.

A question's request dataclass IS the declaration of its request: each field is
declared with :func:`spec` (its kind, its vocabulary or bounds, whether it is
required, the form's default, its label...). From it come

- the parsing of a request (:func:`parse`: the same checks, in the same order,
  for every question),
- the JSON Schema of requests (calculator/schema.py),
- the fields of the form (:func:`request_fields`, read by the build).

Bounds name a key of calculator/data/meta.toml [input_limits] (or are a plain
number such as 0 or 1); they are resolved from the loaded rules, never retyped.

Result dataclasses declare, with :func:`result_field`, what their annotations do
not say (a vocabulary, a minimum); calculator/schema.py derives their schema.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from importlib import import_module
from types import ModuleType
from typing import Any, Iterable, Mapping

from .fields import Reader
from .vocab import LABELLED, QUESTIONS

KINDS = ("date", "integer", "boolean", "choice", "code", "text")
TODAY = "today"  # the form's default of a date: the day the page is read (at build time: the build date)

_SPEC = "calculator.spec"
_RESULT = "calculator.result"


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One field of a question's request, with its bounds resolved.

    name:     the request field (and the request dataclass's attribute)
    kind:     date | integer | boolean | choice | code | text
    required: it must be given (None counts as not given), where it applies
    choices:  the values of a choice; vocab: their vocabulary (a key of calculator.vocabulary())
    minimum, maximum: the bounds of an integer
    default:  the form's default (TODAY for a date; None: empty)
    label, hint: catalogue keys of the form's label and hint (hint None: no hint)
    together: the optional fields given all or none, this one among them (else ())
    when:     the field belongs to the request only when each named field holds
              one of the given values ({} = always); while such a field has no
              valid value, the field is neither read nor refused
    excludes: when this field is given, these fields must not be
    optional_with: required, unless one of these fields is given
    narrowed_by: a choice the form offers only the values of that exist together with the
              values of these fields, in the combinations the question's module gives
              (its function combinations(rules): one {field: value} per thing that exists)
    """

    name: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] | None = None
    vocab: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    label: str = ""
    hint: str | None = None
    together: tuple[str, ...] = ()
    when: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict, hash=False)
    excludes: tuple[str, ...] = ()
    optional_with: tuple[str, ...] = ()
    narrowed_by: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class _Declared:
    """What spec() records; request_fields() turns it into a FieldSpec."""

    kind: str
    required: bool
    vocab: str | None
    minimum: int | str | None
    maximum: int | str | None
    default: Any
    label: str | None
    hint: bool
    together: tuple[str, ...]
    when: Mapping[str, tuple[str, ...]]
    excludes: tuple[str, ...]
    optional_with: tuple[str, ...]
    narrowed_by: tuple[str, ...]


def spec(kind: str, *, vocab: str | None = None, minimum: int | str | None = None, maximum: int | str | None = None,
         required: bool = True, default: Any = None, label: str | None = None, hint: bool = False,
         together: Iterable[str] = (), when: Mapping[str, Iterable[str]] | None = None,
         excludes: Iterable[str] = (), optional_with: Iterable[str] = (), narrowed_by: Iterable[str] = ()) -> Any:
    """A field of a request dataclass, declared.

    vocab: the vocabulary of a choice (calculator/vocab.py LABELLED). minimum,
    maximum: an int or a key of [input_limits]. label: the catalogue key's last
    part (form.label.<label>, default the field's name); hint=True: form.hint.<label>.
    narrowed_by: the fields whose values narrow the choices the form offers (FieldSpec).
    A field that is not required, or taken only `when`, defaults to None in the dataclass.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if (kind == "choice") != (vocab is not None):
        raise ValueError("a choice, and only a choice, names its vocabulary")
    if narrowed_by and kind != "choice":
        raise ValueError("only a choice is narrowed by other fields")
    declared = _Declared(kind, required, vocab, minimum, maximum, default, label, hint, tuple(together),
                         {k: tuple(v) for k, v in (when or {}).items()}, tuple(excludes), tuple(optional_with),
                         tuple(narrowed_by))
    # a field that may be absent (not required, required only with others absent, or
    # taken only when other fields hold some values) defaults to None
    # (keyword-only: requests are built by name, and a required field may follow it)
    extra = {} if required and not optional_with and not when else {"default": None, "kw_only": True}
    return dataclasses.field(metadata={_SPEC: declared}, **extra)


def result_field(*, vocab: str | None = None, choices: Iterable[str] | None = None, minimum: int | None = None,
                 min_items: int | None = None, pattern: str | None = None, schema: dict | None = None) -> Any:
    """A field of a result dataclass, with what its annotation does not say:
    its vocabulary (or a closed list of choices), a minimum, a minimum number of
    items, a pattern, or (for a shape no annotation gives) its whole schema."""
    meta = {"vocab": vocab, "choices": tuple(choices) if choices is not None else None, "minimum": minimum,
            "min_items": min_items, "pattern": pattern, "schema": schema}
    return dataclasses.field(metadata={_RESULT: {k: v for k, v in meta.items() if v is not None}})


def result_meta(f: dataclasses.Field) -> dict:
    return dict(f.metadata.get(_RESULT, {}))


# --- the questions ----------------------------------------------------------------------

def question_module(question: str) -> ModuleType:
    """The module of a question (calculator/<question>.py): REQUEST, RESULT and the
    function named after the question (typed request in, answer out)."""
    if question not in QUESTIONS:
        raise KeyError(question)
    return import_module(f"{__package__}.{question}")


@lru_cache(maxsize=None)
def _declared(question: str) -> tuple[tuple[str, _Declared], ...]:
    request = question_module(question).REQUEST
    out = []
    for f in dataclasses.fields(request):
        if _SPEC not in f.metadata:
            raise TypeError(f"{request.__name__}.{f.name} is not declared with spec()")
        out.append((f.name, f.metadata[_SPEC]))
    return tuple(out)


def limit_names() -> tuple[str, ...]:
    """The keys of meta.toml [input_limits] that the declarations name, sorted."""
    return tuple(sorted({b for q in QUESTIONS for _, d in _declared(q) for b in (d.minimum, d.maximum)
                         if isinstance(b, str)}))


def _bound(value: int | str | None, limits: Mapping[str, int]) -> int | None:
    return limits[value] if isinstance(value, str) else value


def request_fields(question: str, rules=None) -> tuple[FieldSpec, ...]:
    """The fields of a question's request, in request order, bounds resolved from the rules."""
    if rules is None:
        from .params import load_rules

        rules = load_rules()
    out = []
    for name, d in _declared(question):
        label = d.label or name
        out.append(FieldSpec(
            name=name, kind=d.kind, required=d.required,
            choices=LABELLED[d.vocab][1] if d.vocab else None, vocab=d.vocab,
            minimum=_bound(d.minimum, rules.limits), maximum=_bound(d.maximum, rules.limits),
            default=d.default, label=f"form.label.{label}", hint=f"form.hint.{label}" if d.hint else None,
            together=d.together, when=dict(d.when), excludes=d.excludes, optional_with=d.optional_with,
            narrowed_by=d.narrowed_by,
        ))
    return tuple(out)


def _read(r: Reader, f: FieldSpec, required: bool) -> Any:
    if f.kind == "integer":
        return r.integer(f.name, f.minimum, f.maximum, required=required)
    if f.kind == "choice":
        return r.choice(f.name, f.choices, required=required)
    return getattr(r, f.kind)(f.name, required=required)


def parse(question: str, raw: dict, rules) -> Any:
    """The typed request of a question (its REQUEST dataclass) from a raw dict.

    Raises InputError naming every wrong field: in request order, each field's
    problem (missing, wrong type, out of range, outside its choices; a group of
    `together` fields given in part; a field that another given field excludes),
    then, in the request's order, each field the question does not take.
    """
    fields = request_fields(question, rules)
    r = Reader(raw, [f.name for f in fields])
    values: dict[str, Any] = {}
    groups: dict[tuple[str, ...], bool] = {}
    excluded = {name for f in fields if r.present(f.name) for name in f.excludes}
    not_taken: set[str] = set()
    for f in fields:
        values[f.name] = None
        conditions = [values.get(k) for k in f.when]
        if any(v is None for v in conditions):
            continue  # undecided: the field it depends on is missing or wrong
        if any(v not in f.when[k] for k, v in zip(f.when, conditions)):
            not_taken.add(f.name)
            continue
        if f.name in excluded:
            if r.present(f.name):
                r.error(f.name, "unexpected_field")
            continue
        if f.together:
            if f.together not in groups:
                groups[f.together] = r.together(f.together)
            if not groups[f.together]:
                continue
        required = f.required and not any(r.present(n) for n in f.optional_with)
        values[f.name] = _read(r, f, required)
    r.allowed -= not_taken
    r.finish()
    return question_module(question).REQUEST(**values)


# --- fields several questions ask ---------------------------------------------------------

def date_spec(**overrides: Any) -> Any:
    """The session date (the form: today)."""
    return spec("date", **{"default": TODAY, "hint": True, **overrides})


def age_spec(**overrides: Any) -> Any:
    """The age in completed years, up to [input_limits] age_max."""
    return spec("integer", **{"minimum": 0, "maximum": "age_max", "default": 12, "hint": True, **overrides})
