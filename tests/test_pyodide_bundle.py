"""The self-hosted Pyodide bundle: the lock registers the calculator wheel, and
the calculator answers inside the real Pyodide runtime the site serves.

Needs `npm ci` (node_modules/pyodide); without it these tests skip. Building
the wheel uses build isolation (setuptools from PyPI).
PYODIDE_BUNDLE_PROJECT may point the bundle at another calculator project
(a stand-in with the same API) instead of this repo, with
PYODIDE_TEST_GOOD_REQUEST giving a request it accepts.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NPM_PYODIDE = REPO / "node_modules" / "pyodide"
BUNDLE_SCRIPT = REPO / "scripts" / "pyodide_bundle.py"
RUN_SCRIPT = REPO / "scripts" / "dev" / "pyodide_run.mjs"
PROJECT = Path(os.environ.get("PYODIDE_BUNDLE_PROJECT", REPO))
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

# A request the calculator answers with "ok": true, and one it must refuse.
# Keep GOOD_REQUEST in step with the calculator's request format;
# PYODIDE_TEST_GOOD_REQUEST (JSON) overrides it, e.g. for a stand-in project.
GOOD_REQUEST = json.loads(os.environ.get(
    "PYODIDE_TEST_GOOD_REQUEST", '{"question": "networks", "date": "2025-03-10", "age": 15}'))
BAD_REQUEST = "not a request object"

pytestmark = pytest.mark.skipif(
    not (NPM_PYODIDE / "package.json").is_file(),
    reason="node_modules/pyodide is absent: run `npm ci` to test the Pyodide bundle",
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_bundle(outdir: Path, wheel_dir: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, str(BUNDLE_SCRIPT), str(outdir),
         "--wheel-dir", str(wheel_dir), "--project", str(PROJECT)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"pyodide_bundle.py failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("pyodide")
    outdir = tmp / "assets" / "pyodide"
    run_bundle(outdir, tmp / "wheel")
    return outdir


def load_lock(bundle: Path) -> dict:
    return json.loads((bundle / "pyodide-lock.json").read_text())


def test_lock_registers_calculator_wheel(bundle: Path):
    lock = load_lock(bundle)
    entry = lock["packages"]["calculator"]
    wheel = bundle / entry["file_name"]
    assert wheel.is_file(), f"the lock names {entry['file_name']}, absent from the bundle"
    assert wheel.name.endswith("-py3-none-any.whl")
    assert entry["sha256"] == sha256_of(wheel)
    assert "calculator" in entry["imports"]
    # Everything the lock needs to load the calculator is served.
    for dep in entry["depends"]:
        dep_file = bundle / lock["packages"][dep]["file_name"]
        assert dep_file.is_file(), f"dependency {dep} of calculator is not in the bundle"
    # The rest is the npm package's lock, unchanged.
    npm_lock = json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())
    assert lock["info"] == npm_lock["info"]
    assert {k: v for k, v in lock["packages"].items() if k != "calculator"} == npm_lock["packages"]


def test_bundle_holds_the_runtime_and_no_more(bundle: Path):
    for name in RUNTIME_FILES:
        assert (bundle / name).read_bytes() == (NPM_PYODIDE / name).read_bytes(), name
    served = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    wheel = load_lock(bundle)["packages"]["calculator"]["file_name"]
    assert served == sorted([*RUNTIME_FILES, "pyodide-lock.json", wheel])


def test_bundle_is_idempotent(bundle: Path, tmp_path: Path):
    before = (bundle / "pyodide-lock.json").read_bytes()
    run_bundle(bundle, tmp_path / "wheel")
    # The wheel is reproducible (SOURCE_DATE_EPOCH), so the lock is unchanged.
    assert (bundle / "pyodide-lock.json").read_bytes() == before
    lock = load_lock(bundle)
    entry = lock["packages"]["calculator"]
    assert entry["sha256"] == sha256_of(bundle / entry["file_name"])
    wheels = sorted(p.name for p in bundle.rglob("*.whl"))
    assert wheels == [Path(entry["file_name"]).name], "stale wheels left in the bundle"


def run_node(bundle: Path, requests: list, *args: str) -> object:
    node = shutil.which("node")
    assert node, "node is not on PATH although node_modules/pyodide is installed"
    proc = subprocess.run(
        [node, str(RUN_SCRIPT), "--bundle", str(bundle), *args],
        input=json.dumps(requests), cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, f"pyodide_run.mjs failed:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout)


def test_calculator_answers_in_pyodide(bundle: Path):
    answers = run_node(bundle, [GOOD_REQUEST, BAD_REQUEST])
    assert isinstance(answers, list) and len(answers) == 2
    good, bad = answers
    assert good["ok"] is True, good
    assert bad["ok"] is False, bad


def test_pyodide_answers_match_cpython(bundle: Path):
    requests = [GOOD_REQUEST, BAD_REQUEST, None, [], {"unknown": "field"}]
    answers = run_node(bundle, requests)
    code = (
        "import json, sys, calculator\n"
        "reqs = json.load(sys.stdin)\n"
        "print(json.dumps([json.loads(calculator.answer_json(json.dumps(r))) for r in reqs]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(requests),
                          cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert answers == json.loads(proc.stdout)


def test_bench_reports_timings(bundle: Path):
    report = run_node(bundle, [GOOD_REQUEST], "--bench", "3")
    assert report["answers"] == 3
    for key in ("boot_ms", "ready_ms", "per_answer_ms_mean", "per_answer_ms_p95"):
        assert report[key] >= 0, key
    assert report["ready_ms"] >= report["boot_ms"]
