// Page-side client of the calculator engine (engine-worker.mjs).
//
//   import { startEngine } from "<base>/assets/calculator/engine.mjs";
//   const engine = startEngine("<base>/");   // the site root; call it early
//   (an optional second argument {timeoutMs} bounds the wait for ready,
//   default 120 s; 0 waits forever)
//   await engine.ready;                       // {ms, boot_ms}; rejects on failure
//   (the Error of a failure has .kind: "worker", the browser refused the worker
//   script; "runtime", the Python runtime could not load; "timeout")
//   const reply = await engine.ask(message);  // {request, view, fragment} for the
//   form's state {question, values, overrides, lang, lang_root, variant}
//   (calculator.present.ask_json)
//
// baseUrl is the site root (absolute, or relative to the page, e.g. MkDocs'
// base_url); without it the root is found from this module's own URL
// (<root>/assets/calculator/engine.mjs). The runtime is served from
// <root>/assets/pyodide/: its engine.json (the one file there not named by
// its content: scripts/publish/pyodide_bundle.py) names the runtime folder and
// the standard library zip, which holds the calculator, and carries the lock.
// The worker gets that folder's absolute URL with its first message, posted at
// once, and reads engine.json itself: nothing waits for the page's main thread
// (Pyodide resolves relative URLs against the worker, hence absolute ones).

// One engine per site root and page: a second call (the page's module and a
// later one) gets the engine the first started.
const started = new Map();

export function startEngine(baseUrl, options = {}) {
  const root = baseUrl == null
    ? new URL("../../", import.meta.url)
    : new URL(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/", document.baseURI);
  if (!started.has(root.href)) started.set(root.href, start(root, options));
  return started.get(root.href);
}

function start(root, { timeoutMs = 120000 } = {}) {
  const bundleURL = new URL("assets/pyodide/", root);
  const workerURL = new URL("assets/calculator/engine-worker.mjs", root);

  const pending = new Map();
  let nextId = 1;
  let failure = null;
  let settleReady;
  const ready = new Promise((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  ready.catch(() => {}); // a page that never awaits ready sees the failure in ask()

  function fail(kind, reason) {
    if (failure) return;
    failure = new Error(`calculator engine failed: ${reason}`);
    failure.kind = kind;
    settleReady.reject(failure);
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  }

  let worker;
  try {
    worker = new Worker(workerURL, { type: "module" });
  } catch (e) {
    fail("worker", e && e.message ? e.message : String(e));
    return { ready, ask: () => Promise.reject(failure), worker: null };
  }

  worker.onmessage = (event) => {
    const msg = event.data || {};
    if (msg.type === "ready") {
      settleReady.resolve({ ms: msg.ms, boot_ms: msg.boot_ms });
    } else if (msg.type === "failed") {
      fail("runtime", msg.reason);
    } else if (msg.type === "ask") {
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if ("error" in msg) waiter.reject(new Error(msg.error));
      else waiter.resolve(msg.reply);
    }
  };
  // The worker script itself failed (404, wrong MIME type, no module workers).
  worker.onerror = (event) => {
    event.preventDefault();
    fail("worker", event.message || `cannot start ${workerURL.href}`);
  };

  // at once: the worker reads the bundle's engine.json itself, the page does nothing more
  worker.postMessage({ type: "init", bundleURL: bundleURL.href });

  // Last resort for a load that hangs (about 5 MB to fetch on a slow line).
  if (timeoutMs > 0) {
    const timer = setTimeout(() => fail("timeout", `not ready after ${timeoutMs / 1000} s`), timeoutMs);
    ready.then(() => clearTimeout(timer), () => clearTimeout(timer));
  }

  function ask(message) {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: "ask", id, message });
    });
  }

  return { ready, ask, worker };
}
