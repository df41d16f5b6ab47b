"""The answers the calculator gave before the rules of 2024 were taken in.

    .venv/bin/python -m tests.republish.answers_snapshot --write   # re-record (only if the grid itself changes)

The snapshot (snapshots/answers-before-2024-02-01.jsonl) was recorded from the
calculator as it was *before* the change of 1 February 2024 was encoded (rules
2023-09-01.1): every scenario request of tests/calculator/scenarios dated
before 2024-02-01 or undated (stored with its request), then the answers to a
grid of contribution and course requests on four dates before 2024-02-01 (the
requests are rebuilt by grid_requests(), in order). Re-recorded with rules
2024-02-01.2 for issue 12 (which centre; the route independent_psychologist):
the grid then gives each centre's route with `centre` (cpms and clb); every
answer that changed is listed, with the paragraph that makes it right, in the
closing note of issue 12. Re-recorded with rules 2024-04-01.2 for issue 13: the 21
pseudocode answers that quote the Dutch annex (codes 792212, 792234, 792256 "onder
supervisie van", and "in de eerste lijn") changed in that quoted text only; with the
two renderings put back, their digests are those of 2024-02-01.2. Re-recorded again for
issue 13, wording only: the explanations (a course of several sessions speaks of its
sessions; one name for the personal contribution, glossed once), the warning
free_ends_later (the same name), the error fields_go_together (all or none for more than
two fields). Re-recorded with rules 2024-04-01.3 for issue 13, wording only: the rules'
data say the same one name (descriptions, labels, interpretations, references:
"ticket modérateur" for "intervention personnelle", "forfait trajet (trajectvergoeding)"
for "indemnité de trajet", the note's own term). Each answer is stored as
the SHA-256 of its JSON text (exactly what `python -m calculator` prints), with
the rules_version value blanked: that string changes with every change of the
rules, nothing else may. test_answers_unchanged.py compares.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SNAPSHOT = HERE / "snapshots" / "answers-before-2024-02-01.jsonl"
CUTOFF = "2024-02-01"
GRID_DATES = ("2022-10-21", "2023-08-31", "2023-09-01", "2024-01-31")
VERSION_RE = re.compile(r'"rules_version": "[^"]*"')


def scenario_requests() -> list[dict]:
    out = []
    for path in sorted((REPO / "tests" / "calculator" / "scenarios").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        question = data.get("question")
        for case in data.get("case", []):
            req = dict(case["request"])
            if question is not None:
                req = {"question": question, **req}
            d = req.get("date")
            if d is None or (isinstance(d, str) and d < CUTOFF):
                out.append(req)
    return out


def grid_requests() -> list[dict]:
    routes = (("outside", None), *((r, c) for r in ("own_convention", "other_organisation", "independent_psychologist")
                                   for c in ("cpms", "clb")))
    places = ("psychologist_office", "cpms_clb", "school", "boarding_school", "video", "living_environment")
    out = []
    for d, (route, centre), place, modality, bim, first, age in itertools.product(
            GRID_DATES, routes, places, ("individual", "group"), (False, True), (False, True), (12, 23, 24, 40)):
        situation = {"route": route, **({"centre": centre} if centre else {}), "place": place}
        out.append({"question": "contribution", "date": d, "age": age, **situation,
                    "modality": modality, "bim": bim, "first_session": first})
        if not first:
            out.append({"question": "course", "date": d, "age": age, **situation,
                        "modality": modality, "bim": bim, "first_session": True, "sessions": 5})
    return out


def answer_text(request: dict) -> str:
    import calculator

    return calculator.answer_json(json.dumps(request))


def digest(answer: str) -> str:
    """SHA-256 of the answer's JSON text with the rules_version value blanked."""
    blanked, n = VERSION_RE.subn('"rules_version": ""', answer)
    return hashlib.sha256(blanked.encode("utf-8")).hexdigest()


def write() -> None:
    import calculator

    lines = [json.dumps({"rules_version": calculator.rules_version(), "cutoff": CUTOFF})]
    lines += [json.dumps({"request": r, "sha256": digest(answer_text(r))}, ensure_ascii=False, separators=(",", ":"))
              for r in scenario_requests()]
    lines += [json.dumps({"grid": i, "sha256": digest(answer_text(r))}, separators=(",", ":"))
              for i, r in enumerate(grid_requests())]
    SNAPSHOT.parent.mkdir(exist_ok=True)
    SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} answers recorded in {SNAPSHOT.relative_to(REPO)}")


def read() -> tuple[dict, list[tuple[dict, str]]]:
    """(header, [(request, sha256)]) with the grid requests rebuilt."""
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    grid = grid_requests()
    out = []
    for line in lines[1:]:
        rec = json.loads(line)
        out.append((rec["request"] if "request" in rec else grid[rec["grid"]], rec["sha256"]))
    return header, out


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        print(__doc__)
