"""Build the bilingual site: sources + data + templates -> docs/{fr,nl} -> site/.

    python -m scripts.build            # check, render, run MkDocs (strict), publish site/
    python -m scripts.build --render   # check and render docs/ only

Nothing is published unless every step succeeds: pages are rendered into a
temporary folder, both MkDocs builds run into temporary folders, and only then
are docs/{fr,nl} and site/ replaced. A problem in a source stops the build with
its file, line and fix, and leaves the published site as it was.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scripts.check.sources import LANGUAGES, ROOT, SourceError, load_all
from scripts.publish.published import site_url
from scripts.render.pages import BUILD, DOCS, SITE, BuildError, render

CONFIGS = {"fr": ROOT / "mkdocs.yml", "nl": ROOT / "mkdocs.nl.yml"}


def mkdocs_build(lang: str, docs_dir: Path, out: Path) -> subprocess.Popen:
    # The config names docs/<lang>; we point MkDocs at the freshly rendered
    # folder through a copy of the config that differs only in docs_dir.
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIGS[lang]), "-d", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        # SITE_URL as the rest of the build reads it (scripts/publish/published.py): an
        # empty one means the default, not a crash in sitemap.xml and robots.txt.
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url()},
    )


def build_site(docs) -> Path:
    """Run both MkDocs builds (in parallel) into build/site.new; return it."""
    new = BUILD / "site.new"
    nl_tmp = BUILD / "site.nl.new"
    for p in (new, nl_tmp):
        shutil.rmtree(p, ignore_errors=True)
    procs = {"fr": mkdocs_build("fr", DOCS / "fr", new), "nl": mkdocs_build("nl", DOCS / "nl", nl_tmp)}
    failed = []
    for lang, proc in procs.items():
        output, _ = proc.communicate()
        if proc.returncode != 0:
            failed.append(f"MkDocs ({lang}) failed:\n{output}")
        else:
            # MkDocs' --quiet would also silence the warnings that --strict counts:
            # run it verbose and show only what is not routine.
            shown = [l for l in output.splitlines() if l.strip() and not l.startswith("INFO")]
            if shown:
                print("\n".join(shown))
    if failed:
        raise BuildError("\n".join(failed))
    nl_tmp.rename(new / "nl")
    from scripts.publish.postbuild import postbuild

    postbuild(new, docs)
    return new


def swap(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--render", action="store_true", help="render docs/ only, do not run MkDocs")
    args = ap.parse_args(argv)
    # One build at a time in a checkout: two would share docs/ and build/.
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _main(args)


def _main(args) -> int:
    t0 = time.perf_counter()
    docs, problems = load_all()
    try:
        if problems:
            raise SourceError(problems)
        rendered = render(docs)
    except SourceError as exc:
        print(f"Build stopped: {len(exc.problems)} problem(s); nothing was published.\n", file=sys.stderr)
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    # Keep the previous docs/ until the new site is built: MkDocs reads docs/<lang>.
    staged = BUILD / "docs.staged"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    for lang in LANGUAGES:
        if (DOCS / lang).exists():
            (DOCS / lang).rename(staged / lang)
        (rendered / lang).rename(DOCS / lang)
    t1 = time.perf_counter()
    if args.render:
        shutil.rmtree(staged, ignore_errors=True)
        print(f"rendered docs/ in {t1 - t0:.2f} s")
        return 0
    try:
        new = build_site(docs)
    except BuildError as exc:
        # put the previous pages back: the published state stays consistent
        for lang in LANGUAGES:
            shutil.rmtree(DOCS / lang, ignore_errors=True)
            if (staged / lang).exists():
                (staged / lang).rename(DOCS / lang)
        print(f"Build stopped; site/ was left as it was.\n{exc}", file=sys.stderr)
        return 1
    shutil.rmtree(staged, ignore_errors=True)
    swap(new, SITE)
    t2 = time.perf_counter()
    print(f"site/ built: render {t1 - t0:.2f} s, mkdocs {t2 - t1:.2f} s, total {t2 - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
