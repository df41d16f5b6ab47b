"""The data files are valid, and the validation refuses broken data."""

from __future__ import annotations

from pathlib import Path

import re

import pytest

import calculator
from calculator.params import load_rules, read_data_files
from calculator.validation import collect_anchors, collect_short_titles, validate

REPO = Path(__file__).resolve().parents[2]

SOURCES = REPO / "sources"
PROMISED = {
    "circular-8761": "cost-1 cost-2 cost-3 cost-4 quota-intro quota-sppl-children quota-sppl-adults quota-sps-children "
                     "quota-sps-adults networks-children networks-adults networks-overlap access-routes access-route-refer "
                     "access-route-collaborate access-route-other-missions access-route-convention collaborate-hub parents-info-1",
    "amendment-5": "art1-intro art1-par1-1 art1-par1-1-cond1 art1-par1-1-cond2 art1-par1-2 art1-par1-2-cond1 "
                   "art1-par1-2-cond2 art1-codes art2 art3",
    "inami-letter-2023": "purpose situation-1-intro situation-1-cond1 situation-1-cond2 situation-2-intro "
                         "situation-2-cond1 situation-2-cond2",
    "annex-pseudocodes": "codes updates abbr-sppl abbr-sps",
    "riziv-note-clb": "fees-intro fee-individual fee-group copay other-premiums min-hours indexation care-type-elp "
                      "care-type-gelp clb-free hub-function route-1 route-2 route-3",
}


@pytest.fixture(scope="module")
def anchors():
    assert SOURCES.is_dir(), "sources/ is part of the repository"
    return collect_anchors(SOURCES)


def test_data_files_are_valid_and_every_reference_resolves(anchors):
    assert validate(anchors) == []


def test_promised_paragraphs_exist(anchors):
    for doc, ids in PROMISED.items():
        missing = set(ids.split()) - anchors.get(doc, set())
        assert not missing, f"{doc}: {sorted(missing)}"


def test_document_titles_are_the_short_titles_of_the_sources():
    titles = collect_short_titles(SOURCES)
    rules = load_rules()
    for doc, text in rules.documents.items():
        assert titles[doc] == {"fr": text.fr, "nl": text.nl}, doc


def _table_rows(path):
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*\{#code-(\d{6})\}\s*\d{6}\s*\|\s*(.*?)\s*\|\s*$", line)
        if m:
            rows[m.group(1)] = " ".join(m.group(2).split())
    return rows


def test_pseudocode_descriptions_are_those_of_the_annex():
    fr = _table_rows(SOURCES / "annex-pseudocodes" / "fr.md")
    nl = _table_rows(SOURCES / "annex-pseudocodes" / "nl.md")
    codes = load_rules().pseudocodes
    assert len(codes) == 45
    assert {pc.code for pc in codes} == set(fr) == set(nl)
    for pc in codes:
        assert pc.description.fr == fr[pc.code], pc.code
        assert pc.description.nl == nl[pc.code], pc.code


def test_the_eight_reserved_codes_are_those_of_the_amendment():
    text = (SOURCES / "amendment-5" / "fr.md").read_text(encoding="utf-8")
    para = next(line for line in text.splitlines() if "{#art1-codes}" in line)
    listed = set(re.findall(r"\b(\d{6})\b", para))
    flagged = {pc.code for pc in load_rules().pseudocodes if pc.reserved_no_contribution}
    assert len(listed) == 8 and flagged == listed


def test_every_interpretation_is_shown_by_some_scenario():
    from tests.calculator.calc_scenarios import load_scenarios

    seen = set()
    for s in load_scenarios():
        a = calculator.answer(s.request)
        if a["ok"]:
            seen |= {i["id"] for i in a["interpretations"]}
    assert seen == set(load_rules().interpretations)


# --- broken data is refused ----------------------------------------------------


def _mutate(name: str, old: str, new: str, count: int = 1) -> dict[str, bytes]:
    files = dict(read_data_files())
    text = files[name].decode("utf-8")
    assert old in text, f"{old!r} not in {name}"
    files[name] = text.replace(old, new, count).encode("utf-8")
    return files


def _problems(files, anchors=None) -> str:
    problems = validate(anchors, files=files)
    assert problems, "the validation accepted broken data"
    return "\n".join(problems)


ROUTE_2023 = 'start = 2023-09-01\nvalue = { free = ["cpms_clb", "school", "boarding_school"]'


def test_refuses_a_gap():
    files = _mutate("contribution.toml", ROUTE_2023, ROUTE_2023.replace("2023-09-01", "2023-09-05"))
    assert "gap between 2023-08-31 and 2023-09-05" in _problems(files)


def test_refuses_an_overlap():
    files = _mutate("contribution.toml", ROUTE_2023, ROUTE_2023.replace("2023-09-01", "2023-08-15"))
    assert "overlaps" in _problems(files)


def test_refuses_a_closed_last_value():
    # the last value of copay_group, whatever its date (a maintainer may add later ones)
    files = dict(read_data_files())
    lines = files["contribution.toml"].decode("utf-8").splitlines()
    last = max(i for i, l in enumerate(lines) if l.strip() == "[[copay_group.values]]")
    start = next(i for i in range(last, len(lines)) if lines[i].startswith("start = "))
    assert not lines[start + 1].startswith("end = ")
    lines.insert(start + 1, "end = 2099-12-31")
    files["contribution.toml"] = "\n".join(lines).encode("utf-8")
    assert "open-ended" in _problems(files)


def test_refuses_a_missing_reference():
    files = _mutate("contribution.toml", 'value = "2.50"\nref = "circular-8761#cost-3"\n', 'value = "2.50"\n')
    assert "missing ref" in _problems(files)


def test_refuses_a_reference_to_a_paragraph_that_does_not_exist(anchors):
    files = _mutate("contribution.toml", 'value = "2.50"\nref = "circular-8761#cost-3"', 'value = "2.50"\nref = "circular-8761#cost-99"')
    out = _problems(files, anchors)
    assert "no paragraph {#cost-99}" in out and "no label in anchors.toml" in out


def test_refuses_an_unknown_document():
    files = _mutate("contribution.toml", 'ref = "circular-8761#cost-4"', 'ref = "circular-9999#cost-4"')
    assert "unknown document 'circular-9999'" in _problems(files)


def test_refuses_a_missing_translation_of_a_label():
    files = _mutate("networks.toml", ', nl = "Netwerk \'volwassenen\': vanaf 15 jaar" }', " }")
    assert "missing or empty translation 'nl'" in _problems(files)


def test_refuses_a_missing_translation_in_the_catalogue():
    files = _mutate("messages.nl.toml", 'indexed = "Dit bedrag', 'indexed_typo = "Dit bedrag')
    out = _problems(files)
    assert "messages.nl.toml: missing translation of 'warnings.indexed'" in out


def test_refuses_different_placeholders():
    files = _mutate("messages.nl.toml", "De volgende sessie kost {amount}.", "De volgende sessie kost {bedrag}.")
    assert "placeholders" in _problems(files)


def test_refuses_an_unknown_interpretation():
    files = _mutate("quotas.toml", 'interpretations = ["sps-average-and-maximum"]', 'interpretations = ["sps-avg"]')
    assert "unknown interpretation 'sps-avg'" in _problems(files)


def test_refuses_an_amount_that_is_not_in_cents():
    files = _mutate("contribution.toml", 'value = "11.00"', 'value = "11.005"')
    assert "at most 2 decimals" in _problems(files)


def test_refuses_reserved_flags_that_differ_from_the_amendment():
    files = _mutate("pseudocodes.toml", 'code = "792632"\ncare_type = "sppl"\nmodality = "individual"\nkind = "first"\nteam = "one_psychologist"\noutreach = false\nreserved_no_contribution = false',
                    'code = "792632"\ncare_type = "sppl"\nmodality = "individual"\nkind = "first"\nteam = "one_psychologist"\noutreach = false\nreserved_no_contribution = true')
    assert "reserved_no_contribution" in _problems(files)


def test_refuses_an_unknown_place():
    files = _mutate("contribution.toml", 'free = ["cpms_clb"], not_allowed', 'free = ["cpms"], not_allowed')
    assert "free must list places" in _problems(files)


def test_refuses_broken_toml():
    files = _mutate("fees.toml", "[fee_individual]", "[fee_individual")
    assert "not valid TOML" in _problems(files)


def test_refuses_a_missing_parameter():
    files = _mutate("fees.toml", "[fee_trajectory]", "[fee_trajectory_old]")
    files["fees.toml"] = files["fees.toml"].replace(b"[[fee_trajectory.values]]", b"[[fee_trajectory_old.values]]")
    assert "parameter 'fee_trajectory' is missing" in _problems(files)
