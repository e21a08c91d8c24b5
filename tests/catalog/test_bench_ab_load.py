"""The before/after load benchmark runs both trees in turn and reports a paired ratio."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ab_load_interleaves_two_trees_and_reports_the_paired_ratio() -> None:
    # run as a program: the tests never import bench (an import-linter contract)
    trees = [str(ROOT), str(ROOT)]
    command = [sys.executable, "-m", "bench.ab_load", *trees, "--records", "300", "--pairs", "2"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rows = [line for line in out.splitlines() if line.startswith(("| before", "| after"))]
    assert len(rows) == 2
    for row in rows:  # the wall-clock seconds of each of the two loads
        runs = row.split("|")[4].strip().removesuffix(" s")
        assert [float(run) > 0 for run in runs.split(",")] == [True, True]
    ratio = re.search(r"after ÷ before, per pair: median (\d+\.\d+)", out)
    assert ratio is not None and float(ratio.group(1)) > 0
