"""Every problem a maintainer can make names the file, the line and what to do,
in the maintainer's language (French unless CALCULATOR_LANG or --lang says nl).

The four cases of the issue (unknown paragraph id in a reference, an end that
contradicts the next start, missing translation, a code in a rule but not in the
table) and a few more, each checked on the line it names; then the three
failures a maintainer met (one TOML typo, a misspelled paragraph id, a missing
catalogue entry), each now one message, cause first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calculator.params import read_data_files
from scripts.check.calculator_bridge import check_calculator
from scripts.check.sources import ROOT, anchors_by_doc, load_all

DATA = ROOT / "calculator" / "data"


@pytest.fixture(autouse=True)
def french(monkeypatch):
    monkeypatch.delenv("CALCULATOR_LANG", raising=False)


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
    assert p.fix, p
    return p


# --- 1. a reference to a paragraph that does not exist -----------------------------


def test_unknown_paragraph_in_a_reference(docs):
    files = mutate("contribution.toml", 'value = "2.50"\nref = "circular-8761#cost-3"',
                   'value = "2.50"\nref = "circular-8761#cost-99"')
    found = problems_for(docs, files)
    p = one(found, "pas de paragraphe {#cost-99} dans sources/circular-8761")
    assert p.path == DATA / "contribution.toml"
    assert line_text(files, "contribution.toml", p.line) == 'ref = "circular-8761#cost-99"'
    assert "utilisez un identifiant qui existe dans sources/circular-8761/fr.md et nl.md" in p.fix
    assert "-m scripts.check.check_sources --ids circular-8761" in p.fix
    assert str(p).startswith(f"calculator/data/contribution.toml:{p.line}: ")
    assert len(found) == 1, "the cause only: no label is asked for a paragraph that does not exist"


def test_unknown_paragraph_in_an_interpretation(docs):
    files = mutate("quotas.toml", 'refs = ["circular-8761#quota-intro"]', 'refs = ["circular-8761#quota-outro"]')
    p = one(problems_for(docs, files), "pas de paragraphe {#quota-outro}")
    assert line_text(files, "quotas.toml", p.line).startswith("refs = ")


def test_unknown_public_reference(docs):
    files = mutate("contribution.toml", 'ref = "changes#ref-press-2024-02-free-youth"', 'ref = "changes#ref-press-2099"')
    p = one(problems_for(docs, files), "référence inconnue « changes#ref-press-2099 »")
    assert line_text(files, "contribution.toml", p.line) == 'ref = "changes#ref-press-2099"'
    assert "references.toml" in p.fix


# --- 2. an end that contradicts the next start ------------------------------------------------


ROUTE_2022 = 'start = 2022-10-21\nvalue = { free = ["cpms_clb", "school", "boarding_school"], not_allowed = [], basis = "circular" }\nref = "circular-8761#cost-1"\nalso = ["circular-8761#access-route-convention"]'


def test_an_end_that_contradicts_the_next_start(docs):
    # a value holds until the next one starts: an explicit end must be the day before
    files = mutate("contribution.toml", ROUTE_2022, ROUTE_2022.replace("\nvalue", "\nend = 2023-09-15\nvalue", 1))
    p = one(problems_for(docs, files), "end = 2023-09-15 contredit la valeur suivante, qui commence le 2023-09-01")
    assert line_text(files, "contribution.toml", p.line) == "end = 2023-09-15"
    assert "supprimez la ligne end = 2023-09-15 (ou écrivez end = 2023-08-31)" in p.fix


def test_a_later_start_leaves_no_gap(docs):
    old = 'start = 2024-02-01\nvalue = 23'
    files = mutate("contribution.toml", old, old.replace("2024-02-01", "2024-02-05"))
    assert check_calculator(docs, anchors_by_doc(docs), files=files) == []


# --- 3. missing translations ------------------------------------------------------------


def test_missing_translation_of_a_label(docs):
    files = mutate("networks.toml", ', nl = "Netwerk \'volwassenen\': vanaf {value} jaar" }', " }")
    p = one(problems_for(docs, files), "le texte en « nl » manque ou est vide")
    assert line_text(files, "networks.toml", p.line).startswith("label = ")
    assert 'nl = "…"' in p.fix


def test_missing_translation_in_the_message_catalogue(docs):
    files = mutate("messages.nl.toml", 'indexed = "Dit bedrag', '# indexed = "Dit bedrag')
    p = one(problems_for(docs, files), "« warnings.indexed » manque (il est dans messages.fr.toml)")
    assert p.path == DATA / "messages.nl.toml"
    assert line_text(files, "messages.nl.toml", p.line) == "[warnings]"
    assert "ajoutez la même clé que dans messages.fr.toml, traduite, sous [warnings]" in p.fix


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
    p = one(found, "pseudocode(s) inconnu(s) 799999 dans la liste")
    name = p.path.name
    assert "799999" in line_text(files, name, p.line)
    assert "ajoutez-y d'abord le code" in p.fix


def test_a_calculator_code_that_is_not_in_the_annex_table(docs):
    old = 'code = "792632"'
    files = mutate("pseudocodes.toml", old, 'code = "799990"')
    found = problems_for(docs, files)
    p = one(found, "le pseudocode 799990 est utilisé par le calculateur mais n'est pas dans le tableau de l'annexe")
    assert line_text(files, "pseudocodes.toml", p.line) == 'code = "799990"'
    assert "sources/annex-pseudocodes/fr.md" in p.fix
    q = one(found, "le pseudocode 792632 est dans le tableau de l'annexe mais pas dans le calculateur")
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
    p = one(problems_for(docs, files), "replaced_by « group-same-2027 » n'est pas un choix d'interprétation")
    assert line_text(files, "contribution.toml", p.line) == 'replaced_by = "group-same-2027"'
    assert "[interpretations.group-same-2027]" in p.fix


def test_until_without_replaced_by(docs):
    iid = an_open_interpretation()
    files = mutate("contribution.toml", f"[interpretations.{iid}]\n", f"[interpretations.{iid}]\nuntil = 2026-12-31\n")
    p = one(problems_for(docs, files), "until et replaced_by vont ensemble")
    assert "replaced_by = l'identifiant" in p.fix


# --- the three failures a maintainer met: one problem, one message, cause first ----------------


def validation_cli(tmp_path: Path, edit, *args: str) -> subprocess.CompletedProcess:
    """`python -m calculator.validation --sources sources` on a temporary copy of the package."""
    shutil.copytree(ROOT / "calculator", tmp_path / "calculator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    edit(tmp_path / "calculator" / "data")
    env = {k: v for k, v in os.environ.items() if k != "CALCULATOR_LANG"}
    return subprocess.run([sys.executable, "-m", "calculator.validation", "--sources", "sources", *args],
                          cwd=tmp_path, env={**env, "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True)


def replace_in(name: str, old: str, new: str):
    """Replace the first occurrence of `old` (a maintainer may have added later values
    of the same parameter: the test must not depend on there being only one)."""
    def edit(data: Path) -> None:
        text = (data / name).read_text(encoding="utf-8")
        assert old in text, old
        (data / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def messages(result: subprocess.CompletedProcess) -> list[str]:
    """The problems printed: 'file:line: message' lines (each followed by its fix)."""
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if re.match(r"^calculator/data", line)]


def test_a_toml_syntax_error_is_one_message(tmp_path):
    result = validation_cli(tmp_path, replace_in("contribution.toml", "[copay_group]\n", "[copay_group\n"))
    lines = messages(result)
    assert len(lines) == 1, result.stderr
    text = (tmp_path / "calculator" / "data" / "contribution.toml").read_text(encoding="utf-8").splitlines()
    m = re.match(r"calculator/data/contribution\.toml:(\d+): ce fichier n'est pas du TOML valide", lines[0])
    assert m and text[int(m.group(1)) - 1] == "[copay_group", lines[0]
    assert "    fix: corrigez la syntaxe à cette ligne" in result.stderr
    assert "copay_individual" not in result.stderr and "calculator/data:0" not in result.stderr
    assert "1 problème(s)" in result.stderr


def test_a_misspelled_key_is_one_message(tmp_path):
    result = validation_cli(tmp_path, replace_in("contribution.toml", "[[route_outside.values]]",
                                                 "[[route_outside.valeus]]"))
    [line] = messages(result)
    assert "clé inconnue « valeus » : vouliez-vous écrire « values » ?" in line
    n = int(line.split(":")[1])
    assert (tmp_path / "calculator/data/contribution.toml").read_text().splitlines()[n - 1] == "[[route_outside.valeus]]"


def test_a_misspelled_paragraph_id_says_the_cause_and_only_it(tmp_path):
    result = validation_cli(tmp_path, replace_in("contribution.toml", 'value = "2.50"\nref = "circular-8761#cost-3"',
                                                 'value = "2.50"\nref = "circular-8761#cost-33"'))
    [line] = messages(result)
    assert line.endswith(": circular-8761#cost-33 : pas de paragraphe {#cost-33} dans sources/circular-8761"), line
    assert "anchors.toml" not in result.stderr


def test_a_missing_catalogue_entry_is_a_problem_with_its_file_and_fix(tmp_path):
    def drop_indexed(data: Path) -> None:
        for name in ("messages.fr.toml", "messages.nl.toml"):
            text = (data / name).read_text(encoding="utf-8")
            (data / name).write_text(re.sub(r"(?m)^indexed = .*\n", "", text, count=1), encoding="utf-8")

    result = validation_cli(tmp_path, drop_indexed)
    [line] = messages(result)
    assert re.match(r"calculator/data/messages\.fr\.toml:\d+: \[warnings\] : le message « warnings\.indexed » "
                    r"manque dans messages\.fr\.toml et messages\.nl\.toml \(le calculateur l'utilise : "
                    r"calculator/fees\.py:\d+\)$", line), line
    assert "fix: ajoutez-le sous [warnings] dans calculator/data/messages.fr.toml et messages.nl.toml" in result.stderr
    # in Dutch on request
    nl = validation_cli(tmp_path / "nl", drop_indexed, "--lang", "nl")
    assert "het bericht « warnings.indexed » ontbreekt" in nl.stderr and "fix: voeg het toe onder [warnings]" in nl.stderr
