"""The data files are valid, and the validation refuses broken data."""

from __future__ import annotations

from pathlib import Path

import re

import pytest

import datetime as dt

import calculator
from calculator.params import load_rules, parse_rules, read_data_files
from calculator.problems import problem_words
from calculator.validation import collect_anchors, collect_short_titles, validate, validation_problems

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


def _found(files, anchors=None) -> list:
    problems = validation_problems(anchors, files=files)
    assert problems, "the validation accepted broken data"
    return problems


def _one(files, code: str, anchors=None):
    """The problem of that code; it names a file and a line, and is worded in both languages."""
    hits = [p for p in _found(files, anchors) if p.code == code]
    assert hits, (code, [p.render() for p in _found(files, anchors)])
    p = hits[0]
    assert p.file and p.line > 0, p
    for lang in ("fr", "nl"):
        assert p.code not in p.message(lang) and p.fix(lang), p.render(lang)
    return p


def _line(files, p) -> str:
    return files[p.file].decode("utf-8").splitlines()[p.line - 1]


ROUTE_2022 = 'start = 2022-10-21\nvalue = { free = ["cpms_clb", "school", "boarding_school"], not_allowed = [], basis = "circular" }\nref = "circular-8761#cost-1"\nalso = ["circular-8761#access-route-convention"]'
ROUTE_2023 = 'start = 2023-09-01\nvalue = { free = ["cpms_clb", "school", "boarding_school"]'


def test_a_value_holds_until_the_next_one_starts():
    rules = load_rules()
    values = rules.param("route_own_convention_cpms").values
    assert [(v.start, v.end) for v in values] == [(dt.date(2022, 10, 21), dt.date(2023, 8, 31)),
                                                   (dt.date(2023, 9, 1), None)]
    # moving a start moves the end of the value before it: there is no gap to make
    files = _mutate("contribution.toml", ROUTE_2023, ROUTE_2023.replace("2023-09-01", "2023-09-05"))
    assert validate(files=files) == []
    moved = parse_rules(files).param("route_own_convention_cpms")
    assert moved.at(dt.date(2023, 9, 4)).start == dt.date(2022, 10, 21)
    assert moved.at(dt.date(2023, 9, 5)).start == dt.date(2023, 9, 5)


def test_an_end_that_agrees_with_the_next_start_is_accepted():
    files = _mutate("contribution.toml", ROUTE_2022, ROUTE_2022.replace("\nvalue", "\nend = 2023-08-31\nvalue", 1))
    assert validate(files=files) == []


def test_refuses_an_end_that_contradicts_the_next_start():
    files = _mutate("contribution.toml", ROUTE_2022, ROUTE_2022.replace("\nvalue", "\nend = 2023-09-15\nvalue", 1))
    p = _one(files, "end_contradicts_next")
    assert (p.table, p.start) == ("route_own_convention_cpms", dt.date(2022, 10, 21))
    assert _line(files, p) == "end = 2023-09-15"
    assert "end = 2023-08-31" in p.fix("fr") and "2023-09-01" in p.message("fr")
    assert [q.code for q in _found(files)] == ["end_contradicts_next"]


def test_refuses_two_values_that_start_the_same_day():
    files = _mutate("contribution.toml", ROUTE_2023, ROUTE_2023.replace("2023-09-01", "2022-10-21"))
    p = _one(files, "same_start")
    assert _line(files, p) == "start = 2022-10-21"


def test_refuses_a_closed_last_value():
    # the last value of copay_group, whatever its date (a maintainer may add later ones)
    files = dict(read_data_files())
    lines = files["contribution.toml"].decode("utf-8").splitlines()
    last = max(i for i, l in enumerate(lines) if l.strip() == "[[copay_group.values]]")
    start = next(i for i in range(last, len(lines)) if lines[i].startswith("start = "))
    assert not lines[start + 1].startswith("end = ")
    lines.insert(start + 1, "end = 2099-12-31")
    files["contribution.toml"] = "\n".join(lines).encode("utf-8")
    p = _one(files, "last_value_ends")
    assert p.line == start + 2 and "end = 2099-12-31" in p.fix("fr")


def test_refuses_a_missing_reference():
    files = _mutate("contribution.toml", 'value = "2.50"\nref = "circular-8761#cost-3"\n', 'value = "2.50"\n')
    p = _one(files, "ref_missing")
    assert p.table == "copay_group"


def test_a_misspelled_paragraph_is_the_cause_not_a_missing_label(anchors):
    files = _mutate("contribution.toml", 'value = "2.50"\nref = "circular-8761#cost-3"', 'value = "2.50"\nref = "circular-8761#cost-99"')
    p = _one(files, "paragraph_unknown", anchors)
    assert _line(files, p) == 'ref = "circular-8761#cost-99"'
    assert [q.code for q in _found(files, anchors)] == ["paragraph_unknown"]
    # without the sources, the validation cannot tell: it asks for the label, spelling first
    q = _one(files, "label_missing")
    assert q.fix("fr").startswith("vérifiez d'abord l'orthographe")


def test_refuses_an_unknown_document():
    files = _mutate("contribution.toml", 'ref = "circular-8761#cost-4"', 'ref = "circular-9999#cost-4"')
    p = _one(files, "document_unknown")
    assert p.param("doc") == "circular-9999" and _line(files, p) == 'ref = "circular-9999#cost-4"'


def test_refuses_a_missing_translation_of_a_label():
    files = _mutate("networks.toml", ', nl = "Netwerk \'volwassenen\': vanaf {value} jaar" }', " }")
    p = _one(files, "translation_missing")
    assert p.param("lang") == "nl" and _line(files, p).startswith("label = ")


def test_refuses_a_missing_translation_in_the_catalogue():
    # a key that is not in the other language, and resembles one of its keys: one problem, at that key
    files = _mutate("messages.nl.toml", 'indexed = "Dit bedrag', 'indexed_typo = "Dit bedrag')
    [p] = _found(files)
    assert (p.code, p.file, p.param("meant")) == ("catalogue_key_misspelled", "messages.nl.toml", "warnings.indexed")
    assert _line(files, p).startswith("indexed_typo = ")
    # a key that is simply missing: said in the file that lacks it
    files = _mutate("messages.nl.toml", 'indexed = "Dit bedrag', '# indexed = "Dit bedrag')
    [p] = _found(files)
    assert (p.code, p.file, p.param("name"), _line(files, p)) == (
        "translation_key_missing", "messages.nl.toml", "warnings.indexed", "[warnings]")


def test_refuses_different_placeholders():
    files = _mutate("messages.nl.toml", "De volgende sessie kost {amount}.", "De volgende sessie kost {bedrag}.")
    p = _one(files, "placeholders_differ")
    assert p.param("nl") == ["bedrag"]


def test_the_problem_catalogues_are_checked_like_the_messages():
    files = _mutate("problems.nl.toml", "[same_start]\nmessage =", "[same_start]\n# message =")
    [p] = _found(files)
    assert (p.code, p.file, p.param("name"), _line(files, p)) == (
        "translation_key_missing", "problems.nl.toml", "same_start.message", "[same_start]")
    files = _mutate("problems.fr.toml", "la dernière valeur se termine le {end}", "la dernière valeur se termine le {fin}")
    assert _one(files, "placeholders_differ").param("name") == "last_value_ends.message"


def test_refuses_a_catalogue_entry_the_code_reads_but_no_catalogue_has():
    files = dict(read_data_files())
    for name in ("messages.fr.toml", "messages.nl.toml"):
        files[name] = re.sub(rb"(?m)^indexed = .*\n", b"", files[name], count=1)
    p = _one(files, "message_missing")
    assert (p.file, _line(files, p), p.param("name")) == ("messages.fr.toml", "[warnings]", "warnings.indexed")
    assert p.param("source").startswith("calculator/fees.py:")
    assert [q.code for q in _found(files)] == ["message_missing"]


def test_refuses_an_unknown_interpretation():
    files = _mutate("quotas.toml", 'interpretations = ["sps-average-and-maximum"]', 'interpretations = ["sps-avg"]')
    p = _one(files, "interpretation_unknown")
    assert p.param("name") == "sps-avg" and _line(files, p) == 'interpretations = ["sps-avg"]'


def test_refuses_an_amount_that_is_not_in_cents():
    files = _mutate("contribution.toml", 'value = "11.00"', 'value = "11.005"')
    p = _one(files, "amount")
    assert _line(files, p) == 'value = "11.005"'


def test_refuses_reserved_flags_that_differ_from_the_amendment():
    files = _mutate("pseudocodes.toml", 'code = "792632"\ncare_type = "sppl"\nmodality = "individual"\nkind = "first"\nteam = "one_psychologist"\noutreach = false\nreserved_no_contribution = false',
                    'code = "792632"\ncare_type = "sppl"\nmodality = "individual"\nkind = "first"\nteam = "one_psychologist"\noutreach = false\nreserved_no_contribution = true')
    p = _one(files, "reserved_flags_differ")
    assert p.param("only_flagged") == ["792632"]


def test_refuses_an_unknown_place():
    files = _mutate("contribution.toml", 'free = ["cpms_clb"], not_allowed', 'free = ["cpms"], not_allowed')
    assert _one(files, "places_list").param("name") == "free"


def test_broken_toml_is_the_only_problem_reported():
    files = _mutate("fees.toml", "[fee_individual]", "[fee_individual")
    [p] = _found(files)
    assert (p.code, p.file) == ("toml_syntax", "fees.toml") and _line(files, p) == "[fee_individual"


def test_a_misspelled_parameter_is_one_problem():
    files = _mutate("fees.toml", "[fee_trajectory]", "[fee_trajectory_old]")
    files["fees.toml"] = files["fees.toml"].replace(b"[[fee_trajectory.values]]", b"[[fee_trajectory_old.values]]")
    [p] = _found(files)
    assert (p.code, p.param("meant"), _line(files, p)) == ("parameter_misspelled", "fee_trajectory", "[fee_trajectory_old]")


def test_refuses_a_missing_parameter_in_its_file():
    text = read_data_files()["fees.toml"].decode("utf-8")
    start = text.index("[fee_trajectory]")
    end = text.index("\n[", text.index("[[fee_trajectory.values]]") + 1)
    files = {**read_data_files(), "fees.toml": (text[:start] + text[end + 1:]).encode("utf-8")}
    [p] = _found(files)
    assert (p.code, p.file, p.param("name")) == ("parameter_missing", "fees.toml", "fee_trajectory")


# --- the messages themselves ----------------------------------------------------------


def test_every_problem_code_has_its_words_in_both_languages():
    words = {lang: problem_words(lang) for lang in ("fr", "nl")}
    sources = [REPO / "calculator" / "params.py", REPO / "calculator" / "validation.py",
               REPO / "scripts" / "check" / "calculator_bridge.py"]
    codes = {c for f in sources for c in re.findall(r'\b(?:add|bad)\(\s*"([a-z_]+)"', f.read_text(encoding="utf-8"))}
    assert len(codes) > 80
    for code in codes:
        for lang in ("fr", "nl"):
            assert words[lang].get(f"{code}.message") and words[lang].get(f"{code}.fix"), (lang, code)


def test_problems_are_rendered_in_the_maintainers_language(monkeypatch):
    files = _mutate("contribution.toml", 'value = "11.00"', 'value = "11.005"')
    fr, nl = validate(files=files, lang="fr"), validate(files=files, lang="nl")
    assert fr != nl and len(fr) == len(nl) == 1
    assert re.match(r"calculator/data/contribution\.toml:\d+: \[copay_individual\] valeur du 2022-10-21 : '11\.005' "
                    r"n'est pas un montant en euros.*\n    fix: écrivez le montant", fr[0])
    assert nl[0].startswith(fr[0].split(": ", 1)[0] + ": [copay_individual] waarde vanaf 2022-10-21: ")
    monkeypatch.setenv("CALCULATOR_LANG", "nl")
    assert validate(files=files) == nl
    monkeypatch.delenv("CALCULATOR_LANG")
    assert validate(files=files) == fr
    monkeypatch.setenv("CALCULATOR_LANG", "en")
    with pytest.raises(ValueError):
        validate(files=files)


def test_the_public_api_gives_records_and_rendered_problems():
    assert calculator.validate() == [] and calculator.validation_problems() == []
