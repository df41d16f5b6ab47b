#!/usr/bin/env python3
"""What a reader downloads and waits for, on the built site (`make bench`).

    .venv/bin/python -m scripts.bench.bench_page [--runs 5] [--no-lighthouse] [--json FILE]

On site/ (`make site` first), served on localhost by the server the quality
tests use (scripts/publish/security.headers_server: the headers of
site/_headers, gzip as a static host does), one run prints:

1. Bytes on the wire, for a content page, the calculator page and the parents'
   page: every file Chromium fetched (the page, its assets, its workers and
   what they fetch) until the page is quiet (and, on a calculator page, its
   engine has answered), each with its size raw, gzip (level 6, what hosts
   compress with on the fly) and brotli (quality 11, node's zlib: python has no
   brotli module here). A zip or gzip file is counted as is in the gzip and
   brotli columns too: hosts do not compress them (they are compressed already).
   The files a calculator page fetches once its engine has answered (the
   theme's search index, which waits for it: docs/overrides/main.html) are
   counted apart.
2. Time from navigation to the first engine answer (the performance mark
   "calculator:ready" that ui.mjs sets when the engine's first answer is on
   the page), over two bare pages that boot the STOCK runtime
   (node_modules/pyodide: full standard library, its own lock file) and run
   one line: on the main thread ("bare:answer"), and in a module worker. Each
   run loads the four pages cold (a new browser each time: no HTTP cache and
   no compiled-wasm cache shared between loads), in an order that rotates from
   run to run, from the same server; a ratio is the median of the per-run
   ratios.
3. The calculator page under Lighthouse's mobile throttling, one cold load
   each of it and of the bare main-thread boot, measured in Playwright with the
   DevTools calls Lighthouse's "devtools" method makes (MOBILE below: the page
   really runs on a slow 4G line and a 4x slower CPU, so the marks are
   measured, not simulated); then Lighthouse itself (its FCP, LCP, TBT and
   score; it stops at load and often before the engine answers, so its own
   "calculator:ready" may be "never"). --no-lighthouse skips both.

Figures to report, not a test.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
STOCK = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / "build" / "bench-sizes.json"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
BENCH = "/__bench__/"
PAGES = {"content page": "circular-8761/", "calculator page": "calculator/", "parents' page": "parents/"}
READY = "calculator:ready"
FAILED = "calculator:failed"

# The bare pages boot the stock runtime, served from BENCH + "pyodide/".
BARE_MAIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare boot, main thread</title>
<script type="module">
import { loadPyodide } from "./pyodide/pyodide.mjs";
const pyodide = await loadPyodide({ indexURL: new URL("./pyodide/", location.href).href });
pyodide.runPython("1 + 1");
performance.mark("bare:answer");
</script></head><body><p>bare Pyodide boot (main thread)</p></body></html>
"""
BARE_WORKER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare boot, module worker</title>
<script type="module">
const worker = new Worker(new URL("./bare-worker.mjs", location.href), { type: "module" });
worker.onmessage = () => performance.mark("bare:answer");
worker.postMessage(new URL("./pyodide/", location.href).href);
</script></head><body><p>bare Pyodide boot (module worker)</p></body></html>
"""
BARE_WORKER = """
self.onmessage = async (event) => {
  const { loadPyodide } = await import(event.data + "pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL: event.data });
  pyodide.runPython("1 + 1");
  self.postMessage("done");
};
"""
STOCK_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


def overlay_dir() -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="bench-page-"))
    (tmp / "main.html").write_text(BARE_MAIN, encoding="utf-8")
    (tmp / "worker.html").write_text(BARE_WORKER_PAGE, encoding="utf-8")
    (tmp / "bare-worker.mjs").write_text(BARE_WORKER, encoding="utf-8")
    (tmp / "pyodide").mkdir()
    for name in STOCK_FILES:
        os.symlink(STOCK / name, tmp / "pyodide" / name)
    return tmp


def make_server(overlay: Path):
    """security.headers_server on site/, plus the bare pages under BENCH."""
    from scripts.publish.security import headers_server

    server = headers_server(SITE)
    handler = server.RequestHandlerClass

    class WithOverlay(handler.func):
        def translate_path(self, path):
            if path.startswith(BENCH):
                return str(overlay / unquote(path[len(BENCH):].split("?")[0]))
            return super().translate_path(path)

    server.RequestHandlerClass = functools.partial(WithOverlay, *handler.args, **handler.keywords)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- sizes ---------------------------------------------------------------------------------

def _brotli_sizes(paths: list[Path]) -> dict[str, int]:
    script = ("const fs=require('fs'),z=require('zlib');const out={};"
              "for(const p of JSON.parse(fs.readFileSync(0,'utf8'))){const b=fs.readFileSync(p);"
              "out[p]=z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,"
              "[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}}).length}"
              "process.stdout.write(JSON.stringify(out))")
    proc = subprocess.run(["node", "-e", script], input=json.dumps([str(p) for p in paths]),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def sizes(paths: list[Path]) -> dict[Path, dict]:
    """raw, gzip, brotli of each file; cached by content (brotli 11 on the wasm is slow)."""
    cache = json.loads(CACHE.read_text()) if CACHE.is_file() else {}
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    todo = [p for p in paths if digests[p] not in cache]
    if todo:
        br = _brotli_sizes(todo)
        for p in todo:
            data = p.read_bytes()
            cache[digests[p]] = {"raw": len(data), "gzip": len(gzip.compress(data, 6, mtime=0)), "brotli": br[str(p)]}
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps(cache))
    out = {}
    for p in paths:
        s = dict(cache[digests[p]])
        if p.suffix in (".zip", ".whl", ".gz"):  # not compressed by hosts
            s["gzip"] = s["brotli"] = s["raw"]
        out[p] = s
    return out


def file_of(url: str, base: str) -> Path | None:
    path = unquote(urlsplit(url).path)
    if not url.startswith(base) or path.startswith(BENCH):
        return None
    rel = path[len(urlsplit(base).path):]
    f = SITE / rel
    if rel == "" or rel.endswith("/"):
        f = f / "index.html"
    return f if f.is_file() else None


# --- browser -------------------------------------------------------------------------------

def wait_mark(page, name: str, timeout_s: float = 600) -> float:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        value = page.evaluate("(n) => { const m = performance.getEntriesByName(n); return m.length ? m[0].startTime : null; }", name)
        if value is not None:
            return value
        if page.evaluate("(n) => performance.getEntriesByName(n).length", FAILED):
            raise RuntimeError(f"{page.url}: the engine failed")
        page.wait_for_timeout(10)
    raise TimeoutError(f"{page.url}: no mark {name}")


# Lighthouse's mobile throttling (its constants.throttling.mobileSlow4G), as its "devtools"
# method applies it: the round trip and the throughput adjusted by its own factors (3.75, 0.9).
MOBILE = {"rtt_ms": 150, "throughput_kbps": 1.6 * 1024, "upload_kbps": 750, "cpu_slowdown": 4}
DEVTOOLS_NETWORK = {"offline": False, "latency": MOBILE["rtt_ms"] * 3.75,
                    "downloadThroughput": MOBILE["throughput_kbps"] * 0.9 * 1024 / 8,
                    "uploadThroughput": MOBILE["upload_kbps"] * 0.9 * 1024 / 8}


def throttle(ctx, page) -> None:
    """Lighthouse's mobile throttling on this page, by the same DevTools calls Lighthouse makes."""
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", DEVTOOLS_NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": MOBILE["cpu_slowdown"]})


def load(p, url: str, mark: str | None, record=None, throttled: bool = False, before=None) -> float | None:
    """A cold load in a new browser: ms from navigation to `mark`. With `record`, the
    URLs of the requests that finished, until the page is quiet; `before` then gets
    how many of them had finished when `mark` was seen."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    try:
        ctx = browser.new_context(viewport={"width": 412, "height": 900})
        if record is not None:
            ctx.on("requestfinished", lambda r: record.append(r.url))
        page = ctx.new_page()
        if throttled:
            throttle(ctx, page)
        page.goto(url, timeout=0 if throttled else 30000)
        ms = wait_mark(page, mark) if mark else None
        if before is not None:
            before.append(len(record))
        if record is not None:
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
        return ms
    finally:
        browser.close()


def wire(p, base: str) -> dict:
    """Per page: the files fetched until its engine's first answer ("files", the
    totals), and those fetched afterwards until it is quiet ("after")."""
    out = {}
    for name, path in PAGES.items():
        urls: list[str] = []
        before: list[int] = []
        calc = name != "content page"
        load(p, base + path, READY if calc else None, record=urls, before=before if calc else None)
        split = before[0] if calc else len(urls)
        rows = {}
        for part, part_urls in (("files", urls[:split]), ("after", urls[split:])):
            files = sorted({f for f in (file_of(u, base) for u in part_urls) if f})
            s = sizes(files)
            rows[part] = [{"file": f.relative_to(SITE).as_posix(), **s[f]} for f in files]
        out[name] = {"path": path, **rows, "requests": split,
                     **{k: sum(r[k] for r in rows["files"]) for k in ("raw", "gzip", "brotli")},
                     "after_gzip": sum(r["gzip"] for r in rows["after"])}
    return out


def timings(p, base: str, runs: int) -> dict:
    targets = [("bare main", base + BENCH.strip("/") + "/main.html", "bare:answer"),
               ("bare worker", base + BENCH.strip("/") + "/worker.html", "bare:answer"),
               ("calculator page", base + PAGES["calculator page"], READY),
               ("parents' page", base + PAGES["parents' page"], READY)]
    for _, url, mark in targets:  # warm the server and the OS file cache, not measured
        load(p, url, mark)
    out = []
    for i in range(runs):
        order = targets[i % len(targets):] + targets[:i % len(targets)]
        run = {name: load(p, url, mark) for name, url, mark in order}
        out.append(run)
        print("  run {}: ".format(i + 1) + ", ".join(f"{k} {v:.0f} ms" for k, v in run.items()),
              file=sys.stderr, flush=True)
    summary = {}
    for page in ("calculator page", "parents' page"):
        for bare in ("bare main", "bare worker"):
            summary[f"{page} / {bare}"] = statistics.median(r[page] / r[bare] for r in out)
    medians = {k: statistics.median(r[k] for r in out) for k in out[0]}
    return {"runs": out, "medians_ms": medians, "ratios": summary}


def throttled_timings(p, base: str) -> dict:
    """One cold load of the calculator page and of the bare main-thread boot under MOBILE."""
    return {"calculator page": load(p, base + PAGES["calculator page"], READY, throttled=True),
            "bare main": load(p, base + BENCH.strip("/") + "/main.html", "bare:answer", throttled=True)}


def lighthouse(base: str) -> dict:
    from scripts.dev.audit import CHROME, CHROME_FLAGS, LIGHTHOUSE

    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        cmd = ["node", str(LIGHTHOUSE), base + PAGES["calculator page"], "--output=json",
               f"--output-path={report_path}", "--quiet", f"--chrome-flags={CHROME_FLAGS}",
               "--only-categories=performance", "--throttling-method=devtools", "--max-wait-for-load=180000"]
        run = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROME},
                             capture_output=True, text=True, timeout=900)
        if run.returncode or not report_path.exists():
            return {"error": (run.stderr.strip().splitlines() or ["no output"])[-1][:300]}
        report = json.loads(report_path.read_text(encoding="utf-8"))
    marks = {i["name"]: i["startTime"] for i in report["audits"]["user-timings"]["details"].get("items", [])
             if i.get("timingType") == "Mark"}
    audits = report["audits"]
    return {"calculator:ready_ms": marks.get(READY), "calculator:engine_ms": marks.get("calculator:engine"),
            "fcp_ms": audits["first-contentful-paint"]["numericValue"],
            "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
            "tbt_ms": audits["total-blocking-time"]["numericValue"],
            "performance_score": report["categories"]["performance"]["score"]}


def run(runs: int, with_lighthouse: bool) -> dict:
    from playwright.sync_api import sync_playwright

    if not (SITE / "calculator" / "index.html").exists():
        raise SystemExit("site/ has no calculator page: run `make site` first")
    overlay = overlay_dir()
    server = make_server(overlay)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            out = {"wire": wire(p, base), "time": timings(p, base, runs)}
            if with_lighthouse:
                out["throttled"] = throttled_timings(p, base)
        if with_lighthouse:
            out["lighthouse"] = lighthouse(base)
    finally:
        server.shutdown()
    return out


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def report(out: dict) -> str:
    lines = ["bytes on the wire (raw / gzip 6 / brotli 11; zip and gzip files as they are), "
             "until the engine's first answer (a content page: until quiet):"]
    for name, w in out["wire"].items():
        lines.append(f"  {name} ({w['path']}): {len(w['files'])} files, {w['requests']} requests: "
                     f"{mb(w['raw'])} / {mb(w['gzip'])} / {mb(w['brotli'])}"
                     + (f"; then, once answered: {len(w['after'])} files, {mb(w['after_gzip'])} gzip "
                        f"({', '.join(r['file'].split('/')[-1] for r in w['after'])})" if w["after"] else ""))
        big = sorted(w["files"], key=lambda r: -r["gzip"])[:8 if name != "content page" else 3]
        for r in big:
            lines.append(f"      {r['raw']:>9} {r['gzip']:>9} {r['brotli']:>9}  {r['file']}")
    t = out["time"]
    lines.append(f"time to the first engine answer, {len(t['runs'])} cold loads of each (medians, ms): "
                 + ", ".join(f"{k} {v:.0f}" for k, v in t["medians_ms"].items()))
    for k, v in t["ratios"].items():
        lines.append(f"  {k}: {v:.3f}")
    if "throttled" in out:
        th = out["throttled"]
        lines.append("under Lighthouse's mobile throttling (RTT {} ms, {:.0f} kbit/s, CPU x{}), one cold load: "
                     "calculator page first engine answer {:.1f} s, bare main-thread boot {:.1f} s (ratio {:.2f})".format(
                         MOBILE["rtt_ms"], MOBILE["throughput_kbps"], MOBILE["cpu_slowdown"],
                         th["calculator page"] / 1000, th["bare main"] / 1000, th["calculator page"] / th["bare main"]))
    if "lighthouse" in out:
        lh = out["lighthouse"]
        if "error" in lh:
            lines.append(f"lighthouse (mobile, devtools throttling): failed: {lh['error']}")
        else:
            ready = lh["calculator:ready_ms"]
            lines.append("lighthouse (mobile, devtools throttling), calculator page: calculator:ready "
                         + (f"{ready / 1000:.1f} s" if ready is not None else "never")
                         + f"; FCP {lh['fcp_ms'] / 1000:.1f} s, LCP {lh['lcp_ms'] / 1000:.1f} s, "
                         f"TBT {lh['tbt_ms']:.0f} ms, performance {lh['performance_score']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="cold loads of each page (default 5)")
    ap.add_argument("--no-lighthouse", action="store_true", help="skip the Lighthouse run")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    args = ap.parse_args(argv)
    out = run(max(1, args.runs), not args.no_lighthouse)
    print(report(out))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
