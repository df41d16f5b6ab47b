"""Read and check the official texts in sources/<doc-id>/<lang>.md.

The format is described in sources/README.md. This module only parses and
validates; rendering lives in scripts/render.py. Every problem is reported as a
SourceProblem naming the file, the line and what to do, and all problems of a
run are reported together so a maintainer fixes them in one pass.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
LANGUAGES = ("fr", "nl")
KINDS = ("circular", "letter", "amendment", "annex", "note", "press")

ID = r"[a-z0-9][a-z0-9-]*"
HEADING_RE = re.compile(rf"^(#{{2,4}})\s+(.+?)\s*\{{#({ID})\}}\s*$")
PARA_RE = re.compile(rf"^\{{#({ID})\}}\s+(.*)$")
TABLE_START_RE = re.compile(rf"^\{{#({ID})\}}\s*$")
ITEM_RE = re.compile(rf"^( *)([-•o]|[0-9a-zA-Z]{{1,3}}[.)])\s+\{{#({ID})\}}\s*(.*)$")
FOOTNOTE_RE = re.compile(r"^\[\^([0-9A-Za-z-]+)\]:\s*(.*)$")
ROW_ID_RE = re.compile(rf"^\{{#({ID})\}}\s*(.*)$")
FOOTREF_RE = re.compile(r"\[\^([0-9A-Za-z-]+)\](?!:)")
CODE_REF_RE = re.compile(r"\{code:([^}]*)\}")
DOC_LINK_RE = re.compile(r"\]\(doc:([^)#\s]*)(?:#([^)\s]*))?\)")
LOOSE_ID_RE = re.compile(r"\{#[^}]*\}")
# Markers left by scripts/maintain/new_source.py and scripts/maintain/import_text.py in a draft: the
# build refuses a file that still has one, so a draft cannot be published blind.
DRAFT_MARK_RE = re.compile(r"\bTODO-(TRANSLATE|REVIEW)\b")
DRAFT_FIX = {
    "TRANSLATE": "translate the text (it is the original's text, copied by scripts/maintain/new_source.py), then delete the marker 'TODO-TRANSLATE:'",
    "REVIEW": "compare this block with the original document, correct it (see sources/README.md), then delete the marker 'TODO-REVIEW:'",
}

REQUIRED_META = {
    "id": str,
    "language": str,
    "original_language": str,
    "kind": str,
    "title": str,
    "short_title": str,
    "summary": str,
    "issuer": str,
    "reference": str,
    "date": date,
    "audience": str,
}
OPTIONAL_META = {"in_force": date, "date_note": str, "seed": str, "seed_lines": list, "source_url": str,
                 "published": date, "source_kind": str}


@dataclass
class SourceProblem:
    path: Path
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        try:
            shown = self.path.relative_to(ROOT)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message}\n    fix: {self.fix}"


class SourceError(Exception):
    def __init__(self, problems: list[SourceProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Item:
    id: str
    label: str  # "-" for a bullet, else the label as written ("1)", "a)")
    text: str
    depth: int
    line: int
    children: list["Item"] = field(default_factory=list)


@dataclass
class Row:
    id: str
    cells: list[str]
    line: int


@dataclass
class Block:
    kind: str  # heading | para | list | table | footnote
    line: int
    id: str = ""
    text: str = ""
    level: int = 0
    items: list[Item] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def items_flat(self) -> list[Item]:
        """The list's items, nested ones included, in reading order."""
        out: list[Item] = []

        def walk(items: list[Item]) -> None:
            for it in items:
                out.append(it)
                walk(it.children)

        walk(self.items)
        return out

    def ids(self) -> list[tuple[str, int]]:
        """Every anchor this block puts on the page, with its line."""
        if self.kind == "list":
            return [(it.id, it.line) for it in self.items_flat()]
        if self.kind == "table":
            return [(self.id, self.line)] + [(r.id, r.line) for r in self.rows]
        if self.kind == "footnote":
            return [(f"fn:{self.id}", self.line)]
        return [(self.id, self.line)]

    def texts(self) -> list[tuple[str, int]]:
        """Every piece of inline text in the block, with its line."""
        if self.kind == "list":
            return [(it.text, it.line) for it in self.items_flat()]
        if self.kind == "table":
            return [(c, self.line) for c in self.header] + [
                (c, r.line) for r in self.rows for c in r.cells
            ]
        return [(self.text, self.line)]


@dataclass
class Source:
    doc_id: str
    lang: str
    path: Path
    meta: dict
    blocks: list[Block]
    body_line: int  # line number of the first body line

    @property
    def is_original(self) -> bool:
        return self.meta.get("language") == self.meta.get("original_language")

    def anchors(self) -> list[tuple[str, int]]:
        return [a for b in self.blocks for a in b.ids()]

    def anchor_ids(self) -> set[str]:
        return {a for a, _ in self.anchors()}

    def table_codes(self) -> list[str]:
        """Pseudocodes listed as rows `code-<code>` of the document's tables."""
        return [
            r.id.removeprefix("code-")
            for b in self.blocks
            if b.kind == "table"
            for r in b.rows
            if r.id.startswith("code-")
        ]


def _split_front_matter(path: Path, lines: list[str], problems: list[SourceProblem]):
    if not lines or lines[0].strip() != "+++":
        problems.append(SourceProblem(path, 1, "the file does not start with a metadata block",
                                      "put the TOML metadata between two lines '+++' at the top"))
        return None, 0
    for i in range(1, len(lines)):
        if lines[i].strip() == "+++":
            return "\n".join(lines[1:i]), i + 1
    problems.append(SourceProblem(path, 1, "the metadata block is not closed",
                                  "add a line '+++' after the last metadata line"))
    return None, 0


def _check_meta(path: Path, meta: dict, doc_id: str, lang: str, problems: list[SourceProblem]):
    for key, typ in REQUIRED_META.items():
        if key not in meta:
            problems.append(SourceProblem(path, 2, f"metadata '{key}' is missing",
                                          f"add `{key} = …` to the metadata block (see sources/README.md)"))
        elif not isinstance(meta[key], typ) or (typ is date and not isinstance(meta[key], date)):
            problems.append(SourceProblem(path, 2, f"metadata '{key}' has the wrong type",
                                          f"write {key} as {'a date like 2023-09-01' if typ is date else 'a quoted string'}"))
        elif typ is str and not meta[key].strip():
            problems.append(SourceProblem(path, 2, f"metadata '{key}' is empty", f"give '{key}' a value"))
    for key, typ in OPTIONAL_META.items():
        if key in meta and not isinstance(meta[key], typ):
            problems.append(SourceProblem(path, 2, f"metadata '{key}' has the wrong type",
                                          f"write {key} as {'a date like 2023-09-01' if typ is date else typ.__name__}"))
    unknown = set(meta) - set(REQUIRED_META) - set(OPTIONAL_META)
    for key in sorted(unknown):
        problems.append(SourceProblem(path, 2, f"unknown metadata '{key}'",
                                      "remove it or add it to the list in scripts/check/sources.py and sources/README.md"))
    if meta.get("id") not in (None, doc_id):
        problems.append(SourceProblem(path, 2, f"metadata id '{meta.get('id')}' differs from the folder '{doc_id}'",
                                      f"set id = \"{doc_id}\" or rename the folder"))
    if meta.get("language") not in (None, lang):
        problems.append(SourceProblem(path, 2, f"metadata language '{meta.get('language')}' differs from the file name '{lang}.md'",
                                      f"set language = \"{lang}\""))
    if meta.get("original_language") not in (None, *LANGUAGES):
        problems.append(SourceProblem(path, 2, "original_language must be 'fr' or 'nl'", "fix original_language"))
    if meta.get("kind") not in (None, *KINDS):
        problems.append(SourceProblem(path, 2, f"unknown kind '{meta.get('kind')}'", f"use one of {', '.join(KINDS)}"))
    if meta.get("language") == meta.get("original_language"):
        if "seed" in meta and "seed_lines" in meta:
            sl = meta["seed_lines"]
            if len(sl) != 2 or not all(isinstance(n, int) for n in sl) or sl[0] > sl[1]:
                problems.append(SourceProblem(path, 2, "seed_lines must be [first, last]", "write seed_lines = [1, 89]"))


def _parse_table(path, start, block_lines, problems) -> Block | None:
    tid = TABLE_START_RE.match(block_lines[0][1]).group(1)
    body = block_lines[1:]
    if len(body) < 2 or not all(l.strip().startswith("|") for _, l in body):
        problems.append(SourceProblem(path, start, f"table '{tid}' is not a pipe table",
                                      "after the '{#id}' line write a header row, a '|---|' row and the rows, each starting with '|'"))
        return None

    def cells(line: str) -> list[str]:
        s = line.strip()
        s = s[1:] if s.startswith("|") else s
        s = s[:-1] if s.endswith("|") else s
        return [c.strip() for c in s.split("|")]

    header = cells(body[0][1])
    if not re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", body[1][1].strip()):
        problems.append(SourceProblem(path, body[1][0], f"table '{tid}' lacks its '|---|' row",
                                      "put a row like '|---|---|' under the header row"))
    rows = []
    for ln, line in body[2:]:
        cs = cells(line)
        m = ROW_ID_RE.match(cs[0])
        if not m:
            problems.append(SourceProblem(path, ln, "a table row has no id",
                                          "start the row's first cell with its id: '| {#row-id} text |'"))
            continue
        cs[0] = m.group(2)
        if len(cs) != len(header):
            problems.append(SourceProblem(path, ln, f"row '{m.group(1)}' has {len(cs)} cells, the header {len(header)}",
                                          "give every row as many cells as the header"))
        rows.append(Row(m.group(1), cs, ln))
    return Block("table", start, id=tid, header=header, rows=rows)


def _parse_list(path, block_lines, problems) -> Block:
    roots: list[Item] = []
    stack: list[Item] = []
    for ln, line in block_lines:
        m = ITEM_RE.match(line)
        if not m:
            if stack:  # a wrapped line belongs to the item above
                stack[-1].text += " " + line.strip()
                continue
            problems.append(SourceProblem(path, ln, "a list line has no item marker",
                                          "start the line with '- {#id} ' or a label like '1) {#id} '"))
            continue
        indent, label, iid, text = m.groups()
        depth = len(indent) // 4
        if len(indent) % 4:
            problems.append(SourceProblem(path, ln, "a nested item must be indented by a multiple of 4 spaces",
                                          "indent by 4 spaces per level"))
        label = "-" if label in ("-", "•", "o") else label  # bullet glyphs of the PDF
        item = Item(iid, label, text.strip(), depth, ln)
        while stack and stack[-1].depth >= depth:
            stack.pop()
        if stack:
            if depth > stack[-1].depth + 1:
                problems.append(SourceProblem(path, ln, "an item is nested two levels deeper than the one above",
                                              "indent by one level (4 spaces) more than its parent"))
            stack[-1].children.append(item)
        else:
            if depth:
                problems.append(SourceProblem(path, ln, "the first item of a list is indented",
                                              "start the list at the left margin"))
            roots.append(item)
        stack.append(item)
    return Block("list", block_lines[0][0], items=roots)


def parse_source(path: Path) -> tuple[Source | None, list[SourceProblem]]:
    problems: list[SourceProblem] = []
    doc_id, lang = path.parent.name, path.stem
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    raw_meta, body_start = _split_front_matter(path, lines, problems)
    if raw_meta is None:
        return None, problems
    try:
        meta = tomllib.loads(raw_meta)
    except tomllib.TOMLDecodeError as exc:
        problems.append(SourceProblem(path, 2, f"the metadata is not valid TOML ({exc})",
                                      "quote strings, write dates as 2023-09-01"))
        return None, problems
    _check_meta(path, meta, doc_id, lang, problems)

    # group body lines into blocks separated by blank lines
    groups: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for i in range(body_start, len(lines)):
        line = lines[i]
        if line.strip():
            current.append((i + 1, line.rstrip()))
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)

    blocks: list[Block] = []
    for group in groups:
        ln, first = group[0]
        if first.startswith("#"):
            m = HEADING_RE.match(first)
            if not m or len(group) > 1:
                problems.append(SourceProblem(path, ln, "a heading is malformed",
                                              "write a heading alone on its line as '## Text {#id}' (levels ## to ####)"))
                continue
            blocks.append(Block("heading", ln, id=m.group(3), text=m.group(2), level=len(m.group(1))))
        elif FOOTNOTE_RE.match(first):
            m = FOOTNOTE_RE.match(first)
            rest = " ".join(l.strip() for _, l in group[1:])
            blocks.append(Block("footnote", ln, id=m.group(1), text=(m.group(2) + " " + rest).strip()))
        elif TABLE_START_RE.match(first):
            b = _parse_table(path, ln, group, problems)
            if b:
                blocks.append(b)
        elif ITEM_RE.match(first):
            blocks.append(_parse_list(path, group, problems))
        elif PARA_RE.match(first):
            m = PARA_RE.match(first)
            rest = " ".join(l.strip() for _, l in group[1:])
            blocks.append(Block("para", ln, id=m.group(1), text=(m.group(2) + " " + rest).strip()))
        else:
            problems.append(SourceProblem(path, ln, "this block has no id",
                                          "start it with '{#some-id} ' (or '## Title {#id}', '- {#id} item'); ids are lowercase a-z, 0-9 and '-'"))

    src = Source(doc_id, lang, path, meta, blocks, body_start + 1)
    # ids: unique, well formed
    seen: dict[str, int] = {}
    for aid, line in src.anchors():
        if aid in seen:
            problems.append(SourceProblem(path, line, f"duplicate paragraph id '{aid}' (first at line {seen[aid]})",
                                          "give this block a new id; never reuse or renumber a published id"))
        seen.setdefault(aid, line)
    for b in blocks:
        for t, line in b.texts():
            if LOOSE_ID_RE.search(t):
                problems.append(SourceProblem(path, line, f"an id marker stands inside the text: {LOOSE_ID_RE.search(t).group(0)}",
                                              "put the '{#id}' at the start of the block or list item, or separate the blocks by a blank line"))
    _check_draft_marks(path, lines, body_start, problems)
    return src, problems


def _check_draft_marks(path: Path, lines: list[str], body_start: int, problems: list[SourceProblem]) -> None:
    """A draft's markers (TODO-TRANSLATE, TODO-REVIEW), in the metadata or the body."""
    found = [(i, m) for i, line in enumerate(lines) for m in [DRAFT_MARK_RE.search(line)] if m]
    shown = 5
    for i, m in found[:shown]:
        what = "metadata" if i < body_start else "text"
        state = "not translated" if m.group(1) == "TRANSLATE" else "not reviewed"
        problems.append(SourceProblem(path, i + 1, f"draft marker TODO-{m.group(1)}: this {what} is {state} yet",
                                      DRAFT_FIX[m.group(1)]))
    if len(found) > shown:
        problems.append(SourceProblem(path, found[shown][0] + 1, f"and {len(found) - shown} more draft marker(s) in this file, from this line on",
                                      "search the file for TODO-TRANSLATE and TODO-REVIEW: each one must go before the text is published"))


def footnote_refs(src: Source) -> list[tuple[str, int]]:
    return [(m.group(1), line) for b in src.blocks if b.kind != "footnote"
            for t, line in b.texts() for m in FOOTREF_RE.finditer(t)]


def load_all(root: Path = SOURCES) -> tuple[dict[str, dict[str, Source]], list[SourceProblem]]:
    """Parse every source and run the checks that span files.

    Returns {doc_id: {lang: Source}} and the problems found.
    """
    problems: list[SourceProblem] = []
    docs: dict[str, dict[str, Source]] = {}
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if not folders:
        problems.append(SourceProblem(root, 0, "no source folder found", "add sources/<doc-id>/fr.md and nl.md"))
    for folder in folders:
        for lang in LANGUAGES:
            path = folder / f"{lang}.md"
            if not path.exists():
                problems.append(SourceProblem(path, 0, f"the {lang} version of '{folder.name}' is missing",
                                              f"create {folder.name}/{lang}.md (scripts/maintain/new_source.py makes a draft)"))
                continue
            src, probs = parse_source(path)
            problems += probs
            if src:
                docs.setdefault(folder.name, {})[lang] = src
        unknown = sorted(p.name for p in folder.iterdir() if p.suffix == ".md" and p.stem not in LANGUAGES)
        for name in unknown:
            problems.append(SourceProblem(folder / name, 0, "unknown file in a source folder",
                                          "a source folder holds only fr.md and nl.md"))

    all_codes = {c for langs in docs.values() for s in langs.values() for c in s.table_codes()}
    for doc_id, langs in docs.items():
        if len(langs) != 2:
            continue
        fr, nl = langs["fr"], langs["nl"]
        originals = [s for s in (fr, nl) if s.is_original]
        if len(originals) != 1:
            problems.append(SourceProblem(nl.path, 2, "exactly one of fr.md and nl.md must be the original",
                                          "set the same original_language in both files"))
        for key in ("original_language", "kind", "date", "in_force", "reference"):
            if fr.meta.get(key) != nl.meta.get(key) and key != "reference":
                problems.append(SourceProblem(nl.path, 2, f"metadata '{key}' differs between fr.md and nl.md",
                                              f"use the same {key} in both files"))
        for s in originals:
            if "seed" not in s.meta or "seed_lines" not in s.meta:
                problems.append(SourceProblem(s.path, 2, "the original has no seed / seed_lines",
                                              "name the raw extraction it comes from (seed, seed_lines), or seed = \"none\""))
        a_fr, a_nl = fr.anchors(), nl.anchors()
        ids_fr, ids_nl = [a for a, _ in a_fr], [a for a, _ in a_nl]
        if ids_fr != ids_nl:
            set_fr, set_nl = set(ids_fr), set(ids_nl)
            for aid, line in a_fr:
                if aid not in set_nl:
                    where, after = _insertion_point(a_fr, aid, dict(a_nl), nl.body_line)
                    problems.append(SourceProblem(nl.path, where, f"paragraph id '{aid}' (fr.md line {line}) has no translation",
                                                  f"add the block '{{#{aid}}}' with its translation to nl.md {after} "
                                                  f"(after changing the blocks of the original: python -m scripts.maintain.new_source {doc_id} --translation)"))
            for aid, line in a_nl:
                if aid not in set_fr:
                    where, after = _insertion_point(a_nl, aid, dict(a_fr), fr.body_line)
                    problems.append(SourceProblem(fr.path, where, f"paragraph id '{aid}' (nl.md line {line}) is not in fr.md",
                                                  f"add the block '{{#{aid}}}' to fr.md {after}, or remove it from nl.md "
                                                  f"(after changing the blocks of the original: python -m scripts.maintain.new_source {doc_id} --translation)"))
            if set_fr == set_nl:
                first = next(i for i, (x, y) in enumerate(zip(ids_fr, ids_nl)) if x != y)
                problems.append(SourceProblem(nl.path, a_nl[first][1], f"blocks are not in the same order as in fr.md (here '{ids_nl[first]}', fr.md has '{ids_fr[first]}')",
                                              "keep the blocks of both languages in the same order"))
        for s in (fr, nl):
            notes = {b.id for b in s.blocks if b.kind == "footnote"}
            for label, line in footnote_refs(s):
                if label not in notes:
                    problems.append(SourceProblem(s.path, line, f"footnote [^{label}] has no definition",
                                                  f"add a block '[^{label}]: text'"))
            for b in s.blocks:
                for t, line in b.texts():
                    for m in CODE_REF_RE.finditer(t):
                        if m.group(1) not in all_codes:
                            problems.append(SourceProblem(s.path, line, f"unknown pseudocode {{code:{m.group(1)}}}",
                                                          "use a code of the pseudocode table (sources/annex-pseudocodes), or add the code there first"))
                    for m in DOC_LINK_RE.finditer(t):
                        target, para = m.group(1), m.group(2)
                        if target not in docs:
                            problems.append(SourceProblem(s.path, line, f"link to unknown document 'doc:{target}'",
                                                          f"use one of: {', '.join(sorted(docs))}"))
                        elif para and lang_anchor_missing(docs[target], s.lang, para):
                            problems.append(SourceProblem(s.path, line, f"link to unknown paragraph 'doc:{target}#{para}'",
                                                          f"use an id that exists in sources/{target}/{s.lang}.md"))
    return docs, problems


def _insertion_point(anchors: list[tuple[str, int]], aid: str, other: dict[str, int], body_line: int) -> tuple[int, str]:
    """Where a block missing from the other file goes: (line, words) after the
    nearest preceding id that the other file has."""
    ids = [a for a, _ in anchors]
    for prev in reversed(ids[:ids.index(aid)]):
        if prev in other:
            return other[prev], f"after the block '{{#{prev}}}' (line {other[prev]})"
    return body_line, "at the start of the text (before the first block)"


def lang_anchor_missing(langs: dict[str, Source], lang: str, para: str) -> bool:
    src = langs.get(lang) or next(iter(langs.values()))
    return para not in src.anchor_ids()


def anchors_by_doc(docs: dict[str, dict[str, Source]]) -> dict[str, set[str]]:
    """{doc_id: ids that exist in both languages} for checking citations."""
    return {d: set.intersection(*(s.anchor_ids() for s in langs.values())) for d, langs in docs.items()}


def load_checked(root: Path = SOURCES) -> dict[str, dict[str, Source]]:
    docs, problems = load_all(root)
    if problems:
        raise SourceError(problems)
    return docs
