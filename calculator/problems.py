"""Problems of the data files, as records, rendered in the maintainer's language.

Each problem is built where it is found (:mod:`calculator.params` while
parsing, :mod:`calculator.validation` for the checks across files) as a
:class:`Problem`: the data file, the line, the table, the start of the dated
value, a code and its parameters. The line is found at creation time from the
file's text: the table's header (for a dated value, the ``[[<id>.values]]``
block whose ``start`` is that date), then the line of the key concerned.

The wording of each code is in calculator/data/problems.fr.toml and
problems.nl.toml (``[<code>] message = "…", fix = "…"``, same keys and
placeholders in both). The language is an explicit argument, by default the
environment variable CALCULATOR_LANG, else French.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Mapping

from .i18n import LANGS, flatten

DATA_DIR = "calculator/data"
PROBLEM_FILES = {"fr": "problems.fr.toml", "nl": "problems.nl.toml"}
LANG_ENV = "CALCULATOR_LANG"
DEFAULT_LANG = "fr"


def maintainer_lang(lang: str | None = None) -> str:
    """The language problems are told in: `lang`, else $CALCULATOR_LANG, else French."""
    lang = lang or os.environ.get(LANG_ENV) or DEFAULT_LANG
    if lang not in LANGS:
        raise ValueError(f"{LANG_ENV}: {lang!r} is not one of {LANGS}")
    return lang


@functools.cache
def _wording(lang: str) -> Mapping[str, str]:
    """The package's problem catalogue in `lang`, flattened ({} if it cannot be read)."""
    try:
        data = resources.files("calculator").joinpath("data", PROBLEM_FILES[lang]).read_bytes()
        return {k: v for k, v in flatten(tomllib.loads(data.decode("utf-8"))).items() if isinstance(v, str)}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def problem_words(lang: str) -> Mapping[str, str]:
    """The problem catalogue of the package in `lang` (dotted keys)."""
    return _wording(lang)


def _shown(v: Any) -> str:
    if isinstance(v, (list, tuple, set, frozenset)):
        return ", ".join(_shown(x) for x in (sorted(v) if isinstance(v, (set, frozenset)) else v)) or "-"
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


@dataclass(frozen=True)
class Problem:
    file: str                         # data file name ("contribution.toml"); "" when no file can be named
    line: int                         # 1-based; 0 when no line can be named
    table: str                        # "copay_group", "interpretations.<id>", "warnings", … ("" for none)
    start: _dt.date | None            # start of the dated value concerned, if any
    code: str                         # the [<code>] of problems.<lang>.toml
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)

    def _say(self, part: str, lang: str | None) -> str:
        lang = maintainer_lang(lang)
        words = _wording(lang)
        template = words.get(f"{self.code}.{part}")
        values = {"table": self.table, "start": _shown(self.start), **{k: _shown(v) for k, v in self.params}}
        if template is None:  # the catalogue itself is broken: still say something exact
            return f"{self.code}.{part} {values}"
        return string.Formatter().vformat(template, (), values)

    def message(self, lang: str | None = None) -> str:
        """The problem, after the table it concerns ("[copay_group] valeur du 2022-10-21 : …")."""
        text = self._say("message", lang)
        if not self.table:
            return text
        template = _wording(maintainer_lang(lang)).get("where.value" if self.start else "where.table",
                                                        "[{table}] {start}: {message}")
        return template.format(table=self.table, start=_shown(self.start), message=text)

    def fix(self, lang: str | None = None) -> str:
        return self._say("fix", lang)

    @property
    def path(self) -> str:
        return f"{DATA_DIR}/{self.file}" if self.file else DATA_DIR

    def render(self, lang: str | None = None) -> str:
        """``calculator/data/<file>:<line>: <message>`` then ``    fix: <fix>``."""
        return f"{self.path}:{self.line}: {self.message(lang)}\n    fix: {self.fix(lang)}"

    def __str__(self) -> str:
        return self.render()


# --- finding lines -----------------------------------------------------------------


def _starts_table(line: str) -> bool:
    return line.startswith("[")


class Lines:
    """Finds the line of a table, a dated value or a key in the data files' text."""

    def __init__(self, files: Mapping[str, bytes]):
        self._files = files
        self._cache: dict[str, list[str]] = {}

    def lines(self, file: str) -> list[str]:
        if file not in self._cache:
            self._cache[file] = self._files.get(file, b"").decode("utf-8", errors="replace").splitlines()
        return self._cache[file]

    @staticmethod
    def _end(lines: list[str], block: int) -> int:
        return next((j for j in range(block + 1, len(lines)) if _starts_table(lines[j])), len(lines))

    @staticmethod
    def _key(lines: list[str], lo: int, hi: int, key: str) -> int:
        pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
        return next((j for j in range(lo, hi) if pat.match(lines[j])), -1)

    def _block(self, lines: list[str], table: str, start: _dt.date | None, index: int | None,
               code: str | None) -> tuple[int, str | None]:
        """0-based line of the block, and the key left to find inside it (for dotted catalogue keys)."""
        def headers(h: str) -> list[int]:
            return [i for i, line in enumerate(lines) if line.strip() == h]

        array = "[[codes]]" if table == "codes" else f"[[{table}.values]]"
        if code is not None or start is not None or index is not None:
            blocks = headers(array)
            if index is not None and 0 <= index < len(blocks):
                return blocks[index], None
            key, want = ("code", f'"{code}"') if code is not None else ("start", start.isoformat() if start else "")
            for b in blocks:
                j = self._key(lines, b, self._end(lines, b), key)
                if want and j >= 0 and lines[j].split("=", 1)[1].strip().startswith(want):
                    return b, None
        for h in (f"[{table}]", f'["{table}"]'):
            found = headers(h)
            if found:
                return found[0], None
        # a dotted catalogue key whose last parts are keys of a shorter table ([labels] place_at.x = ...)
        parts = table.split(".")
        for n in range(len(parts) - 1, 0, -1):
            found = headers(f"[{'.'.join(parts[:n])}]")
            if found:
                return found[0], parts[n]
        return -1, None

    def find(self, file: str, table: str = "", start: _dt.date | None = None, *, index: int | None = None,
             code: str | None = None, key: str | None = None, contains: str | None = None) -> int:
        """1-based line (0 if the file has no such place)."""
        lines = self.lines(file)
        if not lines:
            return 0
        if table:
            block, inner = self._block(lines, table, start, index, code)
            if block < 0:
                return 0
            lo, hi = block, self._end(lines, block)
            key = inner or key
        else:
            block, lo, hi = -1, 0, next((j for j, l in enumerate(lines) if _starts_table(l)), len(lines))
        if contains:
            j = next((j for j in range(lo, hi) if contains in lines[j]), -1)
            if j >= 0:
                return j + 1
        if key:
            j = self._key(lines, lo, hi, key)
            if j < 0 and table:  # a sub-table: [[<table>.<key>]]
                j = next((i for i, l in enumerate(lines) if l.strip() in (f"[[{table}.{key}]]", f"[{table}.{key}]")), -1)
            if j >= 0:
                return j + 1
        return block + 1 if block >= 0 else 0


class Problems:
    """The problems found so far; each is located as it is added."""

    def __init__(self, files: Mapping[str, bytes]):
        self.lines = Lines(files)
        self.items: list[Problem] = []

    def add(self, code: str, /, file: str = "", table: str = "", start: _dt.date | None = None, *,
            index: int | None = None, pcode: str | None = None, key: str | None = None,
            contains: str | None = None, line: int | None = None, **params: Any) -> Problem:
        if line is None:
            line = self.lines.find(file, table, start, index=index, code=pcode, key=key, contains=contains) if file else 0
        p = Problem(file, line, table, start, code, tuple(params.items()))
        self.items.append(p)
        return p

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
