"""Command line: one JSON request on stdin, one JSON answer on stdout.

    echo '{"question": "networks", "date": "2023-10-01", "age": 16}' | python -m calculator
    python -m calculator --schema       # the JSON Schema of requests and answers
    python -m calculator --vocabulary   # every enum value with its French and Dutch label

Exit status: 0 for an answer, 1 for a structured error (bad input), 2 for a bad
command line, 3 when the package's data files are broken (each problem is printed
with its file, line and fix, in the maintainer's language: CALCULATOR_LANG).
"""

from __future__ import annotations

import json
import sys

USAGE = "usage: python -m calculator [--schema | --vocabulary] [--pretty] < request.json\n"


def _write(obj: dict, pretty: bool) -> None:
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=2 if pretty else None)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.buffer.flush()


def main(argv: list[str] | None = None) -> int:
    from .params import RulesDataError

    try:
        return _main(argv)
    except RulesDataError as e:  # a maintainer's error in calculator/data: say where, never a traceback
        sys.stderr.write(f"{e}\n")
        return 3


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else argv
    pretty = "--pretty" in args
    args = [a for a in args if a != "--pretty"]
    if args in (["-h"], ["--help"]):
        sys.stdout.write(__doc__ or USAGE)
        return 0
    if args == ["--schema"]:
        from .schema import schema

        _write(schema(), pretty=True)
        return 0
    if args == ["--vocabulary"]:
        from . import vocabulary

        _write(vocabulary(), pretty=True)
        return 0
    if args:
        sys.stderr.write(USAGE)
        return 2
    from .api import answer, parse_json

    request, error = parse_json(sys.stdin.buffer.read())
    result = error if error is not None else answer(request)
    _write(result, pretty)
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
