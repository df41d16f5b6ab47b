"""Answers for dates before 1 February 2024 are exactly those given before the rules of 2024 were encoded.

The snapshot (snapshots/answers-before-2024-02-01.jsonl, see answers_snapshot.py)
was recorded before the change: every scenario request dated before 2024-02-01
(or undated) and a grid of contribution/course requests on four dates before
2024-02-01. Only the rules_version string may differ.
"""

from __future__ import annotations

import json
import re

import calculator
from tests.republish.answers_snapshot import digest, read

HEADER, RECORDS = read()


def test_the_snapshot_covers_scenarios_and_grid():
    assert HEADER["rules_version"] == "2024-04-01.3"  # re-recorded for issue 13 (see answers_snapshot.py)
    assert len(RECORDS) > 3000
    questions = {r.get("question") for r, _ in RECORDS}
    assert {"networks", "quota", "contribution", "course", "pseudocode", "fees"} <= questions
    assert all(str(r.get("date") or "") < HEADER["cutoff"] for r, _ in RECORDS)


def test_every_answer_before_2024_02_01_is_byte_identical_but_the_rules_version():
    version = calculator.rules_version()
    assert version >= HEADER["rules_version"], "rules_version never goes back"
    changed = []
    for request, expected in RECORDS:
        text = calculator.answer_json(json.dumps(request))
        found = re.findall(r'"rules_version": "([^"]*)"', text)
        assert found in ([], [version]), (request, found)
        if digest(text) != expected:
            changed.append((request, text))
    assert not changed, f"{len(changed)} answer(s) changed, e.g. {changed[0][0]}:\n{changed[0][1]}"
