"""Rules as data: load the dated values of calculator/data/*.toml and look them up by date.

The data files are read once, with :mod:`importlib.resources` (works from a
wheel, a zip or Pyodide's file system). Parsing is tolerant: it records every
problem it meets as a :class:`~calculator.problems.Problem` (see :func:`parse_rules`);
:mod:`calculator.validation` adds the checks across files (references, translations).

A dated value holds until the next one starts (OpenFisca's convention): its
``end`` is computed at load time, the day before the next value's start, so
there can be no gap and no overlap. An explicit ``end`` in the data must agree
with it; the last value has none.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Mapping

from .i18n import LANGS, Catalogue, Key, PublishedDate, Text, flatten
from .problems import PROBLEM_FILES, Problem, Problems

# The documents of sources/ the calculator cited when it was written. The list of
# citable documents is data: the [documents.<id>] tables of meta.toml (a new text
# gets its table there); these five must stay, the code cites them.
DOCUMENTS = ("circular-8761", "inami-letter-2023", "amendment-5", "annex-pseudocodes", "riziv-note-clb")
META_FILE = "meta.toml"
ANCHORS_FILE = "anchors.toml"
REFERENCES_FILE = "references.toml"
# Public sources that are not texts of sources/ (press announcements, information
# pages) are cited as "changes#ref-<id>": their anchor on the "what changed" page.
REFERENCES_DOC = "changes"
REFERENCE_PREFIX = "ref-"
REFERENCE_KINDS = ("press", "mutuality", "inami_page", "network_site", "party")
MESSAGE_FILES = {"fr": "messages.fr.toml", "nl": "messages.nl.toml"}
CODE_TABLE_DOC = "annex-pseudocodes"


class RulesDataError(Exception):
    """The data files are broken (a maintainer's error, never a user's)."""


class RuleDateError(Exception):
    """No rule is encoded for this date (before the first encoded value)."""

    def __init__(self, parameter: str, when: _dt.date, first_start: _dt.date | None):
        super().__init__(f"{parameter}: no value on {when}")
        self.parameter = parameter
        self.when = when
        self.first_start = first_start


@dataclass(frozen=True, slots=True)
class Ref:
    """A paragraph of a source document: ``doc#para``."""

    doc: str
    para: str

    @staticmethod
    def parse(text: Any) -> "Ref | None":
        if not isinstance(text, str) or text.count("#") != 1:
            return None
        doc, para = text.split("#")
        if not doc or not para:
            return None
        return Ref(doc, para)

    def __str__(self) -> str:
        return f"{self.doc}#{self.para}"

    @property
    def is_code_row(self) -> bool:
        return self.doc == CODE_TABLE_DOC and self.para.startswith("code-")

    @property
    def is_reference(self) -> bool:
        """A public source of references.toml (changes#ref-<id>), not a paragraph of sources/."""
        return self.doc == REFERENCES_DOC

    @property
    def reference_id(self) -> str:
        return self.para[len(REFERENCE_PREFIX):] if self.para.startswith(REFERENCE_PREFIX) else ""


@dataclass(frozen=True)
class DatedValue:
    parameter: str
    start: _dt.date
    end: _dt.date | None          # the day before the next value's start (None: the last value)
    value: Any
    ref: Ref
    also: tuple[Ref, ...]
    label: Text
    note: Text | None = None
    interpretations: tuple[str, ...] = ()
    indexed: bool = False

    def covers(self, when: _dt.date) -> bool:
        return self.start <= when and (self.end is None or when <= self.end)

    @property
    def refs(self) -> tuple[Ref, ...]:
        return (self.ref, *self.also)


@dataclass(frozen=True)
class Parameter:
    id: str
    file: str
    description: Text
    unit: str
    values: tuple[DatedValue, ...]

    @property
    def first_start(self) -> _dt.date | None:
        return min((v.start for v in self.values), default=None)

    def at(self, when: _dt.date) -> DatedValue:
        for v in self.values:
            if v.covers(when):
                return v
        raise RuleDateError(self.id, when, self.first_start)

    def next_after(self, value: DatedValue) -> DatedValue | None:
        later = [v for v in self.values if v.start > value.start]
        return min(later, key=lambda v: v.start) if later else None


@dataclass(frozen=True)
class Interpretation:
    id: str
    file: str
    title: Text
    choice: Text
    reason: Text
    refs: tuple[Ref, ...]
    # An interpretation whose words no longer fit a later rule is not rewritten (answers
    # for past dates quote it): it gets `until`, and answers after that date use the
    # interpretation `replaced_by` instead.
    until: _dt.date | None = None
    replaced_by: str | None = None

    @property
    def text(self) -> Text:
        return Text(f"{self.choice.fr} {self.reason.fr}", f"{self.choice.nl} {self.reason.nl}")


@dataclass(frozen=True)
class Pseudocode:
    code: str
    care_type: str
    modality: str
    kind: str
    team: str
    outreach: bool
    reserved_no_contribution: bool
    description: Text
    start: _dt.date
    end: _dt.date | None
    ref: Ref

    def covers(self, when: _dt.date) -> bool:
        return self.start <= when and (self.end is None or when <= self.end)


@dataclass(frozen=True)
class Reference:
    """A public source that is not one of our texts: a press announcement or an
    information page (calculator/data/references.toml). We do not have its text:
    `summary` is our summary, never a quote."""

    id: str
    kind: str                    # one of REFERENCE_KINDS
    title: str                   # as published, in title_lang
    title_lang: str
    publisher: Text
    url: str
    url_note: Text | None
    published: str               # "YYYY-MM-DD", or "YYYY-MM" / "YYYY" when the day / month is not known
    published_note: Text | None
    effective: _dt.date          # the date the announced rule takes effect
    label: Text                  # short label used in citations
    summary: Text                # our summary (not a quote)

    @property
    def anchor(self) -> str:
        return REFERENCE_PREFIX + self.id


@dataclass(frozen=True)
class PendingChange:
    """A known later change of the rules that is not encoded yet (meta.toml [pending.<id>])."""

    id: str
    effective: _dt.date
    warning: str                 # warning code: messages warnings.<code>
    title: Text
    summary: Text
    refs: tuple[Ref, ...]
    # Optional: the warning (code) of an answer that uses values taken in for this change
    # from public sources (a dated value starting on or after `effective`), instead of `warning`.
    taken_in_warning: str | None = None


@dataclass(frozen=True)
class Rules:
    version: str
    known_valid_until: _dt.date
    limits: Mapping[str, int]
    documents: Mapping[str, Text]
    anchors: Mapping[str, Text]
    parameters: Mapping[str, Parameter]
    interpretations: Mapping[str, Interpretation]
    pseudocodes: tuple[Pseudocode, ...]
    catalogue: Catalogue
    problems: tuple[Problem, ...] = field(default=())
    references: Mapping[str, Reference] = field(default_factory=dict)
    pending: tuple[PendingChange, ...] = ()
    broken_files: frozenset[str] = frozenset()   # files that are not valid TOML
    problem_catalogue: Catalogue = field(default_factory=lambda: Catalogue({}))

    def param(self, pid: str) -> Parameter:
        return self.parameters[pid]

    def value(self, pid: str, when: _dt.date) -> DatedValue:
        return self.parameters[pid].at(when)

    def citation_label(self, ref: Ref) -> Text:
        if ref.is_reference:
            r = self.references.get(ref.reference_id)
            if r is None:
                return Text(str(ref), str(ref))
            return self.catalogue.text(
                "citations.reference", kind=Key(f"citations.kinds.{r.kind}"), publisher=r.publisher,
                published=PublishedDate(r.published), label=r.label)
        doc = self.documents.get(ref.doc, Text(ref.doc, ref.doc))
        if ref.is_code_row:
            code = ref.para[len("code-"):]
            para = self.catalogue.text("citations.code_row", code=code)
        else:
            para = self.anchors.get(str(ref), Text(ref.para, ref.para))
        return Text(f"{doc.fr} — {para.fr}", f"{doc.nl} — {para.nl}")

    def code(self, code: str) -> Pseudocode | None:
        for pc in self.pseudocodes:
            if pc.code == code:
                return pc
        return None


# --- parsing ------------------------------------------------------------------


@dataclass(frozen=True)
class At:
    """Where a problem is found while parsing: a file, a table, a dated value."""

    problems: Problems
    file: str
    table: str = ""
    start: _dt.date | None = None
    index: int | None = None      # the n-th [[<table>.values]] block (before its start is known)
    pcode: str | None = None      # a [[codes]] entry, by its code

    def add(self, code: str, /, key: str | None = None, **params: Any) -> None:
        self.problems.add(code, self.file, self.table, self.start, index=self.index, pcode=self.pcode, key=key,
                          **params)

    def value(self, index: int) -> "At":
        return At(self.problems, self.file, self.table, index=index)


def _unknown_keys(at: At, table: Mapping, allowed: set[str]) -> set[str]:
    """Report keys that are not allowed; a misspelling names the key it resembles (returned, so
    that its absence is not reported again)."""
    meant = set()
    for k in sorted(set(table) - allowed):
        close = difflib.get_close_matches(k, sorted(allowed - set(table)), n=1, cutoff=0.75)
        if close:
            meant.add(close[0])
            at.add("key_misspelled", key=k, name=k, meant=close[0])
        else:
            at.add("key_unknown", key=k, name=k, allowed=sorted(allowed))
    return meant


def _text(obj: Any, at: At, key: str) -> Text:
    if not isinstance(obj, dict):
        at.add("text_expected", key=key, name=key)
        return Text("", "")
    parts = []
    for lang in LANGS:
        s = obj.get(lang)
        if not isinstance(s, str) or not s.strip():
            at.add("translation_missing", key=key or lang, name=key, lang=lang)
            s = ""
        parts.append(s)
    extra = set(obj) - set(LANGS)
    if extra:
        at.add("language_keys_unknown", key=key, name=key, keys=sorted(extra))
    return Text(*parts)


def _date(obj: Any, at: At, key: str) -> _dt.date | None:
    if isinstance(obj, _dt.date) and not isinstance(obj, _dt.datetime):
        return obj
    at.add("date_expected", key=key, name=key, got=repr(obj))
    return None


def _ref(obj: Any, at: At, key: str) -> Ref | None:
    ref = Ref.parse(obj)
    if ref is None:
        at.add("ref_expected", key=key, name=key, got=repr(obj))
    return ref


def _refs(raw: Any, at: At, key: str) -> tuple[Ref, ...]:
    if not isinstance(raw, list):
        at.add("refs_list_expected", key=key, name=key)
        return ()
    return tuple(r for r in (_ref(x, at, key) for x in raw) if r)


REFERENCE_KEYS = {"kind", "title", "title_lang", "publisher", "url", "url_note", "published", "published_note",
                  "effective", "label", "summary"}
PENDING_KEYS = {"effective", "warning", "title", "summary", "refs", "taken_in_warning"}
PENDING_OPTIONAL = {"taken_in_warning"}
PUBLISHED_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _parse_reference(rid: str, table: Any, problems: Problems) -> Reference | None:
    at = At(problems, REFERENCES_FILE, f"references.{rid}")
    if not isinstance(table, dict):
        at.add("table_expected")
        return None
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rid):
        at.add("id_malformed")
    meant = _unknown_keys(at, table, REFERENCE_KEYS)
    for k in sorted(REFERENCE_KEYS - {"url_note", "published_note"} - set(table) - meant):
        at.add("key_missing", name=k)
    kind = table.get("kind")
    if kind not in REFERENCE_KINDS:
        at.add("reference_kind", key="kind", kinds=REFERENCE_KINDS, got=repr(kind))
    strings = {}
    for k in ("title", "title_lang", "url", "published"):
        v = table.get(k)
        if not isinstance(v, str) or not v.strip():
            if k in table and not isinstance(v, _dt.date):
                at.add("string_expected", key=k, name=k)
            v = ""
        strings[k] = v
    if strings["title_lang"] and strings["title_lang"] not in LANGS:
        at.add("title_lang", key="title_lang", langs=LANGS)
    if strings["url"] and not strings["url"].startswith("https://"):
        at.add("url_https", key="url")
    published = table.get("published")
    if isinstance(published, _dt.date):
        at.add("published_quoted", key="published")
    elif strings["published"] and not PUBLISHED_RE.fullmatch(strings["published"]):
        at.add("published_format", key="published", got=repr(strings["published"]))
    elif strings["published"]:
        try:
            PublishedDate(strings["published"]).check()
        except ValueError:
            at.add("published_not_a_date", key="published", got=repr(strings["published"]))
    effective = _date(table.get("effective"), at, "effective") if "effective" in table else None
    texts = {k: _text(table.get(k), at, k) for k in ("publisher", "label", "summary") if k in table}
    notes = {k: _text(table[k], at, k) for k in ("url_note", "published_note") if k in table}
    if effective is None or kind not in REFERENCE_KINDS or len(texts) < 3:
        return None
    return Reference(rid, kind, strings["title"], strings["title_lang"], texts["publisher"], strings["url"],
                     notes.get("url_note"), strings["published"], notes.get("published_note"), effective,
                     texts["label"], texts["summary"])


def _parse_pending(pid: str, table: Any, problems: Problems) -> PendingChange | None:
    at = At(problems, META_FILE, f"pending.{pid}")
    if not isinstance(table, dict):
        at.add("table_expected")
        return None
    meant = _unknown_keys(at, table, PENDING_KEYS)
    for k in sorted(PENDING_KEYS - PENDING_OPTIONAL - set(table) - meant):
        at.add("key_missing", name=k)
    effective = _date(table.get("effective"), at, "effective") if "effective" in table else None
    warning = table.get("warning")
    if "warning" in table and (not isinstance(warning, str) or not re.fullmatch(r"[a-z0-9_]+", warning)):
        at.add("pending_warning_code", key="warning")
        warning = None
    taken_in = table.get("taken_in_warning")
    if "taken_in_warning" in table and (not isinstance(taken_in, str) or not re.fullmatch(r"[a-z0-9_]+", taken_in)):
        at.add("pending_warning_code", key="taken_in_warning")
        taken_in = None
    refs = _refs(table.get("refs", []), at, "refs")
    title = _text(table.get("title"), at, "title")
    summary = _text(table.get("summary"), at, "summary")
    if effective is None or not warning:
        return None
    return PendingChange(pid, effective, warning, title, summary, refs, taken_in)


VALUE_KEYS = {"start", "end", "value", "ref", "also", "label", "note", "interpretations", "indexed"}
PARAMETER_KEYS = {"description", "unit", "values"}
INTERPRETATION_KEYS = {"title", "choice", "reason", "refs", "until", "replaced_by"}
CODE_KEYS = {
    "code", "care_type", "modality", "kind", "team", "outreach", "reserved_no_contribution",
    "description_fr", "description_nl", "start", "end", "ref",
}


def _parse_value(pid: str, rv: Any, at: At) -> tuple[DatedValue | None, _dt.date | None]:
    """One [[<pid>.values]] entry, and its explicit `end` (None if it has none)."""
    if not isinstance(rv, dict):
        at.add("table_expected")
        return None, None
    meant = _unknown_keys(at, rv, VALUE_KEYS)
    if "start" not in rv and "start" in meant:
        return None, None
    start = _date(rv.get("start"), at, "start")
    if start is not None:
        at = At(at.problems, at.file, at.table, start, at.index)
    end = _date(rv["end"], at, "end") if "end" in rv else None
    if "value" not in rv and "value" not in meant:
        at.add("value_missing")
    if "ref" not in rv:
        if "ref" not in meant:
            at.add("ref_missing")
        ref = None
    else:
        ref = _ref(rv.get("ref"), at, "ref")
    also = _refs(rv.get("also", []), at, "also")
    label = _text(rv.get("label"), at, "label") if "label" in rv or "label" not in meant else Text("", "")
    note = _text(rv["note"], at, "note") if "note" in rv else None
    interp = rv.get("interpretations", [])
    if not isinstance(interp, list) or not all(isinstance(x, str) for x in interp):
        at.add("interpretations_list", key="interpretations")
        interp = []
    indexed = rv.get("indexed", False)
    if not isinstance(indexed, bool):
        at.add("bool_expected", key="indexed", name="indexed")
        indexed = False
    if start is None or ref is None or "value" not in rv:
        return None, None
    return DatedValue(pid, start, None, rv["value"], ref, also, label, note, tuple(interp), indexed), end


def _parse_parameter(pid: str, fname: str, table: Any, problems: Problems) -> Parameter | None:
    at = At(problems, fname, pid)
    if not isinstance(table, dict):
        at.add("table_expected")
        return None
    meant = _unknown_keys(at, table, PARAMETER_KEYS)
    description = _text(table.get("description"), at, "description") if "description" not in meant else Text("", "")
    unit = table.get("unit")
    if not isinstance(unit, str):
        if "unit" not in meant:
            at.add("unit_missing")
        unit = ""
    raw_values = table.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        if "values" not in meant:
            at.add("values_missing")
        raw_values = []
    parsed = [_parse_value(pid, rv, at.value(i)) for i, rv in enumerate(raw_values)]
    parsed = sorted(((v, end) for v, end in parsed if v is not None), key=lambda p: p[0].start)
    # A value holds until the next one starts (OpenFisca's convention): its end is computed here.
    values = []
    for i, (v, end) in enumerate(parsed):
        vat = At(problems, fname, pid, v.start)
        if i + 1 < len(parsed):
            nxt = parsed[i + 1][0]
            if nxt.start == v.start:
                vat.add("same_start", key="start")
            day_before = nxt.start - _dt.timedelta(days=1)
            if end is not None and end != day_before:
                vat.add("end_contradicts_next", key="end", end=end, next=nxt.start, expected=day_before)
            end = day_before
        elif end is not None:
            vat.add("last_value_ends", key="end", end=end)
            if end < v.start:
                end = None
        values.append(replace(v, end=end))
    return Parameter(pid, fname, description, unit, tuple(values))


def _parse_interpretation(iid: str, fname: str, table: Any, problems: Problems) -> Interpretation | None:
    at = At(problems, fname, f"interpretations.{iid}")
    if not isinstance(table, dict):
        at.add("table_expected")
        return None
    meant = _unknown_keys(at, table, INTERPRETATION_KEYS)
    refs_raw = table.get("refs", [])
    if not isinstance(refs_raw, list) or not refs_raw:
        if "refs" not in meant:
            at.add("refs_nonempty", key="refs")
        refs_raw = []
    refs = _refs(refs_raw, at, "refs")
    until = _date(table["until"], at, "until") if "until" in table else None
    replaced_by = table.get("replaced_by")
    if ("until" in table) != ("replaced_by" in table) and not meant & {"until", "replaced_by"}:
        at.add("until_replaced_by", key="until" if "until" in table else "replaced_by")
    if replaced_by is not None and not isinstance(replaced_by, str):
        at.add("replaced_by_id", key="replaced_by")
        replaced_by = None
    return Interpretation(
        iid, fname, *(_text(table.get(k), at, k) if k not in meant else Text("", "")
                      for k in ("title", "choice", "reason")),
        refs, until, replaced_by,
    )


def _parse_code(i: int, fname: str, row: Any, problems: Problems) -> Pseudocode | None:
    at = At(problems, fname, "codes", index=i)
    if not isinstance(row, dict):
        at.add("table_expected")
        return None
    meant = _unknown_keys(at, row, CODE_KEYS)
    missing = sorted(k for k in CODE_KEYS - {"end"} - meant if k not in row)
    if missing:
        at.add("code_keys_missing", keys=missing)
    if missing or meant - {"end"}:
        return None
    code = row["code"]
    at = At(problems, fname, "codes", pcode=str(code))
    start = _date(row["start"], at, "start")
    end = _date(row["end"], at, "end") if "end" in row else None
    ref = _ref(row["ref"], at, "ref")
    description = _text({"fr": row["description_fr"], "nl": row["description_nl"]}, at, "description_fr")
    for k in ("outreach", "reserved_no_contribution"):
        if not isinstance(row[k], bool):
            at.add("bool_expected", key=k, name=k)
    if start is None or ref is None:
        return None
    return Pseudocode(
        str(code), row["care_type"], row["modality"], row["kind"], row["team"],
        bool(row["outreach"]), bool(row["reserved_no_contribution"]), description, start, end, ref,
    )


TOML_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")


def parse_rules(files: Mapping[str, bytes]) -> Rules:
    """Build :class:`Rules` from the raw data files (name -> bytes).

    Never raises for bad data: every problem is recorded in ``Rules.problems``.
    A file that is not valid TOML is reported once, and only that: its tables
    are then unknown, and nothing is said of what they would have held.
    """
    problems = Problems(files)
    parsed: dict[str, dict] = {}
    broken: set[str] = set()
    for name in sorted(files):
        try:
            parsed[name] = tomllib.loads(files[name].decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            m = TOML_LINE_RE.search(str(e))
            problems.add("toml_syntax", name, line=int(m.group(1)) if m else 1,
                         detail=TOML_LINE_RE.sub("", str(e)).strip())
            parsed[name] = {}
            broken.add(name)

    meta = parsed.get(META_FILE, {})
    mat = At(problems, META_FILE)
    for fname in (META_FILE, *MESSAGE_FILES.values(), *PROBLEM_FILES.values()):
        if fname not in files:
            problems.add("file_missing", fname, name=fname)
    meta_ok = META_FILE in files and META_FILE not in broken
    if not meta_ok:  # said above; its keys are not reported missing one by one
        meta = {"rules_version": "?", "known_valid_until": _dt.date.min}
    version = meta.get("rules_version")
    if not isinstance(version, str) or not version:
        mat.add("rules_version", key="rules_version")
        version = "?"
    valid_until = _date(meta.get("known_valid_until"), mat, "known_valid_until")
    limits = meta.get("input_limits", {})
    if not isinstance(limits, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in limits.values()):
        At(problems, META_FILE, "input_limits").add("input_limits_integers")
        limits = {}
    documents = {}
    docs_raw = meta.get("documents", {})
    if not isinstance(docs_raw, dict):
        At(problems, META_FILE, "documents").add("table_expected")
        docs_raw = {}
    for doc in DOCUMENTS:
        if doc not in docs_raw:
            documents[doc] = Text(doc, doc)
            if meta_ok:
                mat.add("document_missing", doc=doc)
    for doc, table in docs_raw.items():
        dat = At(problems, META_FILE, f"documents.{doc}")
        if doc == REFERENCES_DOC or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc):
            dat.add("document_id_invalid", doc=doc)
            continue
        documents[doc] = _text(table, dat, "")
    pending = []
    pending_raw = meta.get("pending", {})
    if not isinstance(pending_raw, dict):
        At(problems, META_FILE, "pending").add("table_expected")
        pending_raw = {}
    for pid, table in pending_raw.items():
        pc = _parse_pending(pid, table, problems)
        if pc:
            pending.append(pc)
    pending.sort(key=lambda p: p.effective)

    references = {}
    for key, table in parsed.get(REFERENCES_FILE, {}).items():
        if key != "references":
            At(problems, REFERENCES_FILE, key).add("references_table_unknown", name=key)
            continue
        if not isinstance(table, dict):
            At(problems, REFERENCES_FILE, key).add("table_expected")
            continue
        for rid, rt in table.items():
            r = _parse_reference(rid, rt, problems)
            if r:
                references[rid] = r

    anchors = {}
    for key, table in parsed.get(ANCHORS_FILE, {}).items():
        aat = At(problems, ANCHORS_FILE, key)
        if Ref.parse(key) is None:
            aat.add("anchor_key_invalid", name=key)
            continue
        anchors[key] = _text(table, aat, "")

    messages: dict[str, dict[str, str]] = {}
    for lang, fname in MESSAGE_FILES.items():
        flat = flatten(parsed.get(fname, {}))
        for k, v in flat.items():
            if not isinstance(v, str):
                section, _, last = k.rpartition(".")
                At(problems, fname, section).add("message_not_string", key=last, name=k)
        messages[lang] = {k: v for k, v in flat.items() if isinstance(v, str)}
    problem_messages = {lang: {k: v for k, v in flatten(parsed.get(fname, {})).items() if isinstance(v, str)}
                        for lang, fname in PROBLEM_FILES.items()}

    parameters: dict[str, Parameter] = {}
    interpretations: dict[str, Interpretation] = {}
    codes: list[Pseudocode] = []
    special = {META_FILE, ANCHORS_FILE, REFERENCES_FILE, *MESSAGE_FILES.values(), *PROBLEM_FILES.values()}
    for fname in sorted(parsed):
        if fname in special:
            continue
        for key, table in parsed[fname].items():
            if key == "interpretations":
                if not isinstance(table, dict):
                    At(problems, fname, key).add("table_expected")
                    continue
                for iid, it in table.items():
                    if iid in interpretations:
                        At(problems, fname, f"interpretations.{iid}").add(
                            "defined_twice", name=iid, other=interpretations[iid].file)
                    parsed_it = _parse_interpretation(iid, fname, it, problems)
                    if parsed_it:
                        interpretations[iid] = parsed_it
            elif key == "codes":
                if not isinstance(table, list):
                    problems.add("codes_array", fname, contains="codes")
                    continue
                for i, row in enumerate(table):
                    pc = _parse_code(i, fname, row, problems)
                    if pc:
                        codes.append(pc)
            else:
                if key in parameters:
                    At(problems, fname, key).add("defined_twice", name=key, other=parameters[key].file)
                param = _parse_parameter(key, fname, table, problems)
                if param:
                    parameters[key] = param

    return Rules(
        version=version,
        known_valid_until=valid_until or _dt.date.min,
        limits=limits,
        documents=documents,
        anchors=anchors,
        parameters=parameters,
        interpretations=interpretations,
        pseudocodes=tuple(codes),
        catalogue=Catalogue(messages),
        problems=tuple(problems),
        references=references,
        pending=tuple(pending),
        broken_files=frozenset(broken),
        problem_catalogue=Catalogue(problem_messages),
    )


def read_data_files() -> dict[str, bytes]:
    """The package's data files: every calculator/data/*.toml, name -> bytes."""
    root = resources.files("calculator").joinpath("data")
    return {
        entry.name: entry.read_bytes()
        for entry in root.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    }


PREBUILT_RULES = "rules.pickle"


@functools.cache
def load_rules() -> Rules:
    """The package's rules, parsed once. Raises RulesDataError if the data are broken.

    In the browser's bundle, data/rules.pickle holds them already parsed and
    checked, at build time, from these same files (scripts/publish/stdlib_trace.py);
    a source tree or a wheel has no such file."""
    prebuilt = resources.files("calculator").joinpath("data", PREBUILT_RULES)
    if prebuilt.is_file():
        import pickle

        return pickle.loads(prebuilt.read_bytes())
    rules = parse_rules(read_data_files())
    if rules.problems:
        raise RulesDataError("\n".join(p.render() for p in rules.problems))
    return rules


def to_cents(value: Any) -> int | None:
    """Euros (string "11.00", int or float from TOML) to integer cents; None if not exact."""
    if isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    cents = d * 100
    if cents != cents.to_integral_value():
        return None
    return int(cents)
