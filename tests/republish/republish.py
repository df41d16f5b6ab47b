"""Helpers of the republishing tests: a copy of the project, the fixtures, the copy's calculator."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.project_copy import copy_project, tree_digest  # noqa: F401  (for the tests)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def apply_edits(project: Path, edits: list[dict]) -> None:
    """Make the edits of a fixture (the kinds are described in fixtures/sixth-amendment/edits.toml)."""
    for e in edits:
        path = project / e["file"]
        content = path.read_text(encoding="utf-8")
        if "find" in e:
            assert content.count(e["find"]) == 1, f"{e['file']}: {e['find']!r} found {content.count(e['find'])} times"
            content = content.replace(e["find"], e["text"])
        elif "pattern" in e:
            content, n = re.subn(e["pattern"], e["text"], content)
            assert n == 1, f"{e['file']}: {e['pattern']!r} matched {n} times"
        elif "add_value" in e:
            content = add_value(content, e["add_value"], e["start"], e["text"])
        else:
            content = content.rstrip("\n") + "\n" + e["text"]
        path.write_text(content, encoding="utf-8")


def add_value(content: str, parameter: str, start: dt.date, text: str) -> str:
    """Add a value of `parameter` from `start` after its last one, as a maintainer does
    (MAINTAINERS.md, step 5): the earlier value holds until the day before."""
    lines = content.split("\n")
    header = f"[[{parameter}.values]]"
    last = max(i for i, l in enumerate(lines) if l.strip() == header)
    end = next((j for j in range(last + 1, len(lines)) if lines[j].startswith("[")), len(lines))
    while end > last and not lines[end - 1].strip():
        end -= 1
    block = lines[last:end]
    assert not any(l.startswith("end = ") for l in block), f"the last value of {parameter} has an end"
    new = ["", header, f"start = {start.isoformat()}", *text.rstrip("\n").split("\n")]
    lines[end:end] = new
    return "\n".join(lines)


def apply_fixture(project: Path, name: str = "sixth-amendment") -> None:
    """Copy the fixture's files into the project, then make its data edits."""
    fixture = FIXTURES / name
    files = fixture / "files"
    for src in sorted(files.rglob("*")):
        if src.is_file():
            target = project / src.relative_to(files)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    apply_edits(project, tomllib.loads((fixture / "edits.toml").read_text(encoding="utf-8"))["edit"])


def broken_variants() -> dict[str, dict]:
    return tomllib.loads((FIXTURES / "sixth-amendment-broken" / "edits.toml").read_text(encoding="utf-8"))["variant"]


def run(project: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=project, input=stdin, capture_output=True, text=True,
                          timeout=600)


def build(project: Path) -> subprocess.CompletedProcess:
    return run(project, "-m", "scripts.build")


ANSWER_MANY = (
    "import json, sys\n"
    "import calculator\n"
    "for line in sys.stdin.read().splitlines():\n"
    "    print(calculator.answer_json(line))\n"
)


def answers(project: Path, requests: list[dict]) -> list[str]:
    """The JSON text of the copy's calculator for each request (one process for all)."""
    p = run(project, "-c", ANSWER_MANY, stdin="\n".join(json.dumps(r) for r in requests) + "\n")
    assert p.returncode == 0, p.stderr
    return p.stdout.splitlines()


def cli(project: Path, request: dict) -> dict:
    """One answer through the command line, `python -m calculator`, in the copy."""
    p = run(project, "-m", "calculator", stdin=json.dumps(request))
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)
