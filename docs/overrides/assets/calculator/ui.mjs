// The calculator in the page: the form, its answer, its state in the URL.
//
// Loaded (as an async module, from the head: docs/overrides/main.html,
// templates/calculator_embed.html.j2) only by the pages that hold the
// calculator (templates/calculator_widget.html.j2: the calculator page, the
// parents' guide, the embed page). It starts the engine first thing, then:
//
// - enables the form (disabled in the HTML: without JavaScript it cannot work);
// - restores the inputs from the URL fragment, e.g.
//     #q=contribution&age=12&route=outside&place=school&modality=individual&bim=false&first_session=false&date=2024-03-01
//   (q = the question, then the fields of the request), with the page's map
//   of which control holds which field (calculator/form.py `state_map`); a
//   value no control can hold goes to the request as it is, and the package
//   names it if it is wrong;
// - on every change, sends the controls' raw values to the engine (a Web
//   Worker running the calculator package: engine.mjs, engine-worker.mjs),
//   which returns what to show (the view, calculator/present.py) and the URL
//   fragment to write; before the engine is ready, the views computed at build
//   time for the default inputs of each question.
//
// Nothing here formats an amount, a count or a date, words an answer or builds
// a request: the package does. This file only reads and sets controls, shows or
// hides them by the conditions the page's data declare, turns view nodes
// ([tag, {attribute: value}, [children]] or a text) into DOM nodes, and marks
// the controls the view names as wrong. The page's data (<script
// type="application/json" id="calc-data">) come from
// scripts/render/calculator_page.py.

import { startEngine } from "./engine.mjs";

const ROOT = new URL("../../", import.meta.url); // this file is <root>/assets/calculator/ui.mjs
const engine = startEngine(ROOT.href);           // the runtime starts loading now

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

// The theme's search index waits for the engine's first answer (docs/overrides/main.html).
function releaseSearch() {
  if (typeof window.__calcSearchGo === "function") window.__calcSearchGo();
}

// The published address of a link of this site, as scripts/publish/postbuild.py gives the
// built links (data-print-href, shown on paper by site.css): the page's canonical address
// names where this page is published, so the site's root there is the canonical address
// less this page's path under ROOT.
const CANONICAL = document.querySelector('link[rel="canonical"]')?.href;
function publishedAddress(href) {
  const page = location.href.split("#")[0].split("?")[0];
  const target = new URL(href, page);
  if (!CANONICAL || !page.startsWith(ROOT.href) || !target.href.startsWith(ROOT.href)) return null;
  const pagePath = page.slice(ROOT.href.length);
  if (!CANONICAL.endsWith(pagePath)) return null;
  return CANONICAL.slice(0, CANONICAL.length - pagePath.length) + target.href.slice(ROOT.href.length);
}

// A view node (calculator/present.py) as a DOM node: text stays text.
function build(node) {
  if (typeof node === "string") return document.createTextNode(node);
  const [tag, attrs, children] = node;
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  if (tag === "a" && attrs.href && !attrs.href.startsWith("#")) {
    const address = publishedAddress(attrs.href);
    if (address) element.setAttribute("data-print-href", address);
  }
  for (const child of children) element.append(build(child));
  return element;
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

// --- the calculator ----------------------------------------------------------------------

function setup(box, data) {
  const { t, lang } = data;
  const langRoot = new URL(data.langRoot, location.href);
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
  const summary = box.querySelector("#calc-summary");
  const answer = box.querySelector(".calc__answer");
  const linkTarget = data.linkTarget;

  let overrides = {};   // request field -> a text from the URL that no control can hold
  let ready = false;    // the engine answers
  let failed = false;
  let seq = 0;          // the latest state asked; older replies are dropped
  let lastKey = null;   // the state last asked or shown
  let touched = false;  // the reader changed something: the fragment follows the inputs
  let fragment = null;  // the fragment of the state shown (from the package)

  // ---- controls
  const control = (key) => box.querySelector(`#calc-${key}`);
  const radios = (key) => box.querySelectorAll(`input[name="calc-${key}"]`);

  function question() {
    for (const r of radios("question")) if (r.checked) return r.value;
    return data.defaultQuestion;
  }

  // The raw value of a control (calculator/form.py says what the package makes of it):
  // null for no radio chosen, or a number or date the browser cannot read.
  function getValue(f) {
    if (f.kind === "radio") {
      for (const r of radios(f.key)) if (r.checked) return r.value;
      return null;
    }
    const input = control(f.key);
    if (f.kind === "checkbox") return input.checked;
    if ((f.kind === "number" || f.kind === "date") && input.value === "" && input.validity.badInput) return null;
    return input.value;
  }

  // Puts a value in a control; false when the control cannot hold it.
  function setValue(f, value) {
    if (f.kind === "radio") {
      if (value === null || value === undefined || value === "") {
        // a question without default, unanswered (form.py _holds: the package then asks it)
        for (const r of radios(f.key)) r.checked = false;
        return f.default === null || f.default === undefined;
      }
      const match = [...radios(f.key)].find((r) => r.value === String(value));
      if (!match) return false;
      match.checked = true;
      return true;
    }
    const input = control(f.key);
    if (f.kind === "checkbox") {
      if (value !== true && value !== false && value !== "true" && value !== "false") return false;
      input.checked = value === true || value === "true";
      return true;
    }
    const text = value === null || value === undefined ? "" : String(value);
    if (f.kind === "select" && ![...input.options].some((o) => o.value === text)) return false;
    input.value = text;
    return input.value === text;
  }

  function values() {
    const v = {};
    for (const f of fields) v[f.key] = getValue(f);
    return v;
  }

  const holds = (condition, vals) => Object.entries(condition).every(([key, allowed]) => allowed.includes(vals[key]));

  // The declared condition of a control (calculator/form.py `visible`).
  function isVisible(f, q, vals) {
    const condition = f.shows[q];
    return condition ? holds(condition, vals) : false;
  }

  // Whether a choice's option is offered (calculator/form.py `offered`): an option
  // the page's data name is offered when one of its conditions holds.
  function isOffered(f, q, option, vals) {
    const conditions = (f.offers[q] || {})[option];
    return option === "" || !conditions || conditions.some((c) => holds(c, vals));
  }

  // The options of a select or radio group, as [value, element to hide, input to disable].
  function optionsOf(f) {
    if (f.kind === "select") return [...control(f.key).options].map((o) => [o.value, o, o]);
    if (f.kind === "radio") return [...radios(f.key)].map((r) => [r.value, r.closest("label"), r]);
    return [];
  }

  // After the reader's change, a shown choice whose value is no longer offered takes its
  // first offered option (calculator/form.py `settle`), in the form's order.
  function settle(q) {
    for (const f of fields) {
      if (!Object.keys(f.offers[q] || {}).length || !isVisible(f, q, values())) continue;
      const vals = values();
      if (isOffered(f, q, vals[f.key] ?? "", vals)) continue;
      const first = optionsOf(f).find(([value]) => isOffered(f, q, value, vals));
      if (first) setValue(f, first[0]);
    }
  }

  function shownValues(q, vals) {
    return Object.fromEntries(fields.filter((f) => isVisible(f, q, vals)).map((f) => [f.key, vals[f.key]]));
  }

  function updateVisibility(q, vals) {
    for (const f of fields) {
      const wrapper = box.querySelector(`[data-key="${f.key}"]`);
      if (wrapper) wrapper.hidden = !isVisible(f, q, vals);
      if (!f.offers[q]) continue;
      for (const [value, element, input] of optionsOf(f)) {
        const off = !isOffered(f, q, value, vals);
        element.hidden = off;
        input.disabled = off; // where a browser shows hidden options (iOS), they cannot be chosen
      }
    }
  }

  // ---- the URL fragment: q=<question>, then fields of the request
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

  function applyState(state) {
    overrides = {};
    for (const f of fields) setValue(f, defaults[f.key]);
    const q = state ? state.question : data.defaultQuestion;
    for (const r of radios("question")) r.checked = r.value === q;
    if (!state) return;
    const holders = data.state[q] || {};
    for (const [name, text] of Object.entries(state.values)) {
      const holder = holders[name];
      if (!holder) {
        overrides[name] = text; // unknown here: the package will name it
        continue;
      }
      for (const [key, value] of Object.entries(holder.set)) setValue(byKey[key], value); // e.g. compare for care_type
      if (!setValue(byKey[holder.key], text)) overrides[name] = text;
    }
  }

  // ---- showing a view
  // Replaces the live region only when its text changes: a screen reader then
  // announces each new answer once.
  function setResult(state, nodes) {
    const next = document.createElement("div");
    next.append(...nodes);
    if (next.textContent !== result.textContent || result.dataset.state !== state) {
      result.replaceChildren(...next.childNodes);
    }
    result.dataset.state = state;
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

  function markField(key, message) {
    const error = box.querySelector(`#calc-${key}-error`);
    const target = control(key); // the input, or the fieldset of a radio group
    if (!error || !target) return;
    error.textContent = message;
    error.hidden = false;
    target.setAttribute("aria-invalid", "true");
    const ids = (target.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (!ids.includes(error.id)) ids.push(error.id);
    target.setAttribute("aria-describedby", ids.join(" "));
  }

  function show(view) {
    clearFieldErrors();
    setResult(view.state, view.result.map(build));
    // the answer's figure, in view at the foot of the screen while a phone shows the form (calculator.css)
    summary.replaceChildren(...[...result.querySelectorAll(".calc__figure")].map((node) => node.cloneNode(true)));
    const wasOpen = details.querySelector("details[open]") !== null;
    details.replaceChildren(...view.details.map(build));
    if (wasOpen) for (const more of details.querySelectorAll("details")) more.open = true;
    for (const [key, message] of Object.entries(view.fields)) markField(key, message);
  }

  // ---- views computed at build time (before the engine is ready), for the
  // default inputs of each question
  function prebuiltFor(q, shown) {
    if (Object.keys(overrides).length) return null;
    const key = canonical({ question: q, values: shown });
    return data.prebuilt.find((p) => canonical({ question: p.question, values: p.values }) === key) || null;
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

  // The fragment the package gave for the state shown: in the share link, and
  // in the URL once the reader changed something (or came by a link).
  function updateShare(params) {
    if (params === null) {
      share.hidden = true; // the state shown is not known yet
      return;
    }
    fragment = `#${new URLSearchParams(params)}`;
    const page = linkTarget ? new URL("calculator/", langRoot) : new URL(location.href);
    page.hash = fragment;
    shareLink.href = page.href;
    share.hidden = false;
    if (!touched) return;
    pendingFragment = fragment;
    clearTimeout(fragmentTimer);
    fragmentTimer = setTimeout(flushFragment, 250);
  }

  function update(changed = false) {
    const q = question();
    if (changed) settle(q);
    let vals = values();
    updateVisibility(q, vals);
    vals = values();
    const shown = shownValues(q, vals);
    const key = canonical({ question: q, values: shown, overrides });
    if (key === lastKey) return;
    lastKey = key;
    const mine = ++seq;
    if (ready) {
      const message = { question: q, values: vals, overrides, lang, lang_root: langRoot.href, variant: data.variant };
      engine.ask(message).then(
        (reply) => {
          if (mine !== seq) return;
          show(reply.view);
          updateShare(reply.fragment);
          firstAnswer();
        },
        (error) => {
          if (mine !== seq) return;
          console.warn("calculator engine:", error && error.message);  // the detail, for whoever debugs
          show(data.views.engine_error);
          updateShare(null);
          firstAnswer();
        },
      );
      return;
    }
    if (failed) return;
    const prebuilt = prebuiltFor(q, shown);
    if (prebuilt) {
      show(prebuilt.view);
      updateShare(prebuilt.fragment);
      statusText.textContent = t.status_loading;
    } else {
      show(data.views.pending);
      updateShare(null);
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
    releaseSearch();
  }

  function onFailure(message) {
    failed = true;
    box.setAttribute("aria-busy", "false");
    box.classList.add("calc--failed");
    const notice = box.querySelector("#calc-failed");
    notice.querySelector(".calc__failed-text").textContent = message;
    notice.hidden = false;
    box.querySelector("#calc-status").hidden = true;
    // Keep the inputs readable but stop them from promising answers.
    all.disabled = true;
    if (lastKey !== null && result.dataset.state === "pending") details.replaceChildren();
    const tables = document.getElementById("tables");
    if (tables && tables.tagName === "DETAILS") tables.open = true;
    performance.mark("calculator:failed");
    releaseSearch();
  }

  // ---- start
  applyState(readFragment());
  const shared = readFragment() !== null;
  if (shared) touched = true; // a shared link: keep the fragment in step
  all.disabled = false;
  update();
  // A shared link opens on its answer: the calculator's top when the answer
  // sits beside the form, the answer itself when it sits below (a phone).
  // Scrolling only: the focus stays where the reader's browser put it.
  if (shared) {
    const below = answer.getBoundingClientRect().top >= form.getBoundingClientRect().bottom;
    (below ? answer : box).scrollIntoView({ block: "start" });
  }

  form.addEventListener("submit", (event) => event.preventDefault());
  const onInput = (event) => {
    touched = true;
    const target = event.target;
    // a radio button is named calc-<key>, any other control has the id calc-<key>
    const key = (target.type === "radio" ? target.name : target.id || "").replace(/^calc-/, "");
    if (key === "question") overrides = {};
    else if (byKey[key] && byKey[key].name) delete overrides[byKey[key].name];
    update(true);
  };
  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);

  window.addEventListener("hashchange", () => {
    const state = readFragment();
    if (!state) return;
    pendingFragment = null; // a link the reader followed wins over a pending write
    clearTimeout(fragmentTimer);
    if (location.hash === fragment) return; // the state shown
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
      onFailure(data.failures[error && error.kind] || data.failures.runtime);
    },
  );
}
