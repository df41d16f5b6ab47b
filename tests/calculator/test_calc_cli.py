"""`python -m calculator`: one JSON request on stdin, one JSON answer on stdout, exit codes."""

from __future__ import annotations

from pathlib import Path

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]


ENV = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
OK = {"question": "contribution", "date": "2023-09-01", "age": 15, "route": "other_organisation",
      "centre": "clb", "place": "cpms_clb", "modality": "group", "bim": True, "first_session": False}


def run(stdin: bytes, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "calculator", *args], input=stdin, capture_output=True,
                          cwd=REPO, env=ENV, timeout=60)


def test_an_answer_exits_0():
    p = run(json.dumps(OK).encode())
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.decode("utf-8"))
    assert out["ok"] and out["result"]["amount_cents"] == 0
    assert "Vous ne payez rien" in out["explanation"]["fr"]  # UTF-8 whatever the locale
    assert p.stderr == b""


def test_bad_input_exits_1_with_a_structured_error():
    p = run(json.dumps({**OK, "age": -4}).encode())
    assert p.returncode == 1
    out = json.loads(p.stdout)
    assert out == {"ok": False, "errors": [{"field": "age", "code": "out_of_range",
                                             "fr": "Pour l'âge, il faut un nombre entre 0 et 120.",
                                             "nl": "Voor de leeftijd is een getal tussen 0 en 120 nodig."}]}
    assert b"Traceback" not in p.stderr


@pytest.mark.parametrize("stdin", [b"", b"{", b"not json", b"\xff\xfe\x00", b'{"age": NaN}', b"[" * 50000])
def test_wrong_json_exits_1(stdin):
    p = run(stdin)
    assert p.returncode == 1
    out = json.loads(p.stdout)
    assert out["ok"] is False and out["errors"][0]["code"] == "invalid_json"
    assert b"Traceback" not in p.stderr


def test_schema():
    p = run(b"", "--schema")
    assert p.returncode == 0
    s = json.loads(p.stdout)
    assert "request" in s["$defs"] and "answer" in s["$defs"]


def test_a_bad_command_line_exits_2():
    p = run(b"{}", "--frobnicate")
    assert p.returncode == 2 and b"usage" in p.stderr


def test_the_validation_command():
    p = subprocess.run([sys.executable, "-m", "calculator.validation", "--sources", "sources"],
                       capture_output=True, cwd=REPO, env=ENV, timeout=60)
    assert p.returncode == 0, p.stderr.decode()


# Every Python the package says it supports (pyproject.toml's classifiers), but the one running
# the tests: each installed one must give the very same answers, byte for byte.
SUPPORTED = [c.rsplit(" :: ", 1)[1] for c in
             tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["classifiers"]
             if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
OTHERS = [v for v in SUPPORTED if v != "%d.%d" % sys.version_info[:2]]
ANSWER_EACH_LINE = (
    "import sys, calculator\n"
    "print(sys.version_info[0], sys.version_info[1])\n"
    "for line in sys.stdin.read().splitlines():\n"
    "    print(calculator.answer_json(line))\n"
)


def answers_of(python: str, requests: list) -> tuple[str, list[str]]:
    """(the interpreter's "major minor", its answer_json for each request), in one process."""
    p = subprocess.run([python, "-c", ANSWER_EACH_LINE], input="\n".join(json.dumps(r) for r in requests) + "\n",
                       capture_output=True, text=True, cwd=REPO, env={**ENV, "PYTHONIOENCODING": "utf-8"}, timeout=120)
    assert p.returncode == 0, p.stderr
    version, *out = p.stdout.splitlines()
    return version.replace(" ", "."), out


def runs(python: str | None) -> bool:
    # a pyenv shim exists for every installed version but runs only the selected ones
    return bool(python) and subprocess.run([python, "-c", ""], capture_output=True, timeout=60).returncode == 0


def test_the_supported_versions_are_read():
    assert "3.11" in SUPPORTED and len(OTHERS) == len(SUPPORTED) - 1


@pytest.mark.parametrize("version", OTHERS)
def test_another_supported_python_gives_the_same_answers(version):
    from tests.calculator.calc_scenarios import load_scenarios

    python = shutil.which(f"python{version}")
    if not runs(python):
        pytest.skip(f"python{version} is not installed on this machine")
    requests = [s.request for s in load_scenarios()] + [{"question": "networks", "date": "2023-10-01", "age": 1e308},
                                                        {"question": "x"}, [], "text", None]
    here, ours = answers_of(sys.executable, requests)
    there, theirs = answers_of(python, requests)
    assert (here, there) == ("%d.%d" % sys.version_info[:2], version), f"python{version} runs Python {there}"
    assert here != there
    assert len(ours) == len(theirs) == len(requests)
    differ = [(r, a, b) for r, a, b in zip(requests, ours, theirs) if a != b]
    assert not differ, f"{len(differ)} answer(s) differ between Python {here} and {there}; first: {differ[0]}"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(list(OK) + ["x"]), c, max_size=5),
    max_leaves=8,
)


@settings(max_examples=25, deadline=None)
@given(st.one_of(json_values, st.fixed_dictionaries({k: st.just(v) for k, v in OK.items()}), st.builds(
    lambda k, v: {**OK, k: v}, st.sampled_from(list(OK)), json_values)))
def test_the_exit_code_says_whether_there_is_an_answer(value):
    p = run(json.dumps(value).encode())
    out = json.loads(p.stdout)
    assert p.returncode == (0 if out["ok"] else 1)
    assert b"Traceback" not in p.stderr


def test_broken_data_give_file_line_and_fix_not_a_traceback(tmp_path):
    """A maintainer's typo in calculator/data: the CLI says where and what to do (exit 3)."""
    import shutil

    shutil.copytree(REPO / "calculator", tmp_path / "calculator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    data = tmp_path / "calculator" / "data" / "contribution.toml"
    data.write_text(data.read_text(encoding="utf-8").replace("[[copay_group.values]]", "[[copay_group.values]", 1),
                    encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "CALCULATOR_LANG": "fr"}
    p = subprocess.run([sys.executable, "-m", "calculator"], input=b'{"question": "networks", "date": "2023-10-01", "age": 16}',
                       capture_output=True, cwd=tmp_path, env=env, timeout=60)
    err = p.stderr.decode("utf-8")
    assert p.returncode == 3, err
    assert "Traceback" not in err
    assert "calculator/data/contribution.toml:" in err and "fix:" in err
    assert err.count("fix:") == 1, err  # one problem, one message
