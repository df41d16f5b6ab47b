"""Validation of the rule data files (run by the tests and the build).

Refuses gaps, overlaps, missing references, references to paragraphs that do
not exist, missing translations, unknown vocabulary, and catalogues whose keys
or placeholders differ between French and Dutch.

    python -m calculator.validation [--sources DIR]

From Python: ``calculator.validate(known_anchors=None)`` returns the problems.

With --sources (default: ./sources if it exists), every reference must name a
paragraph id ``{#id}`` (or footnote ``fn:<label>``) of sources/<doc>/fr.md and
nl.md. Exit status 0 when the data are valid, 1 otherwise.
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from pathlib import Path
from typing import Iterable, Mapping

from .i18n import LANGS
from .locate import Located, locate_all
from .params import REFERENCES_DOC, Parameter, Ref, Rules, parse_rules, read_data_files, to_cents
from .vocab import (
    label_key_lists,
    CODE_CARE_TYPES, CODE_KINDS, CODE_MODALITIES, MODALITIES, NETWORKS, CARE_TYPES, PLACES, ROUTES, TEAMS, UNITS,
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
    **{f"route_{r}": "places" for r in ROUTES},
    **{f"quota_{c}_{n}_{m}": "sessions" for c in CARE_TYPES for n in NETWORKS for m in MODALITIES},
}
REQUIRED_LIMITS = ("age_max", "course_sessions_max", "sessions_used_max", "participants_max", "providers_max")
ROUTE_BASES = ("convention", "circular")


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


def _all_refs(rules: Rules) -> Iterable[tuple[str, Ref]]:
    for p in rules.parameters.values():
        for i, v in enumerate(p.values):
            for r in v.refs:
                yield f"{p.file}: [{p.id}] value from {v.start}", r
    for it in rules.interpretations.values():
        for r in it.refs:
            yield f"{it.file}: [interpretations.{it.id}]", r
    for pc in rules.pseudocodes:
        yield f"code {pc.code}", pc.ref
    for key in rules.anchors:
        yield "anchors.toml", Ref.parse(key)
    for pc in rules.pending:
        for r in pc.refs:
            yield f"meta.toml: [pending.{pc.id}]", r


def _check_value(p: Parameter, v, rules: Rules, problems: list[str]) -> None:
    where = f"{p.file}: [{p.id}] value from {v.start}"
    val = v.value
    unit = p.unit

    def is_int(x) -> bool:
        return isinstance(x, int) and not isinstance(x, bool)

    if unit == "eur":
        cents = to_cents(val)
        if cents is None or cents < 0 or isinstance(val, bool):
            problems.append(f"{where}: {val!r} is not an amount in euros with at most 2 decimals (write \"11.00\")")
    elif unit == "age_years":
        if not is_int(val) or not 0 <= val <= 120:
            problems.append(f"{where}: an age must be a whole number of years, got {val!r}")
    elif unit == "age_limit":
        if val != "none" and (not is_int(val) or not 0 <= val <= 120):
            problems.append(f"{where}: expected a whole number of years or \"none\", got {val!r}")
    elif unit in ("months", "providers"):
        if not is_int(val) or val <= 0:
            problems.append(f"{where}: expected a positive whole number, got {val!r}")
    elif unit == "sessions":
        if not isinstance(val, dict) or not is_int(val.get("max")) or val["max"] <= 0:
            problems.append(f"{where}: expected {{ max = N }} or {{ average = N, max = M }}, got {val!r}")
        else:
            extra = set(val) - {"max", "average"}
            if extra:
                problems.append(f"{where}: unknown key(s) {sorted(extra)}")
            if "average" in val and (not is_int(val["average"]) or not 0 < val["average"] <= val["max"]):
                problems.append(f"{where}: average must be a whole number between 1 and max")
    elif unit == "modalities":
        if not isinstance(val, list) or any(m not in MODALITIES for m in val):
            problems.append(f"{where}: expected a list of modalities among {MODALITIES}, got {val!r}")
    elif unit == "places":
        if not isinstance(val, dict) or set(val) != {"free", "not_allowed", "basis"}:
            problems.append(f"{where}: expected {{ free = [...], not_allowed = [...], basis = \"...\" }}")
        else:
            for k in ("free", "not_allowed"):
                if not isinstance(val[k], list) or any(x not in PLACES for x in val[k]):
                    problems.append(f"{where}: {k} must list places among {PLACES}")
            if isinstance(val["free"], list) and isinstance(val["not_allowed"], list):
                both = set(val["free"]) & set(val["not_allowed"])
                if both:
                    problems.append(f"{where}: {sorted(both)} both free and not allowed")
            if val["basis"] not in ROUTE_BASES:
                problems.append(f"{where}: basis must be one of {ROUTE_BASES}")
    elif unit == "codes":
        known = {pc.code for pc in rules.pseudocodes}
        if not isinstance(val, list) or any(not isinstance(c, str) or c not in known for c in val):
            problems.append(f"{where}: expected a list of known pseudocodes, got {val!r}")


def validate_rules(rules: Rules, known_anchors: Mapping[str, set[str]] | None = None) -> list[str]:
    """Every problem of the data, as sentences for a maintainer (empty list: valid)."""
    problems = list(rules.problems)

    for key, n in rules.limits.items():
        if n <= 0:
            problems.append(f"meta.toml: input_limits.{key} must be positive")
    for key in REQUIRED_LIMITS:
        if key not in rules.limits:
            problems.append(f"meta.toml: input_limits.{key} is missing")

    # Parameters: presence, unit, values, continuity.
    for pid, unit in REQUIRED_PARAMETERS.items():
        p = rules.parameters.get(pid)
        if p is None:
            problems.append(f"parameter '{pid}' is missing (the code reads it)")
        elif p.unit != unit:
            problems.append(f"{p.file}: [{pid}] unit must be '{unit}', not '{p.unit}'")
    for p in rules.parameters.values():
        if p.unit not in UNITS:
            problems.append(f"{p.file}: [{p.id}] unknown unit '{p.unit}' (one of {UNITS})")
        vals = p.values
        for i, v in enumerate(vals):
            where = f"{p.file}: [{p.id}] value from {v.start}"
            if v.end is not None and v.end < v.start:
                problems.append(f"{where}: ends ({v.end}) before it starts")
            for iid in v.interpretations:
                if iid not in rules.interpretations:
                    problems.append(f"{where}: unknown interpretation '{iid}'")
            _check_value(p, v, rules, problems)
            if i + 1 < len(vals):
                nxt = vals[i + 1]
                if v.end is None:
                    problems.append(f"{where}: only the last value may be open-ended (next starts {nxt.start})")
                elif nxt.start <= v.end:
                    problems.append(f"{where}: overlaps the value from {nxt.start} (ends {v.end})")
                elif nxt.start != v.end + _dt.timedelta(days=1):
                    problems.append(f"{where}: gap between {v.end} and {nxt.start}")
        if vals and vals[-1].end is not None:
            problems.append(
                f"{p.file}: [{p.id}] the last value ends on {vals[-1].end}: leave it open-ended "
                "(later dates use the last rules, with a warning)"
            )

    # Network bounds leave no age without a network.
    try:
        for v in rules.parameters["children_max_age"].values:
            for w in rules.parameters["adults_min_age"].values:
                overlap = max(v.start, w.start) <= min(v.end or _dt.date.max, w.end or _dt.date.max)
                if overlap and isinstance(v.value, int) and isinstance(w.value, int) and v.value + 1 < w.value:
                    problems.append(f"networks: ages {v.value + 1}-{w.value - 1} have no network from {max(v.start, w.start)}")
    except KeyError:
        pass

    # Pseudocodes.
    seen: dict[str, int] = {}
    for pc in rules.pseudocodes:
        where = f"pseudocodes.toml: code {pc.code}"
        seen[pc.code] = seen.get(pc.code, 0) + 1
        if not re.fullmatch(r"\d{6}", pc.code):
            problems.append(f"{where}: a code has 6 digits")
        for attr, allowed in (("care_type", CODE_CARE_TYPES), ("modality", CODE_MODALITIES),
                              ("kind", CODE_KINDS), ("team", TEAMS)):
            if getattr(pc, attr) not in allowed:
                problems.append(f"{where}: {attr} '{getattr(pc, attr)}' not one of {allowed}")
        if str(pc.ref) != f"annex-pseudocodes#code-{pc.code}":
            problems.append(f"{where}: ref must be annex-pseudocodes#code-{pc.code}")
        if pc.end is not None and pc.end < pc.start:
            problems.append(f"{where}: ends before it starts")
    for code, n in seen.items():
        if n > 1:
            problems.append(f"pseudocodes.toml: code {code} is listed {n} times")
    codes = list(rules.pseudocodes)
    for i, a in enumerate(codes):
        for c in codes[i + 1:]:
            same = (a.care_type, a.modality, a.kind, a.team) == (c.care_type, c.modality, c.kind, c.team)
            overlap = max(a.start, c.start) <= min(a.end or _dt.date.max, c.end or _dt.date.max)
            if same and overlap and a.code != c.code:
                problems.append(f"pseudocodes.toml: codes {a.code} and {c.code} have the same attributes")
    reserved_param = rules.parameters.get("reserved_no_contribution_codes")
    if reserved_param:
        for v in reserved_param.values:
            listed = set(v.value) if isinstance(v.value, list) else set()
            flagged = {pc.code for pc in rules.pseudocodes if pc.reserved_no_contribution and pc.covers(v.start)}
            if listed != flagged:
                problems.append(
                    f"pseudocodes.toml: codes flagged reserved_no_contribution {sorted(flagged)} differ from "
                    f"[reserved_no_contribution_codes] from {v.start} {sorted(listed)}"
                )

    # Interpretations and labels of references.
    for key, lab in rules.anchors.items():
        if Ref.parse(key) and Ref.parse(key).is_code_row:
            problems.append(f"anchors.toml: [\"{key}\"] rows of the pseudocode table need no label")
    for where, ref in _all_refs(rules):
        if ref is None:
            continue
        if ref.is_reference:
            # A public source of references.toml, cited by its anchor on the "what changed" page.
            if ref.reference_id not in rules.references:
                problems.append(f"{where}: unknown reference '{ref}' (references.toml has "
                                f"{', '.join(f'{REFERENCES_DOC}#ref-{r}' for r in rules.references) or 'none'})")
            continue
        if ref.doc not in rules.documents:
            problems.append(f"{where}: unknown document '{ref.doc}' in {ref} (one of {tuple(rules.documents)})")
        elif not ref.is_code_row and str(ref) not in rules.anchors:
            problems.append(f"{where}: {ref} has no label in anchors.toml")
        if known_anchors is not None:
            if ref.doc not in known_anchors:
                problems.append(f"{where}: {ref}: no source file sources/{ref.doc}/fr.md")
            elif ref.para not in known_anchors[ref.doc]:
                problems.append(f"{where}: {ref}: no paragraph {{#{ref.para}}} in sources/{ref.doc}")

    # Interpretations replaced after a date: the replacement exists, the chain ends.
    for it in rules.interpretations.values():
        seen = {it.id}
        cur = it
        while cur.replaced_by:
            if cur.replaced_by not in rules.interpretations:
                problems.append(f"{cur.file}: [interpretations.{cur.id}]: replaced_by '{cur.replaced_by}' is not an interpretation")
                break
            cur = rules.interpretations[cur.replaced_by]
            if cur.id in seen:
                problems.append(f"{it.file}: [interpretations.{it.id}]: replaced_by goes round in a circle")
                break
            seen.add(cur.id)

    # Known later changes not encoded yet.
    for pc in rules.pending:
        where = f"meta.toml: [pending.{pc.id}]"
        if pc.effective <= rules.known_valid_until:
            problems.append(f"{where}: effective {pc.effective} is not after known_valid_until "
                            f"{rules.known_valid_until}")
        if not rules.catalogue.has(f"warnings.{pc.warning}"):
            problems.append(f"{where}: no message 'warnings.{pc.warning}' in messages.fr.toml and messages.nl.toml")
    for r in rules.references.values():
        for p in rules.parameters.values():
            for v in p.values:
                if any(x.is_reference and x.reference_id == r.id for x in v.refs) and v.start < r.effective:
                    problems.append(f"{p.file}: [{p.id}] value from {v.start}: cites changes#ref-{r.id}, "
                                    f"which takes effect only on {r.effective}")

    # Catalogues: same keys, same placeholders, nothing empty.
    cat = rules.catalogue
    fr_keys, nl_keys = set(cat.messages.get("fr", {})), set(cat.messages.get("nl", {}))
    for k in sorted(fr_keys - nl_keys):
        problems.append(f"messages.nl.toml: missing translation of '{k}'")
    for k in sorted(nl_keys - fr_keys):
        problems.append(f"messages.fr.toml: missing translation of '{k}'")
    for k in sorted(fr_keys & nl_keys):
        for lang in LANGS:
            if not cat.messages[lang][k].strip():
                problems.append(f"messages.{lang}.toml: '{k}' is empty")
        try:
            if cat.placeholders("fr", k) != cat.placeholders("nl", k):
                problems.append(
                    f"messages: '{k}' has placeholders {sorted(cat.placeholders('fr', k))} in French "
                    f"but {sorted(cat.placeholders('nl', k))} in Dutch"
                )
        except ValueError as e:
            problems.append(f"messages: '{k}' is not a valid template: {e}")
    # Every value of every vocabulary has its label in both languages.
    for name, items in label_key_lists().items():
        for value, key in items:
            if not cat.has(key):
                problems.append(f"messages: no label '{key}' for the {name} value '{value}'")
    for place in PLACES:
        if not cat.has(f"labels.place_at.{place}"):
            problems.append(f"messages: no label 'labels.place_at.{place}'")
    return problems


def validate(known_anchors: Mapping[str, set[str]] | None = None,
             files: Mapping[str, bytes] | None = None) -> list[str]:
    """Validate the package's data files (or the given ones)."""
    return validate_rules(parse_rules(files if files is not None else read_data_files()), known_anchors)


def validate_located(known_anchors: Mapping[str, set[str]] | None = None,
                     files: Mapping[str, bytes] | None = None) -> list[Located]:
    """The same problems, each with its data file, line and what to do (for the build)."""
    files = files if files is not None else read_data_files()
    return locate_all(validate(known_anchors, files), files)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m calculator.validation", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", help="folder of the source documents (default: ./sources if present)")
    args = ap.parse_args(argv)
    sources = Path(args.sources) if args.sources else Path("sources")
    anchors = collect_anchors(sources) if sources.is_dir() else None
    if args.sources and anchors is None:
        print(f"calculator.validation: {sources} is not a folder", file=sys.stderr)
        return 1
    problems = validate_located(anchors)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"calculator data: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    checked = "with" if anchors is not None else "without"
    print(f"calculator data: valid ({checked} the source anchors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
