// The calculator in the page: the form, its answer, its state in the URL.
//
// Loaded (as an async module) only by the pages that hold the calculator
// (templates/calculator_widget.html.j2: the calculator page, the parents'
// guide, the embed page). It starts the engine first thing, then:
//
// - enables the form (disabled in the HTML: without JavaScript it cannot work);
// - restores the inputs from the URL fragment, e.g.
//     #q=contribution&age=12&route=outside&place=school&modality=individual&bim=false&first_session=false&date=2024-03-01
//   (q = the question, then exactly the fields of the request sent to the
//   calculator; a field the reader emptied is written empty, `age=`; a field
//   missing from a hand-written link such as #q=course keeps its default), so
//   a shared link reopens the same answer and the language switch (site.js
//   copies location.hash) keeps the inputs;
// - on every change, builds the request, writes it in the fragment and shows
//   the answer: the one computed at build time while the engine loads (for the
//   default inputs), then the engine's, computed in a Web Worker by the same
//   Python package (engine.mjs, engine-worker.mjs);
// - shows the package's errors next to their field, in the page's language.
//
// The page's data (<script type="application/json" id="calc-data">) come from
// scripts/calculator_page.py, which renders the same answer markup at build
// time: renderAnswer() must stay in step with calculator_widget.html.j2.

import { startEngine } from "./engine.mjs";

const ROOT = new URL("../../", import.meta.url); // this file is <root>/assets/calculator/ui.mjs
const engine = startEngine(ROOT.href);           // the runtime starts loading now

const BAD = Symbol("unreadable input"); // a number or date input the browser cannot read

function domReady() {
  return document.readyState === "loading"
    ? new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }))
    : Promise.resolve();
}

domReady().then(() => {
  const box = document.getElementById("calculator");
  const dataElement = document.getElementById("calc-data");
  if (!box || !dataElement) {
    if (engine.worker) engine.worker.terminate();
    return;
  }
  setup(box, JSON.parse(dataElement.textContent));
});

// --- small helpers ---------------------------------------------------------------------

function fmt(text, params = {}) {
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

function h(tag, className, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  }
  return value;
}

const canonical = (value) => JSON.stringify(sortKeys(value));

function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function dayText(iso) {
  const parts = typeof iso === "string" ? iso.split("-") : [];
  return parts.length === 3 ? parts.reverse().join("/") : String(iso ?? "");
}

// --- the calculator ----------------------------------------------------------------------

function setup(box, data) {
  const { t, lang } = data;
  const langRoot = new URL(lang === "fr" ? "" : `${lang}/`, ROOT);
  const fields = data.fields;
  const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
  const today = localToday();
  const defaults = Object.fromEntries(fields.map((f) => [f.key, f.today ? today : f.default]));
  const form = box.querySelector("#calc-form");
  const all = box.querySelector("#calc-all");
  const result = box.querySelector("#calc-result");
  const details = box.querySelector("#calc-details");
  const statusText = box.querySelector(".calc__status-text");
  const share = box.querySelector("#calc-share");
  const shareLink = box.querySelector("#calc-share-link");
  const copyButton = box.querySelector("#calc-copy");
  const copied = box.querySelector("#calc-copied");
  const linkTarget = data.linkTarget;

  let overrides = {};   // request field -> a value from the URL that no control can hold
  let ready = false;    // the engine answers
  let failed = false;
  let seq = 0;          // the latest request; older answers are dropped
  let lastKey = null;   // the request last sent or shown
  let touched = false;  // the reader changed something: the fragment follows the inputs

  // ---- controls
  const control = (key) => box.querySelector(`#calc-${key}`);
  const radios = (key) => box.querySelectorAll(`input[name="calc-${key}"]`);

  function question() {
    for (const r of radios("question")) if (r.checked) return r.value;
    return data.defaultQuestion;
  }

  function getValue(f) {
    const input = f.kind === "radio" ? null : control(f.key);
    switch (f.kind) {
      case "radio":
        for (const r of radios(f.key)) if (r.checked) return r.value;
        return null;
      case "checkbox":
        return input.checked;
      case "number":
        if (input.value === "") return input.validity.badInput ? BAD : null;
        return Number.isFinite(Number(input.value)) ? Number(input.value) : input.value;
      case "date":
        if (input.value === "") return input.validity.badInput ? BAD : null;
        return input.value;
      case "select":
        return input.value === "" ? null : input.value;
      default: // text
        return input.value.trim();
    }
  }

  // Puts a value in a control; false when the control cannot hold it.
  function setValue(f, value) {
    if (f.kind === "radio") {
      const match = [...radios(f.key)].find((r) => r.value === String(value));
      if (!match) return false;
      match.checked = true;
      return true;
    }
    const input = control(f.key);
    if (f.kind === "checkbox") {
      if (typeof value !== "boolean") return false;
      input.checked = value;
      return true;
    }
    if (value === null || value === undefined || value === "") {
      if (f.kind === "select" && ![...input.options].some((o) => o.value === "")) return false;
      input.value = "";
      return true;
    }
    if (f.kind === "number" && typeof value !== "number") return false;
    if (f.kind === "select" && ![...input.options].some((o) => o.value === String(value))) return false;
    input.value = String(value);
    return input.value === String(value);
  }

  function values() {
    const v = {};
    for (const f of fields) v[f.key] = getValue(f);
    return v;
  }

  function isVisible(f, q, vals) {
    const condition = f.shows[q];
    if (!condition) return false;
    return Object.entries(condition).every(([key, allowed]) => allowed.includes(vals[key]));
  }

  // The request for these inputs (scripts/calculator_page.py `request_for` does the same).
  function buildRequest(q, vals) {
    const request = { question: q };
    for (const f of fields) {
      if (f.name === null || !isVisible(f, q, vals)) continue;
      const v = vals[f.key];
      if (v === BAD) request[f.name] = ""; // the package says what it expects
      else if (v === null || v === undefined || v === "") {
        if (f.kind === "text") request[f.name] = "";
      } else request[f.name] = v;
    }
    for (const [name, v] of Object.entries(overrides)) request[name] = v;
    return request;
  }

  function updateVisibility(q, vals) {
    for (const f of fields) {
      const wrapper = box.querySelector(`[data-key="${f.key}"]`);
      if (wrapper) wrapper.hidden = !isVisible(f, q, vals);
    }
  }

  // ---- the URL fragment: q=<question>, then each field of the request; a field
  // the reader emptied is written empty (age=), a field missing from a
  // hand-written link (#q=course) keeps its default.
  function fragmentOf(request, q, vals) {
    const params = new URLSearchParams();
    params.set("q", request.question);
    for (const f of fields) {
      if (f.name === null || !isVisible(f, q, vals) || params.has(f.name)) continue;
      params.set(f.name, f.name in request ? String(request[f.name]) : "");
    }
    for (const [name, v] of Object.entries(request)) {
      if (name !== "question" && !params.has(name)) params.set(name, String(v));
    }
    return `#${params}`;
  }

  function readFragment() {
    const raw = location.hash.replace(/^#/, "");
    if (!raw.includes("=")) return null; // an ordinary anchor (#tables)
    const params = new URLSearchParams(raw);
    const q = params.get("q");
    if (!q || !data.questions.includes(q)) return null;
    const vals = {};
    for (const [name, v] of params) if (name !== "q") vals[name] = v;
    return { question: q, values: vals };
  }

  function parseFor(f, text) {
    if (text === "") return "";
    if (f.kind === "checkbox") return text === "true" ? true : text === "false" ? false : text;
    if (f.kind === "number") return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    return text;
  }

  function applyState(state) {
    overrides = {};
    for (const f of fields) setValue(f, defaults[f.key]);
    const q = state ? state.question : data.defaultQuestion;
    for (const r of radios("question")) r.checked = r.value === q;
    if (!state) return;
    for (const [name, text] of Object.entries(state.values)) {
      const f = fields.find((x) => x.name === name && x.shows[q]);
      if (!f) {
        overrides[name] = text; // unknown here: the package will name it
        continue;
      }
      for (const [key, allowed] of Object.entries(f.shows[q])) {
        const shaping = byKey[key];
        if (shaping && shaping.name === null) setValue(shaping, allowed[0]); // e.g. "compare" for care_type
      }
      const value = parseFor(f, text);
      if (!setValue(f, value)) overrides[name] = value;
    }
  }

  // ---- showing answers
  function money(cents) {
    const sign = cents < 0 ? "-" : "";
    const abs = Math.abs(cents);
    const number = `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
    return lang === "fr" ? `${number} €` : `€ ${number}`;
  }

  function plural(key, n, params = {}) {
    const one = lang === "fr" ? n === 0 || n === 1 : n === 1;
    return fmt(t[`${key}_${one ? "one" : "other"}`], { n, ...params });
  }

  // (the amount or count, the words after it): scripts/calculator_page.py `figure_of`
  function figureOf(answer) {
    const r = answer.result;
    const V = data.vocab;
    switch (answer.question) {
      case "contribution":
      case "course":
        if (r.outcome === "not_allowed") return [V.outcome.not_allowed, V.reason[r.reason || ""] || ""];
        if (answer.question === "contribution") return [money(r.amount_cents), V.reason[r.reason]];
        return [money(r.total_cents), plural("caption_course", r.sessions)];
      case "quota": {
        let caption = plural("caption_quota", r.max_sessions, { months: r.window_months });
        if (r.remaining !== null && r.remaining !== undefined) caption += ` · ${plural("caption_remaining", r.remaining)}`;
        return [String(r.max_sessions), caption];
      }
      case "networks": {
        const names = r.networks.map((n) => V.network[n]);
        if (!names.length) return [t.networks_none, fmt(t.caption_networks_other, { n: 0, age: r.age })];
        return [names.join(` ${t.or} `), plural("caption_networks", names.length, { age: r.age })];
      }
      case "pseudocode": {
        const figure = r.codes.map((c) => c.code).join(", ");
        if (r.mode === "lookup" && r.codes.length) return [figure, r.codes[0].description[lang]];
        return [figure, plural("caption_codes", r.codes.length)];
      }
      case "fees":
        if (r.eligible === false) return [money(r.fee_cents), t.fees_not_eligible];
        return [money(r.fee_cents), t[`fee_unit_${r.fee_unit}`]];
      default:
        return ["", ""];
    }
  }

  function link(href, text) {
    const a = h("a", "", text);
    a.href = href;
    if (linkTarget) {
      a.target = linkTarget;
      a.rel = "noopener";
    }
    return a;
  }

  // Replaces the live region only when its text changes: a screen reader then
  // announces each new answer once.
  function setResult(nodes) {
    const next = h("div", "", nodes);
    if (next.textContent !== result.textContent || result.dataset.state !== next.dataset.state) {
      result.replaceChildren(...next.childNodes);
    }
  }

  function clearFieldErrors() {
    for (const p of box.querySelectorAll(".calc__error")) {
      p.hidden = true;
      p.textContent = "";
    }
    for (const node of box.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
      const ids = (node.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && !id.endsWith("-error"));
      if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
      else node.removeAttribute("aria-describedby");
    }
  }

  function markField(f, message) {
    const error = box.querySelector(`#calc-${f.key}-error`);
    const target = control(f.key); // the input, or the fieldset of a radio group
    if (!error || !target) return false;
    error.textContent = message;
    error.hidden = false;
    target.setAttribute("aria-invalid", "true");
    const ids = (target.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (!ids.includes(error.id)) ids.push(error.id);
    target.setAttribute("aria-describedby", ids.join(" "));
    return true;
  }

  function renderErrors(errors, q, vals) {
    for (const e of errors) {
      const f = fields.find((x) => x.name === e.field && isVisible(x, q, vals));
      if (f) markField(f, e[lang]);
    }
    result.dataset.state = "errors";
    setResult([
      h("p", "calc__figure calc__figure--error", h("strong", "calc__amount", t.errors_title)),
      h("ul", "calc__errors", errors.map((e) => h("li", "", e[lang]))),
    ]);
    details.replaceChildren();
  }

  // The same markup as calculator_widget.html.j2 renders at build time.
  function renderAnswer(answer, q, vals) {
    clearFieldErrors();
    if (!answer || typeof answer !== "object") return renderMessage(t.engine_error);
    if (!answer.ok) return renderErrors(answer.errors || [], q, vals);
    const [figure, caption] = figureOf(answer);
    result.dataset.state = "answer";
    setResult([
      h("p", "calc__figure", [h("strong", "calc__amount", figure), " ", h("span", "calc__caption", caption)]),
      h("p", "calc__explanation", answer.explanation[lang]),
    ]);
    const wasOpen = details.querySelector("details[open]") !== null;
    const parts = [];
    if (answer.warnings.length) {
      parts.push(h("div", "calc__warnings", [
        h("p", "calc__label", t.warnings),
        h("ul", "", answer.warnings.map((w) => h("li", "", w[lang]))),
      ]));
    }
    parts.push(h("div", "calc__sources", [
      h("p", "calc__label", t.sources),
      h("ul", "", answer.citations.map((c) => h("li", "", link(new URL(`${c.doc}/#${c.para}`, langRoot).href, c.label[lang])))),
    ]));
    if (answer.interpretations.length) {
      const more = h("details", "calc__interpretations", [
        h("summary", "", fmt(t.interpretations, { n: answer.interpretations.length })),
        h("dl", "", answer.interpretations.flatMap((i) => [h("dt", "", i.title[lang]), h("dd", "", i[lang])])),
      ]);
      more.open = wasOpen;
      parts.push(more);
    }
    parts.push(h("p", "calc__meta", fmt(t.meta, { date: dayText(answer.date), version: answer.rules_version })));
    details.replaceChildren(...parts);
  }

  function renderMessage(text, state = "message") {
    clearFieldErrors();
    result.dataset.state = state;
    setResult([h("p", "calc__figure calc__figure--pending", h("span", "calc__caption", text))]);
    details.replaceChildren();
  }

  // ---- answers computed at build time (before the engine is ready)
  function prebuiltFor(request) {
    const key = canonical(request);
    for (const p of data.prebuilt) {
      if (canonical(p.request) === key) return p.answer;
    }
    // The same request on a later day than the build: the package answered the
    // build's day with its latest rules ("rules_may_have_changed"), so any later
    // day gets the same answer.
    if (typeof request.date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(request.date)) return null;
    for (const p of data.prebuilt) {
      const { date, ...rest } = p.request;
      const { date: asked, ...askedRest } = request;
      if (canonical(rest) !== canonical(askedRest) || asked < date || !p.answer.ok) continue;
      if (p.answer.warnings.some((w) => w.code === "rules_may_have_changed")) return { ...p.answer, date: asked };
    }
    return null;
  }

  // ---- the update cycle
  // The fragment is written a moment after the last change (history.replaceState
  // costs milliseconds and browsers throttle it), and at once before any click:
  // the language switch (site.js) reads location.hash when it is clicked.
  let pendingFragment = null;
  let fragmentTimer = 0;
  function flushFragment() {
    clearTimeout(fragmentTimer);
    if (pendingFragment !== null && location.hash !== pendingFragment) {
      history.replaceState(history.state, "", pendingFragment);
    }
    pendingFragment = null;
  }
  document.addEventListener("click", flushFragment, true);
  window.addEventListener("pagehide", flushFragment);

  function updateShare(request, q, vals) {
    const fragment = fragmentOf(request, q, vals);
    const page = linkTarget ? new URL("calculator/", langRoot) : new URL(location.href);
    page.hash = fragment;
    shareLink.href = page.href;
    share.hidden = false;
    if (!touched) return;
    pendingFragment = fragment;
    clearTimeout(fragmentTimer);
    fragmentTimer = setTimeout(flushFragment, 250);
  }

  function update() {
    const q = question();
    let vals = values();
    updateVisibility(q, vals);
    vals = values();
    const request = buildRequest(q, vals);
    updateShare(request, q, vals);
    const key = canonical(request);
    if (key === lastKey) return;
    lastKey = key;
    const mine = ++seq;
    if (ready) {
      engine.ask(request).then(
        (answer) => {
          if (mine !== seq) return;
          renderAnswer(answer, q, vals);
          firstAnswer();
        },
        (error) => {
          if (mine !== seq) return;
          console.warn("calculator engine:", error && error.message);  // the detail, for whoever debugs
          renderMessage(t.engine_error, "engine-error");
          firstAnswer();
        },
      );
      return;
    }
    if (failed) return;
    const prebuilt = prebuiltFor(request);
    if (prebuilt) {
      renderAnswer(prebuilt, q, vals);
      statusText.textContent = t.status_loading;
    } else {
      renderMessage(t.pending, "pending");
      statusText.textContent = t.status_waiting;
    }
  }

  let answered = false;
  function firstAnswer() {
    if (answered) return;
    answered = true;
    box.setAttribute("aria-busy", "false");
    box.classList.add("calc--ready");
    statusText.textContent = t.status_ready;
    performance.mark("calculator:ready");
  }

  function onFailure(reason) {
    failed = true;
    box.setAttribute("aria-busy", "false");
    box.classList.add("calc--failed");
    const notice = box.querySelector("#calc-failed");
    notice.querySelector(".calc__failed-text").textContent = fmt(t.failed, { reason });
    notice.hidden = false;
    box.querySelector("#calc-status").hidden = true;
    // Keep the inputs readable but stop them from promising answers.
    all.disabled = true;
    if (lastKey !== null && result.dataset.state === "pending") details.replaceChildren();
    const tables = document.getElementById("tables");
    if (tables && tables.tagName === "DETAILS") tables.open = true;
    performance.mark("calculator:failed");
  }

  // ---- start
  applyState(readFragment());
  if (readFragment()) touched = true; // a shared link: keep the fragment in step
  all.disabled = false;
  update();

  form.addEventListener("submit", (event) => event.preventDefault());
  const onInput = (event) => {
    touched = true;
    const target = event.target;
    // a radio button is named calc-<key>, any other control has the id calc-<key>
    const key = (target.type === "radio" ? target.name : target.id || "").replace(/^calc-/, "");
    if (key === "question") overrides = {};
    else if (byKey[key] && byKey[key].name) delete overrides[byKey[key].name];
    update();
  };
  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);

  window.addEventListener("hashchange", () => {
    const state = readFragment();
    if (!state) return;
    pendingFragment = null; // a link the reader followed wins over a pending write
    clearTimeout(fragmentTimer);
    const q = question();
    const vals = values();
    if (location.hash === fragmentOf(buildRequest(q, vals), q, vals)) return;
    applyState(state);
    touched = true;
    update();
  });

  if (navigator.clipboard && window.isSecureContext) {
    copyButton.hidden = false;
    copyButton.addEventListener("click", () => {
      navigator.clipboard.writeText(shareLink.href).then(
        () => { copied.textContent = t.copied; setTimeout(() => { copied.textContent = ""; }, 4000); },
        () => { copied.textContent = ""; },
      );
    });
  }

  engine.ready.then(
    (timing) => {
      ready = true;
      performance.mark("calculator:engine", { detail: timing });
      lastKey = null;
      update();
    },
    (error) => {
      // The reader gets the kind of failure in their language; the technical
      // detail (in English, from the browser or Pyodide) goes to the console.
      console.warn("calculator engine:", error && error.message);
      onFailure(t[`failed_${error && error.kind}`] || t.failed_runtime);
    },
  );
}
