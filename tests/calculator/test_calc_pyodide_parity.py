"""Every scenario answers inside the real Pyodide runtime (node), from the trimmed zip the
site serves, exactly as in CPython; a module missing from the zip is named.

The bundle is the session's one (`pyodide_bundle` in tests/conftest.py: the runtime and
the zip the site serves, built from the code as it is now). The workload is the one the
bundle traces (scripts/publish/stdlib_trace.workload): every request of
tests/calculator/scenarios, odd and broken requests and texts, and every state of
tests/calculator_page/scenarios.toml through calculator.present.ask_json, the browser's
entry point, in French and in Dutch.
"""

from __future__ import annotations

import json
import shutil

import pytest

from scripts.publish.stdlib_trace import StdlibError, check_zip, cpython_answers, read_zip, run_node, workload, write_zip


def test_every_scenario_answers_from_the_trimmed_zip_as_in_cpython(pyodide_bundle):
    work = workload()
    got = run_node(["--bundle", str(pyodide_bundle)], work)
    expected = cpython_answers(work)
    assert any(a["ok"] for a in expected["answer"]) and not all(a["ok"] for a in expected["answer"])
    assert any("error" in r for r in expected["ask"]) and any("view" in r for r in expected["ask"])
    for key in ("answer", "text", "ask"):
        assert len(got[key]) == len(work[key])
        differ = [(m, a, b) for m, a, b in zip(work[key], expected[key], got[key]) if a != b]
        assert not differ, (f"{len(differ)} {key} answer(s) differ; first: {differ[0]}; "
                            f"imports that found nothing in the zip: {got['failed_imports']}")


def test_a_module_missing_from_the_zip_is_named(pyodide_bundle, tmp_path):
    manifest = json.loads((pyodide_bundle / "engine.json").read_text())
    runtime = pyodide_bundle / manifest["runtime"]
    zip_path = pyodide_bundle / manifest["stdlib"]
    work = {"answer": [{"question": "networks", "date": "2023-10-01", "age": 16}], "text": [], "ask": []}
    baseline = set(run_node(["--bundle", str(pyodide_bundle)], work)["failed_imports"])
    with read_zip(zip_path) as z:
        files = {n: z.read(n) for n in z.namelist() if not n.endswith("/")}
    # the codec zipfile needs to read the package's data from the zip: a lazy import
    del files["encodings/cp437.pyc"]
    damaged = tmp_path / "damaged.zip.gz"
    write_zip(damaged, files, gzipped=True)
    with pytest.raises(StdlibError, match=r"encodings\.cp437"):
        check_zip(runtime, damaged, work, baseline)


def test_the_answers_come_from_the_bundles_wasm_runtime(pyodide_run, pyodide_bundle, tmp_path):
    # The same bundle with its WebAssembly binary damaged answers nothing: what answered
    # above is Pyodide's interpreter, not a Python found elsewhere on the machine.
    broken = shutil.copytree(pyodide_bundle, tmp_path / "bundle")
    wasm = broken / json.loads((broken / "engine.json").read_text())["runtime"] / "pyodide.asm.wasm"
    wasm.write_bytes(wasm.read_bytes()[: wasm.stat().st_size // 2])
    p = pyodide_run([{"question": "networks", "date": "2023-10-01", "age": 16}], bundle=broken, check=False)
    assert p.returncode != 0 and p.stdout.strip() == "", p.stdout[-500:]


def browser_messages() -> list:
    """The workload's messages for the page's engine, which answers form states
    (calculator.present.ask_json): its own, and each scenario request of the
    workload as a state whose fields all come as overrides, in both languages."""
    work = workload()
    messages = list(work["ask"])
    for i, r in enumerate(work["answer"]):
        if isinstance(r, dict) and isinstance(r.get("question"), str):
            fields = {k: v for k, v in r.items() if k != "question"}
            messages.append({"question": r["question"], "values": {}, "overrides": fields,
                             "lang": ("fr", "nl")[i % 2], "lang_root": "https://example.org/sub/", "variant": "page"})
    return messages


ASK_ALL = """async (messages) => {
  const { startEngine } = await import(new URL("assets/calculator/engine.mjs", document.baseURI + "../").href);
  const engine = startEngine(new URL("../", document.baseURI).href);  // the page's engine
  await engine.ready;
  const out = [];
  for (const m of messages) {
    try { out.push(await engine.ask(m)); }
    catch (e) { out.push({ error: e.message }); }
  }
  return out;
}"""


def test_every_scenario_answers_in_chromium_as_in_cpython(new_page, base_url):
    """The same runtime and zip in the browser, through the page's own engine (its worker,
    the served stdlib-<hash>.zip.gz): every message answers as CPython's ask_json does."""
    # the page hands the engine objects: the texts of the workload (broken JSON) are node's
    messages = [m for m in browser_messages() if not isinstance(m, str)]
    watch = new_page()
    watch.page.goto(base_url + "calculator/")
    got = watch.page.evaluate(ASK_ALL, messages)
    # engine.ask rejects with the reply's error as its message: the page sees that alone
    expected = [{"error": r["error"]} if "error" in r else r
                for r in cpython_answers({"answer": [], "text": [], "ask": messages})["ask"]]
    assert len(got) == len(messages) > 1000
    assert sum("view" in r for r in expected) > 1000
    differ = [(m, a, b) for m, a, b in zip(messages, expected, got) if a != b]
    assert not differ, f"{len(differ)} of {len(messages)} answers differ; first: {json.dumps(differ[0])[:1500]}"
