"""Reading request fields strictly: right type, right range, no silent default.

A :class:`Reader` collects every problem of a request before giving up, so the
answer names all the wrong fields at once.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Iterable, Mapping

from .errors import FieldError, InputError
from .i18n import Key

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CODE_RE = re.compile(r"\d{6}")


def _choices(values: Iterable[str]) -> str:
    return ", ".join(f"\"{v}\"" for v in values)


class Reader:
    def __init__(self, raw: Mapping[str, Any], allowed: Iterable[str]):
        self.raw = raw
        self.allowed = set(allowed) | {"question"}
        self.errors: list[FieldError] = []

    def error(self, name: str, error_code: str, /, **params: Any) -> None:
        self.errors.append(FieldError(name, error_code, params))

    def present(self, name: str) -> bool:
        return name in self.raw and self.raw[name] is not None

    def _get(self, name: str, required: bool) -> tuple[bool, Any]:
        if not self.present(name):
            if required:
                self.error(name, "missing_field")
            return False, None
        return True, self.raw[name]

    def _typed(self, name: str, required: bool, accepts: tuple[type, ...], expected: str) -> tuple[bool, Any]:
        """(True, value) for a given value of an accepted type (true and false are not
        numbers); else (False, None), with the error if the value was given."""
        ok, v = self._get(name, required)
        if ok and not (isinstance(v, accepts) and (bool in accepts or not isinstance(v, bool))):
            self.error(name, "wrong_type", expected=Key(f"types.{expected}"))
            return False, None
        return ok, v

    def date(self, name: str = "date", required: bool = True) -> _dt.date | None:
        ok, v = self._typed(name, required, (str,), "date")
        if not ok:
            return None
        if not _DATE_RE.fullmatch(v):
            self.error(name, "invalid_date", value=v[:40])
            return None
        try:
            return _dt.date.fromisoformat(v)
        except ValueError:
            self.error(name, "invalid_date", value=v)
            return None

    def integer(self, name: str, minimum: int, maximum: int, required: bool = True) -> int | None:
        ok, v = self._typed(name, required, (int, float), "number")
        if not ok:
            return None
        if isinstance(v, float):
            if not math.isfinite(v):
                self.error(name, "out_of_range", minimum=minimum, maximum=maximum)
                return None
            if not v.is_integer():
                self.error(name, "not_a_whole_number")
                return None
            v = int(v)
        if not minimum <= v <= maximum:
            self.error(name, "out_of_range", minimum=minimum, maximum=maximum)
            return None
        return v

    def boolean(self, name: str, required: bool = True) -> bool | None:
        return self._typed(name, required, (bool,), "boolean")[1]

    def text(self, name: str, required: bool = True) -> str | None:
        return self._typed(name, required, (str,), "text")[1]

    def choice(self, name: str, choices: Iterable[str], required: bool = True) -> str | None:
        choices = tuple(choices)
        ok, v = self._typed(name, required, (str,), "text")
        if not ok:
            return None
        if v not in choices:
            self.error(name, "invalid_choice", value=v[:40], choices=_choices(choices))
            return None
        return v

    def code(self, name: str = "code", required: bool = True) -> str | None:
        ok, v = self._get(name, required)
        if not ok:
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str):
            self.error(name, "wrong_type", expected=Key("types.code"))
            return None
        if not _CODE_RE.fullmatch(v):
            self.error(name, "unknown_code", code=v[:40])
            return None
        return v

    def together(self, names: Iterable[str]) -> bool:
        """Optional fields that go together: all given (True), none (False), or an error."""
        names = tuple(names)
        given = [n for n in names if self.present(n)]
        if given and len(given) != len(names):
            for n in names:
                if n not in given:
                    self.error(n, "fields_go_together", others=", ".join(f"\"{g}\"" for g in names if g != n),
                               all_or_none=Key("together.two" if len(names) == 2 else "together.many"))
            return False
        return bool(given)

    def finish(self) -> None:
        for name in self.raw:
            if name not in self.allowed:
                self.error(str(name)[:60], "unexpected_field")
        if self.errors:
            raise InputError(self.errors)
