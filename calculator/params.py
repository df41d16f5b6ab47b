"""Rules as data: load the dated values of calculator/data/*.toml and look them up by date.

The data files are read once, with :mod:`importlib.resources` (works from a
wheel, a zip or Pyodide's file system). Parsing is tolerant: it records every
problem it meets (see :func:`parse_rules`); :mod:`calculator.validation` adds the
semantic checks (gaps, overlaps, references, translations).
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Mapping

from .i18n import LANGS, Catalogue, Key, PublishedDate, Text, flatten

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
REFERENCE_KINDS = ("press", "mutuality")
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
    end: _dt.date | None
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
    problems: tuple[str, ...] = field(default=())
    references: Mapping[str, Reference] = field(default_factory=dict)
    pending: tuple[PendingChange, ...] = ()

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


def _text(obj: Any, where: str, problems: list[str]) -> Text:
    if not isinstance(obj, dict):
        problems.append(f"{where}: expected a table {{ fr = \"...\", nl = \"...\" }}")
        return Text("", "")
    parts = []
    for lang in LANGS:
        s = obj.get(lang)
        if not isinstance(s, str) or not s.strip():
            problems.append(f"{where}: missing or empty translation '{lang}'")
            s = ""
        parts.append(s)
    extra = set(obj) - set(LANGS)
    if extra:
        problems.append(f"{where}: unknown language key(s) {sorted(extra)}")
    return Text(*parts)


def _date(obj: Any, where: str, problems: list[str]) -> _dt.date | None:
    if isinstance(obj, _dt.date) and not isinstance(obj, _dt.datetime):
        return obj
    problems.append(f"{where}: expected a TOML date (YYYY-MM-DD), got {obj!r}")
    return None


def _ref(obj: Any, where: str, problems: list[str]) -> Ref | None:
    ref = Ref.parse(obj)
    if ref is None:
        problems.append(f"{where}: expected a reference \"doc#para\", got {obj!r}")
    return ref


REFERENCE_KEYS = {"kind", "title", "title_lang", "publisher", "url", "url_note", "published", "published_note",
                  "effective", "label", "summary"}
PENDING_KEYS = {"effective", "warning", "title", "summary", "refs"}
PUBLISHED_RE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _parse_reference(rid: str, table: Any, problems: list[str]) -> Reference | None:
    where = f"{REFERENCES_FILE}: [references.{rid}]"
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a table")
        return None
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rid):
        problems.append(f"{where}: an id is lowercase letters, digits and '-'")
    for k in sorted(set(table) - REFERENCE_KEYS):
        problems.append(f"{where}: unknown key '{k}'")
    for k in sorted(REFERENCE_KEYS - {"url_note", "published_note"} - set(table)):
        problems.append(f"{where}: missing {k}")
    kind = table.get("kind")
    if kind not in REFERENCE_KINDS:
        problems.append(f"{where}: kind must be one of {REFERENCE_KINDS}, got {kind!r}")
    strings = {}
    for k in ("title", "title_lang", "url", "published"):
        v = table.get(k)
        if not isinstance(v, str) or not v.strip():
            if k in table and not isinstance(v, _dt.date):
                problems.append(f"{where}: {k} must be a non-empty string")
            v = ""
        strings[k] = v
    if strings["title_lang"] and strings["title_lang"] not in LANGS:
        problems.append(f"{where}: title_lang must be one of {LANGS}")
    if strings["url"] and not strings["url"].startswith("https://"):
        problems.append(f"{where}: url must start with https://")
    published = table.get("published")
    if isinstance(published, _dt.date):
        problems.append(f"{where}: write published as a quoted string, \"2024-01-17\" (or \"2024-01\", \"2024\" when the day or month is not known)")
    elif strings["published"] and not PUBLISHED_RE.fullmatch(strings["published"]):
        problems.append(f"{where}: published must be \"YYYY-MM-DD\", \"YYYY-MM\" or \"YYYY\", got {strings['published']!r}")
    elif strings["published"]:
        try:
            PublishedDate(strings["published"]).check()
        except ValueError:
            problems.append(f"{where}: published {strings['published']!r} is not a real date")
    effective = _date(table.get("effective"), f"{where} effective", problems) if "effective" in table else None
    texts = {k: _text(table.get(k), f"{where} {k}", problems) for k in ("publisher", "label", "summary") if k in table}
    notes = {k: _text(table[k], f"{where} {k}", problems) for k in ("url_note", "published_note") if k in table}
    if effective is None or kind not in REFERENCE_KINDS or len(texts) < 3:
        return None
    return Reference(rid, kind, strings["title"], strings["title_lang"], texts["publisher"], strings["url"],
                     notes.get("url_note"), strings["published"], notes.get("published_note"), effective,
                     texts["label"], texts["summary"])


def _parse_pending(pid: str, table: Any, problems: list[str]) -> PendingChange | None:
    where = f"{META_FILE}: [pending.{pid}]"
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a table")
        return None
    for k in sorted(set(table) - PENDING_KEYS):
        problems.append(f"{where}: unknown key '{k}'")
    for k in sorted(PENDING_KEYS - set(table)):
        problems.append(f"{where}: missing {k}")
    effective = _date(table.get("effective"), f"{where} effective", problems) if "effective" in table else None
    warning = table.get("warning")
    if "warning" in table and (not isinstance(warning, str) or not re.fullmatch(r"[a-z0-9_]+", warning)):
        problems.append(f"{where}: warning must be a code like \"convention_2024_not_encoded\"")
        warning = None
    refs_raw = table.get("refs", [])
    if not isinstance(refs_raw, list):
        problems.append(f"{where}: refs must be a list of references")
        refs_raw = []
    refs = tuple(r for r in (_ref(x, f"{where} refs", problems) for x in refs_raw) if r)
    title = _text(table.get("title"), f"{where} title", problems)
    summary = _text(table.get("summary"), f"{where} summary", problems)
    if effective is None or not warning:
        return None
    return PendingChange(pid, effective, warning, title, summary, refs)


VALUE_KEYS = {"start", "end", "value", "ref", "also", "label", "note", "interpretations", "indexed"}
PARAMETER_KEYS = {"description", "unit", "values"}
INTERPRETATION_KEYS = {"title", "choice", "reason", "refs", "until", "replaced_by"}
CODE_KEYS = {
    "code", "care_type", "modality", "kind", "team", "outreach", "reserved_no_contribution",
    "description_fr", "description_nl", "start", "end", "ref",
}


def _parse_parameter(pid: str, fname: str, table: Any, problems: list[str]) -> Parameter | None:
    where = f"{fname}: [{pid}]"
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a table")
        return None
    for k in set(table) - PARAMETER_KEYS:
        problems.append(f"{where}: unknown key '{k}'")
    description = _text(table.get("description"), f"{where} description", problems)
    unit = table.get("unit")
    if not isinstance(unit, str):
        problems.append(f"{where}: missing unit")
        unit = ""
    raw_values = table.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        problems.append(f"{where}: no values ([[{pid}.values]])")
        raw_values = []
    values = []
    for i, rv in enumerate(raw_values):
        vw = f"{where} value #{i + 1}"
        if not isinstance(rv, dict):
            problems.append(f"{vw}: expected a table")
            continue
        for k in set(rv) - VALUE_KEYS:
            problems.append(f"{vw}: unknown key '{k}'")
        start = _date(rv.get("start"), f"{vw} start", problems)
        end = _date(rv["end"], f"{vw} end", problems) if "end" in rv else None
        if "value" not in rv:
            problems.append(f"{vw}: missing value")
        if "ref" not in rv:
            problems.append(f"{vw}: missing ref (the paragraph the value comes from)")
            ref = None
        else:
            ref = _ref(rv.get("ref"), f"{vw} ref", problems)
        also_raw = rv.get("also", [])
        if not isinstance(also_raw, list):
            problems.append(f"{vw}: also must be a list of references")
            also_raw = []
        also = tuple(r for r in (_ref(a, f"{vw} also", problems) for a in also_raw) if r)
        label = _text(rv.get("label"), f"{vw} label", problems)
        note = _text(rv["note"], f"{vw} note", problems) if "note" in rv else None
        interp = rv.get("interpretations", [])
        if not isinstance(interp, list) or not all(isinstance(x, str) for x in interp):
            problems.append(f"{vw}: interpretations must be a list of ids")
            interp = []
        indexed = rv.get("indexed", False)
        if not isinstance(indexed, bool):
            problems.append(f"{vw}: indexed must be true or false")
            indexed = False
        if start is None or ref is None or "value" not in rv:
            continue
        values.append(DatedValue(pid, start, end, rv["value"], ref, also, label, note, tuple(interp), indexed))
    values.sort(key=lambda v: v.start)
    return Parameter(pid, fname, description, unit, tuple(values))


def _parse_interpretation(iid: str, fname: str, table: Any, problems: list[str]) -> Interpretation | None:
    where = f"{fname}: [interpretations.{iid}]"
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a table")
        return None
    for k in set(table) - INTERPRETATION_KEYS:
        problems.append(f"{where}: unknown key '{k}'")
    refs_raw = table.get("refs", [])
    if not isinstance(refs_raw, list) or not refs_raw:
        problems.append(f"{where}: refs must be a non-empty list of references")
        refs_raw = []
    refs = tuple(r for r in (_ref(x, f"{where} refs", problems) for x in refs_raw) if r)
    until = _date(table["until"], f"{where} until", problems) if "until" in table else None
    replaced_by = table.get("replaced_by")
    if ("until" in table) != ("replaced_by" in table):
        problems.append(f"{where}: until and replaced_by go together (the date after which the interpretation "
                        "replaced_by applies)")
    if replaced_by is not None and not isinstance(replaced_by, str):
        problems.append(f"{where}: replaced_by must be the id of an interpretation")
        replaced_by = None
    return Interpretation(
        iid, fname,
        _text(table.get("title"), f"{where} title", problems),
        _text(table.get("choice"), f"{where} choice", problems),
        _text(table.get("reason"), f"{where} reason", problems),
        refs, until, replaced_by,
    )


def _parse_code(i: int, fname: str, row: Any, problems: list[str]) -> Pseudocode | None:
    where = f"{fname}: [[codes]] #{i + 1}"
    if not isinstance(row, dict):
        problems.append(f"{where}: expected a table")
        return None
    for k in set(row) - CODE_KEYS:
        problems.append(f"{where}: unknown key '{k}'")
    missing = [k for k in CODE_KEYS - {"end"} if k not in row]
    if missing:
        problems.append(f"{where}: missing {sorted(missing)}")
        return None
    code = row["code"]
    where = f"{fname}: code {code}"
    start = _date(row["start"], f"{where} start", problems)
    end = _date(row["end"], f"{where} end", problems) if "end" in row else None
    ref = _ref(row["ref"], f"{where} ref", problems)
    description = _text({"fr": row["description_fr"], "nl": row["description_nl"]}, f"{where} description", problems)
    for k in ("outreach", "reserved_no_contribution"):
        if not isinstance(row[k], bool):
            problems.append(f"{where}: {k} must be true or false")
    if start is None or ref is None:
        return None
    return Pseudocode(
        str(code), row["care_type"], row["modality"], row["kind"], row["team"],
        bool(row["outreach"]), bool(row["reserved_no_contribution"]), description, start, end, ref,
    )


def parse_rules(files: Mapping[str, bytes]) -> Rules:
    """Build :class:`Rules` from the raw data files (name -> bytes).

    Never raises for bad data: every problem is recorded in ``Rules.problems``.
    """
    problems: list[str] = []
    parsed: dict[str, dict] = {}
    for name in sorted(files):
        try:
            parsed[name] = tomllib.loads(files[name].decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            problems.append(f"{name}: not valid TOML: {e}")
            parsed[name] = {}

    meta = parsed.get(META_FILE, {})
    if META_FILE not in files:
        problems.append(f"{META_FILE} is missing")
    version = meta.get("rules_version")
    if not isinstance(version, str) or not version:
        problems.append(f"{META_FILE}: rules_version must be a non-empty string")
        version = "?"
    valid_until = _date(meta.get("known_valid_until"), f"{META_FILE}: known_valid_until", problems)
    limits = meta.get("input_limits", {})
    if not isinstance(limits, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in limits.values()):
        problems.append(f"{META_FILE}: [input_limits] must hold integers")
        limits = {}
    documents = {}
    docs_raw = meta.get("documents", {})
    if not isinstance(docs_raw, dict):
        problems.append(f"{META_FILE}: [documents] must be a table")
        docs_raw = {}
    for doc in DOCUMENTS:
        if doc not in docs_raw:
            documents[doc] = _text(None, f"{META_FILE}: [documents.{doc}]", problems)
    for doc, table in docs_raw.items():
        if doc == REFERENCES_DOC or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc):
            problems.append(f"{META_FILE}: [documents.{doc}] is not a possible document id")
            continue
        documents[doc] = _text(table, f"{META_FILE}: [documents.{doc}]", problems)
    pending = []
    pending_raw = meta.get("pending", {})
    if not isinstance(pending_raw, dict):
        problems.append(f"{META_FILE}: [pending] must be a table")
        pending_raw = {}
    for pid, table in pending_raw.items():
        pc = _parse_pending(pid, table, problems)
        if pc:
            pending.append(pc)
    pending.sort(key=lambda p: p.effective)

    references = {}
    for key, table in parsed.get(REFERENCES_FILE, {}).items():
        if key != "references":
            problems.append(f"{REFERENCES_FILE}: unknown table [{key}] (write [references.<id>])")
            continue
        if not isinstance(table, dict):
            problems.append(f"{REFERENCES_FILE}: [references] must be a table")
            continue
        for rid, rt in table.items():
            r = _parse_reference(rid, rt, problems)
            if r:
                references[rid] = r

    anchors = {}
    for key, table in parsed.get(ANCHORS_FILE, {}).items():
        if Ref.parse(key) is None:
            problems.append(f"{ANCHORS_FILE}: [\"{key}\"] is not a reference doc#para")
            continue
        anchors[key] = _text(table, f"{ANCHORS_FILE}: [\"{key}\"]", problems)

    messages: dict[str, dict[str, str]] = {}
    for lang, fname in MESSAGE_FILES.items():
        if fname not in files:
            problems.append(f"{fname} is missing")
        flat = flatten(parsed.get(fname, {}))
        for k, v in flat.items():
            if not isinstance(v, str):
                problems.append(f"{fname}: {k} must be a string")
        messages[lang] = {k: v for k, v in flat.items() if isinstance(v, str)}

    parameters: dict[str, Parameter] = {}
    interpretations: dict[str, Interpretation] = {}
    codes: list[Pseudocode] = []
    special = {META_FILE, ANCHORS_FILE, REFERENCES_FILE, *MESSAGE_FILES.values()}
    for fname in sorted(parsed):
        if fname in special:
            continue
        for key, table in parsed[fname].items():
            if key == "interpretations":
                if not isinstance(table, dict):
                    problems.append(f"{fname}: [interpretations] must be a table")
                    continue
                for iid, it in table.items():
                    if iid in interpretations:
                        problems.append(f"{fname}: interpretation '{iid}' also defined in {interpretations[iid].file}")
                    parsed_it = _parse_interpretation(iid, fname, it, problems)
                    if parsed_it:
                        interpretations[iid] = parsed_it
            elif key == "codes":
                if not isinstance(table, list):
                    problems.append(f"{fname}: codes must be an array of tables [[codes]]")
                    continue
                for i, row in enumerate(table):
                    pc = _parse_code(i, fname, row, problems)
                    if pc:
                        codes.append(pc)
            else:
                if key in parameters:
                    problems.append(f"{fname}: parameter '{key}' also defined in {parameters[key].file}")
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
        raise RulesDataError("; ".join(rules.problems))
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
