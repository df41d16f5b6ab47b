"""The scenario requests give the same answers inside the real Pyodide runtime (node) as in CPython.

The bundle is the session's one (`pyodide_bundle` in tests/conftest.py: the calculator
wheel as the code is now, with the runtime the site serves), and
scripts/dev/pyodide_run.mjs answers every request in it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import calculator
from tests.calculator.calc_scenarios import load_scenarios

EXTRA = [  # requests that are not in the scenario files: odd input, in both runtimes
    {"question": "networks", "date": "2023-10-01", "age": 1e308},
    {"question": "networks", "date": "2023-10-01", "age": -0.0},
    {"question": "contribution", "date": "9999-12-31", "age": 0, "route": "outside", "place": "video",
     "modality": "group", "bim": True, "first_session": True},
    {"question": "pseudocode", "date": "2023-10-01", "code": 792632},
    {"question": "fees", "date": "2023-10-01", "service": "group_session", "participants": 30},
    {"unknown": "field"},
    [],
    ["not", "an", "object"],
    "text",
    None,
]


def test_same_answers_in_pyodide_as_in_cpython(pyodide_run):
    requests = [s.request for s in load_scenarios()] + EXTRA
    in_pyodide = pyodide_run(requests)
    in_cpython = [json.loads(calculator.answer_json(json.dumps(r))) for r in requests]
    assert len(in_pyodide) == len(requests)
    assert any(a["ok"] for a in in_cpython) and not all(a["ok"] for a in in_cpython)
    differ = [(r, a, b) for r, a, b in zip(requests, in_cpython, in_pyodide) if a != b]
    assert not differ, f"{len(differ)} answer(s) differ; first: {differ[0]}"


def test_the_answers_come_from_the_bundles_wasm_runtime(pyodide_run, pyodide_bundle, tmp_path):
    # The same bundle with its WebAssembly binary damaged answers nothing: what answered
    # above is Pyodide's interpreter, not a Python found elsewhere on the machine.
    broken = shutil.copytree(pyodide_bundle, tmp_path / "bundle")
    wasm = broken / "pyodide.asm.wasm"
    wasm.write_bytes(wasm.read_bytes()[: wasm.stat().st_size // 2])
    p = pyodide_run([{"question": "networks", "date": "2023-10-01", "age": 16}], bundle=broken, check=False)
    assert p.returncode != 0 and p.stdout.strip() == "", p.stdout[-500:]
