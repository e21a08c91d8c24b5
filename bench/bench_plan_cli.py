"""`recert plan --profile data/examples/profile.json` as a whole process (target ≤ 1.5 s), this tree
against an earlier commit, interleaved in the same run on the same catalog.

The earlier commit is exported with `git archive` to a temporary folder and run from there with the same
virtualenv. Bytecode caches are allowed (as under `make`), and each side runs once before timing so both
read compiled modules. Run: `.venv/bin/python -m bench.bench_plan_cli [BEFORE_REF] [REPEATS]`
(default: the commit before the interest ranker stopped importing scikit-learn; 7 repeats).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "f31cee7"
PROFILE = ROOT / "data" / "examples" / "profile.json"
CATALOG = ROOT / "data" / "catalog.duckdb"


def _export(ref: str, folder: Path) -> Path:
    archive = folder / "before.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), ref], check=True)
    tree = folder / "before"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _run(tree: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one `recert plan` process run from ``tree`` (its own
    packages first on the path); CPU time suffers much less from other processes' load."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    command = [sys.executable, "-m", "recert", "plan", "--profile", str(PROFILE), "--catalog", str(CATALOG)]
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"recert plan failed in {tree}: {done.stderr.strip()}")
    return seconds, (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].isdigit() else BEFORE
    repeats = int(sys.argv[-1]) if sys.argv[-1].isdigit() else 7
    if not CATALOG.exists():
        raise SystemExit(f"no catalog at {CATALOG}: run `make sample` first")
    with tempfile.TemporaryDirectory(prefix="bench-plan-cli-") as folder:
        before_tree = _export(ref, Path(folder))
        for tree in (before_tree, ROOT):
            _run(tree)  # warm: bytecode caches written, files in the page cache
        before, after = [], []
        for _ in range(repeats):
            before.append(_run(before_tree))
            after.append(_run(ROOT))
    load = os.getloadavg()[0]
    print(f"recert plan --profile data/examples/profile.json, {repeats} interleaved runs, load {load:.1f}")
    for what, index in (("wall", 0), ("CPU", 1)):
        old = statistics.median(run[index] for run in before)
        new = statistics.median(run[index] for run in after)
        ratio = old / new
        print(f"  {what}: before ({ref}) median {old:.2f} s, after {new:.2f} s, ratio {ratio:.2f}×")


if __name__ == "__main__":
    main()
