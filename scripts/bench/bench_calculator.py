#!/usr/bin/env python3
"""Time per answer of the calculator, in CPython and in Pyodide under node.

    .venv/bin/python -m scripts.bench.bench_calculator [--repeat N] [--bundle DIR] [--no-pyodide]

The requests are those of the scenario tables (tests/calculator/scenarios/*.toml),
each answered N times through calculator.answer_json (JSON text in, JSON text
out, as the pages call it). Prints the mean and the 95th percentile per answer.

Pyodide: needs node and node_modules/pyodide (`npm ci`). The runtime and the
calculator wheel are bundled by scripts/publish/pyodide_bundle.py into a temporary
folder (or --bundle DIR reuses a bundle), then scripts/dev/pyodide_run.mjs --bench N
answers the same requests N times each inside the wasm runtime.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[rank]


def bench_cpython(requests: list, repeat: int) -> dict:
    t0 = time.perf_counter()
    import calculator

    calculator.load_rules()
    ready_ms = (time.perf_counter() - t0) * 1000
    texts = [json.dumps(r) for r in requests]
    for text in texts:  # warm-up
        calculator.answer_json(text)
    times = []
    for text in texts:
        for _ in range(repeat):
            s = time.perf_counter_ns()
            calculator.answer_json(text)
            times.append((time.perf_counter_ns() - s) / 1e6)
    return {
        "ready_ms": ready_ms,
        "per_answer_ms_mean": statistics.fmean(times),
        "per_answer_ms_p95": percentile(times, 95),
        "answers": len(times),
    }


def bench_pyodide(requests: list, repeat: int, bundle: Path | None) -> dict | str:
    node_modules = REPO / "node_modules"
    if not shutil.which("node"):
        return "node is not installed"
    if bundle is None and not (node_modules / "pyodide" / "package.json").is_file():
        return "node_modules/pyodide is absent (run `npm ci`)"
    with tempfile.TemporaryDirectory() as tmp:
        if bundle is None:
            bundle = Path(tmp) / "bundle"
            p = subprocess.run(
                [sys.executable, "-m", "scripts.publish.pyodide_bundle", str(bundle),
                 "--wheel-dir", str(Path(tmp) / "wheel")],
                cwd=REPO, capture_output=True, text=True,
            )
            if p.returncode != 0:
                return "bundling failed: " + (p.stderr or p.stdout)[-2000:]
        p = subprocess.run(
            ["node", str(REPO / "scripts" / "dev" / "pyodide_run.mjs"), "--bundle", str(bundle), "--bench", str(repeat)],
            input=json.dumps(requests), capture_output=True, text=True, cwd=REPO,
        )
        if p.returncode != 0:
            return "pyodide_run.mjs failed: " + p.stderr[-2000:]
        return json.loads(p.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=20, help="answers per request (default 20)")
    ap.add_argument("--bundle", type=Path, help="an existing Pyodide bundle (scripts/publish/pyodide_bundle.py output)")
    ap.add_argument("--no-pyodide", action="store_true", help="CPython only")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    from tests.calculator.calc_scenarios import load_scenarios

    requests = [s.request for s in load_scenarios()]
    print(f"{len(requests)} scenario requests, each answered {args.repeat} times (answer_json, JSON in and out)")

    c = bench_cpython(requests, args.repeat)
    print(f"CPython {platform.python_version()}: mean {c['per_answer_ms_mean']:.3f} ms, "
          f"p95 {c['per_answer_ms_p95']:.3f} ms per answer ({c['answers']} answers; "
          f"import and rules loading {c['ready_ms']:.1f} ms)")

    if args.no_pyodide:
        print("Pyodide: skipped (--no-pyodide)")
        return 0
    r = bench_pyodide(requests, args.repeat, args.bundle)
    if isinstance(r, str):
        print(f"Pyodide: not measured: {r}")
        return 0
    print(f"Pyodide (node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}): "
          f"mean {r['per_answer_ms_mean']:.3f} ms, p95 {r['per_answer_ms_p95']:.3f} ms per answer "
          f"({r['answers']} answers; runtime boot {r['boot_ms']:.0f} ms, "
          f"ready with the calculator {r['ready_ms']:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
