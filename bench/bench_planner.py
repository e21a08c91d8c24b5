"""Planner benchmark: median end-to-end time (read the catalog, build inputs, presolve, solve, explain)
on synthetic catalogs of 1k / 10k / 100k courses with 20 offers, read from a DuckDB catalog (*catalog*:
the normal path of `recert plan`, read by columns and presolved before any course is built; *records*:
the record-by-record fallback) and from a
course-record JSONL file (`--catalog-file`, every record validated), with the time per phase and the
greedy baseline's extra cost in %.
Run: `.venv/bin/python -m bench.bench_planner [sizes...]`; with `--added`, the catalog path with and
without three courses added to the plan, side by side. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from catalog.load import load_files
from catalog.records import Course, Offer, read_jsonl_file
from harness.synthetic import profile, synthetic_records
from recert.planning import catalog_input, read_catalog
from recommender.planner.adapter import build_input
from recommender.planner.api import solve_input
from recommender.planner.greedy import greedy
from recommender.planner.model import PlanStatus
from recommender.rules.profile import Profile

SIZES = (1_000, 10_000, 100_000)
REPEATS = {1_000: 5, 10_000: 5, 100_000: 3}
JSONL_REPEATS = {1_000: 3, 10_000: 3, 100_000: 1}  # validating every record is slow: fewer runs
PHASES = ("read", "input", "presolve", "solve", "explain")


@dataclass
class Run:
    """One end-to-end run: seconds per phase and the plan's cost."""

    phases: dict[str, float]
    cost: Decimal
    cpu: float = 0.0  # CPU seconds of this process (the machine is shared: wall time varies with load)

    @property
    def total(self) -> float:
        return sum(self.phases.values())


def from_catalog(path: Path, held: Profile) -> Run:
    """Read the planner input by columns from the DuckDB catalog, already presolved (``catalog_input``:
    only the courses the presolve keeps become ``CourseOption``s; its time is the *read* phase, *input*
    is 0), presolve (the rest of it), solve, explain — the path of `recert plan`."""
    phases: dict[str, float] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    inp = catalog_input(path, held)
    phases["read"] = time.perf_counter() - start
    phases["input"] = 0.0
    result = solve_input(inp, phases=phases)
    assert result.status is PlanStatus.OPTIMAL, result.reasons
    return Run(phases, result.total_cost, time.process_time() - cpu)


def from_records(path: Path, held: Profile) -> Run:
    """Read the DuckDB catalog record by record (``read_catalog``), build the input, presolve, solve,
    explain — the fallback path (and the one used with interests or --what-if)."""
    phases: dict[str, float] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    read = read_catalog(path)
    phases["read"] = time.perf_counter() - start
    return _solve(read.courses, read.offers, held, phases, cpu)


def from_jsonl(path: Path, held: Profile) -> Run:
    """The same from a course-record JSONL file (``read_jsonl_file``: every record validated)."""
    phases: dict[str, float] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    courses, offers = read_jsonl_file(path)
    phases["read"] = time.perf_counter() - start
    return _solve(courses, offers, held, phases, cpu)


def _solve(
    courses: list[Course], offers: list[Offer], held: Profile, phases: dict[str, float], cpu: float
) -> Run:
    start = time.perf_counter()
    inp = build_input(courses, offers, held)
    phases["input"] = time.perf_counter() - start
    result = solve_input(inp, phases=phases)
    assert result.status is PlanStatus.OPTIMAL, result.reasons
    return Run(phases, result.total_cost, time.process_time() - cpu)


def _median_run(runs: list[Run]) -> str:
    totals = sorted(run.total for run in runs)
    phases = " / ".join(f"{statistics.median(run.phases[name] for run in runs):.2f}" for name in PHASES)
    cpu = statistics.median(run.cpu for run in runs)
    return f"{statistics.median(totals):.2f} | {totals[0]:.2f} / {totals[-1]:.2f} | {cpu:.2f} | {phases}"


def added_courses(sizes: list[int], held: Profile) -> None:
    """The catalog path with and without three courses added to the plan (the dearest ones, which no
    cheapest plan takes), interleaved run by run on the same catalog: medians and their ratio."""
    from dataclasses import replace

    print(
        "| courses | runs | median without (s) | median with 3 added (s) | ratio | cost without | cost with |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            jsonl = Path(tmp) / f"catalog_{size}.jsonl"
            records = synthetic_records(size)
            jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n")
            catalog = Path(tmp) / f"catalog_{size}.duckdb"
            load_files(catalog, [jsonl])
            priced = (r for r in records if "course_id" in r and "price" in r)
            dear = sorted(priced, key=lambda r: (-Decimal(str(r["price"])), r["provider"], r["course_id"]))
            pinned = replace(held, planned=tuple((str(r["provider"]), str(r["course_id"])) for r in dear[:3]))
            without: list[Run] = []
            with_added: list[Run] = []
            for _ in range(REPEATS.get(size, 3)):
                without.append(from_catalog(catalog, held))
                with_added.append(from_catalog(catalog, pinned))
            a = statistics.median(run.total for run in without)
            b = statistics.median(run.total for run in with_added)
            print(f"| {size:,} | {len(without)} | {a:.2f} | {b:.2f} | {b / a:.2f} | ${without[0].cost} "
                  f"| ${with_added[0].cost} |", flush=True)  # fmt: skip


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or list(SIZES)
    held = profile()
    if "--added" in sys.argv:
        added_courses(sizes, held)
        return
    print(f"| courses | source | runs | median (s) | min / max (s) | median CPU (s) | {' / '.join(PHASES)} "
          "(median s) | optimal cost | greedy cost | greedy extra |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            jsonl = Path(tmp) / f"catalog_{size}.jsonl"
            jsonl.write_text("\n".join(json.dumps(r) for r in synthetic_records(size)) + "\n")
            catalog = Path(tmp) / f"catalog_{size}.duckdb"
            load_files(catalog, [jsonl])
            courses, offers = read_jsonl_file(jsonl)
            baseline = greedy(build_input(courses, offers, held))
            sources = (("catalog", from_catalog), ("records", from_records), ("jsonl", from_jsonl))
            for source, run in sources:
                target = jsonl if source == "jsonl" else catalog
                repeats = JSONL_REPEATS.get(size, 3) if source == "jsonl" else REPEATS.get(size, 3)
                runs = [run(target, held) for _ in range(repeats)]
                cost = runs[0].cost
                assert all(r.cost == cost for r in runs)
                extra = (baseline - cost) / cost * 100 if baseline is not None and cost else None
                extra_words = f"{extra:.1f} %" if extra is not None else "no plan"
                print(f"| {size:,} | {source} | {repeats} | {_median_run(runs)} | ${cost} | ${baseline} "
                      f"| {extra_words} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
