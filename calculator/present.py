"""What a reader sees of an answer, in one language: the calculator's view layer.

    from calculator import present
    v = present.view(calculator.answer(request), "fr", lang_root="../", question="contribution", values=values)
    v["result"], v["details"]    # the answer's markup, as a tree of nodes
    v["fields"]                  # control key -> the error message shown next to it
    present.html(v["result"])    # the same nodes as HTML (the build)
    present.history(request, "fr")   # the answer's history: a row per period (calculator/history.py)

    present.ask_json(text)       # the browser's entry point (engine-worker.mjs)

A node is a text, or [tag, {attribute: value}, [child nodes]]. The build turns
nodes into HTML with `html`; the browser (docs/overrides/assets/calculator/ui.mjs)
turns the same nodes into DOM nodes. Neither writes an answer's markup, formats
an amount, a count or a date, or builds a request: this module and
calculator/form.py do, with the words of calculator/data/messages.<lang>.toml
(the [view] section and the labels of the vocabularies).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Iterable

from . import form
from .i18n import Catalogue, Money, numeric_date, plural_form
from .params import load_rules
from .vocab import label_key_lists

Node = Any  # str | [tag, attrs, children]


def _cat() -> Catalogue:
    return load_rules().catalogue


# --- formatting --------------------------------------------------------------------------

def money(cents: int, lang: str) -> str:
    """11,00 € in French, € 11,00 in Dutch."""
    return Money(cents).format(lang)


def plural(key: str, n: int, lang: str, **params) -> str:
    """The entry view.<key>.one or .other for n (French: singular for 0 and 1; Dutch: for 1)."""
    return _cat().say(lang, f"view.{key}.{plural_form(n, lang)}", n=n, **params)


def say(key: str, lang: str, **params) -> str:
    """The entry view.<key> in `lang`."""
    return _cat().say(lang, f"view.{key}", **params)


def day_text(iso: str | None) -> str:
    """2023-10-01 -> 01/10/2023."""
    return numeric_date(iso or "")


@lru_cache(maxsize=None)
def _label_keys() -> dict[str, dict[str, str]]:
    return {name: dict(items) for name, items in label_key_lists().items()}


def label(vocabulary: str, value: str, lang: str) -> str:
    """The reader's words for a value of a closed vocabulary (e.g. network adults)."""
    return _cat().raw(lang, _label_keys()[vocabulary][value])


def labels(vocabulary: str, lang: str) -> dict[str, str]:
    """value -> label, in the vocabulary's order."""
    return {value: _cat().raw(lang, key) for value, key in _label_keys()[vocabulary].items()}


def care_types_on(day: str) -> tuple[str, ...]:
    """The care types the quota and course questions take for a session on `day` (YYYY-MM-DD)."""
    import datetime

    return tuple(load_rules().value("care_types", datetime.date.fromisoformat(day)).value)


def networks_text(networks: Iterable[str], lang: str) -> str:
    """"Enfants et adolescents ou Adultes", or "Aucun réseau"."""
    names = [label("network", n, lang) for n in networks]
    if not names:
        return say("networks_none", lang)
    return f" {_cat().raw(lang, 'lists.or')} ".join(names)


def figure(answer: dict, lang: str) -> tuple[str, str]:
    """(the amount or count, the words after it) of a successful answer."""
    q, r = answer["question"], answer["result"]
    if q in ("contribution", "course"):
        if r["outcome"] == "not_allowed":
            return label("outcome", "not_allowed", lang), label("reason", r["reason"], lang) if r.get("reason") else ""
        if q == "contribution":
            return money(r["amount_cents"], lang), label("reason", r["reason"], lang)
        # the total counts the sessions within the maximum (course: sessions_over_cap lie beyond it)
        return money(r["total_cents"], lang), plural("caption_course", r["sessions"] - (r.get("sessions_over_cap") or 0),
                                                     lang)
    if q == "family_contribution":
        outcomes = r["outcomes"]
        if len(outcomes) > 1:  # each with its condition: outcome_nodes
            return (_cat().join_list(lang, [money(o["amount_cents"], lang) for o in outcomes]),
                    say("caption_depends", lang))
        return _outcome_figure(outcomes[0], lang)
    if q == "quota":
        if r["max_sessions"] is None:  # no maximum, or none known (max_status)
            return say(f"quota_{r['max_status']}", lang), say(f"caption_quota_{r['max_status']}", lang,
                                                             months=r["window_months"])
        caption = plural("caption_quota", r["max_sessions"], lang, months=r["window_months"])
        if r.get("remaining") is not None:
            caption += " · " + plural("caption_remaining", r["remaining"], lang)
        return str(r["max_sessions"]), caption
    if q == "networks":
        names = r["networks"]
        if not names:
            return networks_text(names, lang), _cat().say(lang, "view.caption_networks.other", n=0, age=r["age"])
        return networks_text(names, lang), plural("caption_networks", len(names), lang, age=r["age"])
    if q == "pseudocode":
        codes = r["codes"]
        text = ", ".join(c["code"] for c in codes)
        if r["mode"] == "lookup" and codes:
            return text, codes[0]["description"][lang]
        return text, plural("caption_codes", len(codes), lang)
    if q == "fees":
        return money(r["fee_cents"], lang), fee_unit(answer, lang)
    return "", ""


def _outcome_figure(outcome: dict, lang: str) -> tuple[str, str]:
    """(amount, reasons) of one outcome of a family_contribution answer."""
    reasons = " · ".join(label("reason", x, lang) for x in outcome["reasons"])
    if outcome["amount_cents"] is None:
        return label("outcome", "not_allowed", lang), reasons
    return money(outcome["amount_cents"], lang), reasons


def fee_unit(answer: dict, lang: str) -> str:
    r = answer["result"]
    if r.get("eligible") is False:
        return say("fees_not_eligible", lang)
    return say(f"fee_unit.{r['fee_unit']}", lang)


def headline(answer: dict, lang: str) -> str:
    """The answer in a few words, as a row of its history shows it: "11,00 €", "Gratuit",
    "Situation non prévue", "8 séances au maximum sur 12 mois"."""
    if not answer.get("ok"):
        return say("history.no_answer", lang)
    q, r = answer["question"], answer["result"]
    amount, caption = figure(answer, lang)
    if q in ("contribution", "course"):
        if r["outcome"] == "not_allowed":
            return amount
        cents = r["amount_cents"] if q == "contribution" else r["total_cents"]
        text = label("outcome", "free", lang) if cents == 0 else amount
        return f"{text} {caption}" if q == "course" and r.get("sessions_over_cap") else text
    if q == "quota":
        return f"{amount} {caption}"
    if q == "fees" and r.get("eligible") is False:
        return caption
    return amount


def history_periods(request: dict) -> list[tuple]:
    """The periods of the answer's history (calculator/history.py) as the reader tells them
    apart: [(start, end or None, {"fr": headline, "nl": headline})], consecutive periods
    whose headline reads the same in both languages merged into one."""
    from .history import periods

    merged: list[tuple] = []
    for p in periods(request):
        words = {lang: headline(p.answer, lang) for lang in ("fr", "nl")}
        if merged and merged[-1][2] == words:
            merged[-1] = (merged[-1][0], p.end, words)
        else:
            merged.append((p.start, p.end, words))
    return merged


def history(request: dict, lang: str) -> list[dict]:
    """The rows of the answer's history in `lang`: [{"from", "until", "figure", "current"}],
    one per period of history_periods; "current" marks the period of the request's own
    date. [] when the request has no answer."""
    import datetime

    merged = history_periods(request)
    if not merged:
        return []
    cat, when = _cat(), datetime.date.fromisoformat(request["date"])
    return [{"from": cat.format_date(lang, start),
             "until": say("history.open", lang) if end is None else cat.format_date(lang, end),
             "figure": words[lang],
             "current": start <= when and (end is None or when <= end)}
            for start, end, words in merged]


def history_table(rows: list[dict], lang: str) -> Node:
    """The answer's history as a table: a caption, a header row, a row per period."""
    head = _el("tr", None, *(_el("th", {"scope": "col"}, say(f"history.{k}", lang)) for k in ("from", "until", "figure")))
    body = []
    for row in rows:
        cell = [row["figure"]]
        attrs = {}
        if row["current"]:
            attrs = {"class": "calc__history-current", "aria-current": "date"}
            cell += [" ", _cls("span", "calc__history-here", say("history.current", lang))]
        body.append(_el("tr", attrs, _el("td", None, row["from"]), _el("td", None, row["until"]),
                        _el("td", None, *cell)))
    return _cls("table", "calc__history", _el("caption", None, say("history.caption", lang)),
                _el("thead", None, head), _el("tbody", None, *body))


# --- the cells of the static tables --------------------------------------------------------

def contribution_cell(answer: dict, lang: str) -> str:
    r = answer["result"]
    return label("outcome", "not_allowed", lang) if r["outcome"] == "not_allowed" else money(r["amount_cents"], lang)


def quota_cell(answer: dict, lang: str) -> str:
    r = answer["result"]
    if r["max_sessions"] is None:
        return say(f"quota_{r['max_status']}", lang)
    if r.get("average_sessions") is None:
        return str(r["max_sessions"])
    return say("quota_average", lang, average=r["average_sessions"], max=r["max_sessions"])


def fee_cells(answer: dict, lang: str) -> tuple[str, str, str]:
    """(amount, unit, indexation) of a fees answer."""
    r = answer["result"]
    return money(r["fee_cents"], lang), say(f"fee_unit.{r['fee_unit']}", lang), \
        say("indexed", lang) if r["indexed"] else ""


def citation_links(answers: Iterable[dict], lang: str, lang_root: str) -> list[dict]:
    """Every citation of these answers once: [{"href", "label"}], href from lang_root."""
    seen, out = set(), []
    for a in answers:
        for c in a["citations"]:
            ref = (c["doc"], c["para"])
            if ref not in seen:
                seen.add(ref)
                out.append({"href": f"{lang_root}{c['doc']}/#{c['para']}", "label": c["label"][lang]})
    return out


# --- the answer's view -----------------------------------------------------------------------

def _el(tag: str, attrs: dict | None, *children: Node) -> list:
    return [tag, attrs or {}, list(children)]


def _cls(tag: str, cls: str, *children: Node) -> list:
    return _el(tag, {"class": cls} if cls else {}, *children)


@lru_cache(maxsize=None)
def _staff_sentences(lang: str) -> tuple[str, ...]:
    """The sentences for the staff only: the catalogue's entries under a table `staff`
    (e.g. contribution.staff.billing_reserved, how a session is billed)."""
    cat = _cat()
    keys = [k for k in cat.messages[lang] if ".staff." in f".{k}"]
    for k in keys:
        if cat.placeholders(lang, k):
            raise ValueError(f"messages.{lang}.toml {k}: a staff sentence has no placeholder")
    return tuple(cat.raw(lang, k) for k in keys)


def _for_parents(explanation: str, lang: str) -> str:
    """The explanation without its sentences for the staff (sentences are joined by a space)."""
    for sentence in _staff_sentences(lang):
        explanation = explanation.replace(f" {sentence}", "").removeprefix(sentence).lstrip()
    return explanation


def view(answer: dict, lang: str, lang_root: str = "", *, question: str | None = None,
         values: dict | None = None, new_tab: bool = False, history: list[dict] | None = None,
         parents: bool = False) -> dict:
    """What the page shows of `answer` (as calculator.answer returns it):

    state:   "answer", "errors", or "question" (one question of the form is still
             to answer: the result says which, no error is shown)
    result:  the nodes of the answer's live region (#calc-result)
    details: the nodes below it (#calc-details): warnings, sources, interpretations, meta
    fields:  control key -> message, for each error whose field a shown control
             holds (with `question` and the controls' raw `values`)

    Citation links point to <lang_root><doc>/#<para>; with new_tab they open in
    a new tab (the embed page). `history` (the rows of present.history) is shown
    first in the details, right after the explanation. With parents (the parents'
    variant of the form) the explanation leaves out the sentences for the staff (how a
    session is billed)."""
    if not answer.get("ok") and question is not None and values is not None:
        asked = _still_asked(answer["errors"], question, values)
        if asked is not None:
            return notice(say("still_asked", lang, label=form.words(asked, lang, answer_day(values))["label"]),
                          "question")
    if not answer.get("ok"):
        errors = answer.get("errors") or []
        fields = {}
        if question is not None and values is not None:
            for e in errors:
                c = form.control_for(question, e["field"], values)
                if c is not None:
                    fields[c.key] = e[lang]
        return {
            "state": "errors",
            "result": [_cls("p", "calc__figure calc__figure--error", _cls("strong", "calc__amount",
                                                                          say("errors_title", lang))),
                       _cls("ul", "calc__errors", *(_cls("li", "", e[lang]) for e in errors))],
            "details": [],
            "fields": fields,
        }
    amount, caption = figure(answer, lang)
    link_attrs = {"target": "_blank", "rel": "noopener"} if new_tab else {}
    details = [history_table(history, lang)] if history else []
    if answer["warnings"]:
        details.append(_cls("div", "calc__warnings", _cls("p", "calc__label", say("warnings", lang)),
                            _cls("ul", "", *(_cls("li", "", w[lang]) for w in answer["warnings"]))))
    details.append(_cls("div", "calc__sources", _cls("p", "calc__label", say("sources", lang)), _cls("ul", "", *(
        _cls("li", "", _el("a", {"href": c["href"], **link_attrs}, c["label"]))
        for c in citation_links([answer], lang, lang_root)))))
    interpretations = answer["interpretations"]
    if interpretations:
        terms = []
        for i in interpretations:
            terms += [_cls("dt", "", i["title"][lang]), _cls("dd", "", i[lang])]
        details.append(_cls("details", "calc__interpretations",
                            _cls("summary", "", say("interpretations", lang, n=len(interpretations))),
                            _cls("dl", "", *terms)))
    details.append(_cls("p", "calc__meta", say("meta", lang, date=day_text(answer.get("date")),
                                               version=answer.get("rules_version", ""))))
    return {
        "state": "answer",
        "result": [_cls("p", "calc__figure", _cls("strong", "calc__amount", amount), " ",
                        _cls("span", "calc__caption", caption)),
                   *outcome_nodes(answer, lang, lang_root, link_attrs),
                   _cls("p", "calc__explanation", _for_parents(answer["explanation"][lang], lang) if parents
                        else answer["explanation"][lang])],
        "details": details,
        "fields": {},
    }


def outcome_nodes(answer: dict, lang: str, lang_root: str, link_attrs: dict) -> list:
    """The outcomes of an answer that depends on what the reader does not know
    (family_contribution): each with its condition, its figure and its citations.
    Nothing for any other answer."""
    outcomes = answer["result"].get("outcomes") if answer["question"] == "family_contribution" else None
    if not outcomes or len(outcomes) < 2:
        return []
    labels_of = {f"{c['doc']}#{c['para']}": c["label"][lang] for c in answer["citations"]}
    items = []
    for o in outcomes:
        amount, caption = _outcome_figure(o, lang)
        links: list = []
        for ref in o["citations"]:
            doc, para = ref.split("#")
            links += [" · "] if links else []
            links.append(_el("a", {"href": f"{lang_root}{doc}/#{para}", **link_attrs}, labels_of[ref]))
        items.append(_cls("li", "calc__outcome",
                          _cls("p", "calc__condition", o["condition"][lang]),
                          _cls("p", "calc__outcome-figure", _cls("strong", "calc__outcome-amount", amount), " ",
                               _cls("span", "calc__outcome-caption", caption)),
                          _cls("details", "calc__outcome-sources", _cls("summary", "", say("outcome_sources", lang)),
                               _cls("p", "", *links))))
    return [_cls("ul", "calc__outcomes", *items)]


def answer_day(values: dict) -> str:
    """The day whose rule values the form's words name: the form's date, else today."""
    import datetime

    day = values.get("date")
    try:
        return datetime.date.fromisoformat(day).isoformat()
    except (TypeError, ValueError):
        return datetime.date.today().isoformat()


def _still_asked(errors: list[dict], question: str, values: dict) -> "form.Control | None":
    """The shown control still to answer, when the only problem of a request is that
    a question the form asks without a default (a radio left unanswered, e.g. the
    centre an old link does not give) has no answer yet: the page then asks it."""
    if len(errors) != 1 or errors[0]["code"] != "missing_field":
        return None
    c = form.control_for(question, errors[0]["field"], values)
    if c is None or c.kind != "radio" or c.default is not None or values.get(c.key) not in (None, ""):
        return None
    return c


def notice(text: str, state: str) -> dict:
    """A view that is a message instead of an answer (e.g. "pending": the answer
    comes once the engine is ready)."""
    return {"state": state, "result": [_cls("p", "calc__figure calc__figure--pending",
                                            _cls("span", "calc__caption", text))],
            "details": [], "fields": {}}


# --- HTML (the build) -------------------------------------------------------------------------

def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def html(node: Node | list) -> str:
    """The HTML of a node, or of a list of nodes (one a line), every text escaped."""
    if isinstance(node, str):
        return _escape(node)
    if node and isinstance(node[0], str) and len(node) == 3 and isinstance(node[1], dict):
        tag, attrs, children = node
        attributes = "".join(f' {k}="{_escape(str(v))}"' for k, v in attrs.items())
        return f"<{tag}{attributes}>{''.join(html(c) for c in children)}</{tag}>"
    return "\n".join(html(n) for n in node)


# --- the browser's entry point -----------------------------------------------------------------

def ask(question: str, values: dict, overrides: dict | None = None, lang: str = "fr", lang_root: str = "",
        variant: str = "page") -> dict:
    """The form's raw control values in, {request, view, fragment} out: the request
    sent to calculator.answer, what the page shows of its answer, and the URL
    fragment's parameters ([[name, text], ...]) that keep this state in a link."""
    import datetime

    import calculator

    values = {**form.default_values(datetime.date.today().isoformat()), **values}
    request = form.request_for(question, values, overrides)
    answer = calculator.answer(request)
    rows = history(request, lang) if answer.get("ok") else []
    return {
        "request": request,
        "view": view(answer, lang, lang_root, question=question, values=values, new_tab=variant == "embed",
                     history=rows, parents=variant == "parents"),
        "fragment": form.fragment(question, values, request),
    }


def ask_json(text: str) -> str:
    """ask() with JSON text in and out: {question, values, overrides, lang,
    lang_root, variant} -> {request, view, fragment}. A message that is not such
    an object gets {"error": "..."} (a bug of the page, not of the reader)."""
    try:
        msg = json.loads(text)
        if not isinstance(msg, dict) or not isinstance(msg.get("values"), dict):
            raise ValueError("expected an object with question and values")
        if msg.get("question") not in form.QUESTIONS:
            raise ValueError(f"unknown question {msg.get('question')!r}")
        if msg.get("lang", "fr") not in ("fr", "nl"):
            raise ValueError(f"unknown language {msg.get('lang')!r}")
        out = ask(msg["question"], msg["values"], msg.get("overrides") or {}, msg.get("lang", "fr"),
                  str(msg.get("lang_root", "")), str(msg.get("variant", "page")))
    except (ValueError, TypeError, KeyError, RecursionError) as e:
        out = {"error": f"{type(e).__name__}: {e}"}
    return json.dumps(out, ensure_ascii=False, allow_nan=False)
