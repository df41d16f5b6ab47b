"""The importer (scripts/maintain/import_text.py) and the scaffold (scripts/maintain/new_source.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.check.fidelity import words
from scripts.check.sources import ROOT, load_all, parse_source

SEEDS = ROOT / "seeds"
CIRCULAR = SEEDS / "000_726856f98d145a1f.txt"
SECOND = SEEDS / "001_234e7826f2c864d6.txt"
ID_IN_TEXT = re.compile(r"\{#[a-z0-9-]+\}")


def import_text(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.maintain.import_text", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def draft_words(draft: str) -> list[str]:
    """The words of a draft, without what the importer adds (ids, notice, markers)."""
    blocks = draft.split("\n\n")[1:]   # the first block is the notice
    text = "\n\n".join(blocks)
    text = ID_IN_TEXT.sub(" ", text)
    text = text.replace("TODO-REVIEW: flattened table? Rebuild it as a pipe table with an id on every row "
                        "(sources/README.md):", " ")
    text = re.sub(r"^#{2,4} ", "", text, flags=re.M)
    return words(text)


def seed_words(path: Path, first: int = 1, last: int | None = None) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1:last]
    kept = [l for l in lines if not re.fullmatch(r"\s*\d{1,3}\s*", l)]   # page numbers
    kept = [re.sub(r"^\s*[o•]\s+", "", l) for l in kept]                  # bullet glyphs (they become "-")
    return words("\n".join(kept))


def as_source(tmp_path: Path, body: str, doc: str = "draft-doc") -> Path:
    folder = tmp_path / doc
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fr.md"
    path.write_text('+++\nid = "%s"\nlanguage = "fr"\noriginal_language = "fr"\nkind = "circular"\ntitle = "t"\n'
                    'short_title = "t"\nsummary = "s"\nissuer = "i"\nreference = "r"\ndate = 2022-10-21\n'
                    'audience = "a"\nseed = "none"\nseed_lines = [0, 0]\n+++\n\n' % doc + body, encoding="utf-8")
    return path


# --- the importer on the seeds ------------------------------------------------------------


@pytest.mark.parametrize("seed, lines", [
    (CIRCULAR, None),                 # the circular 8761, whole
    (SECOND, (90, 288)),              # the fifth amendment
    (SECOND, (289, 480)),             # the annex: a flattened table
    (SECOND, (900, None)),            # the RIZIV note, in Dutch
])
def test_a_draft_keeps_every_word_in_order_and_parses(tmp_path, seed, lines):
    out = tmp_path / "draft.md"
    args = [str(seed), "-o", str(out)]
    if lines:
        last = lines[1] or len(seed.read_text(encoding="utf-8").splitlines())
        args += ["--lines", str(lines[0]), str(last)]
    r = import_text(*args)
    assert r.returncode == 0, r.stderr
    assert "blocks" in r.stderr and "draft written to" in r.stderr
    draft = out.read_text(encoding="utf-8")
    assert draft.startswith("{#draft-notice} TODO-REVIEW:")
    expected = seed_words(seed, *(lines or (1, None))) if not lines else seed_words(seed, lines[0], lines[1])
    assert draft_words(draft) == expected
    src, problems = parse_source(as_source(tmp_path, draft))
    assert src is not None
    structural = [p for p in problems if "draft marker" not in p.message]
    assert not structural, "\n".join(map(str, structural))
    assert any("draft marker TODO-REVIEW" in p.message for p in problems), "a draft cannot be published as it is"
    ids = [a for a, _ in src.anchors()]
    assert len(ids) == len(set(ids)) > 5


def test_the_amendment_draft_finds_the_articles_and_the_lists(tmp_path):
    out = tmp_path / "draft.md"
    assert import_text(str(SECOND), "--lines", "90", "288", "-o", str(out)).returncode == 0
    draft = out.read_text(encoding="utf-8")
    for n in (1, 2, 3):
        assert f"## Article {n} {{#art{n}}}" in draft
    assert re.search(r"^3\) \{#art1-\d+\} Le centrum voor leerlingenbegeleiding", draft, re.M)
    assert "{#art1-1} A l'article 16 de la convention" in draft


def test_a_flattened_table_is_flagged_for_review(tmp_path):
    out = tmp_path / "draft.md"
    r = import_text(str(SECOND), "--lines", "289", "480", "-o", str(out))
    draft = out.read_text(encoding="utf-8")
    flagged = [b for b in draft.split("\n\n") if "TODO-REVIEW: flattened table?" in b]
    assert flagged and "792514 SPPL" in flagged[0] and " / 792536 SPPL" in flagged[0]
    assert re.search(r"[1-9]\d* block\(s\) flagged TODO-REVIEW", r.stderr)


# --- the importer on a PDF ------------------------------------------------------------------


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF (Helvetica, WinAnsi encoding), one text line per entry, written by hand."""
    objs: list[bytes] = []

    def add(b: bytes) -> int:
        objs.append(b)
        return len(objs)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    contents = []
    for lines in pages:
        ops = [b"BT /F1 11 Tf 14 TL 56 780 Td"]
        for line in lines:
            esc = line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + esc + b") Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        contents.append(add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"))
    pages_obj = len(objs) + len(pages) + 1
    kids = [add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
                b"/Contents %d 0 R >>" % (pages_obj, font, c)) for c in contents]
    assert add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)) == pages_obj
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref)
    return bytes(out)


PDF_PAGES = [
    ["Sixième avenant (fictif) — texte de test", "Vu la convention du 26 juillet 2021 entre le Comité de",
     "l'assurance et les réseaux de santé mentale ;", "Article 1",
     "À partir du 1er janvier 2027, l'intervention personnelle du", "1"],
    ["Sixième avenant (fictif) — texte de test", "bénéficiaire pour une séance de groupe est fixée à 3,00 euros.",
     "Les conditions suivantes s'appliquent :", "1) la séance a lieu en groupe ;", "2) elle est remboursée.", "2"],
    ["Sixième avenant (fictif) — texte de test", "Article 2",
     "Le présent avenant entre en vigueur le 1er janvier 2027.", "3"],
]


def test_a_pdf_becomes_a_reflowed_draft(tmp_path):
    pdf = tmp_path / "avenant.pdf"
    pdf.write_bytes(make_pdf(PDF_PAGES))
    out, raw = tmp_path / "draft.md", tmp_path / "seed.txt"
    r = import_text(str(pdf), "-o", str(out), "--save-text", str(raw))
    assert r.returncode == 0, r.stderr
    draft = out.read_text(encoding="utf-8")
    assert "## Article 1 {#art1}" in draft and "## Article 2 {#art2}" in draft
    # the paragraph cut by the page break is one block again; the running header and page numbers are gone
    assert ("{#art1-1} À partir du 1er janvier 2027, l'intervention personnelle du bénéficiaire pour une séance "
            "de groupe est fixée à 3,00 euros.") in draft
    assert "texte de test" not in draft.split("\n\n", 1)[1]
    assert "running header or footer" in r.stderr and "(page number)" in r.stderr
    assert re.search(r"^1\) \{#art1-\d+\} la séance a lieu en groupe ;\n2\) \{#art1-\d+\} elle est remboursée\.$", draft, re.M)
    assert "{#intro-1} Vu la convention du 26 juillet 2021 entre le Comité de l'assurance et les réseaux de santé mentale ;" in draft
    assert "Sixième avenant (fictif) — texte de test" in raw.read_text(encoding="utf-8")


def test_a_broken_pdf_is_reported_without_traceback(tmp_path):
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    r = import_text(str(pdf))
    assert r.returncode == 1 and "cannot read" in r.stderr and "Traceback" not in r.stderr
    assert import_text(str(tmp_path / "missing.pdf")).returncode == 2


# --- the scaffold ---------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    for part in ("sources", "scripts", "mkdocs.yml", "mkdocs.nl.yml"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, tmp_path / part)
    return tmp_path


SCAFFOLD = ["example-scaffold", "--lang", "fr", "--kind", "amendment", "--title", "Septième avenant", "--short-title",
            "Septième avenant", "--summary", "Un texte.", "--issuer", "INAMI", "--reference", "Avenant 7",
            "--date", "2027-03-01", "--in-force", "2027-04-01", "--audience", "Réseaux"]


def scaffold(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.maintain.new_source", *args], cwd=project, capture_output=True,
                          text=True, timeout=120)


def test_the_scaffold_makes_a_draft_the_checks_refuse_with_lines(project):
    r = scaffold(project, *SCAFFOLD)
    assert r.returncode == 0, r.stderr
    fr, nl = project / "sources/example-scaffold/fr.md", project / "sources/example-scaffold/nl.md"
    docs, problems = load_all(project / "sources")
    mine = [p for p in problems if "example-scaffold" in str(p.path)]
    assert mine and all("draft marker" in p.message and p.line > 0 for p in mine), "\n".join(map(str, mine))
    assert not [p for p in problems if "example-scaffold" not in str(p.path)]
    assert docs["example-scaffold"]["fr"].meta["in_force"].isoformat() == "2027-04-01"
    assert docs["example-scaffold"]["nl"].meta["original_language"] == "fr"
    assert [a for a, _ in docs["example-scaffold"]["fr"].anchors()] == [a for a, _ in docs["example-scaffold"]["nl"].anchors()]
    assert 'title = "TODO-TRANSLATE: Septième avenant"' in nl.read_text(encoding="utf-8")
    assert "TODO-REVIEW" in fr.read_text(encoding="utf-8")
    for config in ("mkdocs.yml", "mkdocs.nl.yml"):
        text = (project / config).read_text(encoding="utf-8")
        assert text.count("      - example-scaffold.md\n") == 1
        assert text.index("riziv-note-clb.md") < text.index("example-scaffold.md") < text.index("  - pseudocodes.md")
    again = scaffold(project, *SCAFFOLD)
    assert again.returncode == 2 and "exists already" in again.stderr


def test_the_scaffold_takes_a_draft_and_keeps_translations_when_resynced(project, tmp_path):
    draft = tmp_path / "draft.md"
    assert import_text(str(SECOND), "--lines", "90", "288", "-o", str(draft)).returncode == 0
    assert scaffold(project, *SCAFFOLD, "--body", str(draft), "--title-tr", "Zevende wijzigingsclausule").returncode == 0
    fr, nl = project / "sources/example-scaffold/fr.md", project / "sources/example-scaffold/nl.md"
    src_fr, _ = parse_source(fr)
    src_nl, _ = parse_source(nl)
    assert [a for a, _ in src_fr.anchors()] == [a for a, _ in src_nl.anchors()]
    assert 'title = "Zevende wijzigingsclausule"' in nl.read_text(encoding="utf-8")
    assert "{#art3-1} TODO-TRANSLATE: Le présent avenant" in nl.read_text(encoding="utf-8")
    # a translator translates one block; the original gets a new block; the translation is resynced
    text = nl.read_text(encoding="utf-8").replace("## TODO-TRANSLATE: Article 3 {#art3}", "## Artikel 3 {#art3}")
    nl.write_text(text, encoding="utf-8")
    fr.write_text(fr.read_text(encoding="utf-8") + "\n{#art3-note} Une phrase ajoutée.\n", encoding="utf-8")
    r = scaffold(project, "example-scaffold", "--translation")
    assert r.returncode == 0, r.stderr
    text = nl.read_text(encoding="utf-8")
    assert "## Artikel 3 {#art3}" in text
    assert "{#art3-note} TODO-TRANSLATE: Une phrase ajoutée." in text
    assert 'title = "Zevende wijzigingsclausule"' in text
    src_fr, _ = parse_source(fr)
    src_nl, _ = parse_source(nl)
    assert [a for a, _ in src_fr.anchors()] == [a for a, _ in src_nl.anchors()]


def test_the_scaffold_refuses_a_bad_id_and_missing_metadata(project):
    assert scaffold(project, "Amendment 7", "--lang", "fr").returncode == 2
    r = scaffold(project, "example-scaffold", "--lang", "fr", "--kind", "amendment")
    assert r.returncode == 2 and "--title" in r.stderr
