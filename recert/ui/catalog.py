"""Cached catalog reads for the Catalog and About pages (and the course pickers): the snapshot, the
filtered table with its facet counts, duplicate groups, per-provider statistics.

Every read is keyed on the catalog path and mtime, so a new crawl or load shows at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from catalog.registry import DEFAULT_BODY
from recert.ui.frame import cached, link_column, published_catalog
from recert.ui.people import amount, as_float, for_people, format_label, money, titled_link, when


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_snapshot(path: str, stamp: int) -> Any:
    """The snapshot of the catalog at ``path`` as of ``stamp`` (shared, read-only)."""
    from catalog.queries import snapshot as read_snapshot

    return read_snapshot(Path(path))


def snapshot() -> Any:
    """The catalog's courses, offers and inferred areas (``CatalogSnapshot``), shared across sessions."""
    return cached_snapshot(*published_catalog())


@cached
def _course_options(path: str, stamp: int) -> dict[tuple[str, str], str]:
    courses = sorted(cached_snapshot(path, stamp).courses, key=lambda c: (c.title.lower(), c.provider))
    return {course.key: f"{course.title} — {course.provider}" for course in courses}


def course_options() -> dict[tuple[str, str], str]:
    """Every course key → "title — provider" (plain text), sorted by title."""
    return _course_options(*published_catalog())


Facets = dict[str, dict[str, int]]

TABLE_ROWS = 500  # rows drawn at once; the caption says when more match

FACET_LABELS = {"format": format_label}


def facet_label(facet: str, value: str) -> str:
    """A facet value for people ("in_person" → "In person"; providers and bodies as they are)."""
    label = FACET_LABELS.get(facet)
    return label(value) if label else value


@dataclass(frozen=True)
class CatalogBounds:
    """What the filters need to know about the whole catalog: size, dearest USD price, bodies."""

    courses: int
    max_price: float
    bodies: list[str]


@cached
def _bounds(path: str, stamp: int) -> CatalogBounds:
    from catalog.queries import CourseQuery, count, facets, search

    everything = CourseQuery(limit=None)
    dearest = search(path, CourseQuery(sort="price", descending=True, limit=1))
    price = dearest["price"].iloc[0] if len(dearest) else None
    bodies = sorted(facets(path, everything).get("body", {})) or [DEFAULT_BODY]
    return CatalogBounds(count(path, everything), float(price or 0), bodies)


def catalog_bounds() -> CatalogBounds:
    return _bounds(*published_catalog())


def course_query(
    *,
    text: str = "",
    providers: Iterable[str] = (),
    areas: Iterable[str] = (),
    bodies: Iterable[str] = (),
    formats: Iterable[str] = (),
    free_only: bool = False,
    price: tuple[float, float] | None = None,
    full_price: float = 0.0,
    min_credits: float = 0.0,
    body: str = DEFAULT_BODY,
    sort: str = "cost_per_credit",
    descending: bool = False,
) -> Any:
    """The ``CourseQuery`` the filters describe; a price range covering everything filters nothing."""
    from catalog.queries import CourseQuery

    low, high = price if price is not None else (0.0, full_price)
    return CourseQuery(
        providers=tuple(providers),
        areas=tuple(areas),
        bodies=tuple(bodies),
        formats=tuple(formats),
        min_price=Decimal(str(low)) if low > 0 and not free_only else None,
        max_price=Decimal(str(high)) if high < full_price and not free_only else None,
        min_credits=Decimal(str(min_credits)) if min_credits else None,
        credits_body=body if min_credits else None,
        free_only=free_only,
        text=text.strip() or None,
        sort=sort,
        body=body,
        descending=descending,
        limit=TABLE_ROWS,
    )


@cached
def _facets(path: str, stamp: int, query: Any) -> Facets:
    from catalog.queries import facets

    return facets(path, query)


def catalog_facets(query: Any) -> Facets:
    """Facet value → count of courses matching ``query``."""
    return _facets(*published_catalog(), query)


@cached
def _count(path: str, stamp: int, query: Any) -> int:
    from catalog.queries import count

    return count(path, query)


def catalog_count(query: Any) -> int:
    """How many courses match ``query`` (all of them, not only the rows drawn)."""
    return _count(*published_catalog(), query)


Key = tuple[str, str]


@st.cache_resource(show_spinner=False, max_entries=4)
def _duplicate_groups(path: str, stamp: int) -> list[list[Key]]:
    """Groups of listings of the same course (scikit-learn is imported on first use)."""
    from recommender.ml.duplicates import duplicate_groups

    return duplicate_groups(cached_snapshot(path, stamp).courses)


def _price_order(course: Any) -> tuple[bool, Decimal]:
    return (course.price is None, course.price or Decimal(0))


@st.cache_resource(show_spinner=False, max_entries=4)
def _elsewhere(path: str, stamp: int) -> dict[Key, str]:
    """Each duplicated course → where else it is sold and for how much: "relias $45.00, ace $9.95"."""
    courses = {course.key: course for course in cached_snapshot(path, stamp).courses}
    result = {}
    for group in _duplicate_groups(path, stamp):
        for key in group:
            others = sorted((courses[k] for k in group if k != key), key=_price_order)
            result[key] = ", ".join(f"{c.provider} {money(c.price)}" for c in others)
    return result


def _approvals_text(body_credits: Any) -> str:
    """The "Credits" cell, e.g. AAMA 1.5 · NHA 1, from a search row's ``body_credits`` ((body, credits)
    pairs in the record's order)."""
    pairs = body_credits if body_credits is not None else ()
    return " · ".join(f"{body} {amount(credits)}" for body, credits in pairs) or "—"


def _areas_text(areas: Any, key: tuple[str, str], inferred: Any) -> str:
    stated = [str(area) for area in (areas if areas is not None else [])]
    if stated:
        return ", ".join(stated)
    guess = inferred.get(key)
    return f"inferred: {guess.area} ({guess.probability:.0%} sure)" if guess is not None else "—"


@cached
def _table(path: str, stamp: int, query: Any) -> pd.DataFrame:
    from catalog.queries import search

    found = search(path, query)
    inferred = cached_snapshot(path, stamp).inferred_areas
    elsewhere = _elsewhere(path, stamp)
    rows = []
    for course in found.itertuples(index=False):
        key = (course.provider, course.course_id)
        rows.append(
            {
                "Title": titled_link(course.url, course.title),
                "Provider": course.provider,
                "Price": as_float(course.price),
                "$ per credit": as_float(course.cost_per_credit),
                f"{query.body} credits": as_float(course.credits),
                "Hours": as_float(course.hours),
                "Area": _areas_text(course.areas, key, inferred),
                "Member price": as_float(course.member_price),
                "Format": format_label(course.format),
                "Credits": _approvals_text(course.body_credits),
                "Also sold by": elsewhere.get(key, ""),
                "course_id": course.course_id,
            }
        )
    return pd.DataFrame(rows)


def catalog_table(query: Any) -> pd.DataFrame:
    """The rows of the catalog table for ``query``: plain values, money and hours as numbers."""
    return _table(*published_catalog(), query)


def course_picker(key: str, *, container: Any = st) -> tuple[str, str] | None:
    """A "Course" selectbox over every catalog course (labels are plain text); the chosen key or None."""
    options = course_options()
    return container.selectbox(
        "Course",
        options=list(options),
        format_func=options.__getitem__,
        index=None,
        placeholder="Pick a course…",
        key=key,
    )


def catalog_styled(table: pd.DataFrame, body: str) -> Any:
    """The catalog table with money, hours and credits shown for people."""
    return for_people(
        table,
        dollars=("Price", "Member price", "$ per credit"),
        contact_hours=("Hours",),
        amounts=(f"{body} credits",),
    )


def catalog_columns(body: str) -> dict[str, Any]:
    """Column settings for the catalog table: linked titles, labels and help."""
    number = st.column_config.NumberColumn
    return {
        "Title": link_column("Title", width="large"),
        "Provider": st.column_config.TextColumn("Provider", width=100),
        "Price": number("Price", width=80),
        "$ per credit": number(f"$ per {body} credit", width=120),
        "Member price": number("Member price", width=110),
        "Credits": st.column_config.TextColumn("Credits by body"),
        "Area": st.column_config.TextColumn("Area", help="“inferred” = guessed by Recert, not stated"),
        "Also sold by": st.column_config.TextColumn("Also sold by", help="The same course, listed elsewhere"),
        "course_id": None,
    }


def duplicate_groups_table(query: Any) -> pd.DataFrame:
    """The shown courses that are listed more than once, each group with every listing, cheapest first."""
    path, stamp = published_catalog()
    shown = _table(path, stamp, query)
    keys = set(zip(shown["Provider"], shown["course_id"], strict=True)) if len(shown) else set()
    courses = {course.key: course for course in cached_snapshot(path, stamp).courses}
    rows = [
        {"Group": number, "Title": course.title, "Provider": course.provider, "Price": as_float(course.price)}
        for number, group in enumerate(_duplicate_groups(path, stamp), start=1)
        if keys.intersection(group)
        for course in sorted((courses[key] for key in group), key=_price_order)
    ]
    return pd.DataFrame(rows)


@cached
def _stats(path: str, stamp: int) -> dict[str, Any]:
    from catalog.queries import stats

    return stats(path)


def catalog_stats() -> dict[str, Any]:
    """Counts per provider and source, and each provider's last run (see ``catalog.queries.stats``)."""
    return _stats(*published_catalog())


def providers_table(stats: dict[str, Any]) -> pd.DataFrame:
    """One row per provider: courses, offers, where they came from, the last crawl and its outcome."""
    rows = []
    for item in stats["providers"]:
        run = item.get("last_run") or {}
        rows.append(
            {
                "Provider": item["provider"],
                "Courses": item["courses"],
                "Offers": item["offers"],
                "Sample": item["sources"]["sample"],
                "Live": item["sources"]["live"],
                "Imported": item["sources"]["import"],
                "Last crawl": when(run.get("finished") or run.get("started")),
                "Outcome": run.get("status", "—"),
                "Items": run.get("items"),
                "Note": run.get("note") or "",
            }
        )
    return pd.DataFrame(rows)


def offer_names() -> dict[tuple[str, str], str]:
    """Every offer key in the catalog → its name (plain text)."""
    return {offer.key: offer.name for offer in snapshot().offers}
