#!/usr/bin/env node
// Run the calculator inside the real Pyodide runtime the site serves.
//
//   node scripts/dev/pyodide_run.mjs [--bundle DIR] [--bench N] < requests.json
//
// stdin: a JSON array of requests. The runtime is loaded from the bundle that
// scripts/publish/pyodide_bundle.py writes (default build/pyodide/, served by the site
// at /assets/pyodide/), with its site-local pyodide-lock.json, and the
// calculator is installed with pyodide.loadPackage() as the browser does.
// Output (stdout): the JSON array of answers, one per request, each the parsed
// result of calculator.answer_json(JSON.stringify(request)).
// With --bench N: each request is answered N times and stdout gets
//   {"boot_ms", "ready_ms", "per_answer_ms_mean", "per_answer_ms_p95", "answers"}
// where boot_ms is loadPyodide() alone and ready_ms adds loadPackage + import.
// Diagnostics go to stderr; the exit code is 1 on any failure.
//
// Node differs from the browser in two ways handled here: Pyodide skips the
// sha256 integrity check of wheels in Node (checked by hand below), and in
// Node it falls back to downloading a wheel it cannot find locally from the
// CDN unless packageBaseUrl is given (it is, so nothing is fetched).

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PACKAGE = "calculator";
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function fail(message) {
  process.stderr.write(`pyodide_run: error: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { bundle: path.join(REPO, "build", "pyodide"), bench: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--bundle") opts.bundle = path.resolve(argv[++i] ?? fail("--bundle needs a folder"));
    else if (a === "--bench") {
      opts.bench = Number(argv[++i]);
      if (!Number.isInteger(opts.bench) || opts.bench < 1) fail("--bench needs a positive integer");
    } else if (a === "-h" || a === "--help") {
      process.stdout.write("usage: node scripts/dev/pyodide_run.mjs [--bundle DIR] [--bench N] < requests.json\n");
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

function checkBundle(bundle) {
  const runBundle = "run `.venv/bin/python -m scripts.publish.pyodide_bundle` (after `npm ci`) first";
  for (const name of ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]) {
    if (!existsSync(path.join(bundle, name))) fail(`${path.join(bundle, name)} is missing: ${runBundle}`);
  }
  const lock = JSON.parse(readFileSync(path.join(bundle, "pyodide-lock.json"), "utf8"));
  const entry = lock.packages?.[PACKAGE];
  if (!entry) fail(`the bundle's pyodide-lock.json has no package "${PACKAGE}": ${runBundle}`);
  const wheel = path.join(bundle, entry.file_name);
  if (!existsSync(wheel)) fail(`${wheel}, named by the lock, is missing: ${runBundle}`);
  // The browser checks this (fetch integrity); Pyodide in Node does not.
  const digest = createHash("sha256").update(readFileSync(wheel)).digest("hex");
  if (digest !== entry.sha256) fail(`sha256 of ${wheel} does not match the lock: ${runBundle}`);
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

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  checkBundle(opts.bundle);

  let requests;
  try {
    requests = JSON.parse(await readStdin());
  } catch (e) {
    fail(`stdin is not JSON: ${e.message}`);
  }
  if (!Array.isArray(requests)) fail("stdin must be a JSON array of requests");

  const indexURL = opts.bundle + path.sep;
  const t0 = performance.now();
  const { loadPyodide } = await import(pathToFileURL(path.join(opts.bundle, "pyodide.mjs")).href);
  const toStderr = (msg) => process.stderr.write(msg + "\n");
  const pyodide = await loadPyodide({
    indexURL,
    lockFileURL: path.join(opts.bundle, "pyodide-lock.json"),
    packageBaseUrl: indexURL,
    stdout: toStderr,
    stderr: toStderr,
  });
  const t1 = performance.now();
  await pyodide.loadPackage(PACKAGE, {
    messageCallback: () => {},
    errorCallback: toStderr,
    checkIntegrity: true,
  });
  const calculator = pyodide.pyimport(PACKAGE);
  const answerJson = calculator.answer_json;
  const t2 = performance.now();

  const ask = (request) => JSON.parse(answerJson(JSON.stringify(request)));

  if (!opts.bench) {
    writeAndExit(JSON.stringify(requests.map(ask)));
    return;
  }
  const times = [];
  for (const request of requests) {
    for (let i = 0; i < opts.bench; i++) {
      const s = performance.now();
      ask(request);
      times.push(performance.now() - s);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / (times.length || 1);
  writeAndExit(JSON.stringify({
    boot_ms: round(t1 - t0),
    ready_ms: round(t2 - t0),
    per_answer_ms_mean: round(mean),
    per_answer_ms_p95: round(percentile(sorted, 95)),
    answers: times.length,
  }));
}

main().catch((e) => fail(e?.stack ?? String(e)));
