"""Rules in the hand-written pages: content/{fr,nl}/*.md never type an amount, a cap, an
age bound or a rule date; they ask the package through these Jinja globals.

    {{ ask({"question": "contribution", "age": 12, ...}) }}    the answer today (build date)
    {{ value("copay_individual") }}                            a parameter's value today
    {{ value("quota_sps_adults_individual", "max") }}          a key of a table value
    {{ since("no_contribution_max_age") }}                     the day the value of today started
    {{ history(["copay_individual", ...], "Depuis", "Règle", "Texte") }}   one row per change
    {{ interpretations("**Choix** :", "**Pourquoi** :", "**Textes** :", "**Jusqu'au {date}.**") }}
    {{ vocabulary_table("network", "valeur", "libellé") }}
    {{ example({...request...}, ["outcome", ...]) }}           a request and the real answer

Every value is marked, so a test finds it with what it answers:
<span class="rule-value" data-request='{...}' data-field="amount_cents">0,00 €</span>,
or data-param + data-date (+ data-key) for a parameter's value, data-param +
data-start for a rule date, data-param + data-date + data-label for a value's label.
Money, dates and labels are written by the package (calculator.i18n, calculator.answer).
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache

from markupsafe import escape

import calculator
from calculator.answer import fill, placeholder_problems, shown_value, value_label
from calculator.present import money
from calculator.params import Ref, Rules

from scripts.check.sources import ROOT, SourceError, SourceProblem
from scripts.render.calculator_page import build_date

CONTENT = ROOT / "content"
DATA = ROOT / "calculator" / "data"


def _rules() -> Rules:
    return calculator.load_rules()


def _today() -> _dt.date:
    return _dt.date.fromisoformat(build_date())


def _span(text: str, **data) -> str:
    attrs = "".join(f' data-{k.replace("_", "-")}="{escape(v)}"' for k, v in data.items() if v is not None)
    return f'<span class="rule-value"{attrs}>{escape(text)}</span>'


def _request_json(request: dict) -> str:
    return json.dumps(request, ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=None)
def _answer(request_json: str) -> dict:
    answer = calculator.answer(json.loads(request_json))
    if not answer.get("ok"):
        raise SourceError([SourceProblem(CONTENT, 0, f"a page asks the calculator {request_json}, "
                                         f"which refuses it: {answer['errors'][0]['fr']}",
                                         "correct the request in the page's {{ ask(...) }}")])
    return answer


def answer_text(answer: dict, field: str, lang: str) -> str:
    """A field of an answer's result as the page shows it (amounts as the package writes them)."""
    v = answer["result"][field]
    return money(v, lang) if field.endswith("_cents") else str(v)


def param_text(rules: Rules, pid: str, when: _dt.date, key: str | None, lang: str) -> str:
    p = rules.param(pid)
    v = p.at(when).value
    return str(shown_value(p.unit, v[key] if key else v, lang))


def link(rules: Rules, ref: Ref, lang: str, short: bool = False) -> str:
    """A Markdown link to the paragraph (or public reference) `ref`, labelled as answers
    cite it (short: the document's title, or the kind of the public reference)."""
    target = f"changes.md#{ref.para}" if ref.is_reference else f"doc:{ref.doc}#{ref.para}"
    if not short:
        text = rules.citation_label(ref).get(lang)
    elif ref.is_reference:
        text = rules.catalogue.raw(lang, f"citations.kinds.{rules.references[ref.reference_id].kind}")
    else:
        text = rules.documents[ref.doc].get(lang)
    return f"[{text}]({target})"


def globals_for(lang: str) -> dict:
    """The Jinja globals of the content pages of `lang`."""
    rules = _rules()
    problems = placeholder_problems(rules)
    if problems:  # a {placeholder} of a data text that names no parameter
        raise SourceError([SourceProblem(DATA / p.split(":", 1)[0], 0, p.split(": ", 1)[1],
                                         "write {<parameter id>} (see the header of calculator/data/networks.toml)")
                           for p in problems])
    cat = rules.catalogue
    today = _today()

    def ask(request: dict, field: str = "amount_cents") -> str:
        request = {**request, "date": request.get("date", today.isoformat())}
        key = _request_json(request)
        return _span(answer_text(_answer(key), field, lang), request=key, field=field)

    def value(pid: str, key: str | None = None, on: str | None = None) -> str:
        when = _dt.date.fromisoformat(on) if on else today
        return _span(param_text(rules, pid, when, key, lang), param=pid, date=when.isoformat(), key=key)

    def since(pid: str, on: str | None = None) -> str:
        when = _dt.date.fromisoformat(on) if on else today
        start = rules.param(pid).at(when).start
        return _span(cat.format_date(lang, start), param=pid, start=start.isoformat())

    def history(pids: list[str], when_heading: str, rule_heading: str, text_heading: str) -> str:
        """A Markdown table: one row per date where one of the parameters changed value."""
        by_start: dict[_dt.date, list] = {}
        for pid in pids:
            for v in rules.param(pid).values:
                by_start.setdefault(v.start, []).append(v)
        rows = [f"| {when_heading} | {rule_heading} | {text_heading} |", "|---|---|---|"]
        for start in sorted(by_start):
            values = by_start[start]
            labels = "<br>".join(_span(value_label(rules, v).get(lang), param=v.parameter, date=start.isoformat(),
                                      label="1") for v in values)
            refs = []
            for v in values:
                for r in v.refs[:1]:
                    if r not in refs:
                        refs.append(r)
            when = _span(cat.format_date(lang, start), param=values[0].parameter, start=start.isoformat())
            rows.append(f"| {when} | {labels} | {', '.join(link(rules, r, lang, short=True) for r in refs)} |")
        return "\n".join(rows)

    def interpretations(choice: str, reason: str, refs: str, until: str) -> str:
        """Every interpretation of the data, as an answer on the build date (or on its
        last day, for one that a later wording replaced) quotes it. The arguments are
        the page's words before each part ("**Choix** :"); `until` has a {date}."""
        out = []
        for it in rules.interpretations.values():
            on = min(today, it.until) if it.until else today
            parts = [f"### {fill(rules, it.title, on).get(lang)} {{: #interpretation-{it.id} }}", "", f"`{it.id}`", ""]
            if it.until:
                parts.append(f"- {until.format(date=cat.format_date(lang, it.until))}")
            parts += [f"- {choice} {fill(rules, it.choice, on).get(lang)}",
                      f"- {reason} {fill(rules, it.reason, on).get(lang)}",
                      f"- {refs} " + ", ".join(link(rules, r, lang) for r in it.refs), ""]
            out.append("\n".join(parts))
        return "\n".join(out)

    def vocabulary_table(name: str, value_heading: str, label_heading: str) -> str:
        rows = [f"| {value_heading} | {label_heading} |", "|---|---|"]
        rows += [f"| `{item['value']}` | {item[lang]} |" for item in calculator.vocabulary()[name]]
        return "\n".join(rows)

    def example(request: dict, result: list[str] | None = None, between: str | None = None) -> str:
        """A request and the package's answer to it (its result reduced to the keys
        `result`, its texts to this language) as JSON blocks, `between` written between them."""
        answer = calculator.answer(request)
        if answer["ok"]:
            shown = {"ok": True,
                     "result": {k: v for k, v in answer["result"].items() if result is None or k in result},
                     "explanation": {lang: answer["explanation"][lang]},
                     "warnings": [{"code": w["code"], lang: w[lang]} for w in answer["warnings"]]}
        else:
            shown = {"ok": False, "errors": [{"field": e["field"], "code": e["code"], lang: e[lang]}
                                             for e in answer["errors"]]}
        block = lambda data: "```json\n" + json.dumps(data, ensure_ascii=False, indent=2) + "\n```"  # noqa: E731
        return "\n\n".join([block(request), *([between] if between else []), block(shown)])

    def codes(reserved: bool = False) -> str:
        """How many pseudocodes the data hold today (those reserved to the no-contribution situations)."""
        n = sum(1 for pc in rules.pseudocodes if pc.covers(today) and (pc.reserved_no_contribution or not reserved))
        return _span(str(n), codes="reserved" if reserved else "all", date=today.isoformat())

    first = min(v.start for p in rules.parameters.values() for v in p.values)
    return {"today": cat.format_date(lang, today),
            "first_day": _span(cat.format_date(lang, first), first_day=first.isoformat()),
            "known_until": _span(cat.format_date(lang, rules.known_valid_until),
                                 known_until=rules.known_valid_until.isoformat()), "codes": codes, "ask": ask, "value": value, "since": since, "history": history, "interpretations": interpretations,
            "vocabulary_table": vocabulary_table, "example": example}
