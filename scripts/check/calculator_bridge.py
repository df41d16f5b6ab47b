"""The build's side of the calculator: the same package the browser runs.

The site never restates a rule: the pseudocode table's attributes, the checks of
the calculator's citations and the answers shown before the engine is ready all
come from `calculator.answer`, the package's public API.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from scripts.check.sources import SourceProblem


@lru_cache(maxsize=None)
def _pseudocode(code: str) -> dict:
    import calculator

    answer = calculator.answer({"question": "pseudocode", "code": code})
    if not answer.get("ok"):
        raise KeyError(code)
    return answer


def code_attributes(code: str, lang: str) -> dict:
    """Labels of a code's attributes in `lang`, for the pseudocode table."""
    result = _pseudocode(code)["result"]
    entry = result["codes"][0]
    labels = entry["labels"][lang]
    return {
        # the abbreviation (its tooltip gives the full name) keeps the column narrow
        "care": entry["care_type"].upper() if entry["care_type"] != "none" else "",
        "modality": labels.get("modality", ""),
        "kind": labels.get("kind", ""),
        "team": labels.get("team", ""),
        "reserved": bool(result.get("reserved_no_contribution")),
    }


def check_calculator(docs, anchors: dict[str, set[str]], files: dict[str, bytes] | None = None) -> list[SourceProblem]:
    """The calculator's data must cite paragraphs that exist, and know exactly
    the pseudocodes of the annex table. Each problem names the data file, the
    line and what to do (calculator.locate)."""
    from calculator.params import parse_rules, read_data_files
    from calculator.validation import validate_located

    problems: list[SourceProblem] = []
    data_dir = ROOT / "calculator" / "data"
    files = files if files is not None else read_data_files()
    for p in validate_located(known_anchors=anchors, files=files):
        problems.append(SourceProblem(data_dir / p.file if p.file else data_dir, p.line, p.message, p.fix))
    table = next((b for b in docs["annex-pseudocodes"]["fr"].blocks if b.kind == "table"
                  and any(r.id.startswith("code-") for r in b.rows)), None)
    annex_rows = {r.id.removeprefix("code-"): r.line for b in docs["annex-pseudocodes"]["fr"].blocks
                  if b.kind == "table" for r in b.rows if r.id.startswith("code-")}
    codes_text = files.get("pseudocodes.toml", b"").decode("utf-8", errors="replace").splitlines()
    code_lines = {}
    for i, line in enumerate(codes_text, 1):
        if line.strip().startswith("code = "):
            code_lines[line.split("=", 1)[1].strip().strip('"')] = i
    calc_codes = {pc.code for pc in parse_rules(files).pseudocodes}
    annex_path = docs["annex-pseudocodes"]["fr"].path
    for code in sorted(set(annex_rows) - calc_codes):
        problems.append(SourceProblem(annex_path, annex_rows[code], f"pseudocode {code} is in the annex table but not in the calculator",
                                      "add a [[codes]] entry for it to calculator/data/pseudocodes.toml with its attributes "
                                      "(copy the entry of a similar code and change it)"))
    for code in sorted(calc_codes - set(annex_rows)):
        problems.append(SourceProblem(data_dir / "pseudocodes.toml", code_lines.get(code, 0),
                                      f"pseudocode {code} is used by the calculator but is not in the annex table",
                                      f"add its row '| {{#code-{code}}} {code} | … |' to the table of sources/annex-pseudocodes/fr.md "
                                      f"and nl.md{f' (after line {table.line})' if table else ''}, or remove the [[codes]] entry"))
    return problems
