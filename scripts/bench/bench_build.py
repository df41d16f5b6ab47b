"""Build time of the whole site (target: under 15 s on a 2-core machine).

    python -m scripts.bench.bench_build [runs]

Prints the wall time of each full build (`scripts/build.py`: check, render,
both MkDocs builds, publish) and the median. A figure to report, not a test.
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(runs: int = 3) -> None:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scripts.build"], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    print("full build: " + ", ".join(f"{t:.2f} s" for t in times) + f"; median {statistics.median(times):.2f} s (target < 15 s)")
    size = sum(p.stat().st_size for p in (ROOT / "site").rglob("*") if p.is_file())
    print(f"site/ size: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
