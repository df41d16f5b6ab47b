#!/usr/bin/env python3
"""The calculator page in a real browser (Debian chromium): readiness, latency, bytes.

    .venv/bin/python -m scripts.bench.bench_page [--runs 5] [--answers 200] [--json]

Measured in one run, on the built site/ served locally (`make site` first):

1. Ready over boot: the time from navigation to the calculator's first engine
   answer on the calculator page (the performance mark "calculator:ready" that
   ui.mjs sets), over the time from navigation to the end of loadPyodide() on a
   bare page that boots the same served runtime (site/assets/pyodide/) in a
   module worker and does nothing else. Each run loads both pages in fresh
   browser contexts (cold cache), in alternating order; the ratio is the median
   of the per-run ratios (target: at most 1.10).
2. Answer latency after ready: from an input event in the form to the new
   answer in the page (worker round trip, Python, rendering), over many answers
   (target: p95 under 30 ms).
3. Bytes transferred (bodies and headers, worker requests included) for the
   calculator page once its engine is ready, and for a content page.

A figure to report, not a test. Prints a table (or JSON with --json).
"""

from __future__ import annotations

import argparse
import http.server
import json
import math
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
BENCH_PREFIX = "/__bench__/"

# The bare page: a module worker that boots the same runtime with the same
# options as the calculator's engine (indexURL, lockFileURL), and nothing else.
BARE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare Pyodide boot</title>
<script type="module" src="bare.mjs"></script></head><body><p>bare Pyodide boot</p></body></html>
"""
BARE_MJS = """
const indexURL = new URL("../assets/pyodide/", location.href).href;
const worker = new Worker(new URL("bare-worker.mjs", import.meta.url), { type: "module" });
worker.onmessage = (event) => {
  if (event.data.ok) performance.mark("pyodide:booted", { detail: event.data });
  else performance.mark("pyodide:failed", { detail: event.data });
};
worker.postMessage({ indexURL, lockFileURL: indexURL + "pyodide-lock.json" });
"""
BARE_WORKER = """
self.onmessage = async (event) => {
  try {
    const { indexURL, lockFileURL } = event.data;
    const { loadPyodide } = await import(indexURL + "pyodide.mjs");
    const pyodide = await loadPyodide({ indexURL, lockFileURL });
    pyodide.runPython("1 + 1");
    self.postMessage({ ok: true });
  } catch (e) {
    self.postMessage({ ok: false, reason: String(e) });
  }
};
"""

# In the page: answers through the form, timed from the input event to the new answer.
LATENCY_JS = """
async (count) => {
  const box = document.getElementById("calculator");
  const result = document.getElementById("calc-result");
  const age = document.getElementById("calc-age");
  const networks = document.getElementById("calc-question-networks");
  networks.checked = true;
  networks.dispatchEvent(new Event("change", { bubbles: true }));
  const times = [];
  const settle = () => new Promise((resolve) => {
    const observer = new MutationObserver(() => { observer.disconnect(); resolve(performance.now()); });
    observer.observe(result, { childList: true, subtree: true, characterData: true });
    setTimeout(() => { observer.disconnect(); resolve(null); }, 5000);
  });
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < count; i++) {
    // every age gives a different answer text (the age is in it); 1, 2, ... 99, 1, ...
    const next = String(1 + (i % 99));
    const done = settle();
    const start = performance.now();
    age.value = next;
    age.dispatchEvent(new Event("input", { bubbles: true }));
    const end = await done;
    if (end === null) return { error: `no new answer for age ${next}`, times };
    times.push(end - start);
  }
  return { times, busy: box.getAttribute("aria-busy") };
}
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[rank]


def make_server(overlay: Path):
    from scripts.dev.serve import Handler

    class BenchHandler(Handler):
        def translate_path(self, path):
            if path.startswith(BENCH_PREFIX):
                return str(overlay / path[len(BENCH_PREFIX):].split("?")[0])
            return super().translate_path(path)

    import functools

    handler = functools.partial(BenchHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def mark_time(page, name: str, timeout_s: float = 120) -> float:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        value = page.evaluate(f"() => {{ const m = performance.getEntriesByName({json.dumps(name)}); "
                              "return m.length ? m[0].startTime : null; }")
        if value is not None:
            return value
        failed = page.evaluate("() => performance.getEntriesByName('pyodide:failed').length "
                               "+ performance.getEntriesByName('calculator:failed').length")
        if failed:
            raise RuntimeError(f"the page reports a failure while waiting for {name}")
        page.wait_for_timeout(20)
    raise TimeoutError(name)


class Bytes:
    """Bytes of every finished request of a context (page and workers)."""

    def __init__(self, context):
        self.total = 0
        self.by_url: dict[str, int] = {}
        context.on("requestfinished", self._done)

    def _done(self, request):
        try:
            sizes = request.sizes()
        except Exception:
            return
        n = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.total += n
        self.by_url[request.url] = self.by_url.get(request.url, 0) + n


def run(runs: int, answers: int) -> dict:
    from playwright.sync_api import sync_playwright

    if not (SITE / "calculator" / "index.html").exists() or not (SITE / "assets" / "pyodide").is_dir():
        raise SystemExit("site/ has no calculator or no runtime: run `make site` first")
    overlay = Path(tempfile.mkdtemp(prefix="bench-page-"))
    (overlay / "bare.html").write_text(BARE_HTML, encoding="utf-8")
    (overlay / "bare.mjs").write_text(BARE_MJS, encoding="utf-8")
    (overlay / "bare-worker.mjs").write_text(BARE_WORKER, encoding="utf-8")
    server = make_server(overlay)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out: dict = {"runs": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

        def fresh(width=1280, height=900):
            return browser.new_context(viewport={"width": width, "height": height})

        def bare_boot() -> float:
            ctx = fresh()
            page = ctx.new_page()
            page.goto(base + BENCH_PREFIX.strip("/") + "/bare.html")
            ms = mark_time(page, "pyodide:booted")
            ctx.close()
            return ms

        def calculator_ready() -> float:
            ctx = fresh()
            page = ctx.new_page()
            page.goto(base + "calculator/")
            ms = mark_time(page, "calculator:ready")
            ctx.close()
            return ms

        # warm the OS file cache and the server once (not measured)
        bare_boot()
        calculator_ready()
        for i in range(runs):
            if i % 2 == 0:
                b, c = bare_boot(), calculator_ready()
            else:
                c, b = calculator_ready(), bare_boot()
            out["runs"].append({"bare_boot_ms": b, "calculator_ready_ms": c, "ratio": c / b})
            print(f"  run {i + 1}: bare boot {b:.0f} ms, calculator ready {c:.0f} ms", file=sys.stderr, flush=True)

        # latency after ready
        ctx = fresh()
        page = ctx.new_page()
        page.goto(base + "calculator/")
        mark_time(page, "calculator:ready")
        lat = page.evaluate(LATENCY_JS, answers)
        ctx.close()
        if "error" in lat:
            raise RuntimeError(f"latency run: {lat['error']}")
        times = lat["times"]
        out["latency"] = {"answers": len(times), "mean_ms": statistics.fmean(times),
                          "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
                          "max_ms": max(times)}

        # bytes: the calculator page (until ready, then quiet), a content page
        pages = {}
        for name, path, wait_ready in (("calculator page", "calculator/", True),
                                       ("content page", "circular-8761/", False),
                                       ("home page", "", False)):
            ctx = fresh()
            counter = Bytes(ctx)
            page = ctx.new_page()
            page.goto(base + path, wait_until="networkidle")
            if wait_ready:
                mark_time(page, "calculator:ready")
                page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            runtime = sum(n for u, n in counter.by_url.items() if "/assets/pyodide/" in u)
            wasm = [u for u in counter.by_url if u.endswith(".wasm")]
            pages[name] = {"path": path or "/", "bytes": counter.total, "runtime_bytes": runtime,
                           "requests": len(counter.by_url), "wasm_requests": len(wasm)}
            ctx.close()
        out["bytes"] = pages
        browser.close()
    server.shutdown()
    ratios = [r["ratio"] for r in out["runs"]]
    out["summary"] = {
        "bare_boot_ms_median": statistics.median(r["bare_boot_ms"] for r in out["runs"]),
        "calculator_ready_ms_median": statistics.median(r["calculator_ready_ms"] for r in out["runs"]),
        "ready_over_boot_median": statistics.median(ratios),
        "ready_over_boot_of_medians": (statistics.median(r["calculator_ready_ms"] for r in out["runs"])
                                       / statistics.median(r["bare_boot_ms"] for r in out["runs"])),
    }
    return out


def human(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="cold loads of each page (default 5)")
    ap.add_argument("--answers", type=int, default=200, help="answers timed after ready (default 200)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    out = run(max(1, args.runs), max(1, args.answers))
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    s, lat = out["summary"], out["latency"]
    print(f"calculator page in chromium, {len(out['runs'])} cold runs of each page:")
    for i, r in enumerate(out["runs"], 1):
        print(f"  run {i}: bare Pyodide boot {r['bare_boot_ms']:.0f} ms, calculator ready {r['calculator_ready_ms']:.0f} ms, "
              f"ratio {r['ratio']:.3f}")
    verdict = "ok" if s["ready_over_boot_median"] <= 1.10 else "ABOVE TARGET"
    print(f"ready / boot: median ratio {s['ready_over_boot_median']:.3f} (target <= 1.10: {verdict}); "
          f"medians {s['calculator_ready_ms_median']:.0f} ms / {s['bare_boot_ms_median']:.0f} ms")
    verdict = "ok" if lat["p95_ms"] < 30 else "ABOVE TARGET"
    print(f"answer latency after ready ({lat['answers']} answers through the form): mean {lat['mean_ms']:.1f} ms, "
          f"p50 {lat['p50_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms (target < 30 ms: {verdict}), max {lat['max_ms']:.1f} ms")
    for name, b in out["bytes"].items():
        print(f"bytes, {name} ({b['path']}): {b['bytes']} B = {human(b['bytes'])} in {b['requests']} requests "
              f"(Pyodide runtime {human(b['runtime_bytes'])}, wasm requests {b['wasm_requests']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
