"""Loading and checking the scenario tables of tests/calculator/scenarios/*.toml.

Shared by the CPython test, the Pyodide parity test and the benchmark.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
NULL = "null"  # TOML has no null: "null" in `expect` stands for JSON null
CASE_KEYS = {
    "name", "request", "expect", "warnings", "no_warnings", "citations", "interpretations",
    "explanation_fr", "explanation_nl", "errors",
}


@dataclass
class Scenario:
    file: str
    name: str
    request: dict
    spec: dict = field(repr=False)
    line: int = 0   # the line of its [[case]] in the file

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"

    @property
    def where(self) -> str:
        """tests/calculator/scenarios/<file>:<line>, for a failure message."""
        return f"tests/calculator/scenarios/{self.file}:{self.line}"


def load_scenarios(directory: Path = SCENARIO_DIR) -> list[Scenario]:
    out = []
    for path in sorted(directory.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        case_lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[case]]"]
        question = data.get("question")
        for i, case in enumerate(data.get("case", [])):
            unknown = set(case) - CASE_KEYS
            if unknown or "name" not in case or "request" not in case:
                raise ValueError(f"{path.name}:{case_lines[i] if i < len(case_lines) else 0} case #{i + 1}: needs name and request; unknown keys {sorted(unknown)}")
            request = dict(case["request"])
            if question is not None:
                request = {"question": question, **request}
            line = case_lines[i] if i < len(case_lines) else 0
            out.append(Scenario(path.name, case["name"], request, case, line))
    names = [s.id for s in out]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"duplicate scenario names: {sorted(duplicates)}")
    return out


def _subset(expected: Any, actual: Any, path: str, problems: list[str]) -> None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{path}: expected an object, got {actual!r}")
            return
        for k, v in expected.items():
            if k not in actual:
                problems.append(f"{path}.{k}: missing in the answer")
            else:
                _subset(v, actual[k], f"{path}.{k}", problems)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            problems.append(f"{path}: expected {len(expected)} item(s), got {actual!r}")
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            _subset(e, a, f"{path}[{i}]", problems)
    elif expected == NULL:
        if actual is not None:
            problems.append(f"{path}: expected null, got {actual!r}")
    elif isinstance(expected, bool) or isinstance(actual, bool):
        if expected is not actual:
            problems.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif expected != actual:
        problems.append(f"{path}: expected {expected!r}, got {actual!r}")


def check(scenario: Scenario, answer: dict) -> list[str]:
    """Everything in the answer that contradicts the scenario (empty: the answer is right)."""
    spec = scenario.spec
    problems: list[str] = []
    if "errors" in spec:
        if answer.get("ok") is not False:
            return [f"expected errors {spec['errors']}, got an answer {answer.get('result')!r}"]
        got = [(e["field"], e["code"]) for e in answer["errors"]]
        want = [(e["field"], e["code"]) for e in spec["errors"]]
        if got != want:
            problems.append(f"errors: expected {want}, got {got}")
        for e in answer["errors"]:
            if not e.get("fr") or not e.get("nl"):
                problems.append(f"error {e} lacks its French or Dutch message")
        return problems
    if answer.get("ok") is not True:
        return [f"expected an answer, got errors {answer.get('errors')}"]
    _subset(spec.get("expect", {}), answer["result"], "result", problems)
    warnings = {w["code"] for w in answer["warnings"]}
    for code in spec.get("warnings", []):
        if code not in warnings:
            problems.append(f"warning {code!r} missing (got {sorted(warnings)})")
    for code in spec.get("no_warnings", []):
        if code in warnings:
            problems.append(f"warning {code!r} should not be there")
    cited = {f"{c['doc']}#{c['para']}" for c in answer["citations"]}
    for ref in spec.get("citations", []):
        if ref not in cited:
            problems.append(f"citation {ref!r} missing (got {sorted(cited)})")
    interps = {i["id"] for i in answer["interpretations"]}
    for iid in spec.get("interpretations", []):
        if iid not in interps:
            problems.append(f"interpretation {iid!r} missing (got {sorted(interps)})")
    for lang in ("fr", "nl"):
        words = spec.get(f"explanation_{lang}")
        if words and words not in answer["explanation"][lang]:
            problems.append(f"explanation ({lang}) lacks {words!r}: {answer['explanation'][lang]!r}")
    return problems
