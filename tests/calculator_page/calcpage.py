"""Helpers of the calculator-page tests: the scenario table, what the page must
show for a state of the form (computed in CPython from calculator.answer and the
package's formatting), and what the page shows (read from the DOM, or from a
view's nodes)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import calculator
from calculator import form, present

HERE = Path(__file__).resolve().parent
LANG_PREFIX = {"fr": "", "nl": "nl/"}


def _text(v) -> str:
    return "true" if v is True else "false" if v is False else str(v)


@dataclass
class Scenario:
    name: str
    state: dict      # q + request fields, TOML-typed
    expect: str

    @property
    def question(self) -> str:
        return self.state["q"]

    def link_fields(self) -> dict[str, str]:
        """The request fields as a link writes them (text)."""
        return {name: _text(v) for name, v in self.state.items() if name != "q"}

    def fragment(self) -> str:
        """The link's fragment: q first, then the fields, as a reader would share it."""
        return "#" + urlencode([("q", self.question), *self.link_fields().items()])

    def values(self, today: str) -> tuple[dict, dict]:
        """(raw control values, overrides) the page sets from the link."""
        return form.values_from_state(self.question, self.link_fields(), today)

    def request(self, today: str) -> dict:
        values, overrides = self.values(today)
        return form.request_for(self.question, values, overrides)


def load_scenarios() -> list[Scenario]:
    data = tomllib.loads((HERE / "scenarios.toml").read_text(encoding="utf-8"))
    return [Scenario(s["name"], s["state"], s["expect"]) for s in data["scenario"]]


def today() -> str:
    return date.today().isoformat()


def expected_view(question: str, values: dict, overrides: dict, lang: str, lang_root_url: str) -> dict:
    """What the page must show for this state, from calculator.answer (the same
    keys as PAGE_VIEW_JS returns): the answer's own texts, its figure and caption
    as the package words them, each error next to the control of its field."""
    answer = calculator.answer(form.request_for(question, values, overrides))
    if not answer["ok"] and not overrides and len(answer["errors"]) == 1 and answer["errors"][0]["code"] == "missing_field":
        c = form.control_for(question, answer["errors"][0]["field"], values)
        if c is not None and c.kind == "radio" and c.default is None and values.get(c.key) is None:
            # an unanswered question without default (an old link without `centre`): asked, no error
            label = form.words(c, lang, values["date"])["label"]
            return {"state": "question", "figure": None, "caption": present.say("still_asked", lang, label=label),
                    "explanation": None, "errors": [], "warnings": [], "citations": [], "interpretations": [],
                    "meta": None, "fieldErrors": {}, "history": None}
    if not answer["ok"]:
        field_errors = {}
        for e in answer["errors"]:
            c = form.control_for(question, e["field"], values)
            if c is not None:
                field_errors[c.key] = e[lang]
        return {"state": "errors", "figure": present.say("errors_title", lang), "caption": None,
                "explanation": None, "errors": [e[lang] for e in answer["errors"]], "warnings": [],
                "citations": [], "interpretations": [], "meta": None, "fieldErrors": field_errors, "history": None}
    figure, caption = present.figure(answer, lang)
    rows = present.history(form.request_for(question, values, overrides), lang)
    history = {"caption": present.say("history.caption", lang),
               "head": [present.say(f"history.{k}", lang) for k in ("from", "until", "figure")],
               "rows": [{"cells": [r["from"], r["until"],
                                   r["figure"] + (" " + present.say("history.current", lang) if r["current"] else "")],
                         "current": r["current"]} for r in rows]} if rows else None
    return {"state": "answer", "figure": figure, "caption": caption, "explanation": answer["explanation"][lang],
            "errors": [], "warnings": [w[lang] for w in answer["warnings"]],
            "citations": [{"href": f"{lang_root_url}{c['doc']}/#{c['para']}", "label": c["label"][lang]}
                          for c in answer["citations"]],
            "interpretations": [{"title": i["title"][lang], "text": i[lang]} for i in answer["interpretations"]],
            "meta": present.say("meta", lang, date=present.day_text(answer["date"]),
                                version=answer["rules_version"]),
            "fieldErrors": {}, "history": history}


# What the page shows (the keys of expected_view): `root` is the document, or
# one parsed from the HTML as it was built.
READ_VIEW = """
(root) => {
  const readHistory = (t) => t && {
    caption: t.caption.textContent,
    head: [...t.tHead.rows[0].cells].map((c) => c.textContent),
    rows: [...t.tBodies[0].rows].map((r) => ({ cells: [...r.cells].map((c) => c.textContent),
                                              current: r.classList.contains("calc__history-current") })),
  };
  const box = root.getElementById("calculator");
  const r = box.querySelector("#calc-result");
  const d = box.querySelector("#calc-details");
  const text = (el) => (el ? el.textContent : null);
  const fieldErrors = {};
  for (const p of box.querySelectorAll(".calc__error")) {
    if (!p.hidden) fieldErrors[p.id.replace(/^calc-/, "").replace(/-error$/, "")] = p.textContent;
  }
  return {
    state: r.dataset.state || "answer",
    figure: text(r.querySelector(".calc__amount")),
    caption: text(r.querySelector(".calc__caption")),
    explanation: text(r.querySelector(".calc__explanation")),
    errors: [...r.querySelectorAll(".calc__errors li")].map((li) => li.textContent),
    warnings: [...d.querySelectorAll(".calc__warnings li")].map((li) => li.textContent),
    citations: [...d.querySelectorAll(".calc__sources a")].map((a) => ({ href: a.href, label: a.textContent })),
    interpretations: [...d.querySelectorAll(".calc__interpretations dt")].map((dt) => ({ title: dt.textContent, text: dt.nextElementSibling.textContent })),
    meta: text(d.querySelector(".calc__meta")),
    fieldErrors,
    history: readHistory(d.querySelector("table.calc__history")),
  };
}
"""
PAGE_VIEW_JS = f"() => ({READ_VIEW})(document)"
# The same, on the page's HTML as served (before any script ran); hrefs resolve
# against the page's address.
BUILT_VIEW_JS = f"""async () => {{
  const html = await fetch(location.href).then((r) => r.text());
  const doc = new DOMParser().parseFromString(html, "text/html");
  const base = doc.createElement("base");
  base.href = location.href;
  doc.head.prepend(base);
  return ({READ_VIEW})(doc);
}}"""

CONTAINER_JS = """
() => {
  const box = document.getElementById("calculator");
  return {
    busy: box.getAttribute("aria-busy"),
    hash: location.hash,
    invalid: [...box.querySelectorAll("[aria-invalid=true]")].map((e) => e.id),
    describedby: Object.fromEntries([...box.querySelectorAll("[aria-invalid=true]")].map((e) => [e.id, e.getAttribute("aria-describedby")])),
    status: box.querySelector(".calc__status-text").textContent,
  };
}
"""


def wait_for_view(page, expected: dict, timeout_ms: int = 10000) -> dict:
    """Polls the page until it shows `expected` (the answer appears as the inputs
    change, a few milliseconds later); returns the last view seen."""
    waited = 0
    view = None
    while waited <= timeout_ms:
        view = page.evaluate(PAGE_VIEW_JS)
        if view == expected:
            return view
        page.wait_for_timeout(25)
        waited += 25
    return view


def fragment_fields(hash_: str) -> dict[str, str]:
    return dict(parse_qsl(hash_.lstrip("#"), keep_blank_values=True))


def expected_fragment(question: str, values: dict, overrides: dict) -> dict[str, str]:
    """The fragment the page must write for this state (the package says it)."""
    return dict(form.fragment(question, values, form.request_for(question, values, overrides)))


# --- views read as the DOM readers do, without a browser ------------------------------------

def _nodes(nodes, cls: str):
    """Every node of class `cls` under these nodes, in document order."""
    for n in nodes:
        if isinstance(n, str):
            continue
        tag, attrs, children = n
        if cls in attrs.get("class", "").split():
            yield n
        yield from _nodes(children, cls)


def _tagged(nodes, tag: str):
    for n in nodes:
        if isinstance(n, str):
            continue
        if n[0] == tag:
            yield n
        yield from _tagged(n[2], tag)


def text_of(node) -> str:
    return node if isinstance(node, str) else "".join(text_of(c) for c in node[2])


def read_view(view: dict, page_url: str = "") -> dict:
    """READ_VIEW on a view's nodes (hrefs joined to page_url as a browser does)."""
    from urllib.parse import urljoin

    r, d = view["result"], view["details"]
    first = lambda nodes, cls: next((text_of(n) for n in _nodes(nodes, cls)), None)  # noqa: E731
    dts = [n for n in _tagged(d, "dt")]
    dds = [n for n in _tagged(d, "dd")]
    return {
        "state": view["state"], "figure": first(r, "calc__amount"), "caption": first(r, "calc__caption"),
        "explanation": first(r, "calc__explanation"),
        "errors": [text_of(li) for ul in _nodes(r, "calc__errors") for li in _tagged(ul[2], "li")],
        "warnings": [text_of(li) for div in _nodes(d, "calc__warnings") for li in _tagged(div[2], "li")],
        "citations": [{"href": urljoin(page_url, a[1]["href"]), "label": text_of(a)}
                      for div in _nodes(d, "calc__sources") for a in _tagged(div[2], "a")],
        "interpretations": [{"title": text_of(t), "text": text_of(x)} for t, x in zip(dts, dds)],
        "meta": first(d, "calc__meta"), "fieldErrors": view["fields"],
        "history": next((_history_of(t) for t in _nodes(d, "calc__history")), None),
    }


def _history_of(table) -> dict:
    """READ_VIEW's reading of the history table, on its nodes."""
    caption = next(_tagged(table[2], "caption"))
    head, = (tr for thead in _tagged(table[2], "thead") for tr in _tagged(thead[2], "tr"))
    body = [tr for tbody in _tagged(table[2], "tbody") for tr in _tagged(tbody[2], "tr")]
    return {"caption": text_of(caption), "head": [text_of(c) for c in _tagged(head[2], "th")],
            "rows": [{"cells": [text_of(c) for c in _tagged(tr[2], "td")],
                      "current": "calc__history-current" in tr[1].get("class", "").split()} for tr in body]}


__all__ = ["Scenario", "load_scenarios", "today", "expected_view", "PAGE_VIEW_JS", "BUILT_VIEW_JS", "CONTAINER_JS",
           "wait_for_view", "fragment_fields", "expected_fragment", "read_view", "LANG_PREFIX", "json"]
