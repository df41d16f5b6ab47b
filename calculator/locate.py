"""Where a problem of the data files is, and what to do about it.

The validation (:mod:`calculator.validation`) words each problem as a sentence
that starts with the data file it concerns (``contribution.toml: [copay_group]
value from 2022-10-21: ...``). :func:`locate` turns such a sentence into a
:class:`Located` problem: the file, the line (found by a plain search in the
file's text: the ``[[copay_group.values]]`` block whose ``start`` is that date,
then the ``ref =`` / ``end =`` line the problem is about) and a fix a maintainer
can follow without reading the code.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Callable, Mapping

DATA_DIR = "calculator/data"


@dataclass(frozen=True)
class Located:
    file: str        # data file name ("contribution.toml"); "" when no single file is at fault
    line: int        # 1-based; 0 when no line can be named
    message: str     # the problem, without the file name
    fix: str         # what to do

    def __str__(self) -> str:
        where = f"{DATA_DIR}/{self.file}" if self.file else DATA_DIR
        return f"{where}:{self.line}: {self.message}\n    fix: {self.fix}"


# --- finding lines ---------------------------------------------------------------

REF_IN_MESSAGE = re.compile(r"\b([a-z0-9][a-z0-9-]*#[A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)?)")


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _header(lines: list[str], header: str) -> int:
    """Index of the line that is exactly this table header, or -1."""
    for i, line in enumerate(lines):
        if line.strip() == header:
            return i
    return -1


def _block_end(lines: list[str], start: int) -> int:
    for j in range(start + 1, len(lines)):
        if lines[j].startswith("["):
            return j
    return len(lines)


def _key_line(lines: list[str], start: int, end: int, key: str) -> int:
    pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for j in range(start, end):
        if pat.match(lines[j]):
            return j
    return -1


def _containing(lines: list[str], start: int, end: int, needle: str) -> int:
    for j in range(start, end):
        if needle in lines[j]:
            return j
    return -1


def _value_block(lines: list[str], pid: str, start_date: str | None, index: int | None) -> int:
    header = f"[[{pid}.values]]"
    blocks = [i for i, line in enumerate(lines) if line.strip() == header]
    if index is not None:
        return blocks[index] if 0 <= index < len(blocks) else _header(lines, f"[{pid}]")
    for b in blocks:
        j = _key_line(lines, b, _block_end(lines, b), "start")
        if j >= 0 and start_date and lines[j].split("=", 1)[1].strip().startswith(start_date):
            return b
    return _header(lines, f"[{pid}]")


def _line_in_block(lines: list[str], block: int, message: str) -> int:
    """The line of the block the message is about (or the block's first line)."""
    end = _block_end(lines, block)
    ref = REF_IN_MESSAGE.search(message.split(":", 1)[-1])
    candidates: list[int] = []
    if ref:
        candidates.append(_containing(lines, block, end, f'"{ref.group(1)}"'))
    lowered = message.lower()
    for words, key in (
        (("overlaps", "open-ended", "ends (", "gap between", "ends on", "before it starts"), "end"),
        (("gap between", "before it starts"), "start"),
        (("missing ref",), "value"),
        ((" label",), "label"),
        ((" note",), "note"),
        (("interpretation",), "interpretations"),
        ((" refs",), "refs"),
        ((" also",), "also"),
        ((" description",), "description"),
        (("unit ",), "unit"),
        ((" title",), "title"),
        ((" choice",), "choice"),
        ((" reason",), "reason"),
        ((" summary",), "summary"),
        ((" publisher",), "publisher"),
        ((" url",), "url"),
        ((" published",), "published"),
        ((" effective",), "effective"),
        ((" warning",), "warning"),
        ((" kind",), "kind"),
        ((" start",), "start"),
        (("replaced_by",), "replaced_by"),
        (("amount", "expected", "value", "both free", "must list", "basis"), "value"),
    ):
        if any(w in lowered for w in words):
            candidates.append(_key_line(lines, block, end, key))
    for c in candidates:
        if c >= 0:
            return c
    return block


def _message_key_line(lines: list[str], dotted: str) -> int:
    """The line of a flattened catalogue key (warnings.indexed -> [warnings] indexed = ...)."""
    section, _, key = dotted.rpartition(".")
    start = _header(lines, f"[{section}]") if section else -1
    if section and start < 0:
        return -1
    end = _block_end(lines, start) if start >= 0 else len(lines)
    j = _key_line(lines, start + 1, end, key)
    return j if j >= 0 else start


def _find_line(file: str, rest: str, texts: Mapping[str, str]) -> int:
    """0-based index of the line `rest` (the message after 'file: ') is about, or -1."""
    lines = _lines(texts.get(file, ""))
    if not lines:
        return -1
    m = re.search(r"at line (\d+)", rest)
    if "not valid TOML" in rest and m:
        return int(m.group(1)) - 1
    m = re.match(r"\[interpretations\.([a-z0-9-]+)\]", rest)
    if m:
        b = _header(lines, f"[interpretations.{m.group(1)}]")
        return _line_in_block(lines, b, rest) if b >= 0 else -1
    m = re.match(r"\[(references|pending|documents)\.([A-Za-z0-9_-]+)\]", rest)
    if m:
        b = _header(lines, f"[{m.group(1)}.{m.group(2)}]")
        return _line_in_block(lines, b, rest) if b >= 0 else -1
    m = re.match(r"\[([a-z0-9_]+)\] value (?:from (\d{4}-\d{2}-\d{2})|#(\d+))", rest)
    if m:
        b = _value_block(lines, m.group(1), m.group(2), int(m.group(3)) - 1 if m.group(3) else None)
        return _line_in_block(lines, b, rest) if b >= 0 else -1
    m = re.match(r"\[([a-z0-9_]+)\]", rest)
    if m:
        b = _header(lines, f"[{m.group(1)}]")
        if "last value ends" in rest:
            blocks = [i for i, line in enumerate(lines) if line.strip() == f"[[{m.group(1)}.values]]"]
            if blocks:
                return _line_in_block(lines, blocks[-1], "ends on")
        return _line_in_block(lines, b, rest) if b >= 0 else -1
    m = re.match(r"\[\"([^\"]+)\"\]", rest)
    if m:
        return _header(lines, f'["{m.group(1)}"]')
    m = re.match(r"codes? (\d{6})", rest)
    if m:
        return _containing(lines, 0, len(lines), f'code = "{m.group(1)}"')
    m = re.match(r"\[\[codes\]\] #(\d+)", rest)
    if m:
        blocks = [i for i, line in enumerate(lines) if line.strip() == "[[codes]]"]
        n = int(m.group(1)) - 1
        return blocks[n] if 0 <= n < len(blocks) else -1
    m = re.match(r"(?:missing translation of )?'([A-Za-z0-9_.]+)'", rest)
    if m:
        return _message_key_line(lines, m.group(1))
    m = re.match(r"(known_valid_until|rules_version)", rest)
    if m:
        return _key_line(lines, 0, len(lines), m.group(1))
    m = re.match(r"input_limits\.([a-z_]+)", rest)
    if m:
        b = _header(lines, "[input_limits]")
        j = _key_line(lines, b + 1, _block_end(lines, b), m.group(1)) if b >= 0 else -1
        return j if j >= 0 else b
    ref = REF_IN_MESSAGE.search(rest)
    if ref:
        return _containing(lines, 0, len(lines), ref.group(1))
    return -1


# --- fixes -----------------------------------------------------------------------


def _day_before(d: str) -> str:
    return (_dt.date.fromisoformat(d) - _dt.timedelta(days=1)).isoformat()


def _day_after(d: str) -> str:
    return (_dt.date.fromisoformat(d) + _dt.timedelta(days=1)).isoformat()


FixRule = tuple[re.Pattern, Callable[[re.Match, str], str]]
FIXES: list[FixRule] = [
    (re.compile(r"([a-z0-9-]+)#([a-z0-9:-]+): no paragraph \{#([a-z0-9:-]+)\} in sources/([a-z0-9-]+)"),
     lambda m, f: f"use an id that exists in sources/{m.group(4)}/fr.md and nl.md "
                  f"(`python scripts/check_sources.py --ids {m.group(4)}` lists them), or first add a paragraph "
                  f"{{#{m.group(3)}}} to both files"),
    (re.compile(r"([a-z0-9-]+#[a-z0-9:-]+): no source file sources/([a-z0-9-]+)/fr\.md"),
     lambda m, f: f"add the text as sources/{m.group(2)}/fr.md and nl.md first "
                  f"(`python scripts/new_source.py {m.group(2)} ...` makes a draft), or correct the document id"),
    (re.compile(r"([a-z0-9-]+#[a-z0-9:-]+) has no label in anchors\.toml"),
     lambda m, f: f"add to calculator/data/anchors.toml a table [\"{m.group(1)}\"] with fr = \"…\" and nl = \"…\" "
                  "(a few words saying what the paragraph is about; they appear in the answers' citations)"),
    (re.compile(r"unknown document '([^']+)'"),
     lambda m, f: f"check the spelling: a document id is a folder name of sources/. A new text needs a table "
                  f"[documents.{m.group(1)}] with fr = and nl = (its short titles) in calculator/data/meta.toml"),
    (re.compile(r"unknown reference '([^']+)'"),
     lambda m, f: "cite a reference of calculator/data/references.toml as \"changes#ref-<id>\", or add a "
                  "[references.<id>] table there first (format at the top of that file)"),
    (re.compile(r"cites (changes#ref-[a-z0-9-]+), which takes effect only on (\d{4}-\d{2}-\d{2})"),
     lambda m, f: f"cite {m.group(1)} only from values that start on or after {m.group(2)}"),
    (re.compile(r"overlaps the value from (\d{4}-\d{2}-\d{2}) \(ends (\d{4}-\d{2}-\d{2})\)"),
     lambda m, f: f"two values cannot apply on the same day: end this value the day before the next one starts "
                  f"(end = {_day_before(m.group(1))}), or correct the next value's start"),
    (re.compile(r"only the last value may be open-ended \(next starts (\d{4}-\d{2}-\d{2})\)"),
     lambda m, f: f"add `end = {_day_before(m.group(1))}` to this value (the day before the next value starts)"),
    (re.compile(r"gap between (\d{4}-\d{2}-\d{2}) and (\d{4}-\d{2}-\d{2})"),
     lambda m, f: f"every day needs a value: start the next value on {_day_after(m.group(1))}, "
                  f"or end this one on {_day_before(m.group(2))}"),
    (re.compile(r"the last value ends on"),
     lambda m, f: "remove the `end = ...` line of the last value: later dates use the last rules, with a warning"),
    (re.compile(r"ends \(?\d{4}-\d{2}-\d{2}\)? before it starts|ends before it starts"),
     lambda m, f: "the end date must be on or after the start date: correct start or end"),
    (re.compile(r"missing or empty translation '(fr|nl)'"),
     lambda m, f: f"write the text in both languages: {{ fr = \"…\", nl = \"…\" }} (the '{m.group(1)}' text is missing)"),
    (re.compile(r"(messages\.(fr|nl)\.toml): missing translation of '([^']+)'"),
     lambda m, f: f"add {m.group(3).rpartition('.')[2]} = \"…\" under [{m.group(3).rpartition('.')[0]}] in "
                  f"calculator/data/{m.group(1)}: the same key as in the other language, translated"),
    (re.compile(r"'([^']+)' is empty"),
     lambda m, f: f"write the text of '{m.group(1)}'"),
    (re.compile(r"has placeholders"),
     lambda m, f: "use the same {placeholders} in French and in Dutch (the words between braces are not translated)"),
    (re.compile(r"unknown interpretation '([^']+)'"),
     lambda m, f: f"use the id of an [interpretations.<id>] table, or write [interpretations.{m.group(1)}] "
                  "with title, choice, reason and refs"),
    (re.compile(r"not an amount in euros"),
     lambda m, f: "write the amount in euros as a quoted string with two decimals, e.g. value = \"11.00\""),
    (re.compile(r"missing ref"),
     lambda m, f: "add ref = \"doc#para\": the paragraph of the official text the value comes from "
                  "(or \"changes#ref-<id>\" for a public reference of references.toml)"),
    (re.compile(r"not valid TOML"),
     lambda m, f: "correct the TOML syntax at that line: quotes around text, dates as 2024-02-01, every [ and { closed"),
    (re.compile(r"expected a list of known pseudocodes"),
     lambda m, f: "list only pseudocodes that have a [[codes]] entry in calculator/data/pseudocodes.toml and a row "
                  "in the table of sources/annex-pseudocodes; add the code there first"),
    (re.compile(r"ref must be (annex-pseudocodes#code-\d{6})"),
     lambda m, f: f"write ref = \"{m.group(1)}\": a code cites its own row of the annex table"),
    (re.compile(r"reserved_no_contribution.*differ"),
     lambda m, f: "the codes flagged reserved_no_contribution = true in pseudocodes.toml must be exactly those "
                  "listed in [reserved_no_contribution_codes] for that date"),
    (re.compile(r"effective (\d{4}-\d{2}-\d{2}) is not after known_valid_until"),
     lambda m, f: "a change that is encoded is no longer pending: remove this [pending] table, or set "
                  f"known_valid_until before {m.group(1)}"),
    (re.compile(r"no message 'warnings\.([a-z0-9_]+)'"),
     lambda m, f: f"add {m.group(1)} = \"…\" under [warnings] in messages.fr.toml and messages.nl.toml"),
    (re.compile(r"parameter '([^']+)' is missing"),
     lambda m, f: f"the code reads [{m.group(1)}]: restore it in the rule file it belongs to "
                  "(format at the top of calculator/data/networks.toml)"),
    (re.compile(r"replaced_by '([^']+)' is not an interpretation"),
     lambda m, f: f"write the table [interpretations.{m.group(1)}] (title, choice, reason, refs), or correct replaced_by"),
    (re.compile(r"until and replaced_by go together"),
     lambda m, f: "give both: until = the last day the interpretation applies, replaced_by = the id of the one that follows"),
    (re.compile(r"unknown key '([^']+)'"),
     lambda m, f: f"remove '{m.group(1)}' or correct its spelling (the allowed keys are listed at the top of the file)"),
    (re.compile(r"missing (\w+)"),
     lambda m, f: f"add the key {m.group(1)} (see the format at the top of the file)"),
]
DEFAULT_FIX = "correct the value as the message says (the format of each file is described at its top; see MAINTAINERS.md)"


def fix_for(message: str) -> str:
    for pattern, make in FIXES:
        m = pattern.search(message)
        if m:
            return make(m, message)
    return DEFAULT_FIX


def locate(problem: str, texts: Mapping[str, str]) -> Located:
    """file, line and fix for one problem sentence of the validation.

    texts: data file name -> its text (read_data_files(), decoded)."""
    file, rest = "", problem
    m = re.match(r"([a-z0-9_.]+\.toml): (.*)$", problem, re.S)
    if m:
        file, rest = m.group(1), m.group(2)
    elif problem.startswith("code "):
        file = "pseudocodes.toml"
    elif problem.startswith("messages: "):
        rest = problem[len("messages: "):]
        key = re.match(r"(?:no label )?'([^']+)'", rest)
        file = "messages.fr.toml"
        if key and _message_key_line(_lines(texts.get(file, "")), key.group(1)) < 0:
            file = "messages.nl.toml"
    elif problem.startswith("networks: "):
        file, rest = "networks.toml", problem[len("networks: "):]
    line = _find_line(file, rest, texts) if file else -1
    return Located(file, line + 1 if line >= 0 else 0, rest.strip(), fix_for(problem))


def locate_all(problems: list[str], files: Mapping[str, bytes]) -> list[Located]:
    texts = {name: data.decode("utf-8", errors="replace") for name, data in files.items()}
    return [locate(p, texts) for p in problems]
