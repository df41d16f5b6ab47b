"""Rules as data: load the dated values of calculator/data/*.toml and look them up by date.

The data files are read once, with :mod:`importlib.resources` (works from a
wheel, a zip or Pyodide's file system). Parsing is tolerant: it records every
problem it meets (see :func:`parse_rules`); :mod:`calculator.validation` adds the
semantic checks (gaps, overlaps, references, translations).
"""

from __future__ import annotations

import datetime as _dt
import functools
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Mapping

from .i18n import LANGS, Catalogue, Text, flatten

DOCUMENTS = ("circular-8761", "inami-letter-2023", "amendment-5", "annex-pseudocodes", "riziv-note-clb")
META_FILE = "meta.toml"
ANCHORS_FILE = "anchors.toml"
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

    def param(self, pid: str) -> Parameter:
        return self.parameters[pid]

    def value(self, pid: str, when: _dt.date) -> DatedValue:
        return self.parameters[pid].at(when)

    def citation_label(self, ref: Ref) -> Text:
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


VALUE_KEYS = {"start", "end", "value", "ref", "also", "label", "note", "interpretations", "indexed"}
PARAMETER_KEYS = {"description", "unit", "values"}
INTERPRETATION_KEYS = {"title", "choice", "reason", "refs"}
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
    return Interpretation(
        iid, fname,
        _text(table.get("title"), f"{where} title", problems),
        _text(table.get("choice"), f"{where} choice", problems),
        _text(table.get("reason"), f"{where} reason", problems),
        refs,
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
    for doc in DOCUMENTS:
        documents[doc] = _text(docs_raw.get(doc), f"{META_FILE}: [documents.{doc}]", problems)
    for doc in set(docs_raw) - set(DOCUMENTS):
        problems.append(f"{META_FILE}: [documents.{doc}] is not a known document {DOCUMENTS}")

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
    special = {META_FILE, ANCHORS_FILE, *MESSAGE_FILES.values()}
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
    )


def read_data_files() -> dict[str, bytes]:
    """The package's data files: every calculator/data/*.toml, name -> bytes."""
    root = resources.files("calculator").joinpath("data")
    return {
        entry.name: entry.read_bytes()
        for entry in root.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    }


@functools.cache
def load_rules() -> Rules:
    """The package's rules, parsed once. Raises RulesDataError if the data are broken."""
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
