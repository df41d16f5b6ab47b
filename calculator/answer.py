"""The answer envelope: explanation, citations, warnings and interpretations.

A question builds its answer through a :class:`Builder`: every rule it uses is
read with :meth:`Builder.use`, which cites the paragraph the value comes from.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
import string
from typing import Any, Iterable

from .errors import FieldError, InputError
from .i18n import LANGS, Key, Money, Text
from .params import DatedValue, Interpretation, Parameter, Ref, RuleDateError, Rules, to_cents


class Builder:
    def __init__(self, rules: Rules, question: str, when: _dt.date | None):
        self.rules = rules
        self.question = question
        self.when = when
        self._citations: list[Ref] = []
        self._warnings: dict[str, Text] = {}
        self._interpretations: list[str] = []
        self._sentences: list[Text] = []
        self._taken_in = False  # the answer rests on values taken in from public sources (taken_in())
        self._glossed: set[str] = set()  # the {gloss_<term>} placeholders said (say())
        self._rule_dates: set[_dt.date] = set()  # where a rule the answer looked up changes (rule_dates())

    # --- rules ---------------------------------------------------------------

    def value(self, pid: str) -> DatedValue:
        """The dated value of a parameter on the session date (not cited)."""
        self.depends_on(v.start for v in self.rules.param(pid).values)
        try:
            return self.rules.value(pid, self.when)
        except RuleDateError as e:
            raise InputError([date_before_rules(e.first_start)]) from None

    def use(self, pid: str) -> Any:
        """The value of a parameter on the session date, cited in the answer."""
        dv = self.value(pid)
        self.cite_value(dv)
        return dv.value

    def param(self, pid: str) -> Parameter:
        return self.rules.param(pid)

    def depends_on(self, dates: Iterable[_dt.date]) -> None:
        """The answer may change on these dates (the starts of the values of a rule it looks
        up; value() records them itself). They are not part of the answer's JSON: the
        answer's history (calculator/history.py) re-answers the request at each."""
        self._rule_dates.update(dates)

    def cite_value(self, dv: DatedValue) -> None:
        for ref in dv.refs:
            self.cite(ref)

    def cite(self, ref: Ref | str) -> None:
        if isinstance(ref, str):
            ref = Ref.parse(ref)
        if ref not in self._citations:
            self._citations.append(ref)

    # --- text ----------------------------------------------------------------

    def text(self, key: str, **params: Any) -> Text:
        return self.rules.catalogue.text(key, **params)

    def say(self, key: str, **params: Any) -> None:
        """A sentence of the explanation. A placeholder {gloss_<term>} (after a term's name)
        is the term's gloss (glosses.<term>) in the first sentence that names it, else empty."""
        for name in sorted(self.rules.catalogue.placeholders("fr", key)):
            if name.startswith("gloss_") and name not in params:
                params[name] = "" if name in self._glossed else Key(f"glosses.{name.removeprefix('gloss_')}")
                self._glossed.add(name)
        self._sentences.append(self.text(key, **params))

    def warn(self, code: str, **params: Any) -> None:
        if code not in self._warnings:
            self._warnings[code] = self.text(f"warnings.{code}", **params)

    def taken_in(self) -> None:
        """The answer rests on values taken in from public sources for a known change whose text
        is not among ours (meta.toml [pending] taken_in_warning): it says so instead of the
        change's usual warning."""
        self._taken_in = True

    def interpret(self, iid: str) -> None:
        if iid not in self.rules.interpretations:
            raise KeyError(f"unknown interpretation {iid!r}")
        it = self.rules.interpretations[iid]
        while it.until is not None and self.when is not None and self.when > it.until and it.replaced_by:
            iid = it.replaced_by  # a later wording, for answers after `until`
            it = self.rules.interpretations[iid]
        if iid not in self._interpretations:
            self._interpretations.append(iid)

    # --- several builders for one answer -------------------------------------

    @property
    def citations(self) -> tuple[Ref, ...]:
        return tuple(self._citations)

    def take(self, other: "Builder", sentences: bool = False) -> None:
        """What `other` (a builder of the same date) cited, warned and interpreted, and the
        rules it looked up, added to this answer in its order; with sentences=True, what it
        said too."""
        for ref in other._citations:
            self.cite(ref)
        for code, text in other._warnings.items():
            self._warnings.setdefault(code, text)
        for iid in other._interpretations:
            if iid not in self._interpretations:
                self._interpretations.append(iid)
        self._taken_in = self._taken_in or other._taken_in
        self._rule_dates |= other._rule_dates  # its rules are this answer's too (the history)
        if sentences:
            self._sentences += other._sentences

    # --- result --------------------------------------------------------------

    def _kind(self, ref: Ref) -> str | None:
        """The kind of a public reference (press, mutuality); None for a paragraph of our texts."""
        if ref.is_reference and ref.reference_id in self.rules.references:
            return self.rules.references[ref.reference_id].kind
        return None

    def build(self, result: Any) -> "Answer":
        if self.when is not None:
            # A known later change that is not encoded yet (meta.toml [pending]) says so by
            # name; it replaces the general warning that the rules may have changed.
            pending = [p for p in self.rules.pending if p.effective <= self.when]
            for p in pending:
                # An answer that rests on values taken in for this change from public sources
                # says so instead.
                taken_in = self._taken_in and p.taken_in_warning
                self.warn(p.taken_in_warning if taken_in else p.warning, date=p.effective,
                          until=self.rules.known_valid_until)
            if not pending and self.when > self.rules.known_valid_until:
                self.warn("rules_may_have_changed", until=self.rules.known_valid_until)
        interps = self.rules.interpretations
        return Answer(
            question=self.question,
            date=self.when,
            result=result,
            explanation=Text.join(self._sentences),
            citations=[Citation(r.doc, r.para, self.rules.citation_label(r), self._kind(r)) for r in self._citations],
            warnings=[Warning(c, t) for c, t in self._warnings.items()],
            interpretations=[interpretation_note(self.rules, interps[i], self.when) for i in self._interpretations],
            rules_version=self.rules.version,
            rule_dates=tuple(sorted(self._rule_dates)),
        )


@dataclasses.dataclass(frozen=True)
class Citation:
    """A paragraph of a text (doc, para), or a public reference that is not an
    official text: doc = "changes", para = "ref-<id>" (its anchor on the "what
    changed" page) and kind = "press" or "mutuality" (only such citations have a kind)."""

    doc: str
    para: str
    label: Text
    kind: str | None = None

    def to_dict(self) -> dict:
        out = {"doc": self.doc, "para": self.para, "label": self.label.to_dict()}
        if self.kind is not None:
            out["kind"] = self.kind
        return out


@dataclasses.dataclass(frozen=True)
class Warning:
    code: str
    text: Text

    def to_dict(self) -> dict:
        return {"code": self.code, **self.text.to_dict()}


@dataclasses.dataclass(frozen=True)
class InterpretationNote:
    id: str
    title: Text
    text: Text

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title.to_dict(), **self.text.to_dict()}


@dataclasses.dataclass(frozen=True)
class Answer:
    """A successful answer; ``result`` is the question's own typed result."""

    question: str
    date: _dt.date | None      # None only for a pseudocode lookup without date
    result: Any
    explanation: Text
    citations: list[Citation]
    warnings: list[Warning]
    interpretations: list[InterpretationNote]
    rules_version: str
    # the dates where a rule the answer looked up changes (Builder.depends_on); not in to_dict()
    rule_dates: tuple[_dt.date, ...] = ()

    def to_dict(self) -> dict:
        return {
            "ok": True,
            "question": self.question,
            "date": None if self.date is None else self.date.isoformat(),
            "result": to_json(self.result),
            "explanation": self.explanation.to_dict(),
            "citations": [c.to_dict() for c in self.citations],
            "warnings": [w.to_dict() for w in self.warnings],
            "interpretations": [i.to_dict() for i in self.interpretations],
            "rules_version": self.rules_version,
        }


# --- amounts in data texts ------------------------------------------------------------
# An interpretation's title, choice and reason, and a dated value's label, never type an
# amount: they write {<parameter id>} (or {<parameter id>[max]} for a key of a table
# value), filled with that parameter's value on the answer's date; a value's label may
# write {value}, its own value. Amounts are written as the answers write them (Money).

_FORMATTER = string.Formatter()
_NAME_RE = re.compile(r"[.\[]")


def shown_value(unit: str, value: Any, lang: str) -> Any:
    """A parameter's value as a text shows it: euros as Money, anything else as it is."""
    if unit == "eur":
        return Money(to_cents(value)).format(lang)
    return value


def placeholders(template: str) -> set[str]:
    """The names of the {placeholders} of a data text ("copay_group", "value")."""
    return {_NAME_RE.split(field)[0] for _, field, _, _ in _FORMATTER.parse(template) if field}


def _on(param: Parameter, when: _dt.date | None) -> DatedValue:
    if when is not None:
        try:
            return param.at(when)
        except RuleDateError:
            pass
    return param.values[-1] if when is None or when >= param.values[-1].start else param.values[0]


def fill(rules: Rules, text: Text, when: _dt.date | None, own: DatedValue | None = None) -> Text:
    """`text` with each {<parameter id>} replaced by that parameter's value on `when`
    (the last value when there is no date) and {value} by `own`'s value."""
    if "{" not in text.fr and "{" not in text.nl:
        return text
    out = []
    for lang in LANGS:
        template = text.get(lang)
        try:
            values = {}
            for name in placeholders(template):
                if name == "value" and own is not None:
                    values[name] = shown_value(rules.param(own.parameter).unit, own.value, lang)
                else:
                    p = rules.param(name)
                    values[name] = shown_value(p.unit, _on(p, when).value, lang)
            out.append(_FORMATTER.vformat(template, (), values))
        except (KeyError, IndexError, ValueError, TypeError):
            out.append(template)  # a wrong placeholder: placeholder_problems() names it
    return Text(*out)


def value_label(rules: Rules, dv: DatedValue) -> Text:
    """The label of a dated value, its amounts filled in."""
    return fill(rules, dv.label, dv.start, own=dv)


def interpretation_note(rules: Rules, it: Interpretation, when: _dt.date | None) -> "InterpretationNote":
    """An interpretation as an answer on `when` quotes it, its amounts filled in."""
    return InterpretationNote(it.id, fill(rules, it.title, when), fill(rules, it.text, when))


def placeholder_problems(rules: Rules) -> list[str]:
    """Each {placeholder} of an interpretation or a value label that names no parameter
    (or {value} outside a label), or that French and Dutch do not share."""
    problems = []
    texts = [(f"{it.file}: [interpretations.{it.id}] {part}", getattr(it, part), False)
             for it in rules.interpretations.values() for part in ("title", "choice", "reason")]
    texts += [(f"{p.file}: [{p.id}] value from {v.start} label", v.label, True)
              for p in rules.parameters.values() for v in p.values]
    for where, text, is_label in texts:
        try:
            names = {lang: placeholders(text.get(lang)) for lang in LANGS}
        except ValueError as e:
            problems.append(f"{where}: {e} (write {{copay_group}}, braces around a parameter id)")
            continue
        if names["fr"] != names["nl"]:
            problems.append(f"{where}: French has {sorted(names['fr'])}, Dutch {sorted(names['nl'])}")
        for name in sorted(names["fr"] | names["nl"]):
            if name == "value" and is_label:
                continue
            if name not in rules.parameters:
                problems.append(f"{where}: {{{name}}} is not a parameter id")
    return problems


def date_before_rules(first_start: _dt.date | None) -> FieldError:
    return FieldError("date", "date_before_rules", {"first_date": first_start or _dt.date.min})


def to_json(obj: Any) -> Any:
    """Dataclass results to plain JSON values.

    A field named ``<name>_cents`` (integer cents or None) is written twice:
    ``<name>_eur`` (a number in euros, e.g. 11.0) then ``<name>_cents`` (1100).
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            if f.name.endswith("_cents"):
                base = f.name[: -len("_cents")]
                out[f"{base}_eur"] = None if v is None else v / 100
                out[f.name] = v
            else:
                out[f.name] = to_json(v)
        return out
    if isinstance(obj, Text):
        return obj.to_dict()
    if isinstance(obj, (list, tuple)):
        return [to_json(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    if isinstance(obj, _dt.date):
        return obj.isoformat()
    return obj
