"""The Compare page's figures: cost per credit by provider and area, when subscriptions, memberships and
bundles pay for themselves (USD), and a course's price history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pandas as pd

from recert.ui.catalog import snapshot
from recert.ui.frame import cached, published_catalog
from recert.ui.people import as_float, money_in, plural


@cached
def _cost_per_credit(path: str, stamp: int, body: str) -> pd.DataFrame:
    from catalog.queries import CourseQuery, search

    found = search(path, CourseQuery(body=body, limit=None))
    found = found[found["cost_per_credit"].notna() & (found["currency"] == "USD")]
    rows = [
        {"provider": row.provider, "area": str(area), "cost_per_credit": float(row.cost_per_credit)}
        for row in cast(Iterable[Any], found.itertuples(index=False))  # pandas types rows loosely
        for area in (list(row.areas) or ["unstated"])
    ]
    if not rows:
        return pd.DataFrame(columns=["provider", "area", "median", "courses"])
    frame = pd.DataFrame(rows).groupby(["provider", "area"], as_index=False)["cost_per_credit"]
    return cast(pd.DataFrame, frame.agg(median="median", courses="count"))  # named aggregations: a frame


def cost_per_credit_by_provider(body: str) -> pd.DataFrame:
    """Median list price per ``body`` credit of each provider's courses priced in US dollars, per content
    area (a price in another currency is never mixed into a dollar median)."""
    return _cost_per_credit(*published_catalog(), body)


@dataclass(frozen=True)
class BreakEven:
    """When a subscription, membership or bundle pays for itself (money in the offer's ``currency``; only
    courses priced in that currency are counted)."""

    provider: str
    offer: str
    kind: str
    price: Decimal
    courses: int
    typical_saving: Decimal | None
    courses_to_break_even: int | None
    currency: str = "USD"

    @property
    def sentence(self) -> str:
        price = money_in(self.price, self.currency)
        if self.courses_to_break_even is None:
            return f"The {self.offer} ({price}) saves nothing on the courses in the catalog."
        needed = plural(self.courses_to_break_even, "course")
        return (
            f"The {self.offer} ({price}) pays for itself after {needed} "
            f"(it saves about {money_in(self.typical_saving, self.currency)} per course, on "
            f"{plural(self.courses, 'course')})."
        )


def _member_priced(offer: Any, course: Any) -> bool:
    """Whether ``offer`` is a membership of the course's provider that unlocks its member price."""
    same_provider = course.provider == offer.provider
    return offer.kind == "membership" and same_provider and course.member_price is not None


def _savings(offer: Any, courses: Iterable[Any]) -> list[Decimal]:
    """What ``offer`` saves on each course it covers, against the course's list price (USD)."""
    savings = []
    for course in courses:
        if course.price is None or course.currency != offer.currency:
            continue
        if offer.offer_id in course.included_in:
            savings.append(course.price)
        elif _member_priced(offer, course):
            savings.append(course.price - course.member_price)
    return [saving for saving in savings if saving > 0]


def break_even() -> list[BreakEven]:
    """Every offer in the catalog with its median saving per course and the courses it takes to pay off."""
    import math
    from statistics import median

    snap = snapshot()
    result = []
    for offer in snap.offers:
        savings = _savings(offer, snap.courses)
        typical = Decimal(str(median(savings))) if savings else None
        needed = math.ceil(offer.price / typical) if typical else None
        result.append(
            BreakEven(
                offer.provider,
                offer.name,
                offer.kind,
                offer.price,
                len(savings),
                typical,
                needed,
                offer.currency,
            )
        )
    return result


@cached
def _price_history(path: str, stamp: int, provider: str, course_id: str) -> pd.DataFrame:
    from catalog.queries import price_history

    history = price_history(path, provider, course_id)
    return pd.DataFrame(
        {
            "seen": pd.to_datetime(history["seen_at"], utc=True),
            "price": [as_float(v) for v in history["price"]],
            "member price": [as_float(v) for v in history["member_price"]],
            "currency": history["currency"],
        }
    )


def course_price_history(key: tuple[str, str]) -> pd.DataFrame:
    """Every price observed for the course ``key``, oldest first, each in its ``currency``."""
    return _price_history(*published_catalog(), *key)
