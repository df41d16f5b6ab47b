"""A small JSON Schema checker for the keywords calculator/schema.py uses.

(The calculator has no dependencies; the tests check its schema with this.)
Keywords: $ref (local), type, enum, const, properties, required,
additionalProperties (false), dependentRequired, items, minItems, oneOf, anyOf,
minimum, maximum, pattern. Unknown keywords are an error, so the schema cannot silently use one
this checker ignores.
"""

from __future__ import annotations

import re
from typing import Any

KNOWN = {
    "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "dependentRequired", "items",
    "minItems", "oneOf", "anyOf", "minimum", "maximum", "pattern", "description", "title",
    "$schema", "$id", "$defs",
}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # JSON Schema: an integer is any number with a zero fractional part (15.0 too).
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def errors(schema: dict, value: Any, root: dict | None = None, path: str = "$") -> list[str]:
    root = root or schema
    unknown = set(schema) - KNOWN
    if unknown:
        return [f"{path}: schema uses unsupported keywords {sorted(unknown)}"]
    out: list[str] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        out += errors(target, value, root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            return out + [f"{path}: {value!r} is not of type {types}"]
    if "enum" in schema and not any(_same(value, e) for e in schema["enum"]):
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and not _same(value, schema["const"]):
        out.append(f"{path}: {value!r} != {schema['const']!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                out.append(f"{path}: missing {k!r}")
        for k, others in schema.get("dependentRequired", {}).items():
            if k in value:
                out += [f"{path}: {k!r} needs {o!r}" for o in others if o not in value]
        for k, v in value.items():
            if k in props:
                out += errors(props[k], v, root, f"{path}.{k}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unexpected {k!r}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append(f"{path}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                out += errors(schema["items"], item, root, f"{path}[{i}]")
    if "anyOf" in schema:
        if all(errors(s, value, root, path) for s in schema["anyOf"]):
            out.append(f"{path}: matches none of anyOf")
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if not errors(s, value, root, path)]
        if len(matches) != 1:
            details = [errors(s, value, root, path)[:2] for s in schema["oneOf"]]
            out.append(f"{path}: matches {len(matches)} of oneOf (need exactly 1): {details if not matches else ''}")
    return out
