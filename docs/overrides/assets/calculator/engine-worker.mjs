// Calculator engine: a module Web Worker running the calculator in Pyodide.
//
// Must be started as a module worker: new Worker(url, { type: "module" })
// (Pyodide 314 refuses classic workers). Everything it loads comes from the
// site itself: the runtime from indexURL, and from stdLibURL one zip, the
// standard library the calculator runs together with the calculator package
// (scripts/publish/pyodide_bundle.py); the lock (no package) comes inline.
// That zip is served gzip-compressed (stdlib-<hash>.zip.gz, one stream over
// stored members: scripts/publish/stdlib_trace.py); Pyodide fetches
// stdLibURL itself, so while it loads, the worker's fetch of that one URL
// returns the decompressed zip (gunzipped below).
//
// Protocol (messages to the worker, and what it posts back):
//   {type: "init", bundleURL}             the absolute URL of the runtime's
//                                          folder (<root>/assets/pyodide/): the
//                                          worker reads its engine.json (the
//                                          runtime folder, the zip, the lock)
//                                          itself, so nothing waits for the page
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

async function load({ bundleURL }) {
  const t0 = performance.now();
  bundleURL = absolute(bundleURL, "bundleURL");
  if (!bundleURL.endsWith("/")) bundleURL += "/";
  checkWasm();
  if (typeof DecompressionStream !== "function") throw new Error("this browser has no DecompressionStream");
  const { indexURL, stdLibURL, lock } = await readManifest(bundleURL);
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const watcher = watchFatalLogs();
  const restoreFetch = gunzipped(stdLibURL);
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
    restoreFetch();
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

// engine.json (scripts/publish/pyodide_bundle.py), the one file of the
// bundle not named by its content: the runtime folder and the zip it names
// resolve against the bundle's URL.
async function readManifest(bundleURL) {
  let manifest;
  try {
    const response = await fetch(new URL("engine.json", bundleURL));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    manifest = await response.json();
  } catch (e) {
    throw new Error(`cannot read the runtime's engine.json: ${reasonOf(e)}`);
  }
  return {
    indexURL: new URL(manifest.runtime, bundleURL).href,
    stdLibURL: new URL(manifest.stdlib, bundleURL).href,
    lock: manifest.lock,
  };
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

// While Pyodide loads: the worker's fetch of `url` answers with the body
// gunzipped (unless the host already decoded it: a zip starts with "PK").
// A failure here is logged by Pyodide ("Error occurred while installing the
// standard library"), which watchFatalLogs turns into the load's failure.
function gunzipped(url) {
  const original = self.fetch;
  self.fetch = function (input, init) {
    const response = original.call(this, input, init);
    const href = input instanceof Request ? input.url : String(input);
    return href === url ? response.then(gunzip) : response;
  };
  return () => { self.fetch = original; };
}

async function gunzip(response) {
  if (!response.ok) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new Response(bytes);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(await new Response(stream).arrayBuffer());
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
