"""Items: a crawled course or offer is a plain dict in the course-record format (catalog/records.py).

Spiders build them with :func:`course_item` / :func:`offer_item` (or ``ProviderSpider.course`` /
``ProviderSpider.offer``). Besides record fields an item may carry one private key, ``_problems``: the
``(field, reason)`` pairs a parser could not turn into a value. The validate pipeline counts them in the
crawler stats and removes the key; nothing private reaches the catalog.

Record fields (see docs/course-record.md): hours are contact hours (Decimal), money is Decimal in
``currency``, ``content_areas`` maps area → contact hours, each approval's ``credits`` is in that body's
own unit (AAMA CEUs, NHA credits, AMT CCP points, …).
"""

from __future__ import annotations

from typing import Any

PROBLEMS_KEY = "_problems"

Item = dict[str, Any]

#: Fields without which an item is dropped (the catalog cannot store or key it).
COURSE_KEY_FIELDS: tuple[str, ...] = ("provider", "course_id", "title", "url", "hours", "format")
OFFER_KEY_FIELDS: tuple[str, ...] = ("provider", "offer_id", "name", "kind", "price")


def course_item(**fields: Any) -> Item:
    """A course item: record fields (None values left out) with ``type`` = "course"."""
    return {"type": "course", **{k: v for k, v in fields.items() if v is not None}}


def offer_item(**fields: Any) -> Item:
    """An offer item (subscription, membership or bundle) with ``type`` = "offer"."""
    return {"type": "offer", **{k: v for k, v in fields.items() if v is not None}}


def add_problem(item: Item, field: str, reason: str) -> None:
    """Record that ``field`` could not be parsed (counted by the validate pipeline, never guessed)."""
    item.setdefault(PROBLEMS_KEY, []).append((field, reason))


def item_key(item: Item) -> tuple[str, str, str]:
    """(type, provider, course_id | offer_id): the identity the dedupe pipeline and the catalog use."""
    kind = item.get("type", "course")
    ident = item.get("offer_id") if kind == "offer" else item.get("course_id")
    return (str(kind), str(item.get("provider", "")), str(ident or ""))


def key_fields(item: Item) -> tuple[str, ...]:
    return OFFER_KEY_FIELDS if item.get("type") == "offer" else COURSE_KEY_FIELDS
