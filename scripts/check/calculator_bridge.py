"""The build's side of the calculator: the same package the browser runs.

The site never restates a rule: the pseudocode table's attributes, the checks of
the calculator's citations and the answers shown before the engine is ready all
come from `calculator.answer`, the package's public API.
"""

from __future__ import annotations

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


def check_calculator(docs, anchors: dict[str, set[str]], files: dict[str, bytes] | None = None,
                     lang: str | None = None) -> list[SourceProblem]:
    """The calculator's data must cite paragraphs that exist, and know exactly
    the pseudocodes of the annex table. Each problem is a record of the package
    (calculator.problems.Problem: file, line, fix), told in the maintainer's
    language (`lang`, else $CALCULATOR_LANG, else French)."""
    from calculator.params import parse_rules, read_data_files
    from calculator.problems import Problems
    from calculator.validation import CODES_FILE, validation_problems

    data_dir = ROOT / "calculator" / "data"
    files = files if files is not None else read_data_files()

    def shown(p, path=None) -> SourceProblem:
        return SourceProblem(path or (data_dir / p.file if p.file else data_dir), p.line, p.message(lang), p.fix(lang))

    problems = [shown(p) for p in validation_problems(known_anchors=anchors, files=files)]
    annex = docs["annex-pseudocodes"]["fr"]
    table = next((b for b in annex.blocks if b.kind == "table" and any(r.id.startswith("code-") for r in b.rows)), None)
    annex_rows = {r.id.removeprefix("code-"): r.line for b in annex.blocks
                  if b.kind == "table" for r in b.rows if r.id.startswith("code-")}
    calc_codes = {pc.code for pc in parse_rules(files).pseudocodes}
    found = Problems(files)
    for code in sorted(set(annex_rows) - calc_codes):
        problems.append(shown(found.add("annex_code_not_in_calculator", line=annex_rows[code], code=code), annex.path))
    for code in sorted(calc_codes - set(annex_rows)):
        problems.append(shown(found.add("code_not_in_annex", CODES_FILE, "codes", pcode=code, key="code", code=code,
                                        after=table.line if table else "?")))
    return problems
