// Calculator engine: a module Web Worker running the calculator in Pyodide.
//
// Must be started as a module worker: new Worker(url, { type: "module" })
// (Pyodide 314 refuses classic workers). Everything it loads comes from the
// site itself: the runtime from indexURL, and from stdLibURL one zip, the
// standard library the calculator runs together with the calculator package
// (scripts/publish/pyodide_bundle.py); the lock (no package) comes inline.
//
// Protocol (messages to the worker, and what it posts back):
//   {type: "init", indexURL, stdLibURL, lock}  absolute URLs, computed by the
//                                          page from engine.json, and its lock
//     -> {type: "ready", ms, boot_ms}       ms: init to calculator importable;
//                                          boot_ms: loadPyodide()
//     -> {type: "failed", reason}           loading failed; nothing will work
//   {type: "ask", id, message}             message: the form's state,
//                                          {question, values, overrides, lang,
//                                          lang_root, variant} (calculator/present.py)
//     -> {type: "ask", id, reply}           reply: the parsed JSON returned by
//                                          calculator.present.ask_json(): {request,
//                                          view, fragment}
//     -> {type: "ask", id, error}           only if the engine failed to load,
//                                          ask_json refused the message (a bug of
//                                          the page) or broke
// Messages sent before "ready" wait for it.

const ENTRY = "calculator.present"; // its ask_json is the page's only entry point

let engine = null; // Promise<(text: string) => string>

function absolute(url, what) {
  if (typeof url !== "string" || !/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw new Error(`${what} must be an absolute URL, got ${JSON.stringify(url)}`);
  }
  return url;
}

async function load({ indexURL, stdLibURL, lock }) {
  const t0 = performance.now();
  indexURL = absolute(indexURL, "indexURL");
  if (!indexURL.endsWith("/")) indexURL += "/";
  stdLibURL = absolute(stdLibURL, "stdLibURL");
  checkWasm();
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const watcher = watchFatalLogs();
  let pyodide;
  try {
    pyodide = await Promise.race([
      loadPyodide({
        indexURL,
        stdLibURL,
        lockFileContents: lock,
        stdout: (msg) => console.log("[pyodide]", msg),
        stderr: (msg) => console.warn("[pyodide]", msg),
      }),
      wasmMimeProblem(indexURL + "pyodide.asm.wasm"),
      watcher.failed,
    ]);
  } finally {
    watcher.stop();
  }
  const t1 = performance.now();
  let present;
  try {
    present = pyodide.pyimport(ENTRY);
  } catch (e) {
    // e.g. a module missing from the zip: the last line of the traceback names it
    throw new Error(`${ENTRY} could not be imported: ${reasonOf(e).trim().split("\n").pop()}`);
  }
  const askJson = present.ask_json;
  if (typeof askJson !== "function") {
    throw new Error(`${ENTRY}.ask_json is missing`);
  }
  const t2 = performance.now();
  self.postMessage({ type: "ready", ms: t2 - t0, boot_ms: t1 - t0 });
  return askJson;
}

// WebAssembly missing (an old browser) or forbidden (a Content Security Policy
// without 'wasm-unsafe-eval'): say so at once rather than after the timeout.
function checkWasm() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.Module !== "function") {
    throw new Error("this browser cannot run WebAssembly");
  }
  try {
    new WebAssembly.Module(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
  } catch (e) {
    throw new Error(`WebAssembly is blocked here: ${reasonOf(e)}`);
  }
}

// loadPyodide() does not reject when the wasm cannot be fetched, compiled or
// instantiated, nor when the standard library cannot be installed: it only
// logs ("wasm instantiation failed!", then the cause) and never settles. While
// it loads, its warnings and errors are watched (and still logged) and such a
// message rejects `failed` with the cause it gave.
const FATAL = /wasm instantiation failed|error occurred while installing the standard library/i;

function watchFatalLogs() {
  const original = { warn: console.warn, error: console.error };
  let fatal = null;
  let cause = null;
  let rejectFailed;
  const failed = new Promise((_, reject) => { rejectFailed = reject; });
  const text = (args) => args.map((a) => (a && a.message ? `${a.name || "Error"}: ${a.message}` : String(a))).join(" ");
  const watch = (level) => (...args) => {
    original[level].apply(console, args);
    const line = text(args).split("\n")[0];
    if (fatal === null && FATAL.test(line)) {
      fatal = line;
      // the cause comes in the next message
      setTimeout(() => rejectFailed(new Error(cause ? `${fatal} ${cause}` : fatal)), 50);
    } else if (fatal !== null && cause === null) {
      cause = line;
    }
  };
  console.warn = watch("warn");
  console.error = watch("error");
  return {
    failed,
    stop() {
      console.warn = original.warn;
      console.error = original.error;
    },
  };
}

// loadPyodide() never settles when the wasm is not served as application/wasm
// (it only logs "wasm instantiation failed!"): check the header and reject.
// Resolves never otherwise, so it only ever ends the race with an error.
function wasmMimeProblem(url) {
  return new Promise((_, reject) => {
    fetch(url, { method: "HEAD" }).then((response) => {
      const type = (response.headers.get("content-type") || "").split(";")[0].trim();
      if (!response.ok) reject(new Error(`${url}: HTTP ${response.status}`));
      else if (type && type !== "application/wasm") {
        reject(new Error(`${url} is served as ${type}, not application/wasm`));
      }
    }, () => {}); // a failed HEAD proves nothing; loadPyodide will tell
  });
}

function reasonOf(e) {
  return e && e.message ? e.message : String(e);
}

async function ask(id, message) {
  let askJson;
  try {
    askJson = await engine;
  } catch (e) {
    self.postMessage({ type: "ask", id, error: `engine failed to load: ${reasonOf(e)}` });
    return;
  }
  try {
    const reply = JSON.parse(askJson(JSON.stringify(message === undefined ? null : message)));
    if (reply && typeof reply.error === "string") self.postMessage({ type: "ask", id, error: reply.error });
    else self.postMessage({ type: "ask", id, reply });
  } catch (e) {
    self.postMessage({ type: "ask", id, error: reasonOf(e) });
  }
}

self.onmessage = (event) => {
  const msg = event.data || {};
  if (msg.type === "init") {
    if (engine) return; // one engine per worker; a second init is ignored
    engine = load(msg);
    engine.catch((e) => self.postMessage({ type: "failed", reason: reasonOf(e) }));
  } else if (msg.type === "ask") {
    if (!engine) {
      self.postMessage({ type: "ask", id: msg.id, error: "engine not initialised (send init first)" });
      return;
    }
    ask(msg.id, msg.message);
  }
};
