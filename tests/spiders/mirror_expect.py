"""Compare crawled items with a mirror's ``expected.jsonl`` (the records its synthetic pages mean)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalog.records import Course, Offer, parse_record, to_dict

MIRRORS = Path(__file__).resolve().parents[2] / "data" / "mirrors"
COMPARED = (
    "title", "name", "kind", "format", "hours", "price", "member_price", "period_months", "content_areas",
    "approvals", "included_in", "available_from", "available_until", "location", "access_months",
)  # fmt: skip


def expected_records(provider: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(type, id) → expected record (JSON numbers as Decimal)."""
    lines = (MIRRORS / provider / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]
    return {(r["type"], r.get("course_id") or r["offer_id"]): r for r in records}


def plain(record: Course | Offer) -> dict[str, Any]:
    """A record as comparable JSON-like values (Decimals kept exact)."""
    return json.loads(json.dumps(to_dict(record)), parse_float=Decimal)


def differences(provider: str, items: list[dict[str, Any]]) -> list[str]:
    """Every way the crawled ``items`` differ from the mirror's expected records (empty = identical)."""
    expected = expected_records(provider)
    got: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        record = parse_record(item)
        ident = record.course_id if isinstance(record, Course) else record.offer_id
        got[(record.type, ident)] = plain(record)
    problems = [f"missing {key}" for key in expected.keys() - got.keys()]
    problems += [f"unexpected {key}" for key in got.keys() - expected.keys()]
    for key in expected.keys() & got.keys():
        want, have = expected[key], got[key]
        for field in COMPARED:
            if _norm(want.get(field)) != _norm(have.get(field)):
                problems.append(f"{key} {field}: expected {want.get(field)!r}, got {have.get(field)!r}")
        path = urlsplit(have.get("url", "")).path + (
            f"?{urlsplit(have['url']).query}" if "?" in have.get("url", "") else ""
        )
        if "path" in want and path != want["path"]:
            problems.append(f"{key} url: expected path {want['path']!r}, got {have.get('url')!r}")
        unverified = (have.get("extras") or {}).get("unverified")
        if (want.get("extras") or {}).get("unverified") != unverified:
            problems.append(f"{key} extras.unverified: expected {want.get('extras')}, got {unverified}")
    return sorted(problems)


def _norm(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value
