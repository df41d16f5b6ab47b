"""The build's side of the calculator: the same package the browser runs.

The site never restates a rule: the pseudocode table's attributes, the checks of
the calculator's citations and the answers shown before the engine is ready all
come from `calculator.answer`, the package's public API.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sources import SourceProblem  # noqa: E402


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


def check_calculator(docs, anchors: dict[str, set[str]]) -> list[SourceProblem]:
    """The calculator's data must cite paragraphs that exist, and know exactly
    the pseudocodes of the annex table."""
    import calculator

    problems: list[SourceProblem] = []
    data_dir = ROOT / "calculator" / "data"
    for message in calculator.validate(known_anchors=anchors):
        problems.append(SourceProblem(data_dir, 0, message, "edit the calculator's data file it names"))
    annex_codes = set(docs["annex-pseudocodes"]["fr"].table_codes())
    calc_codes = set(calculator.known_codes())
    for code in sorted(annex_codes - calc_codes):
        problems.append(SourceProblem(data_dir / "pseudocodes.toml", 0, f"pseudocode {code} is in the annex table but not in the calculator",
                                      "add it to calculator/data/pseudocodes.toml with its attributes"))
    for code in sorted(calc_codes - annex_codes):
        problems.append(SourceProblem(data_dir / "pseudocodes.toml", 0, f"pseudocode {code} is in the calculator but not in the annex table",
                                      "add its row to sources/annex-pseudocodes or remove it from the calculator"))
    return problems
