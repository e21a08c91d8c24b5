"""Synthetic course catalogs and a profile, shared by the planner's tests and bench/bench_planner.py
(which never import each other). Money in USD, hours in contact hours.
"""

from __future__ import annotations

import random
from decimal import Decimal

from recommender.rules.profile import Profile, parse_profile

AREAS = ("administrative", "clinical", "general")
PROVIDERS = tuple(f"provider{i:02d}" for i in range(10))


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
