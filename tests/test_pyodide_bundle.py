"""The self-hosted Pyodide bundle (scripts/publish/pyodide_bundle.py): the npm package's
runtime, unchanged, under a content-hashed folder; one gzip-compressed zip, named by its
content, holding as bytecode the standard library modules the calculator runs (as traced,
never listed by hand) and the calculator package as it is now, and of its data only what
the browser reads, its rules pre-parsed; engine.json naming them, with
the lock inline; a second run changes nothing; and the benchmark mode of
scripts/dev/pyodide_run.mjs reports what scripts/bench/bench_calculator.py prints. The
bundle is the session's one (`pyodide_bundle` in tests/conftest.py); that the calculator
answers from it as in CPython is tests/calculator/test_calc_pyodide_parity.py.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from calculator.params import PREBUILT_RULES, load_rules
from scripts.publish.stdlib_trace import read_zip, zip_modules

REPO = Path(__file__).resolve().parent.parent
NPM_PYODIDE = REPO / "node_modules" / "pyodide"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
BENCH_KEYS = {"boot_ms", "ready_ms", "per_answer_ms_mean", "per_answer_ms_p95", "answers"}


def sha16(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def manifest(bundle: Path) -> dict:
    return json.loads((bundle / "engine.json").read_text())


def test_bundle_holds_the_runtime_and_one_zip_named_by_their_content(pyodide_bundle: Path):
    m = manifest(pyodide_bundle)
    for name in RUNTIME_FILES:
        assert (pyodide_bundle / m["runtime"] / name).read_bytes() == (NPM_PYODIDE / name).read_bytes(), name
    zip_bytes = (pyodide_bundle / m["stdlib"]).read_bytes()
    assert m["stdlib"] == f"stdlib-{sha16(zip_bytes)}.zip.gz" and zip_bytes[:2] == b"\x1f\x8b"
    assert m["runtime"].startswith("runtime-") and m["runtime"].endswith("/")
    served = sorted(p.relative_to(pyodide_bundle).as_posix() for p in pyodide_bundle.rglob("*") if p.is_file())
    assert served == sorted(["engine.json", m["stdlib"], *(m["runtime"] + n for n in RUNTIME_FILES)])
    # no package to fetch: the lock is the npm package's header, inline
    npm_lock = json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())
    assert m["lock"] == {"info": npm_lock["info"], "packages": {}}


def test_the_zip_holds_the_traced_stdlib_the_package_and_its_rules_parsed(pyodide_bundle: Path):
    m = manifest(pyodide_bundle)
    zip_path = pyodide_bundle / m["stdlib"]
    modules = zip_modules(zip_path)
    assert modules == m["stdlib_modules"]
    # a small part of the stock standard library, with what the package and zipimport need
    with zipfile.ZipFile(NPM_PYODIDE / "python_stdlib.zip") as stock:
        stock_modules = [n for n in stock.namelist() if n.endswith(".py")]
    assert len(modules) < len(stock_modules) / 3
    for needed in ("json", "decimal", "dataclasses", "importlib.resources._adapters", "encodings.cp437", "pickle"):
        assert needed in modules, needed
    assert "unittest" not in modules and "email" not in modules
    with read_zip(zip_path) as z:
        # stored members: the one gzip stream over them is the compression
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
        names = [n for n in z.namelist() if not n.endswith("/")]
        shipped = {n: z.read(n) for n in names if n.startswith("calculator/")}
        stdlib_code = {n: z.read(n) for n in names if not n.startswith("calculator/")}
    # the package: every module as bytecode, and of its data only the rules parsed
    # (what the browser reads; the TOML they are made from is not)
    current = sorted(p.relative_to(REPO).as_posix() + "c" for p in (REPO / "calculator").rglob("*.py")
                     if "__pycache__" not in p.parts)
    assert sorted(n for n in shipped if n.endswith(".pyc")) == current
    assert sorted(n for n in shipped if not n.endswith(".pyc")) == [f"calculator/data/{PREBUILT_RULES}"]
    # the rules as the package parses them from these files now (Catalogue has no __eq__: compare pickles)
    shipped_rules = pickle.loads(shipped[f"calculator/data/{PREBUILT_RULES}"])
    assert pickle.dumps(shipped_rules, protocol=5) == pickle.dumps(load_rules(), protocol=5)
    # the standard library: bytecode only, one .pyc per traced module
    assert all(n.endswith(".pyc") for n in stdlib_code), [n for n in stdlib_code if not n.endswith(".pyc")]
    assert len(stdlib_code) == len(modules)


def test_the_bytecode_is_one_runtime_s_without_docstrings(pyodide_bundle: Path):
    m = manifest(pyodide_bundle)
    with read_zip(pyodide_bundle / m["stdlib"]) as z, zipfile.ZipFile(NPM_PYODIDE / "python_stdlib.zip") as stock:
        code = {n: z.read(n) for n in z.namelist() if n.endswith(".pyc")}
        source = stock.read("dataclasses.py").decode()
    # one Python made them all (the magic number of its bytecode), as an unchecked
    # timestamp .pyc (flags, date and size 0: no source beside it to compare with)
    assert len({c[:4] for c in code.values()}) == 1
    assert {c[4:16] for c in code.values()} == {bytes(12)}
    doc = "Add dunder methods based on the fields defined in the class."
    assert doc in source and doc.encode() not in code["dataclasses.pyc"]  # compiled with -OO
    assert b"_process_class" in code["dataclasses.pyc"]  # the code is there


def test_bundle_is_idempotent(pyodide_bundle: Path, tmp_path: Path):
    bundle = shutil.copytree(pyodide_bundle, tmp_path / "bundle")  # the session's bundle stays as built
    (bundle / "stale-file-of-mine.txt").write_text("left alone")
    before = manifest(bundle)
    p = subprocess.run([sys.executable, "-m", "scripts.publish.pyodide_bundle", str(bundle)],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    # the zip is reproducible (sorted entries, fixed dates): same content, same name
    assert manifest(bundle) == before
    assert (bundle / "stale-file-of-mine.txt").is_file()
    assert len(list(bundle.glob("stdlib-*.zip.gz"))) == 1 and len(list(bundle.glob("runtime-*"))) == 1


def test_the_bench_answers_every_request_n_times_and_reports_the_figures_bench_calculator_prints(pyodide_run):
    # Figures, not a timed test: what is checked is what the numbers count, never how fast.
    requests = [{"question": "networks", "date": "2025-03-10", "age": 15},
                {"question": "pseudocode", "date": "2023-10-01", "code": 792632},
                "not a request object"]
    report = pyodide_run(requests, "--bench", "4")
    assert set(report) == BENCH_KEYS
    assert report["answers"] == 4 * len(requests)
    # boot_ms is loadPyodide() alone; ready_ms adds importing the calculator
    assert 0 < report["boot_ms"] < report["ready_ms"]
    # with fewer than 20 answers the 95th percentile is the slowest one: at least the mean
    assert 0 <= report["per_answer_ms_mean"] <= report["per_answer_ms_p95"]
