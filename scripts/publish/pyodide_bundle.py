#!/usr/bin/env python3
"""Bundle the self-hosted Pyodide runtime with the calculator in its standard library.

Run with the project's venv python, after `npm ci`:

    .venv/bin/python -m scripts.publish.pyodide_bundle [OUTDIR]

OUTDIR (default: build/pyodide/) is what the site serves at /assets/pyodide/:

    engine.json                  what the engine loads (short cache: the one
                                 name that stays): {"runtime": "runtime-<hash>/",
                                 "stdlib": "stdlib-<hash>.zip.gz", "lock": {...}}
    runtime-<hash>/pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm
                                 the npm package's runtime, unchanged
    stdlib-<hash>.zip.gz         the standard library the calculator runs plus
                                 the calculator package, as bytecode, and its
                                 rules pre-parsed: a zip of stored members,
                                 gzip-compressed as one stream; passed as
                                 loadPyodide's stdLibURL, decompressed by
                                 engine-worker.mjs (scripts/publish/stdlib_trace.py)

<hash> is the first 16 hex digits of the sha256 of the content, so every file
but engine.json can be cached for good (scripts/publish/security.py). No wheel
and no lock file are fetched: the lock, with no package, is passed inline
(lockFileContents) from engine.json.

It is idempotent: files it wrote before are replaced; other files in OUTDIR
are left alone (and reported).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

from scripts.publish.stdlib_trace import StdlibError, build_stdlib_zip

REPO = Path(__file__).resolve().parents[2]

# What loadPyodide() fetches from indexURL: the ES module loader, the
# Emscripten module, the wasm binary (the stdlib comes from stdLibURL).
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STOCK_STDLIB = "python_stdlib.zip"
LOCK_NAME = "pyodide-lock.json"
MANIFEST = "engine.json"


def owned(name: str) -> bool:
    """Files and folders an earlier run of this script may have left in OUTDIR."""
    return (name == MANIFEST or name.startswith(("runtime-", "stdlib-"))
            or name in (*RUNTIME_FILES, STOCK_STDLIB, LOCK_NAME, "wheels"))  # the layout before engine.json


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
    missing = [n for n in (*RUNTIME_FILES, STOCK_STDLIB, LOCK_NAME) if not (pkg / n).is_file()]
    if missing:
        raise BundleError(f"{pkg} lacks {', '.join(missing)}: run `npm ci` again.")
    return pkg, version


def clean_outdir(outdir: Path) -> list[str]:
    """Remove what an earlier run wrote; return the names of foreign entries."""
    outdir.mkdir(parents=True, exist_ok=True)
    foreign = []
    for entry in outdir.iterdir():
        if owned(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        else:
            foreign.append(entry.name)
    return sorted(foreign)


def human(n: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024 or unit == "MiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def bundle(outdir: Path, project: Path, node_modules: Path) -> dict:
    npm_pkg, version = find_pyodide_npm(node_modules)
    foreign = clean_outdir(outdir)

    h = hashlib.sha256()
    for name in RUNTIME_FILES:
        h.update(name.encode() + b"\0" + sha256_of(npm_pkg / name).encode())
    runtime = outdir / f"runtime-{h.hexdigest()[:16]}"
    runtime.mkdir()
    for name in RUNTIME_FILES:
        shutil.copy2(npm_pkg / name, runtime / name)

    staging = outdir / "stdlib-staging.zip.gz"
    try:
        info = build_stdlib_zip(npm_pkg, npm_pkg / STOCK_STDLIB, staging, project)
    except StdlibError as e:
        staging.unlink(missing_ok=True)
        raise BundleError(f"the calculator's standard library: {e}") from None
    stdlib = outdir / f"stdlib-{sha256_of(staging)[:16]}.zip.gz"
    staging.rename(stdlib)

    lock = json.loads((npm_pkg / LOCK_NAME).read_text())
    manifest = {"pyodide": version, "runtime": runtime.name + "/", "stdlib": stdlib.name,
                "lock": {"info": lock["info"], "packages": {}}, "stdlib_modules": info["modules"],
                "package_digest": info["package_digest"]}
    (outdir / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")

    total = 0
    print(f"\nPyodide {version} bundle in {outdir}:")
    for p in sorted(p for p in outdir.rglob("*") if p.is_file()):
        rel = p.relative_to(outdir).as_posix()
        if not owned(rel.split("/")[0]):
            continue
        size = p.stat().st_size
        total += size
        print(f"  {size:>10}  {human(size):>9}  {rel}")
    print(f"  {total:>10}  {human(total):>9}  total")
    print(f"{stdlib.name}: {len(info['modules'])} standard library modules (traced: "
          + ", ".join(f"{n} {k}" for k, n in info["workload"].items()) + f"), {info['package_files']} package files (data: {', '.join(info['data_files'])})")
    if foreign:
        print(f"note: left untouched in {outdir}: {', '.join(foreign)}")
    return {"outdir": str(outdir), "total_bytes": total, "manifest": manifest}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", nargs="?", default=str(REPO / "build" / "pyodide"),
                    help="output folder, served at /assets/pyodide/ (default: build/pyodide)")
    ap.add_argument("--project", default=str(REPO),
                    help="folder with the calculator package (default: the repo)")
    ap.add_argument("--node-modules", default=str(REPO / "node_modules"),
                    help="node_modules holding the npm package pyodide")
    args = ap.parse_args(argv)
    try:
        bundle(Path(args.outdir).resolve(), Path(args.project).resolve(), Path(args.node_modules).resolve())
    except BundleError as e:
        print(f"pyodide_bundle: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
