"""The scenario requests give the same answers inside the real Pyodide runtime (node) as in CPython.

The calculator wheel is built and bundled with the Pyodide runtime by
scripts/publish/pyodide_bundle.py (into a temporary folder, so the answers come from
the code as it is now), then scripts/dev/pyodide_run.mjs answers every request.
Skipped only when node_modules/pyodide is absent (`npm ci` installs it).
Set CALCULATOR_NODE_MODULES to use another node_modules folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import calculator
from tests.calculator.calc_scenarios import load_scenarios

REPO = Path(__file__).resolve().parents[2]

NODE_MODULES = Path(os.environ.get("CALCULATOR_NODE_MODULES", REPO / "node_modules"))
EXTRA = [  # requests that are not in the scenario files: odd input, in both runtimes
    {"question": "networks", "date": "2023-10-01", "age": 1e308},
    {"question": "networks", "date": "2023-10-01", "age": -0.0},
    {"question": "contribution", "date": "9999-12-31", "age": 0, "route": "outside", "place": "video",
     "modality": "group", "bim": True, "first_session": True},
    {"question": "pseudocode", "date": "2023-10-01", "code": 792632},
    {"question": "fees", "date": "2023-10-01", "service": "group_session", "participants": 30},
    ["not", "an", "object"],
    "text",
    None,
]

pytestmark = pytest.mark.skipif(
    not (NODE_MODULES / "pyodide" / "package.json").is_file(),
    reason=f"{NODE_MODULES}/pyodide is absent: run `npm ci` to test in Pyodide",
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    if not shutil.which("node"):
        pytest.fail("node is not installed but node_modules/pyodide is: install Node.js")
    out = tmp_path_factory.mktemp("pyodide")
    p = subprocess.run(
        [sys.executable, "-m", "scripts.publish.pyodide_bundle", str(out / "bundle"),
         "--wheel-dir", str(out / "wheel"), "--node-modules", str(NODE_MODULES)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return out / "bundle"


def run_in_pyodide(bundle: Path, requests: list, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", str(REPO / "scripts" / "dev" / "pyodide_run.mjs"), "--bundle", str(bundle), *args],
        input=json.dumps(requests), capture_output=True, text=True, cwd=REPO, timeout=600,
    )


def test_same_answers_in_pyodide_as_in_cpython(bundle):
    requests = [s.request for s in load_scenarios()] + EXTRA
    p = run_in_pyodide(bundle, requests)
    assert p.returncode == 0, p.stderr[-3000:]
    in_pyodide = json.loads(p.stdout)
    in_cpython = [json.loads(calculator.answer_json(json.dumps(r))) for r in requests]
    assert len(in_pyodide) == len(requests)
    differ = [(r, a, b) for r, a, b in zip(requests, in_cpython, in_pyodide) if a != b]
    assert not differ, f"{len(differ)} answer(s) differ; first: {differ[0]}"


def test_the_runtime_is_really_pyodide(bundle):
    # A request answered in Pyodide carries the same rules version, and the runner
    # reports its timing only when it booted the wasm runtime.
    p = run_in_pyodide(bundle, [{"question": "networks", "date": "2023-10-01", "age": 16}], "--bench", "1")
    assert p.returncode == 0, p.stderr[-3000:]
    bench = json.loads(p.stdout)
    assert bench["answers"] == 1 and bench["boot_ms"] > 0
