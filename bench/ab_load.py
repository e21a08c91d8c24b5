"""Before/after: fresh 100k loads from two code trees, interleaved one load at a time.

Run: .venv/bin/python -m bench.ab_load BEFORE_TREE AFTER_TREE [--records N] [--pairs P]

This machine's speed drifts by up to ~50 % over tens of minutes, so medians taken minutes apart do not
compare. Here each tree runs in its own long-lived process (imports and first-use costs paid once,
before the first timed load) and the two take turns, one load each, so both see the same phases; the
paired ratio (after ÷ before, per pair) is the figure to quote. Make a tree of an older commit with
``git archive <commit> catalog bench | tar -x -C <dir>``; both run on this virtualenv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_catalog import _load_row, write_file

# One load per line read from stdin, into a fresh catalog; prints "wall cpu" seconds. The tree's own
# catalog package comes first on the path.
_WORKER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from catalog.load import load_files
data, folder = Path(sys.argv[2]), Path(sys.argv[3])
load_files(folder / "warm-up.duckdb", [data])
print("ready", flush=True)
for number, _ in enumerate(sys.stdin):
    catalog = folder / f"catalog{number}.duckdb"
    wall, cpu = time.perf_counter(), time.process_time()
    load_files(catalog, [data])
    print(f"{time.perf_counter() - wall:.4f} {time.process_time() - cpu:.4f}", flush=True)
    catalog.unlink()
"""


def _worker(tree: Path, data: Path, folder: Path) -> subprocess.Popen[str]:
    folder.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-c", _WORKER, str(tree.resolve()), str(data), str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise SystemExit(f"the loader in {tree} did not start")
    return process


def _load(process: subprocess.Popen[str]) -> tuple[float, float]:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("load\n")
    process.stdin.flush()
    wall, cpu = process.stdout.readline().split()
    return float(wall), float(cpu)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=8)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        data = write_file(Path(folder) / "courses.jsonl", args.records)
        trees = {"before": args.before, "after": args.after}
        workers = {name: _worker(tree, data, Path(folder) / name) for name, tree in trees.items()}
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        try:
            for _ in range(args.pairs):
                for name, process in workers.items():
                    runs[name].append(_load(process))
        finally:
            for process in workers.values():
                if process.stdin:
                    process.stdin.close()
                process.wait()
    print(f"records: {args.records:,}; {args.pairs} pairs; load average {os.getloadavg()[0]:.1f} (2 cores)")
    print("| tree | median, wall clock | median, CPU time | wall-clock runs |")
    print("|---|---:|---:|---|")
    for name, tree in trees.items():
        print(_load_row(f"{name} ({tree})", args.records, runs[name]))
    ratios = [after / before for (after, _), (before, _) in zip(runs["after"], runs["before"], strict=True)]
    spread = f"min {min(ratios):.3f}, max {max(ratios):.3f}"
    print(f"after ÷ before, per pair: median {statistics.median(ratios):.3f} ({spread})")


if __name__ == "__main__":
    main()
