"""Catalog benchmark: load N synthetic course records, then filter + sort by cost per credit + first page.

Run: .venv/bin/python -m bench.bench_catalog [N] [--repeat R]   (default N = 100,000, R = 3)

Prints medians: records/s for a load into an empty catalog and for reloading the same file (all
unchanged), and the p50/p90 latency of `catalog.queries.search` for a filtered page of 50 sorted by
cost per AAMA credit (each call opens its own read connection, as the app does).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from catalog.load import load_files
from catalog.queries import CourseQuery, count, facets, search

AREAS = ("administrative", "clinical", "general")
WORDS = (
    "coding", "billing", "phlebotomy", "vitals", "ethics", "hipaa", "infection", "control", "pharmacology",
    "ekg", "triage", "wound", "care", "scheduling", "insurance", "documentation", "safety", "communication",
    "diabetes", "immunization", "specimen",
)  # fmt: skip
QUERY = CourseQuery(areas=("clinical",), max_price=Decimal(50), sort="cost_per_credit", limit=50)


def synthetic_records(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Deterministic course records shaped like real ones (areas, AAMA/NHA approvals, offers)."""
    rng = random.Random(seed)
    for number in range(count):
        provider = f"provider{number % 20}"
        hours = rng.choice((0.5, 1, 1, 1.5, 2, 3, 4))
        area = rng.choice(AREAS)
        record: dict[str, Any] = {
            "type": "course",
            "provider": provider,
            "course_id": f"c{number}",
            "title": " ".join(rng.choice(WORDS).title() for _ in range(4)),
            "url": f"https://{provider}.example/courses/c{number}",
            "description": " ".join(rng.choice(WORDS) for _ in range(16)),
            "format": rng.choice(("online", "online", "live", "in_person")),
            "hours": hours,
            "price": rng.choice((0, 9.95, 14.95, 19.99, 25, 35, 49.5, 75)),
            "content_areas": {area: hours},
            "source": "import",
            "scraped_at": "2026-11-01T00:00:00Z",
        }
        if rng.random() < 0.3:
            record["member_price"] = round(record["price"] * 0.5, 2)
        approvals = []
        if rng.random() < 0.7:
            approvals.append({"body": "AAMA", "credits": hours, "categories": {area: hours}})
        if rng.random() < 0.3:
            approvals.append({"body": "NHA", "credits": hours})
        if approvals:
            record["approvals"] = approvals
        if rng.random() < 0.2:
            record["included_in"] = [f"{provider}-all-access"]
        yield record


def write_file(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in synthetic_records(count):
            out.write(json.dumps(record) + "\n")
    return path


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process, all threads) for one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def _load_row(label: str, records: int, runs: list[tuple[float, float]]) -> str:
    wall = statistics.median(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    return (
        f"| {label} | {records / wall:,.0f} records/s ({wall:.2f} s wall) | {records / cpu:,.0f} records/s "
        f"({cpu:.2f} s) | {', '.join(f'{w:.2f}' for w, _ in runs)} s |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("records", nargs="?", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args(argv)
    n = args.records
    with tempfile.TemporaryDirectory() as folder:
        data = write_file(Path(folder) / "courses.jsonl", n)
        load_files(Path(folder) / "warm-up.duckdb", [data])  # first-use costs (imports, bytecode)
        catalogs = [Path(folder) / f"catalog{attempt}.duckdb" for attempt in range(args.repeat)]
        fresh = [_timed(partial(load_files, catalog, [data])) for catalog in catalogs]
        catalog = catalogs[-1]
        reload = [_timed(partial(load_files, catalog, [data])) for _ in range(args.repeat)]
        for _ in range(3):
            search(catalog, QUERY)
        latencies = sorted(_timed(partial(search, catalog, QUERY))[0] for _ in range(args.queries))
        matching = count(catalog, QUERY)
        facet_ms = statistics.median(_timed(partial(facets, catalog, QUERY))[0] for _ in range(5)) * 1000
        size_mb = catalog.stat().st_size / 1e6
    print(f"records: {n:,}; catalog {size_mb:.0f} MB; load average {os.getloadavg()[0]:.1f} (2 cores)")
    print("| measurement | median, wall clock | median, CPU time | wall-clock runs |")
    print("|---|---:|---:|---|")
    print(_load_row("load into an empty catalog", n, fresh))
    print(_load_row("reload the same file (all unchanged)", n, reload))
    p50 = statistics.median(latencies) * 1000
    p90 = latencies[max(0, int(len(latencies) * 0.9) - 1)] * 1000
    print(
        f"| search: clinical, ≤ $50, by cost per AAMA credit, first 50 of {matching:,} "
        f"| p50 {p50:.1f} ms | | p90 {p90:.1f} ms, {len(latencies)} runs |"
    )
    print(f"| facets for the same query | {facet_ms:.0f} ms | | 5 runs |")


if __name__ == "__main__":
    main()
