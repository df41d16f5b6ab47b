"""Every problem a maintainer can make names the file, the line and what to do.

The four cases of the issue (unknown paragraph id in a reference, overlapping
dates, missing translation, a code in a rule but not in the table) and a few
more, each checked on the line it names.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from calculator.params import read_data_files
from scripts.check.calculator_bridge import check_calculator
from scripts.check.sources import ROOT, anchors_by_doc, load_all

DATA = ROOT / "calculator" / "data"


@pytest.fixture(scope="module")
def docs():
    docs, problems = load_all()
    assert not problems
    return docs


def mutate(name: str, old: str, new: str) -> dict[str, bytes]:
    files = dict(read_data_files())
    text = files[name].decode("utf-8")
    assert text.count(old) == 1, f"{old!r} in {name}"
    files[name] = text.replace(old, new).encode("utf-8")
    return files


def problems_for(docs, files):
    found = check_calculator(docs, anchors_by_doc(docs), files=files)
    assert found, "the broken data was accepted"
    return found


def line_text(files, name: str, line: int) -> str:
    return files[name].decode("utf-8").splitlines()[line - 1]


def one(problems, words: str):
    hits = [p for p in problems if words in p.message]
    assert hits, f"{words!r} not in {[p.message for p in problems]}"
    p = hits[0]
    assert p.line > 0, p
    assert p.fix and p.fix != "edit the calculator's data file it names", p
    return p


# --- 1. a reference to a paragraph that does not exist -----------------------------


def test_unknown_paragraph_in_a_reference(docs):
    files = mutate("contribution.toml", 'value = "2.50"\nref = "circular-8761#cost-3"',
                   'value = "2.50"\nref = "circular-8761#cost-99"')
    p = one(problems_for(docs, files), "no paragraph {#cost-99} in sources/circular-8761")
    assert p.path == DATA / "contribution.toml"
    assert line_text(files, "contribution.toml", p.line) == 'ref = "circular-8761#cost-99"'
    assert "use an id that exists in sources/circular-8761/fr.md and nl.md" in p.fix
    assert "check_sources.py --ids circular-8761" in p.fix
    assert str(p).startswith(f"calculator/data/contribution.toml:{p.line}: ")


def test_unknown_paragraph_in_an_interpretation(docs):
    files = mutate("quotas.toml", 'refs = ["circular-8761#quota-intro"]', 'refs = ["circular-8761#quota-outro"]')
    p = one(problems_for(docs, files), "no paragraph {#quota-outro}")
    assert line_text(files, "quotas.toml", p.line).startswith("refs = ")


def test_unknown_public_reference(docs):
    files = mutate("contribution.toml", 'ref = "changes#ref-press-2024-02-free-youth"', 'ref = "changes#ref-press-2099"')
    p = one(problems_for(docs, files), "unknown reference 'changes#ref-press-2099'")
    assert line_text(files, "contribution.toml", p.line) == 'ref = "changes#ref-press-2099"'
    assert "references.toml" in p.fix


# --- 2. overlapping dates ---------------------------------------------------------------


def test_overlapping_dates(docs):
    old = 'start = 2022-10-21\nend = 2023-08-31\nvalue = { free = ["cpms_clb", "school", "boarding_school"], not_allowed = [], basis = "circular" }\nref = "circular-8761#cost-1"\nalso = ["circular-8761#access-route-convention"]'
    files = mutate("contribution.toml", old, old.replace("end = 2023-08-31", "end = 2023-09-15"))
    p = one(problems_for(docs, files), "overlaps the value from 2023-09-01 (ends 2023-09-15)")
    assert line_text(files, "contribution.toml", p.line) == "end = 2023-09-15"
    assert "end = 2023-08-31" in p.fix


def test_a_gap_between_dates(docs):
    old = 'start = 2024-02-01\nvalue = 23'
    files = mutate("contribution.toml", old, old.replace("2024-02-01", "2024-02-05"))
    p = one(problems_for(docs, files), "gap between 2024-01-31 and 2024-02-05")
    assert line_text(files, "contribution.toml", p.line) == "end = 2024-01-31"
    assert "start the next value on 2024-02-01" in p.fix


# --- 3. missing translations ------------------------------------------------------------


def test_missing_translation_of_a_label(docs):
    files = mutate("networks.toml", ', nl = "Netwerk \'volwassenen\': vanaf 15 jaar" }', " }")
    p = one(problems_for(docs, files), "missing or empty translation 'nl'")
    assert line_text(files, "networks.toml", p.line).startswith("label = ")
    assert 'nl = "…"' in p.fix


def test_missing_translation_in_the_message_catalogue(docs):
    files = mutate("messages.nl.toml", 'indexed = "Dit bedrag', 'indexed_typo = "Dit bedrag')
    p = one(problems_for(docs, files), "missing translation of 'warnings.indexed'")
    assert p.path == DATA / "messages.nl.toml"
    assert line_text(files, "messages.nl.toml", p.line) == "[warnings]"
    assert "add indexed = " in p.fix and "[warnings]" in p.fix


def copy_sources(tmp_path: Path) -> Path:
    dst = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", dst)
    return dst


def test_missing_translation_of_a_paragraph(tmp_path):
    sources = copy_sources(tmp_path)
    nl = sources / "amendment-5" / "nl.md"
    text = nl.read_text(encoding="utf-8")
    block = re.search(r"^\{#art3\} .*\n", text, re.M).group(0)
    nl.write_text(text.replace(block, ""), encoding="utf-8")
    _, problems = load_all(sources)
    p = next(p for p in problems if "paragraph id 'art3'" in p.message)
    assert p.path == nl and p.line > 0
    assert "has no translation" in p.message and "fr.md line" in p.message
    prev = re.search(r"after the block '\{#([a-z0-9-]+)\}' \(line (\d+)\)", p.fix)
    assert prev, p.fix
    assert f"{{#{prev.group(1)}}}" in nl.read_text(encoding="utf-8").splitlines()[int(prev.group(2)) - 1]


def test_an_untranslated_draft_is_refused(tmp_path):
    sources = copy_sources(tmp_path)
    nl = sources / "inami-letter-2023" / "nl.md"
    lines = nl.read_text(encoding="utf-8").splitlines()
    i = next(i for i, l in enumerate(lines) if l.startswith("{#"))
    lines[i] = lines[i].replace("} ", "} TODO-TRANSLATE: ", 1)
    nl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = load_all(sources)
    p = next(p for p in problems if "TODO-TRANSLATE" in p.message)
    assert (p.path, p.line) == (nl, i + 1)
    assert "translate the text" in p.fix


# --- 4. a code in a rule but not in the table ---------------------------------------------


def test_a_reserved_code_that_is_not_in_the_table(docs):
    files = mutate("pseudocodes.toml", '"793973"]', '"793973", "799999"]')  # [reserved_no_contribution_codes]
    found = problems_for(docs, files)
    p = one(found, "expected a list of known pseudocodes")
    name = p.path.name
    assert "799999" in line_text(files, name, p.line)
    assert "add the code there first" in p.fix


def test_a_calculator_code_that_is_not_in_the_annex_table(docs):
    old = 'code = "792632"'
    files = mutate("pseudocodes.toml", old, 'code = "799990"')
    found = problems_for(docs, files)
    p = one(found, "pseudocode 799990 is used by the calculator but is not in the annex table")
    assert line_text(files, "pseudocodes.toml", p.line) == 'code = "799990"'
    assert "sources/annex-pseudocodes/fr.md" in p.fix
    q = one(found, "pseudocode 792632 is in the annex table but not in the calculator")
    assert q.path.name == "fr.md" and "{#code-792632}" in q.path.read_text(encoding="utf-8").splitlines()[q.line - 1]


def test_an_unknown_code_in_a_text(tmp_path):
    sources = copy_sources(tmp_path)
    fr = sources / "amendment-5" / "fr.md"
    text = fr.read_text(encoding="utf-8")
    fr.write_text(text.replace("{code:791976}", "{code:791977}", 1), encoding="utf-8")
    _, problems = load_all(sources)
    p = next(p for p in problems if "unknown pseudocode {code:791977}" in p.message)
    assert "{code:791977}" in fr.read_text(encoding="utf-8").splitlines()[p.line - 1]


# --- the timeline ---------------------------------------------------------------------------


def test_a_timeline_event_citing_a_missing_paragraph(docs, tmp_path):
    from scripts.render.pages import check_refs

    timeline = tmp_path / "timeline.toml"
    timeline.write_text('[[event]]\ndate = "2024-02-01"\nfr = "x"\nnl = "x"\nref = "amendment-5#art9"\n\n'
                        '[[event]]\ndate = "2024-04-01"\nfr = "x"\nnl = "x"\nref = "changes#ref-nothing"\n',
                        encoding="utf-8")
    problems = check_refs([("amendment-5#art9", timeline, "timeline event 2024-02-01"),
                           ("changes#ref-nothing", timeline, "timeline event 2024-04-01"),
                           ("changes#ref-press-2024-02-free-youth", timeline, "ok"),
                           ("changes#pending-convention-2024-04", timeline, "ok")], anchors_by_doc(load_all()[0]))
    assert [(p.line, "does not exist" in p.message or "not an anchor" in p.message) for p in problems] == [(5, True), (11, True)]


# --- an interpretation replaced after a date ----------------------------------------------


def an_open_interpretation() -> str:
    """An interpretation of contribution.toml that has no `until` yet."""
    import tomllib

    tables = tomllib.loads(read_data_files()["contribution.toml"].decode("utf-8"))["interpretations"]
    return next(iid for iid, t in tables.items() if "until" not in t)


def test_an_interpretation_replaced_by_an_unknown_one(docs):
    iid = an_open_interpretation()
    files = mutate("contribution.toml", f"[interpretations.{iid}]\n",
                   f'[interpretations.{iid}]\nuntil = 2026-12-31\nreplaced_by = "group-same-2027"\n')
    p = one(problems_for(docs, files), "replaced_by 'group-same-2027' is not an interpretation")
    assert line_text(files, "contribution.toml", p.line) == 'replaced_by = "group-same-2027"'
    assert "[interpretations.group-same-2027]" in p.fix


def test_until_without_replaced_by(docs):
    iid = an_open_interpretation()
    files = mutate("contribution.toml", f"[interpretations.{iid}]\n", f"[interpretations.{iid}]\nuntil = 2026-12-31\n")
    p = one(problems_for(docs, files), "until and replaced_by go together")
    assert "replaced_by = the id" in p.fix
