"""Helpers of the calculator-page tests: the scenario table, what the page must
show for a request (computed in CPython), and what the page shows (read from the DOM)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import calculator
from scripts.render.calculator_page import (FIELD, FIELDS, answer_view, catalog, day_text, request_for, values_from_state,
                             visible)

HERE = Path(__file__).resolve().parent
LANG_PREFIX = {"fr": "", "nl": "nl/"}


@dataclass
class Scenario:
    name: str
    state: dict      # q + request fields, TOML-typed
    expect: str

    @property
    def question(self) -> str:
        return self.state["q"]

    def fragment(self) -> str:
        """The link's fragment: q first, then the fields, as a reader would share it."""
        pairs = [("q", self.question)]
        for name, v in self.state.items():
            if name != "q":
                pairs.append((name, "true" if v is True else "false" if v is False else str(v)))
        return "#" + urlencode(pairs)

    def request(self, today: str) -> dict:
        fields = {k: v for k, v in self.state.items() if k != "q"}
        values = values_from_state(self.question, fields, today)
        request = request_for(self.question, values)
        known = {f.name for f in FIELDS if self.question in f.shows}
        request.update({k: v for k, v in fields.items() if k not in known})  # the package names them
        return request

    def values(self, today: str) -> dict:
        return values_from_state(self.question, {k: v for k, v in self.state.items() if k != "q"}, today)


def load_scenarios() -> list[Scenario]:
    data = tomllib.loads((HERE / "scenarios.toml").read_text(encoding="utf-8"))
    return [Scenario(s["name"], s["state"], s["expect"]) for s in data["scenario"]]


def today() -> str:
    return date.today().isoformat()


def expected_view(question: str, request: dict, values: dict, lang: str, lang_root_url: str) -> dict:
    """What the page must show for this request: the same keys as PAGE_VIEW_JS returns."""
    t = catalog(lang)["calculator"]
    answer = calculator.answer(request)
    view = answer_view(answer, t, lang, lang_root_url)
    if not view["ok"]:
        field_errors = {}
        for e in answer["errors"]:
            f = next((x for x in FIELDS if x.name == e["field"] and visible(x, question, values)), None)
            if f is not None:
                field_errors[f.key] = e[lang]
        return {"state": "errors", "figure": t["errors_title"], "caption": None, "explanation": None,
                "errors": [e["message"] for e in view["errors"]], "warnings": [], "citations": [],
                "interpretations": [], "meta": None, "fieldErrors": field_errors}
    return {"state": "answer", "figure": view["figure"], "caption": view["caption"],
            "explanation": view["explanation"], "errors": [], "warnings": view["warnings"],
            "citations": view["citations"], "interpretations": view["interpretations"],
            "meta": t["meta"].format(date=view["date_text"], version=view["rules_version"]), "fieldErrors": {}}


# What the page shows (the keys of expected_view, plus the container's state).
PAGE_VIEW_JS = """
() => {
  const box = document.getElementById("calculator");
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
  };
}
"""

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


def expected_fragment(question: str, request: dict, values: dict) -> dict[str, str]:
    """The fragment ui.mjs writes for this state: q, each shown field (empty when
    left out of the request), then the request's other fields."""
    out = {"q": question}
    for f in FIELDS:
        if f.name is None or not visible(f, question, values) or f.name in out:
            continue
        out[f.name] = _text(request[f.name]) if f.name in request else ""
    for name, v in request.items():
        if name != "question" and name not in out:
            out[name] = _text(v)
    return out


def _text(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


__all__ = ["FIELD", "Scenario", "load_scenarios", "today", "expected_view", "PAGE_VIEW_JS", "CONTAINER_JS",
           "wait_for_view", "fragment_fields", "expected_fragment", "LANG_PREFIX", "day_text", "json"]
