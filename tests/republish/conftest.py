"""Test setup for the republishing tests: the repository, its scripts, this folder and
the calculator tests' helpers (calc_jsonschema, calc_scenarios) are importable."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for p in (REPO / "tests" / "calculator", REPO / "scripts", REPO, HERE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
