"""The browser's standard library: only the modules the calculator really runs.

    from scripts.publish.stdlib_trace import build_stdlib_zip
    build_stdlib_zip(runtime_dir, stock_zip, out_zip)   # scripts/publish/pyodide_bundle.py

The list of modules is never written by hand: it is what the real code paths
import in the real runtime.

1. Staging: the calculator package (its modules and data) plus
   data/rules.pickle, the rules parsed and checked once here (what
   calculator.params.load_rules() would build from the TOML files, pickled: the
   browser loads it instead of reading and validating the TOML on every visit).
2. Trace: the stock runtime (node_modules/pyodide, its FULL standard library)
   boots under Node (scripts/dev/pyodide_run.mjs --trace) with the staged
   package first on sys.path and runs the workload: every request of
   tests/calculator/scenarios, the odd and broken requests and texts of
   ERROR_REQUESTS/ERROR_TEXTS, and every state of
   tests/calculator_page/scenarios.toml through calculator.present.ask_json (the
   browser's entry point) in both languages and both variants, the default
   form of each question, and broken messages. Afterwards, every module of
   sys.modules loaded from the stdlib zip (lazy imports included, such as
   importlib.resources' adapters or the cp437 codec zipfile needs to read the
   package's own zip, since the paths really ran) is kept.
3. The zip: those modules and the package's modules as bytecode (.pyc made
   by the same runtime's Python, the trace's "bytecode": -OO, no line tables),
   the package data files the workload read (the trace's "read": the rules
   pickle; the TOML it was made from is not read in the browser) and nothing
   else, stored, then gzip-compressed as one stream (stdlib-<hash>.zip.gz:
   engine-worker.mjs decompresses it). Bytecode, not sources: compiling the
   sources took about two thirds of the runtime's boot in the browser, on every
   visit (scripts/bench/bench_page.py). One gzip stream over stored members,
   not a deflated zip: about 7 % smaller, since it shares what the files have
   in common, and a host serves a zip as it is anyway.
4. Check: the same runtime boots from that file ALONE and runs the same
   workload; every answer must equal CPython's, and an import no finder could
   satisfy in the trimmed zip but could with the full one is named in the
   error (StdlibError), so a missing module stops the build.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import io
import json
import pickle
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "scripts" / "dev" / "pyodide_run.mjs"
PACKAGE = "calculator"
PREBUILT = "rules.pickle"  # calculator.params.PREBUILT_RULES
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # a reproducible zip: its hash changes with its content only

# Beyond the scenarios: what a page or a hand-typed link may send.
ERROR_REQUESTS = [
    {"question": "networks", "date": "2023-10-01", "age": 1e308},
    {"question": "networks", "date": "2023-10-01", "age": -0.0},
    {"question": "networks", "date": "not a date", "age": "x"},
    {"question": "contribution", "date": "9999-12-31", "age": 0, "route": "outside", "place": "video",
     "modality": "group", "bim": True, "first_session": True},
    {"question": "pseudocode", "date": "2023-10-01", "code": 792632},
    {"question": "fees", "date": "2023-10-01", "service": "group_session", "participants": 30},
    {"question": "weather"}, {}, {"unknown": "field"}, ["not", "an", "object"], "text", None, [], 1,
]
ERROR_TEXTS = ["{", "", "[1,", '"\\ud800"', "1e999999", "NaN", '{"question": "networks", "age": 1e999}']
ERROR_MESSAGES = ["[]", "{", '{"question": "weather", "values": {}}', '{"question": "networks", "values": 3}',
                  '{"question": "networks", "values": {}, "lang": "de"}']


class StdlibError(Exception):
    pass


def workload(today: str | None = None) -> dict:
    """What the trace and the check run: {answer: [...], text: [...], ask: [...]}."""
    from calculator import form
    from tests.calculator.calc_scenarios import load_scenarios
    from tests.calculator_page.calcpage import load_scenarios as page_scenarios

    today = today or datetime.date.today().isoformat()
    messages: list = []
    for question in form.QUESTIONS:
        for lang in ("fr", "nl"):
            messages.append({"question": question, "values": {}, "overrides": {}, "lang": lang,
                             "lang_root": "https://example.org/sub/", "variant": "page"})
    for s in page_scenarios():
        values, overrides = s.values(today)
        for lang in ("fr", "nl"):
            for variant in ("page", "embed"):
                messages.append({"question": s.question, "values": values, "overrides": overrides, "lang": lang,
                                 "lang_root": "https://example.org/sub/", "variant": variant})
    return {"answer": [s.request for s in load_scenarios()] + ERROR_REQUESTS, "text": ERROR_TEXTS,
            "ask": messages + ERROR_MESSAGES}


def cpython_answers(work: dict) -> dict:
    """The same workload answered by this CPython and the repo's package."""
    import calculator
    from calculator import present

    return {"answer": [json.loads(calculator.answer_json(json.dumps(r))) for r in work["answer"]],
            "text": [json.loads(calculator.answer_json(t)) for t in work["text"]],
            "ask": [json.loads(present.ask_json(m if isinstance(m, str) else json.dumps(m))) for m in work["ask"]]}


def package_digest(project: Path = REPO) -> str:
    """sha256 of the package's sources and data files (paths and bytes), as they are
    in `project`: engine.json records the one its zip was built from."""
    h = hashlib.sha256()
    for p in sorted((project / PACKAGE).rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            h.update(p.relative_to(project).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def stage_package(dest: Path, project: Path = REPO) -> Path:
    """dest/calculator: the package's .py and data files, plus data/rules.pickle."""
    from calculator.params import load_rules

    src = project / PACKAGE
    pkg = dest / PACKAGE
    shutil.copytree(src, pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    rules = load_rules()  # raises on broken data: the build stops here, as it would in CPython
    (pkg / "data" / PREBUILT).write_bytes(pickle.dumps(rules, protocol=5))
    return pkg


def run_node(args: list[str], work: dict, timeout: int = 900) -> dict:
    if not shutil.which("node"):
        raise StdlibError("node is not installed: the standard library is traced in Pyodide under Node")
    proc = subprocess.run(["node", str(RUNNER), *args], input=json.dumps(work), capture_output=True,
                          text=True, cwd=REPO, timeout=timeout)
    if proc.returncode != 0:
        raise StdlibError(f"pyodide_run.mjs {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def write_zip(out: Path, files: dict[str, bytes], gzipped: bool = False) -> None:
    """A zip of `files` (path -> bytes), sorted, with fixed dates: deflated, or
    (gzipped) stored and gzip-compressed as one stream."""
    dirs = sorted({"/".join(p.split("/")[:i]) + "/" for p in files for i in range(1, p.count("/") + 1)})
    method = zipfile.ZIP_STORED if gzipped else zipfile.ZIP_DEFLATED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method, compresslevel=None if gzipped else 9) as z:
        for d in dirs:
            z.writestr(zipfile.ZipInfo(d, ZIP_DATE), b"")
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    data = buffer.getvalue()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(gzip.compress(data, 9, mtime=0) if gzipped else data)


def read_zip(path: Path) -> zipfile.ZipFile:
    """A zip written by write_zip, gzipped or not."""
    data = path.read_bytes()
    return zipfile.ZipFile(io.BytesIO(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data))


def build_stdlib_zip(runtime: Path, stock_zip: Path, out: Path, project: Path = REPO) -> dict:
    """Trace, write `out`, check it. Returns {"modules": [stdlib module names], ...}."""
    work = workload()
    with tempfile.TemporaryDirectory() as tmp:
        staged = stage_package(Path(tmp) / "staged", project)
        files = {p.relative_to(staged.parent).as_posix(): p.read_bytes() for p in sorted(staged.rglob("*")) if p.is_file()}
        source = Path(tmp) / "package.zip"  # the package with its sources, read from a zip as in the browser
        write_zip(source, files)
        traced = run_node(["--runtime", str(runtime), "--stdlib", str(stock_zip), "--source", str(source), "--trace"],
                          work)
    modules = traced["modules"]
    stdlib = sorted(m for m, e in modules.items() if not e["file"].startswith(PACKAGE + "/"))
    bytecode = {name: base64.b64decode(b) for name, b in traced["bytecode"].items()}
    code = {}
    with zipfile.ZipFile(stock_zip) as z:
        for m in stdlib:
            f = modules[m]["file"]
            if f.endswith(".py"):
                code[f + "c"] = bytecode[f + "c"]
            else:  # compiled already in the stock zip: as it is
                code[f] = z.read(f)
    package = {n: b for n, b in bytecode.items() if n.startswith(PACKAGE + "/")}
    data = {n: files[n] for n in traced["read"]}
    write_zip(out, {**code, **package, **data}, gzipped=True)
    check_zip(runtime, out, work, set(traced["failed_imports"]), traced)
    return {"modules": stdlib, "package_files": len(package) + len(data), "data_files": sorted(data),
            "package_digest": package_digest(project),
            "workload": {k: len(v) for k, v in work.items()}}


def check_zip(runtime: Path, zip_path: Path, work: dict, baseline: set[str], traced: dict | None = None) -> dict:
    """Boot `runtime` from `zip_path` alone and run `work`: every answer must be
    CPython's (and, given `traced`, the full standard library's). An import that
    found nothing but is not in `baseline` (imports that find nothing with the
    full standard library either) names a missing module. Returns the answers."""
    checked = run_node(["--runtime", str(runtime), "--stdlib", str(zip_path)], work)
    missing = sorted(set(checked["failed_imports"]) - baseline)
    expected = cpython_answers(work)
    problems = []
    for key in ("answer", "text", "ask"):
        for i, (a, b) in enumerate(zip(expected[key], checked[key])):
            t = traced[key][i] if traced else a
            if a != b or a != t:
                problems.append(f"{key} #{i} ({json.dumps(work[key][i])[:120]}): CPython {json.dumps(a)[:200]}, "
                                f"Pyodide (full stdlib) {json.dumps(t)[:200]}, Pyodide (trimmed) {json.dumps(b)[:200]}")
    if missing or problems:
        raise StdlibError(
            (f"modules missing from {zip_path.name}: {', '.join(missing)} (imported by the calculator in Pyodide, "
             "absent from the trimmed zip). " if missing else "")
            + (f"{len(problems)} answer(s) differ; first: {problems[0]}" if problems else ""))
    return checked


def zip_modules(zip_path: Path) -> list[str]:
    """The stdlib modules of a zip written by build_stdlib_zip (names, sorted)."""
    with read_zip(zip_path) as z:
        names = [n[:-4] for n in z.namelist() if n.endswith(".pyc") and not n.startswith(PACKAGE + "/")]
    return sorted(n[:-len("/__init__")].replace("/", ".") if n.endswith("/__init__") else n.replace("/", ".")
                  for n in names)


if __name__ == "__main__":  # python -m scripts.publish.stdlib_trace RUNTIME_DIR STOCK_ZIP OUT_ZIP
    import sys

    info = build_stdlib_zip(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"{len(info['modules'])} stdlib modules: {' '.join(info['modules'])}")
