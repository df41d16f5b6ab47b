#!/usr/bin/env node
// Run the calculator inside the real Pyodide runtime the site serves.
//
//   node scripts/dev/pyodide_run.mjs [--bundle DIR] [--bench N] < requests.json
//   node scripts/dev/pyodide_run.mjs --runtime DIR --stdlib ZIP [--source ZIP] [--trace] < work.json
//
// By default the runtime and its standard library (the trimmed zip holding the
// calculator too) come from the bundle scripts/publish/pyodide_bundle.py writes
// (default build/pyodide/, served at /assets/pyodide/), as named by its
// engine.json, and loadPyodide() gets the same options as in the browser
// (engine-worker.mjs): stdLibURL and the inline lock, nothing else is read.
// --runtime/--stdlib boot another runtime folder and stdlib zip (the stock
// ones, node_modules/pyodide/, when the bundle traces what the calculator
// uses); --source ZIP puts ZIP (the calculator package) first
// on sys.path (a zip of the package's sources and data: it is read as the
// served zip is, through zipimport and zipfile).
//
// stdin: a JSON array of requests -> stdout: the JSON array of answers (the
// parsed result of calculator.answer_json(JSON.stringify(request))); or an
// object {answer: [requests], text: [raw texts for answer_json], ask: [messages
// for calculator.present.ask_json]} -> the object of the same keys with the
// answers, plus "failed_imports" (the modules an import looked for and no
// finder found: a module missing from the zip shows here) and, with --trace,
// "modules": every module of sys.modules loaded from a zip, with its file there,
// "read": the files the workload read from the --source zip (the package's data
// it really uses), and "bytecode": for each of those modules' files and each .py
// of the --source zip, the .pyc this runtime's Python makes of it (base64;
// scripts/publish/stdlib_trace.py ships them instead of the sources).
// A stdlib file that is gzip-compressed (the served stdlib-<hash>.zip.gz) is
// decompressed first, as engine-worker.mjs does in the browser.
// With --bench N: each request is answered N times and stdout gets
//   {"boot_ms", "ready_ms", "per_answer_ms_mean", "per_answer_ms_p95", "answers"}.
// Diagnostics go to stderr; the exit code is 1 on any failure.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function fail(message) {
  process.stderr.write(`pyodide_run: error: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { bundle: path.join(REPO, "build", "pyodide"), bench: 0, trace: false };
  const value = (i, what) => argv[i] ?? fail(`${argv[i - 1]} needs ${what}`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--bundle") opts.bundle = path.resolve(value(++i, "a folder"));
    else if (a === "--runtime") opts.runtime = path.resolve(value(++i, "a folder"));
    else if (a === "--stdlib") opts.stdlib = path.resolve(value(++i, "a zip"));
    else if (a === "--source") opts.source = path.resolve(value(++i, "a zip"));
    else if (a === "--trace") opts.trace = true;
    else if (a === "--bench") {
      opts.bench = Number(value(++i, "a count"));
      if (!Number.isInteger(opts.bench) || opts.bench < 1) fail("--bench needs a positive integer");
    } else if (a === "-h" || a === "--help") {
      process.stdout.write("usage: node scripts/dev/pyodide_run.mjs [--bundle DIR | --runtime DIR --stdlib ZIP] "
        + "[--source ZIP] [--trace] [--bench N] < input.json\n");
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return opts;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

// The loadPyodide() options of the bundle: engine.json names the runtime
// folder and the zip (content-hashed) and holds the inline lock.
function bundleOptions(bundle) {
  const runBundle = "run `.venv/bin/python -m scripts.publish.pyodide_bundle` (after `npm ci`) first";
  const manifestPath = path.join(bundle, "engine.json");
  if (!existsSync(manifestPath)) fail(`${manifestPath} is missing: ${runBundle}`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const runtime = path.join(bundle, manifest.runtime);
  const stdlib = path.join(bundle, manifest.stdlib);
  for (const f of [path.join(runtime, "pyodide.mjs"), path.join(runtime, "pyodide.asm.wasm"), stdlib]) {
    if (!existsSync(f)) fail(`${f}, named by engine.json, is missing: ${runBundle}`);
  }
  return { runtime, stdlib, lock: manifest.lock };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const round = (x) => Math.round(x * 1000) / 1000;

let answered = false;
// A runtime that cannot start (a damaged pyodide.asm.wasm) leaves loadPyodide() pending
// for ever: Node then runs out of work and would exit 0 having printed nothing.
process.on("beforeExit", () => {
  if (!answered) fail("the Pyodide runtime stopped before answering (its messages are above)");
});

function writeAndExit(text) {
  answered = true;
  process.stdout.write(text + "\n", () => process.exit(0));
}

// Records the imports no finder could satisfy (appended last to sys.meta_path).
const WATCH_IMPORTS = `
import sys
class _Missing:
    seen = []
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        cls.seen.append(name)
        return None
sys.meta_path.append(_Missing)
`;

// With --trace, before the workload: the members read from a zip
// (importlib.resources reads a zipped package's data through zipfile).
const WATCH_READS = `
import zipfile
_read = set()
_zip_open = zipfile.ZipFile.open
def _open(self, name, *args, **kwargs):
    _read.add((str(self.filename), name.filename if isinstance(name, zipfile.ZipInfo) else name))
    return _zip_open(self, name, *args, **kwargs)
zipfile.ZipFile.open = _open
`;

// After the workload: every module loaded from a zip on sys.path (the stdlib
// zip and the --source zip), by its file inside that zip. The snapshot of
// sys.modules is taken before the tracer imports anything.
const TRACE = `
_loaded = dict(sys.modules)
import json
def _trace():
    zips = [p for p in sys.path if p.endswith(".zip")]
    out = {}
    for name, module in sorted(_loaded.items()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        for z in zips:
            if origin.startswith(z + "/"):
                out[name] = {"file": origin[len(z) + 1:], "zip": z}
    return json.dumps(out)

def _read_from(zip_path):
    return json.dumps(sorted(n for z, n in _read if z == zip_path))

# Bytecode as the browser's zip holds it: compiled by this runtime's Python with
# -OO (no docstrings, no asserts) and without line tables (a third of the bytes;
# a traceback then names the file and function, not the line), behind the
# header of an unchecked timestamp .pyc (zipimport checks it only against a
# source beside it, and there is none).
import base64, importlib.util, marshal
def _strip(code):
    consts = tuple(_strip(c) if isinstance(c, type(code)) else c for c in code.co_consts)
    return code.replace(co_consts=consts, co_linetable=b"")
def _bytecode(pairs):
    out, zips = {}, {}
    for zip_path, name in pairs:
        z = zips.setdefault(zip_path, zipfile.ZipFile(zip_path))
        code = compile(z.read(name), name, "exec", optimize=2, dont_inherit=True)
        pyc = importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(_strip(code))
        out[name + "c"] = base64.b64encode(pyc).decode("ascii")
    return json.dumps(out)
`;

// A gzip-compressed stdlib zip, decompressed into a temporary file.
function plainZip(file) {
  const bytes = readFileSync(file);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return file;
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyodide-run-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, path.basename(file).replace(/\.gz$/, ""));
  writeFileSync(out, gunzipSync(bytes));
  return out;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let runtime = opts.runtime, stdlib = opts.stdlib, lock;
  if (!runtime || !stdlib) {
    ({ runtime, stdlib, lock } = bundleOptions(opts.bundle));
    if (opts.runtime) runtime = opts.runtime;
    if (opts.stdlib) stdlib = opts.stdlib;
  }
  if (!lock) {
    // the stock runtime's own lock, or the one of the bundle this runtime folder is in
    const own = path.join(runtime, "pyodide-lock.json");
    const bundled = path.join(path.dirname(runtime), "engine.json");
    if (existsSync(own)) lock = { info: JSON.parse(readFileSync(own, "utf8")).info, packages: {} };
    else if (existsSync(bundled)) lock = JSON.parse(readFileSync(bundled, "utf8")).lock;
    else fail(`no pyodide-lock.json in ${runtime} and no engine.json beside it`);
  }

  let input;
  try {
    input = JSON.parse(await readStdin());
  } catch (e) {
    fail(`stdin is not JSON: ${e.message}`);
  }
  const plain = Array.isArray(input);
  if (plain) input = { answer: input };
  if (typeof input !== "object" || input === null) fail("stdin must be a JSON array of requests or an object");

  const indexURL = runtime + path.sep;
  const t0 = performance.now();
  const { loadPyodide } = await import(pathToFileURL(path.join(runtime, "pyodide.mjs")).href);
  const toStderr = (msg) => process.stderr.write(msg + "\n");
  const pyodide = await loadPyodide({
    indexURL,
    stdLibURL: plainZip(stdlib),
    lockFileContents: lock,
    packageBaseUrl: indexURL,
    env: { PYTHONDONTWRITEBYTECODE: "1" },
    stdout: toStderr,
    stderr: toStderr,
  });
  pyodide.runPython(WATCH_IMPORTS);
  if (opts.trace) pyodide.runPython(WATCH_READS);
  const inFs = opts.source ? "/home/pyodide/source/" + path.basename(opts.source) : null;
  if (opts.source) {
    // a zip, as the package is served: read through zipimport and zipfile
    pyodide.mountNodeFS("/home/pyodide/source", path.dirname(opts.source));
    pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(inFs)})`);
  }
  const t1 = performance.now();
  const calculator = pyodide.pyimport("calculator");
  const answerJson = calculator.answer_json;
  const t2 = performance.now();

  const ask = (request) => JSON.parse(answerJson(JSON.stringify(request)));

  if (opts.bench) {
    const times = [];
    for (const request of input.answer || []) {
      for (let i = 0; i < opts.bench; i++) {
        const s = performance.now();
        ask(request);
        times.push(performance.now() - s);
      }
    }
    const sorted = [...times].sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / (times.length || 1);
    writeAndExit(JSON.stringify({
      boot_ms: round(t1 - t0), ready_ms: round(t2 - t0), per_answer_ms_mean: round(mean),
      per_answer_ms_p95: round(percentile(sorted, 95)), answers: times.length,
    }));
    return;
  }
  if (plain) {
    writeAndExit(JSON.stringify((input.answer || []).map(ask)));
    return;
  }
  // a call that raises (a module missing from the zip) is reported, and the
  // work goes on, so that failed_imports can name what was missing
  const guarded = (f) => (x) => {
    try {
      return f(x);
    } catch (e) {
      return { raised: String(e?.message ?? e).trim().split("\n").pop() };
    }
  };
  const out = {};
  out.answer = (input.answer || []).map(guarded(ask));
  out.text = (input.text || []).map(guarded((t) => JSON.parse(answerJson(t))));
  if (input.ask) {
    const present = guarded(() => pyodide.pyimport("calculator.present"))();
    out.ask = input.ask.map(guarded((m) => {
      if (present.raised) throw new Error(present.raised);
      return JSON.parse(present.ask_json(typeof m === "string" ? m : JSON.stringify(m)));
    }));
  }
  out.failed_imports = pyodide.runPython("sorted(set(_Missing.seen))").toJs();
  if (opts.trace) {
    pyodide.runPython(TRACE);
    out.modules = JSON.parse(pyodide.runPython("_trace()"));
    // the traced modules of the stdlib, and every module of the --source zip (used or not)
    const files = Object.values(out.modules).filter((m) => m.zip !== inFs && m.file.endsWith(".py"))
      .map((m) => [m.zip, m.file]);
    if (inFs) {
      out.read = JSON.parse(pyodide.runPython(`_read_from(${JSON.stringify(inFs)})`));
      const packaged = pyodide.runPython(`import zipfile, json; json.dumps(zipfile.ZipFile(${JSON.stringify(inFs)}).namelist())`);
      for (const f of JSON.parse(packaged)) if (f.endsWith(".py")) files.push([inFs, f]);
    }
    out.bytecode = JSON.parse(pyodide.runPython(`_bytecode(${JSON.stringify(files)})`));
  }
  writeAndExit(JSON.stringify(out));
}

main().catch((e) => fail(e?.stack ?? String(e)));
