#!/usr/bin/env python3
"""Bundle the self-hosted Pyodide runtime plus the calculator wheel.

Run with the project's venv python, after `npm ci`:

    .venv/bin/python -m scripts.publish.pyodide_bundle [OUTDIR]

OUTDIR (default: build/pyodide/) is what the site serves at /assets/pyodide/.
Steps:

a) build the calculator wheel (pure Python, py3-none-any) with
   `python -m build --wheel --outdir build/wheel` (build isolation may fetch
   setuptools from PyPI; nothing else is downloaded);
b) copy the minimal Pyodide runtime from node_modules/pyodide/ (only the files
   loadPyodide() fetches: pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm,
   python_stdlib.zip; no package of the Pyodide distribution is copied, the
   npm package ships none);
c) copy the wheel to OUTDIR/wheels/<sha256[:16]>/<wheel name> (a content
   addressed folder: a changed wheel never hides behind a cached one of the
   same name, which Pyodide's sha256 integrity check would then reject) and
   run `pyodide lockfile add-wheels` to write OUTDIR/pyodide-lock.json: the
   npm package's lock plus the calculator, with its sha256;
d) print the files and their sizes.

It is idempotent: files it wrote before (runtime files, old wheels, lock) are
replaced; other files in OUTDIR are left alone (and reported).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE_NAME = "calculator"  # the name the pages give to pyodide.loadPackage

# What loadPyodide() fetches in a browser module worker (and in Node):
# the ES module loader, the Emscripten module, the wasm binary, the stdlib.
# pyodide-lock.json is not copied as is: the site-local one is written by
# `pyodide lockfile add-wheels` from the npm package's one.
RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
)
LOCK_NAME = "pyodide-lock.json"
WHEELS_DIR = "wheels"
# Files an older run of this script may have left in OUTDIR.
OWNED = set(RUNTIME_FILES) | {LOCK_NAME, WHEELS_DIR}


class BundleError(Exception):
    pass


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def find_pyodide_npm(node_modules: Path) -> tuple[Path, str]:
    pkg = node_modules / "pyodide"
    if not (pkg / "package.json").is_file():
        raise BundleError(
            f"{pkg} is missing: run `npm ci` in {REPO} first "
            "(package.json pins the npm package `pyodide`)."
        )
    version = json.loads((pkg / "package.json").read_text())["version"]
    pinned = json.loads((REPO / "package.json").read_text())["dependencies"]["pyodide"]
    if version != pinned:
        raise BundleError(
            f"node_modules/pyodide is {version}, package.json pins {pinned}: run `npm ci`."
        )
    missing = [n for n in (*RUNTIME_FILES, LOCK_NAME) if not (pkg / n).is_file()]
    if missing:
        raise BundleError(f"{pkg} lacks {', '.join(missing)}: run `npm ci` again.")
    return pkg, version


def build_wheel(project: Path, wheel_dir: Path) -> Path:
    if not (project / "pyproject.toml").is_file():
        raise BundleError(f"{project}/pyproject.toml is missing: nothing to build.")
    wheel_dir.mkdir(parents=True, exist_ok=True)
    for old in wheel_dir.glob("*.whl"):
        old.unlink()
    # setuptools stages pure modules in <project>/build/lib and never prunes
    # it: a module deleted from the source would still ship in the wheel.
    stale = project / "build" / "lib"
    if stale.is_dir():
        shutil.rmtree(stale)
    cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(wheel_dir), str(project)]
    print("+", " ".join(cmd), flush=True)
    # A fixed timestamp makes the wheel reproducible: its sha256, hence its
    # content-addressed URL, changes only when its content does.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise BundleError("building the calculator wheel failed (output above).")
    wheels = sorted(wheel_dir.glob("*.whl"))
    if len(wheels) != 1:
        raise BundleError(f"expected one wheel in {wheel_dir}, found {[w.name for w in wheels]}")
    wheel = wheels[0]
    if not wheel.name.endswith("-py3-none-any.whl"):
        raise BundleError(
            f"{wheel.name} is not a pure-Python py3-none-any wheel; "
            "Pyodide cannot load a wheel built for this machine."
        )
    return wheel


def pyodide_cli() -> str:
    local = Path(sys.executable).parent / "pyodide"
    if local.is_file():
        return str(local)
    found = shutil.which("pyodide")
    if found:
        return found
    raise BundleError(
        "the `pyodide` CLI (pyodide-lock[cli] + pyodide-cli) is not installed "
        "next to this python; use the project's venv python."
    )


def clean_outdir(outdir: Path) -> list[str]:
    """Remove what an earlier run wrote; return the names of foreign entries."""
    outdir.mkdir(parents=True, exist_ok=True)
    foreign = []
    for entry in outdir.iterdir():
        if entry.name in OWNED:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        else:
            foreign.append(entry.name)
    return sorted(foreign)


def add_wheel_to_lock(npm_lock: Path, outdir: Path, wheel: Path) -> dict:
    """Run `pyodide lockfile add-wheels`; return the lock entry of the wheel."""
    out_lock = outdir / LOCK_NAME
    with tempfile.TemporaryDirectory() as tmp:
        tmp_lock = Path(tmp) / LOCK_NAME
        cmd = [
            pyodide_cli(), "lockfile", "add-wheels",
            "--input", str(npm_lock),
            "--output", str(tmp_lock),
            "--base-path", str(outdir),
            str(wheel),
        ]
        print("+", " ".join(cmd), flush=True)
        proc = subprocess.run(cmd, cwd=outdir, capture_output=True, text=True)
        if proc.returncode != 0 or not tmp_lock.is_file():
            sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
            raise BundleError("`pyodide lockfile add-wheels` failed (output above).")
        lock = json.loads(tmp_lock.read_text())
        shutil.move(str(tmp_lock), out_lock)

    entry = lock["packages"].get(PACKAGE_NAME)
    if entry is None:
        added = sorted(set(lock["packages"]) - set(json.loads(npm_lock.read_text())["packages"]))
        raise BundleError(
            f"the lock has no package named {PACKAGE_NAME!r} (added: {added}); "
            f"the project in pyproject.toml must be named {PACKAGE_NAME!r}, "
            "the name the pages pass to pyodide.loadPackage()."
        )
    expected_name = wheel.relative_to(outdir).as_posix()
    if entry["file_name"] != expected_name:
        raise BundleError(f"lock file_name {entry['file_name']!r} != {expected_name!r}")
    if entry["sha256"] != sha256_of(wheel):
        raise BundleError("lock sha256 does not match the wheel")
    if PACKAGE_NAME not in entry.get("imports", []):
        raise BundleError(f"the wheel does not provide the import {PACKAGE_NAME!r}: {entry}")
    for dep in entry.get("depends", []):
        # Dependencies would have to be served too; the calculator has none.
        raise BundleError(
            f"the calculator wheel depends on {dep!r}; this bundle serves no "
            "Pyodide package but the calculator."
        )
    return entry


def human(n: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024 or unit == "MiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def bundle(outdir: Path, project: Path, wheel_dir: Path, node_modules: Path) -> dict:
    npm_pkg, version = find_pyodide_npm(node_modules)
    wheel = build_wheel(project, wheel_dir)
    foreign = clean_outdir(outdir)

    for name in RUNTIME_FILES:
        shutil.copy2(npm_pkg / name, outdir / name)

    digest = sha256_of(wheel)
    served_wheel = outdir / WHEELS_DIR / digest[:16] / wheel.name
    served_wheel.parent.mkdir(parents=True)
    shutil.copy2(wheel, served_wheel)

    entry = add_wheel_to_lock(npm_pkg / LOCK_NAME, outdir, served_wheel)

    files = sorted(p for p in outdir.rglob("*") if p.is_file())
    total = 0
    print(f"\nPyodide {version} bundle in {outdir}:")
    for p in files:
        size = p.stat().st_size
        rel = p.relative_to(outdir).as_posix()
        if rel.split("/")[0] not in OWNED:
            continue
        total += size
        print(f"  {size:>10}  {human(size):>9}  {rel}")
    print(f"  {total:>10}  {human(total):>9}  total")
    print(f"\nloadPackage({PACKAGE_NAME!r}) -> {entry['file_name']} sha256 {entry['sha256']}")
    if foreign:
        print(f"note: left untouched in {outdir}: {', '.join(foreign)}")
    return {"outdir": str(outdir), "total_bytes": total, "package": entry}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", default=str(REPO / "build" / "pyodide"),
                    help="output folder, served at /assets/pyodide/ (default: build/pyodide)")
    ap.add_argument("--project", default=str(REPO),
                    help="folder with the calculator's pyproject.toml (default: the repo)")
    ap.add_argument("--wheel-dir", default=str(REPO / "build" / "wheel"),
                    help="where the wheel is built (default: build/wheel)")
    ap.add_argument("--node-modules", default=str(REPO / "node_modules"),
                    help="node_modules holding the npm package pyodide")
    args = ap.parse_args(argv)
    try:
        bundle(Path(args.outdir).resolve(), Path(args.project).resolve(),
               Path(args.wheel_dir).resolve(), Path(args.node_modules).resolve())
    except BundleError as e:
        print(f"pyodide_bundle: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
