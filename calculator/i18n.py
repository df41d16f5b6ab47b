"""Reader-visible text in French and Dutch.

Every sentence a reader sees comes from the catalogues
``calculator/data/messages.fr.toml`` and ``calculator/data/messages.nl.toml``
(same keys, same ``{placeholders}``). This module only formats: amounts,
dates, counts and the two-language :class:`Text` value.
"""

from __future__ import annotations

import datetime as _dt
import string
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

LANGS = ("fr", "nl")


@dataclass(frozen=True, slots=True)
class Text:
    """The same text in French and Dutch."""

    fr: str
    nl: str

    def get(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.nl

    def to_dict(self) -> dict[str, str]:
        return {"fr": self.fr, "nl": self.nl}

    @staticmethod
    def join(parts: Iterable["Text"], sep: str = " ") -> "Text":
        parts = list(parts)
        return Text(sep.join(p.fr for p in parts), sep.join(p.nl for p in parts))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in euro cents, formatted per language (11,00 € / € 11,00)."""

    cents: int

    def format(self, lang: str) -> str:
        sign = "-" if self.cents < 0 else ""
        euros, cents = divmod(abs(self.cents), 100)
        number = f"{sign}{euros},{cents:02d}"
        return f"{number} €" if lang == "fr" else f"€ {number}"


def plural_form(n: int, lang: str) -> str:
    """"one" or "other": French uses the singular for 0 and 1, Dutch for 1 only."""
    return "one" if (n in (0, 1) if lang == "fr" else n == 1) else "other"


def numeric_date(iso: str) -> str:
    """2023-10-01 -> 01/10/2023, as dates are written in Belgium (both languages);
    a text that is not an ISO date is returned as it is."""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


@dataclass(frozen=True, slots=True)
class Count:
    """A number with its noun, singular or plural per language.

    ``unit`` names the catalogue entries ``units.<unit>.one`` and
    ``units.<unit>.other``. French uses the singular for 0 and 1, Dutch for 1.
    """

    n: int
    unit: str


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """A publication date that may lack its day or month: "2024-01-17", "2024-01"
    or "2024" (formatted "17 janvier 2024" / "janvier 2024" / "2024")."""

    value: str

    def check(self) -> tuple[int, int | None, int | None]:
        parts = [int(x) for x in self.value.split("-")]
        if len(parts) == 3:
            _dt.date(*parts)
            return parts[0], parts[1], parts[2]
        if len(parts) == 2 and 1 <= parts[1] <= 12:
            return parts[0], parts[1], None
        if len(parts) == 1:
            return parts[0], None, None
        raise ValueError(self.value)


@dataclass(frozen=True, slots=True)
class Key:
    """A catalogue entry used as a placeholder value (e.g. a place label)."""

    key: str


class Catalogue:
    """The two message catalogues, flattened to dotted keys."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]):
        self.messages = messages
        self._formatter = string.Formatter()

    def raw(self, lang: str, key: str) -> str:
        return self.messages[lang][key]

    def say(self, lang: str, key: str, **params: Any) -> str:
        """The entry `key` in one language, its placeholders filled."""
        return self._render(lang, key, params)

    def has(self, key: str) -> bool:
        return all(key in self.messages[lang] for lang in LANGS)

    def text(self, key: str, **params: Any) -> Text:
        return Text(*(self._render(lang, key, params) for lang in LANGS))

    def _render(self, lang: str, key: str, params: Mapping[str, Any]) -> str:
        template = self.messages[lang][key]
        values = {name: self._value(lang, v) for name, v in params.items()}
        return self._formatter.vformat(template, (), values)

    def _value(self, lang: str, v: Any) -> str:
        if isinstance(v, Text):
            return v.get(lang)
        if isinstance(v, Money):
            return v.format(lang)
        if isinstance(v, Key):
            return self.messages[lang][v.key]
        if isinstance(v, Count):
            return f"{v.n} {self.messages[lang][f'units.{v.unit}.{plural_form(v.n, lang)}']}"
        if isinstance(v, _dt.date):
            return self.format_date(lang, v)
        if isinstance(v, PublishedDate):
            return self.format_published(lang, v)
        if isinstance(v, (list, tuple)):
            return self.join_list(lang, [self._value(lang, x) for x in v])
        return str(v)

    def format_published(self, lang: str, p: PublishedDate) -> str:
        """A date that may lack its day or month: "17 janvier 2024", "janvier 2024", "2024"."""
        year, month, day = p.check()
        if day is not None:
            return self.format_date(lang, _dt.date(year, month, day))
        if month is not None:
            return f"{self.messages[lang][f'months.{month}']} {year}"
        return str(year)

    def format_date(self, lang: str, d: _dt.date) -> str:
        month = self.messages[lang][f"months.{d.month}"]
        day = self.messages[lang]["dates.first_day"] if d.day == 1 else str(d.day)
        return f"{day} {month} {d.year}"

    def join_list(self, lang: str, items: list[str]) -> str:
        if not items:
            return ""
        if len(items) == 1:
            return items[0]
        last = self.messages[lang]["lists.or"]
        return f"{', '.join(items[:-1])} {last} {items[-1]}"

    def placeholders(self, lang: str, key: str) -> set[str]:
        return {
            field.split(".")[0].split("[")[0]
            for _, field, _, _ in self._formatter.parse(self.messages[lang][key])
            if field
        }


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested TOML tables to dotted keys: {"a": {"b": "x"}} -> {"a.b": "x"}."""
    out: dict[str, Any] = {}
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out
