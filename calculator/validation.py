"""Validation of the rule data files (run by the tests and the build).

Refuses missing or unknown parameters, explicit ends that contradict the next
start, references to paragraphs that do not exist, missing translations,
unknown vocabulary, catalogue keys the code reads but the catalogues lack, and
catalogues whose keys or placeholders differ between French and Dutch.

    python -m calculator.validation [--sources DIR] [--lang fr|nl]

Each problem is a record (calculator.problems.Problem: file, line, table, value
start, code, params) built where it is found, and rendered in the maintainer's
language (--lang, else $CALCULATOR_LANG, else fr) from
calculator/data/problems.{fr,nl}.toml. From Python:
``validation_problems(known_anchors=None)`` returns the records,
``validate(known_anchors=None)`` the rendered problems.

With --sources (default: ./sources if it exists), every reference must name a
paragraph id ``{#id}`` (or footnote ``fn:<label>``) of sources/<doc>/fr.md and
nl.md. Exit status 0 when the data are valid, 1 otherwise.
"""

from __future__ import annotations

import ast
import datetime as _dt
import difflib
import functools
import os
import re
import sys
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping

from .errors import ERROR_CODES
from .i18n import LANGS
from .params import (
    ANCHORS_FILE, CODE_TABLE_DOC, MESSAGE_FILES, META_FILE, REFERENCES_DOC, Parameter, Ref, Rules, parse_rules,
    read_data_files, to_cents,
)
from .problems import LANG_ENV, PROBLEM_FILES, Problem, Problems, maintainer_lang, problem_words
from .vocab import (
    label_key_lists,
    CODE_CARE_TYPES, CODE_KINDS, CODE_MODALITIES, MODALITIES, NETWORKS, CARE_TYPES, PLACES, QUOTA_CARE_TYPES,
    ROUTE_PARAMETERS, SESSIONS_WITHOUT_NUMBER, TEAMS, UNITS,
)

ANCHOR_RE = re.compile(r"\{#([a-z0-9-]+)\}")
FOOTNOTE_RE = re.compile(r"^\[\^([^\]]+)\]:", re.MULTILINE)
SHORT_TITLE_RE = re.compile(r'^short_title\s*=\s*"(.*)"\s*$', re.MULTILINE)

# Parameters the code reads: each must exist (quota_* are generated below).
REQUIRED_PARAMETERS = {
    "children_max_age": "age_years",
    "adults_min_age": "age_years",
    "quota_window_months": "months",
    "copay_individual": "eur",
    "copay_individual_bim": "eur",
    "copay_group": "eur",
    "first_session_free": "modalities",
    "no_contribution_max_age": "age_limit",
    "reserved_no_contribution_codes": "codes",
    "fee_individual": "eur",
    "fee_group": "eur",
    "fee_group_second_provider": "eur",
    "fee_trajectory": "eur",
    "fee_multidisciplinary": "eur",
    "multidisciplinary_min_providers": "providers",
    **{p: "places" for p in ROUTE_PARAMETERS},
    "care_types": "care_types",
    **{f"quota_{c}_{n}_{m}": "sessions" for c in QUOTA_CARE_TYPES for n in NETWORKS for m in MODALITIES},
}
CODES_FILE = "pseudocodes.toml"
REQUIRED_LIMITS = ("age_max", "course_sessions_max", "sessions_used_max", "participants_max", "providers_max")
ROUTE_BASES = ("convention", "circular", "note")


def collect_anchors(sources_dir: Path | str) -> dict[str, set[str]]:
    """doc id -> paragraph ids of sources/<doc>/fr.md that are also in nl.md (if nl.md exists)."""
    out: dict[str, set[str]] = {}
    root = Path(sources_dir)
    for doc_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        ids_per_lang = []
        for lang in LANGS:
            f = doc_dir / f"{lang}.md"
            if f.is_file():
                text = f.read_text(encoding="utf-8")
                ids = set(ANCHOR_RE.findall(text)) | {f"fn:{x}" for x in FOOTNOTE_RE.findall(text)}
                ids_per_lang.append(ids)
        if ids_per_lang:
            out[doc_dir.name] = set.intersection(*ids_per_lang)
    return out


def collect_short_titles(sources_dir: Path | str) -> dict[str, dict[str, str]]:
    """doc id -> {lang: short_title} from the metadata of sources/<doc>/<lang>.md."""
    out: dict[str, dict[str, str]] = {}
    for doc_dir in sorted(p for p in Path(sources_dir).iterdir() if p.is_dir()):
        for lang in LANGS:
            f = doc_dir / f"{lang}.md"
            if f.is_file():
                m = SHORT_TITLE_RE.search(f.read_text(encoding="utf-8"))
                if m:
                    out.setdefault(doc_dir.name, {})[lang] = m.group(1)
    return out


def _all_refs(rules: Rules) -> Iterable[tuple[dict, Ref]]:
    """Every reference of the data, with where it is written (Problems.add arguments)."""
    for p in rules.parameters.values():
        for v in p.values:
            for r in v.refs:
                yield dict(file=p.file, table=p.id, start=v.start, contains=f'"{r}"'), r
    for it in rules.interpretations.values():
        for r in it.refs:
            yield dict(file=it.file, table=f"interpretations.{it.id}", contains=f'"{r}"'), r
    for pc in rules.pseudocodes:
        yield dict(file=CODES_FILE, table="codes", pcode=pc.code, key="ref"), pc.ref
    for key in rules.anchors:
        yield dict(file=ANCHORS_FILE, table=key), Ref.parse(key)
    for pc in rules.pending:
        for r in pc.refs:
            yield dict(file=META_FILE, table=f"pending.{pc.id}", contains=f'"{r}"'), r


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _check_value(p: Parameter, v, rules: Rules, problems: Problems) -> None:
    def bad(code: str, **params) -> None:
        problems.add(code, p.file, p.id, v.start, key="value", got=repr(val), **params)

    val = v.value
    unit = p.unit
    if unit == "eur":
        cents = to_cents(val)
        if cents is None or cents < 0 or isinstance(val, bool):
            bad("amount")
    elif unit == "age_years":
        if not _is_int(val) or not 0 <= val <= 120:
            bad("age")
    elif unit == "age_limit":
        if val != "none" and (not _is_int(val) or not 0 <= val <= 120):
            bad("age_limit")
    elif unit in ("months", "providers"):
        if not _is_int(val) or val <= 0:
            bad("positive_whole_number")
    elif unit == "sessions":
        # max = "none": no maximum; max = "unknown": no source of ours gives one
        if isinstance(val, dict) and set(val) == {"max"} and val["max"] in SESSIONS_WITHOUT_NUMBER:
            pass
        elif not isinstance(val, dict) or not _is_int(val.get("max")) or val["max"] <= 0:
            bad("sessions")
        else:
            extra = set(val) - {"max", "average"}
            if extra:
                bad("sessions_keys", keys=sorted(extra))
            if "average" in val and (not _is_int(val["average"]) or not 0 < val["average"] <= val["max"]):
                bad("sessions_average")
    elif unit == "care_types":
        if not isinstance(val, list) or not val or any(c not in QUOTA_CARE_TYPES for c in val):
            bad("care_types", care_types=QUOTA_CARE_TYPES)
    elif unit == "modalities":
        if not isinstance(val, list) or any(m not in MODALITIES for m in val):
            bad("modalities", modalities=MODALITIES)
    elif unit == "places":
        if not isinstance(val, dict) or set(val) != {"free", "not_allowed", "basis"}:
            bad("places")
        else:
            for k in ("free", "not_allowed"):
                if not isinstance(val[k], list) or any(x not in PLACES for x in val[k]):
                    bad("places_list", name=k, places=PLACES)
            if isinstance(val["free"], list) and isinstance(val["not_allowed"], list):
                both = set(val["free"]) & set(val["not_allowed"])
                if both:
                    bad("places_both", places=sorted(both))
            if val["basis"] not in ROUTE_BASES:
                bad("basis", bases=ROUTE_BASES)
    elif unit == "codes":
        known = {pc.code for pc in rules.pseudocodes}
        if not isinstance(val, list) or any(not isinstance(c, str) or c not in known for c in val):
            unknown = [c for c in val if c not in known] if isinstance(val, list) else val
            problems.add("codes_unknown", p.file, p.id, v.start, key="value",
                         contains=f'"{unknown[0]}"' if isinstance(unknown, list) and unknown else None,
                         got=repr(val), unknown=unknown)


def _closest_file(pid: str, rules: Rules) -> str:
    """The rule file of the parameters whose ids begin like pid ("" if none)."""
    best, file = 0, ""
    for other in rules.parameters.values():
        n = len(os.path.commonprefix([pid, other.id]))
        if n > best:
            best, file = n, other.file
    return file if best >= 3 else ""


def _check_parameters(rules: Rules, problems: Problems) -> None:
    unknown = sorted(set(rules.parameters) - set(REQUIRED_PARAMETERS))
    missing = [pid for pid in REQUIRED_PARAMETERS if pid not in rules.parameters]
    misspelled = {}
    for pid in unknown:
        close = difflib.get_close_matches(pid, missing, n=1, cutoff=0.8)
        p = rules.parameters[pid]
        if close:
            misspelled[close[0]] = pid
            problems.add("parameter_misspelled", p.file, pid, name=pid, meant=close[0])
        else:
            problems.add("parameter_unknown", p.file, pid, name=pid)
    for pid in missing:
        if pid not in misspelled:
            file = _closest_file(pid, rules)
            problems.add("parameter_missing", file, line=len(problems.lines.lines(file)) if file else 0, name=pid)
    for pid, unit in REQUIRED_PARAMETERS.items():
        p = rules.parameters.get(pid)
        if p is not None and p.unit and p.unit != unit:
            problems.add("unit_wrong", p.file, pid, key="unit", expected=unit, got=p.unit)
    for p in rules.parameters.values():
        if p.unit and p.unit not in UNITS:
            problems.add("unit_unknown", p.file, p.id, key="unit", got=p.unit, units=UNITS)
        for v in p.values:
            for iid in v.interpretations:
                if iid not in rules.interpretations:
                    problems.add("interpretation_unknown", p.file, p.id, v.start, key="interpretations",
                                 contains=f'"{iid}"', name=iid)
            _check_value(p, v, rules, problems)

    # Network bounds leave no age without a network.
    children, adults = rules.parameters.get("children_max_age"), rules.parameters.get("adults_min_age")
    for v in children.values if children and adults else ():
        for w in adults.values:
            overlap = max(v.start, w.start) <= min(v.end or _dt.date.max, w.end or _dt.date.max)
            if overlap and _is_int(v.value) and _is_int(w.value) and v.value + 1 < w.value:
                problems.add("networks_age_gap", adults.file, adults.id, w.start, key="value",
                             first=v.value + 1, last=w.value - 1, since=max(v.start, w.start))


def _check_pseudocodes(rules: Rules, problems: Problems) -> None:
    seen: dict[str, int] = {}
    for pc in rules.pseudocodes:
        def add(code: str, key: str, **params) -> None:
            problems.add(code, CODES_FILE, "codes", pcode=pc.code, key=key, code=pc.code, **params)

        seen[pc.code] = seen.get(pc.code, 0) + 1
        if not re.fullmatch(r"\d{6}", pc.code):
            add("code_digits", "code")
        for attr, allowed in (("care_type", CODE_CARE_TYPES), ("modality", CODE_MODALITIES),
                              ("kind", CODE_KINDS), ("team", TEAMS)):
            if getattr(pc, attr) not in allowed:
                add("code_attribute", attr, name=attr, got=getattr(pc, attr), allowed=allowed)
        if str(pc.ref) != f"{CODE_TABLE_DOC}#code-{pc.code}":
            add("code_ref", "ref", expected=f"{CODE_TABLE_DOC}#code-{pc.code}")
        if pc.end is not None and pc.end < pc.start:
            add("code_ends_before_start", "end")
    for code, n in seen.items():
        if n > 1:
            problems.add("code_listed_twice", CODES_FILE, "codes", pcode=code, key="code", code=code, n=n)
    codes = list(rules.pseudocodes)
    for i, a in enumerate(codes):
        for c in codes[i + 1:]:
            same = (a.care_type, a.modality, a.kind, a.team) == (c.care_type, c.modality, c.kind, c.team)
            overlap = max(a.start, c.start) <= min(a.end or _dt.date.max, c.end or _dt.date.max)
            if same and overlap and a.code != c.code:
                problems.add("codes_same_attributes", CODES_FILE, "codes", pcode=c.code, key="code",
                             code=c.code, other=a.code)
    reserved = rules.parameters.get("reserved_no_contribution_codes")
    for v in reserved.values if reserved else ():
        listed = set(v.value) if isinstance(v.value, list) else set()
        flagged = {pc.code for pc in rules.pseudocodes if pc.reserved_no_contribution and pc.covers(v.start)}
        if listed != flagged:
            problems.add("reserved_flags_differ", reserved.file, reserved.id, v.start, key="value",
                         flagged=sorted(flagged), listed=sorted(listed),
                         only_flagged=sorted(flagged - listed), only_listed=sorted(listed - flagged))


def _check_refs(rules: Rules, known_anchors: Mapping[str, set[str]] | None, problems: Problems) -> None:
    for key in rules.anchors:
        if Ref.parse(key) and Ref.parse(key).is_code_row:
            problems.add("anchor_code_row", ANCHORS_FILE, key, name=key)
    for where, ref in _all_refs(rules):
        if ref is None:
            continue
        if ref.is_reference:
            # A public source of references.toml, cited by its anchor on the "what changed" page.
            if ref.reference_id not in rules.references:
                problems.add("reference_unknown", **where, ref=str(ref),
                             known=[f"{REFERENCES_DOC}#ref-{r}" for r in rules.references])
            continue
        # The cause first: a document or a paragraph that does not exist. A label is asked
        # for only once the paragraph is known to exist.
        if ref.doc not in rules.documents:
            problems.add("document_unknown", **where, ref=str(ref), doc=ref.doc, docs=tuple(rules.documents))
            continue
        if known_anchors is not None:
            if ref.doc not in known_anchors:
                problems.add("source_missing", **where, ref=str(ref), doc=ref.doc)
                continue
            if ref.para not in known_anchors[ref.doc]:
                problems.add("paragraph_unknown", **where, ref=str(ref), doc=ref.doc, para=ref.para)
                continue
        if not ref.is_code_row and str(ref) not in rules.anchors:
            problems.add("label_missing", **where, ref=str(ref), checked=known_anchors is not None)


def _check_interpretations_and_pending(rules: Rules, problems: Problems) -> None:
    # Interpretations replaced after a date: the replacement exists, the chain ends.
    for it in rules.interpretations.values():
        seen = {it.id}
        cur = it
        while cur.replaced_by:
            if cur.replaced_by not in rules.interpretations:
                problems.add("replaced_by_unknown", cur.file, f"interpretations.{cur.id}", key="replaced_by",
                             name=cur.replaced_by)
                break
            cur = rules.interpretations[cur.replaced_by]
            if cur.id in seen:
                problems.add("replaced_by_circle", it.file, f"interpretations.{it.id}", key="replaced_by")
                break
            seen.add(cur.id)

    # Known later changes not encoded yet.
    for pc in rules.pending:
        table = f"pending.{pc.id}"
        if pc.effective <= rules.known_valid_until:
            problems.add("pending_effective", META_FILE, table, key="effective", effective=pc.effective,
                         until=rules.known_valid_until)
        for key, code in (("warning", pc.warning), ("taken_in_warning", pc.taken_in_warning)):
            if code is not None and not rules.catalogue.has(f"warnings.{code}"):
                problems.add("pending_message", META_FILE, table, key=key, name=code)
    for r in rules.references.values():
        for p in rules.parameters.values():
            for v in p.values:
                if any(x.is_reference and x.reference_id == r.id for x in v.refs) and v.start < r.effective:
                    problems.add("reference_not_yet", p.file, p.id, v.start, contains=f"ref-{r.id}",
                                 ref=f"{REFERENCES_DOC}#ref-{r.id}", effective=r.effective)


@functools.cache
def _used_keys() -> dict[str, str]:
    """Catalogue keys the package's code names literally -> "calculator/<module>.py:<line>".

    b.warn("x") names warnings.x, error(field, "x") errors.x, Count(n, "x") units.x.one
    and .other; say/text/Key take a key (present.say one of [view]). Keys built from a vocabulary (labels.place_at.<place>)
    are checked by the vocabulary loop of _check_catalogues."""
    out: dict[str, str] = {}
    for entry in resources.files("calculator").iterdir():
        if not entry.name.endswith(".py") or entry.name in ("validation.py", "problems.py"):
            continue
        for node in ast.walk(ast.parse(entry.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            keys: list[str] = []
            if name == "warn" and args and args[0]:
                keys = [f"warnings.{args[0]}"]
            elif name == "error" and len(args) > 1 and args[1]:
                keys = [f"errors.{args[1]}"]
            elif name == "Count" and len(args) > 1 and args[1]:
                keys = [f"units.{args[1]}.one", f"units.{args[1]}.other"]
            elif name == "say" and entry.name == "present.py" and args and args[0]:
                keys = [f"view.{args[0]}"]  # present.say names an entry of [view]
            elif name in ("say", "text", "Key") and args and args[0] and "." in args[0]:
                keys = [args[0]]
            for k in keys:
                out.setdefault(k, f"calculator/{entry.name}:{node.lineno}")
    for code in ERROR_CODES:
        out.setdefault(f"errors.{code}", "calculator/errors.py")
    return out


def _check_catalogues(rules: Rules, problems: Problems) -> None:
    """Both languages of each catalogue have the same keys, the same placeholders, nothing empty;
    every key the code reads is there."""
    needed: dict[str, str] = {}
    for name, items in label_key_lists().items():
        for value, key in items:
            needed.setdefault(key, f"calculator/vocab.py ({name} '{value}')")
    for place in PLACES:
        needed.setdefault(f"labels.place_at.{place}", f"calculator/vocab.py (place '{place}')")
    needed.update({k: v for k, v in _used_keys().items() if k not in needed})
    for cat, files in ((rules.catalogue, MESSAGE_FILES), (rules.problem_catalogue, PROBLEM_FILES)):
        def at(lang: str, key: str) -> dict:
            section, _, last = key.rpartition(".")
            return dict(file=files[lang], table=section, key=last)

        keys = {lang: set(cat.messages.get(lang, {})) for lang in LANGS}
        only = {lang: keys[lang] - keys[next(x for x in LANGS if x != lang)] for lang in LANGS}
        misspelled = set()
        for lang in LANGS:  # a key of one language only that resembles a key of the other only
            other = next(x for x in LANGS if x != lang)
            for k in sorted(only[lang] - misspelled):
                close = [m for m in difflib.get_close_matches(k, sorted(only[other] - misspelled), n=1, cutoff=0.75)
                         if m.rpartition(".")[0] == k.rpartition(".")[0]]
                if close:
                    misspelled |= {k, close[0]}
                    # the misspelling is the key the code does not read
                    wrong, meant, in_lang = (close[0], k, other) if close[0] not in needed and k in needed \
                        else (k, close[0], lang)
                    problems.add("catalogue_key_misspelled", **at(in_lang, wrong), name=wrong, meant=meant,
                                 other=files[next(x for x in LANGS if x != in_lang)])
        for lang in LANGS:
            other = next(x for x in LANGS if x != lang)
            for k in sorted(only[other] - misspelled):
                problems.add("translation_key_missing", **at(lang, k), name=k, other=files[other])
        for k in sorted(keys["fr"] & keys["nl"]):
            for lang in LANGS:
                if not cat.messages[lang][k].strip():
                    problems.add("message_empty", **at(lang, k), name=k)
            try:
                if cat.placeholders("fr", k) != cat.placeholders("nl", k):
                    problems.add("placeholders_differ", **at("nl", k), name=k,
                                 fr=sorted(cat.placeholders("fr", k)), nl=sorted(cat.placeholders("nl", k)))
            except ValueError as e:
                problems.add("template_invalid", **at("fr", k), name=k, error=str(e))
    cat = rules.catalogue
    for key, source in needed.items():
        if any(key in cat.messages.get(lang, {}) for lang in LANGS):
            continue  # one language only: said by translation_key_missing above
        section, _, last = key.rpartition(".")
        problems.add("message_missing", MESSAGE_FILES["fr"], section, key=last, name=key, source=source)


def problems_of(rules: Rules, known_anchors: Mapping[str, set[str]] | None = None,
                files: Mapping[str, bytes] | None = None) -> list[Problem]:
    """Every problem of the data, as records (empty list: valid).

    A file that is missing or not valid TOML is the only thing reported: what its
    tables would have held is unknown, so nothing is said about it."""
    found = list(rules.problems)
    if rules.broken_files or any(p.code == "file_missing" for p in found):
        return [p for p in found if p.code in ("toml_syntax", "file_missing")]
    problems = Problems(files if files is not None else read_data_files())
    for key, n in rules.limits.items():
        if n <= 0:
            problems.add("limit_positive", META_FILE, "input_limits", key=key, name=key)
    for key in REQUIRED_LIMITS:
        if key not in rules.limits:
            problems.add("limit_missing", META_FILE, "input_limits", name=key)
    # A parameter with a problem of its own is not checked further (its values are partial).
    damaged = {(p.file, p.table) for p in found if p.table}
    _check_parameters(replace(rules, parameters={pid: p for pid, p in rules.parameters.items()
                                                  if (p.file, pid) not in damaged}
                              | {pid: replace(p, values=()) for pid, p in rules.parameters.items()
                                 if (p.file, pid) in damaged}), problems)
    _check_pseudocodes(rules, problems)
    _check_refs(rules, known_anchors, problems)
    _check_interpretations_and_pending(rules, problems)
    _check_catalogues(rules, problems)
    return found + problems.items


def validation_problems(known_anchors: Mapping[str, set[str]] | None = None,
                        files: Mapping[str, bytes] | None = None) -> list[Problem]:
    """The problems of the package's data files (or the given ones), as records."""
    files = files if files is not None else read_data_files()
    return problems_of(parse_rules(files), known_anchors, files)


def validate(known_anchors: Mapping[str, set[str]] | None = None,
             files: Mapping[str, bytes] | None = None, lang: str | None = None) -> list[str]:
    """The same problems, rendered in the maintainer's language (`file:line: message`, then
    `    fix: ...`)."""
    return [p.render(lang) for p in validation_problems(known_anchors, files)]


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m calculator.validation", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", help="folder of the source documents (default: ./sources if present)")
    ap.add_argument("--lang", choices=LANGS, help=f"language of the messages (default: ${LANG_ENV}, else fr)")
    args = ap.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # the messages are French or Dutch, whatever the locale
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    lang = maintainer_lang(args.lang)
    sources = Path(args.sources) if args.sources else Path("sources")
    anchors = collect_anchors(sources) if sources.is_dir() else None
    words = problem_words(lang)
    if args.sources and anchors is None:
        print(words["cli.no_folder"].format(folder=sources), file=sys.stderr)
        return 1
    problems = validation_problems(anchors)
    for p in problems:
        print(p.render(lang), file=sys.stderr)
    if problems:
        print(words["cli.problems"].format(n=len(problems)), file=sys.stderr)
        return 1
    print(words["cli.valid_with" if anchors is not None else "cli.valid_without"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
