"""Sentences true as a reader meets them (issue 13 items 4 and 5): the error of fields
that go together, the course's sentences for a series, one name for the personal
contribution."""

from __future__ import annotations

import calculator

DAY = "2024-03-01"


def _errors(request: dict) -> list[dict]:
    answer = calculator.answer(request)
    assert not answer["ok"]
    return [e for e in answer["errors"] if e["code"] == "fields_go_together"]


def test_fields_that_go_together_say_all_or_none_for_more_than_two():
    # fees: route, place, bim and first_session go together (the "situation" group)
    many = _errors({"question": "fees", "service": "individual_session", "date": DAY, "place": "school"})
    assert len(many) == 3
    for e in many:
        assert "tous ou aucun" in e["fr"] and "des deux" not in e["fr"], e["fr"]
        assert "alle of geen" in e["nl"] and "beide" not in e["nl"], e["nl"]
    # course: care_type and network, two fields
    two = _errors({"question": "course", "date": DAY, "age": 12, "route": "outside", "place": "psychologist_office",
                   "modality": "individual", "bim": False, "first_session": True, "sessions": 3, "care_type": "sppl"})
    assert [e["field"] for e in two] == ["network"]
    assert "aucun des deux" in two[0]["fr"] and "geen van beide" in two[0]["nl"]
