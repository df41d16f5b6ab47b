"""The self-hosted Pyodide bundle (scripts/publish/pyodide_bundle.py): the lock registers
the calculator wheel, the bundle holds the runtime and no more, a second run changes
nothing, and the benchmark mode of scripts/dev/pyodide_run.mjs reports what
scripts/bench/bench_calculator.py prints. The bundle is the session's one
(`pyodide_bundle` in tests/conftest.py); that the calculator answers in it as in
CPython is tests/calculator/test_calc_pyodide_parity.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NPM_PYODIDE = REPO / "node_modules" / "pyodide"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
BENCH_KEYS = {"boot_ms", "ready_ms", "per_answer_ms_mean", "per_answer_ms_p95", "answers"}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_lock(bundle: Path) -> dict:
    return json.loads((bundle / "pyodide-lock.json").read_text())


def test_lock_registers_calculator_wheel(pyodide_bundle: Path):
    lock = load_lock(pyodide_bundle)
    entry = lock["packages"]["calculator"]
    wheel = pyodide_bundle / entry["file_name"]
    assert wheel.is_file(), f"the lock names {entry['file_name']}, absent from the bundle"
    assert wheel.name.endswith("-py3-none-any.whl")
    assert entry["sha256"] == sha256_of(wheel)
    assert "calculator" in entry["imports"]
    # Everything the lock needs to load the calculator is served.
    for dep in entry["depends"]:
        dep_file = pyodide_bundle / lock["packages"][dep]["file_name"]
        assert dep_file.is_file(), f"dependency {dep} of calculator is not in the bundle"
    # The rest is the npm package's lock, unchanged.
    npm_lock = json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())
    assert lock["info"] == npm_lock["info"]
    assert {k: v for k, v in lock["packages"].items() if k != "calculator"} == npm_lock["packages"]


def test_bundle_holds_the_runtime_and_no_more(pyodide_bundle: Path):
    for name in RUNTIME_FILES:
        assert (pyodide_bundle / name).read_bytes() == (NPM_PYODIDE / name).read_bytes(), name
    served = sorted(p.relative_to(pyodide_bundle).as_posix() for p in pyodide_bundle.rglob("*") if p.is_file())
    wheel = load_lock(pyodide_bundle)["packages"]["calculator"]["file_name"]
    assert served == sorted([*RUNTIME_FILES, "pyodide-lock.json", wheel])


def test_bundle_is_idempotent(pyodide_bundle: Path, tmp_path: Path):
    bundle = shutil.copytree(pyodide_bundle, tmp_path / "bundle")  # the session's bundle stays as built
    before = (bundle / "pyodide-lock.json").read_bytes()
    p = subprocess.run([sys.executable, "-m", "scripts.publish.pyodide_bundle", str(bundle),
                        "--wheel-dir", str(tmp_path / "wheel")], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    # The wheel is reproducible (SOURCE_DATE_EPOCH), so the lock is unchanged.
    assert (bundle / "pyodide-lock.json").read_bytes() == before
    lock = load_lock(bundle)
    entry = lock["packages"]["calculator"]
    assert entry["sha256"] == sha256_of(bundle / entry["file_name"])
    wheels = sorted(p.name for p in bundle.rglob("*.whl"))
    assert wheels == [Path(entry["file_name"]).name], "stale wheels left in the bundle"


def test_the_bench_answers_every_request_n_times_and_reports_the_figures_bench_calculator_prints(pyodide_run):
    # Figures, not a timed test: what is checked is what the numbers count, never how fast.
    requests = [{"question": "networks", "date": "2025-03-10", "age": 15},
                {"question": "pseudocode", "date": "2023-10-01", "code": 792632},
                "not a request object"]
    report = pyodide_run(requests, "--bench", "4")
    assert set(report) == BENCH_KEYS
    assert report["answers"] == 4 * len(requests)
    # boot_ms is loadPyodide() alone; ready_ms adds loading the calculator wheel and importing it
    assert 0 < report["boot_ms"] < report["ready_ms"]
    # with fewer than 20 answers the 95th percentile is the slowest one: at least the mean
    assert 0 <= report["per_answer_ms_mean"] <= report["per_answer_ms_p95"]
