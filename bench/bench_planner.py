"""Planner benchmark: median end-to-end time (read the JSONL catalog, build inputs, presolve, solve,
explain) on synthetic catalogs of 1k / 10k / 100k courses with 20 offers, and the greedy baseline's
extra cost in %. Run: `.venv/bin/python -m bench.bench_planner [sizes...]`. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from recommender.planner.adapter import build_input, read_records
from recommender.planner.api import solve_input
from recommender.planner.greedy import greedy
from recommender.rules.profile import Profile, parse_profile

AREAS = ("administrative", "clinical", "general")
PROVIDERS = tuple(f"provider{i:02d}" for i in range(10))
SIZES = (1_000, 10_000, 100_000)
REPEATS = {1_000: 5, 10_000: 5, 100_000: 3}


def synthetic_records(courses: int, *, offers: int = 20, seed: int = 7) -> list[dict[str, object]]:
    """Course-record dicts: ~60% AAMA-approved, outside-credit courses, CPR cards, 20 offers."""
    rnd = random.Random(seed)
    records: list[dict[str, object]] = []
    kinds = ("subscription", "membership", "bundle")
    offer_ids = []
    for i in range(offers):
        provider = PROVIDERS[i % len(PROVIDERS)]
        kind = kinds[i % 3]
        offer_ids.append((provider, f"offer{i:02d}", kind))
        records.append({"type": "offer", "provider": provider, "offer_id": f"offer{i:02d}",
                        "name": f"Offer {i}", "kind": kind, "price": rnd.choice([39, 59, 79, 99, 149]),
                        "source": "import"})  # fmt: skip
    for i in range(courses):
        provider = rnd.choice(PROVIDERS)
        hours = Decimal(rnd.choice(["1", "1.5", "2", "3", "4", "5"]))
        area = rnd.choice(AREAS)
        record: dict[str, object] = {
            "provider": provider, "course_id": f"c{i:06d}", "title": f"Course {i} on {area} topics",
            "url": f"https://{provider}.example/c{i}", "format": rnd.choice(["online", "online", "live"]),
            "hours": str(hours), "source": "import", "content_areas": {area: str(hours)},
            "price": str(rnd.choice([5, 9, 12, 15, 19, 25, 29, 35, 49, 59, 79]) + rnd.choice([0, 0.5, 0.99])),
        }  # fmt: skip
        if rnd.random() < 0.6:
            record["approvals"] = [{"body": "AAMA", "credits": str(hours), "categories": {area: str(hours)}}]
        if rnd.random() < 0.01:
            record["kind"] = "cpr_card"
        own = [o for o in offer_ids if o[0] == provider]
        if own and rnd.random() < 0.2:
            provider_offer = rnd.choice(own)
            if provider_offer[2] == "membership":
                record["member_price"] = str(Decimal(str(record["price"])) * Decimal("0.7"))
            else:
                record["included_in"] = [provider_offer[1]]
        records.append(record)
    return records


def profile() -> Profile:
    earned = {"administrative": {"approved": 4, "other": 0}, "clinical": {"approved": 0, "other": 2},
              "general": {"approved": 6, "other": 0}}  # fmt: skip
    return parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2028-06-30", "earned": earned}]})


def end_to_end(path: Path, held: Profile) -> tuple[float, Decimal]:
    """Seconds to read the JSONL file, build the input, solve and explain; and the plan's cost."""
    start = time.perf_counter()
    courses, offers = read_records(path)
    result = solve_input(build_input(courses, offers, held))
    return time.perf_counter() - start, result.total_cost


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or list(SIZES)
    held = profile()
    print("| courses | median end-to-end (s) | min / max (s) | optimal cost | greedy cost | greedy extra |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"catalog_{size}.jsonl"
            path.write_text("\n".join(json.dumps(r) for r in synthetic_records(size)) + "\n")
            times = []
            cost = Decimal(0)
            for _ in range(REPEATS.get(size, 3)):
                seconds, cost = end_to_end(path, held)
                times.append(seconds)
            courses, offers = read_records(path)
            baseline = greedy(build_input(courses, offers, held))
            extra = (baseline - cost) / cost * 100 if baseline is not None and cost else None
            extra_words = f"{extra:.1f} %" if extra is not None else "no plan"
            print(
                f"| {size:,} | {statistics.median(times):.2f} | {min(times):.2f} / {max(times):.2f} "
                f"| ${cost} | ${baseline} | {extra_words} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
