"""Cached catalog reads for the Catalog and About pages (and the course pickers): the snapshot, the
filtered table with its facet counts, duplicate groups, per-provider statistics.

Every read is keyed on the catalog path and mtime, so a new crawl or load shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from catalog.registry import DEFAULT_BODY
from catalog.text import plural
from recert.ui.filters import (
    COURSE_PARAM,
    CatalogFilters,
    FilterChoices,
    from_params,
)
from recert.ui.frame import cached, link_column, published_catalog
from recert.ui.people import (
    amount,
    as_float,
    for_people,
    hours,
    money,
    money_in,
    safe_url,
    shown,
    titled_link,
    when,
)
from recert.words import area_name, format_name, provider_name


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
    return {course.key: shown(f"{course.title} — {provider_name(course.provider)}") for course in courses}


def course_options() -> dict[tuple[str, str], str]:
    """Every course key → "title — provider" (plain text), sorted by title."""
    return _course_options(*published_catalog())


Facets = dict[str, dict[str, int]]

FACET_LABELS = {"provider": provider_name, "area": area_name, "format": format_name}


def facet_label(facet: str, value: str) -> str:
    """A facet value for people ("in_person" → "In person", "ace" → "ACE — Annals of Continuing
    Education"; approving bodies as they are)."""
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


@cached
def _choices(path: str, stamp: int) -> FilterChoices:
    from catalog.queries import facets
    from catalog.records import AREAS, FORMATS
    from catalog.registry import KNOWN_BODIES

    found = facets(path, CatalogFilters().query())
    return FilterChoices(
        providers=frozenset(found.get("provider", {})),
        areas=frozenset(AREAS),
        bodies=frozenset(found.get("body", {})) | frozenset(KNOWN_BODIES),
        formats=frozenset(FORMATS),
    )


def filter_choices() -> FilterChoices:
    """The values each catalog filter accepts (what `recert catalog` accepts for this catalog)."""
    return _choices(*published_catalog())


FILTERS_STATE = "catalog_filters"  # the session's filters, so the page keeps them when you come back


def _address_filters() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params if name != COURSE_PARAM}


def current_filters() -> tuple[CatalogFilters, list[str]]:
    """The filters in the page's address (or, when it names none, the ones last used in this session),
    and a note for each part of the address that was ignored. The address is then rewritten to name
    exactly these filters."""
    given = _address_filters()
    notes: list[str]
    if not given and FILTERS_STATE in st.session_state:
        filters, notes = st.session_state[FILTERS_STATE], []
    else:
        filters, notes = from_params(given, filter_choices())
    publish_filters(filters)
    return filters, notes


def publish_filters(filters: CatalogFilters) -> None:
    """Keep ``filters`` for the session and show them in the page's address (the CLI's flag names)."""
    st.session_state[FILTERS_STATE] = filters
    wanted = filters.params()
    if _address_filters() == wanted:
        return
    for name in [name for name in st.query_params if name != COURSE_PARAM and name not in wanted]:
        del st.query_params[name]
    for name, values in wanted.items():
        st.query_params[name] = values


def shown_course() -> tuple[str, str] | None:
    """The course named by the address's ``course=provider/course_id``, if it is in the catalog."""
    value = st.query_params.get(COURSE_PARAM)
    if not value or "/" not in value:
        return None
    provider, course_id = value.split("/", 1)
    key = (provider, course_id)
    return key if key in course_index() else None


def show_course(key: tuple[str, str] | None) -> None:
    """Name ``key`` (or no course) in the address, so the detail view can be bookmarked."""
    if key is None:
        if COURSE_PARAM in st.query_params:
            del st.query_params[COURSE_PARAM]
    else:
        st.query_params[COURSE_PARAM] = "/".join(key)


@st.cache_resource(show_spinner=False, max_entries=4)
def _course_index(path: str, stamp: int) -> dict[tuple[str, str], Any]:
    return {course.key: course for course in cached_snapshot(path, stamp).courses}


def course_index() -> dict[tuple[str, str], Any]:
    """Every course record by its key (provider, course_id)."""
    return _course_index(*published_catalog())


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


def _price_order(course: Any) -> tuple[bool, bool, Decimal]:
    """Cheapest first: priced before unpriced, US dollars before other currencies."""
    return (course.price is None, course.currency != "USD", course.price or Decimal(0))


@st.cache_resource(show_spinner=False, max_entries=4)
def _elsewhere(path: str, stamp: int) -> dict[Key, str]:
    """Each duplicated course → where else it is sold and for how much: "relias $45.00, ace $9.95"."""
    courses = {course.key: course for course in cached_snapshot(path, stamp).courses}
    result = {}
    for group in _duplicate_groups(path, stamp):
        for key in group:
            others = sorted((courses[k] for k in group if k != key), key=_price_order)
            result[key] = ", ".join(
                f"{provider_name(c.provider)} {money_in(c.price, c.currency)}" for c in others
            )
    return result


def also_sold_by(key: Key) -> str:
    """Where else the same course is sold and for how much ("" when nowhere); the first call finds the
    duplicates (scikit-learn), so it is made only once a course is opened or the table has been drawn."""
    return _elsewhere(*published_catalog()).get(key, "")


def _approvals_text(body_credits: Any) -> str:
    """The "Credits" cell, e.g. AAMA 1.5 · NHA 1, from a search row's ``body_credits`` ((body, credits)
    pairs in the record's order)."""
    pairs = body_credits if body_credits is not None else ()
    return " · ".join(f"{body} {amount(credits)}" for body, credits in pairs) or "—"


def _areas_text(areas: Any, key: tuple[str, str], inferred: Any) -> str:
    stated = [area_name(str(area)) for area in (areas if areas is not None else [])]
    if stated:
        return ", ".join(stated)
    guess = inferred.get(key)
    return (
        f"inferred: {area_name(guess.area)} ({guess.probability:.0%} sure)"
        if guess is not None
        else "not stated"
    )


@cached
def _table(path: str, stamp: int, query: Any) -> pd.DataFrame:
    from catalog.queries import search

    found = search(path, query)
    inferred = cached_snapshot(path, stamp).inferred_areas
    rows = []
    course: Any  # a row of the search's frame (pandas types it loosely)
    for course in found.itertuples(index=False):
        key = (course.provider, course.course_id)
        rows.append(
            {
                "Title": titled_link(course.url, course.title),
                "Price": as_float(course.price),
                f"{query.body} credits": as_float(course.credits),
                "$ per credit": as_float(course.cost_per_credit),
                "Provider": provider_name(course.provider),
                "Hours": as_float(course.hours),
                "Area": _areas_text(course.areas, key, inferred),
                "Member price": as_float(course.member_price),
                "Format": format_name(course.format),
                "Credits": _approvals_text(course.body_credits),
                "currency": course.currency,
                "provider": course.provider,
                "course_id": course.course_id,
            }
        )
    return pd.DataFrame(rows)


def catalog_table(query: Any) -> pd.DataFrame:
    """The rows of the catalog table for ``query``: plain values, money and hours as numbers (each in its
    row's ``currency``), the course's key in the hidden columns ``provider`` and ``course_id``."""
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
    """The catalog table for people: money in each row's currency, hours and credits, and what an empty
    cell means (no approval by ``body``, no member price, no listed price)."""
    credits = f"{body} credits"
    styled = for_people(table, dollars=("Price", "Member price", "$ per credit"), contact_hours=("Hours",))
    missing = {
        "Price": "price not listed",
        credits: f"none: not {body}-approved",
        "$ per credit": f"— (no {body} credits)",
        "Member price": "no member price",
    }
    shows = {credits: amount, "Price": lambda value: money(value, free_word=True)}
    for column, words in missing.items():
        styled = styled.format(shows.get(column, money), subset=[column], na_rep=words)
    foreign = table.index[table["currency"] != "USD"] if len(table) else table.index
    for currency in sorted(set(table.loc[foreign, "currency"])) if len(foreign) else ():
        rows = table.index[table["currency"] == currency]
        styled = styled.format(
            lambda value, currency=currency: f"{value:,.2f} {currency}",
            subset=(rows, ["Price", "Member price", "$ per credit"]),
            na_rep="—",
        )
    return styled


def on_phone() -> bool:
    """Whether the browser says it is a phone ("Mobi" in its user agent, as Streamlit itself decides)."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def catalog_columns(body: str, *, phone: bool = False) -> dict[str, Any]:
    """Column settings for the catalog table: title, price and credits first — on a ``phone`` narrow
    enough that all three fit in 390 px — then the rest; linked titles, labels and help."""
    number = st.column_config.NumberColumn
    text = st.column_config.TextColumn
    return {
        "Title": link_column("Title", width=150 if phone else "large"),
        "Price": number(
            "Price", width=64 if phone else 80, help="List price; in US dollars unless it says otherwise"
        ),
        f"{body} credits": number(
            f"{body} credits" if not phone else body,
            width=64 if phone else 90,
            help=f"Credits {body} grants. A course not approved by {body} gives no {body} credits, but it "
            "may still count as outside (non-approved) credit for some credentials.",
        ),
        "$ per credit": number(f"$ per {body} credit", width=120),
        "Provider": text("Provider", width=120),
        "Member price": number("Member price", width=110),
        "Credits": text("Credits by body"),
        "Area": text("Area", help="“inferred” = guessed by Recert, not stated"),
        "currency": None,
        "provider": None,
        "course_id": None,
    }


def duplicate_groups_table(query: Any) -> pd.DataFrame:
    """The shown courses that are listed more than once, each group with every listing, cheapest first."""
    path, stamp = published_catalog()
    listed = _table(path, stamp, query)
    keys = set(zip(listed["provider"], listed["course_id"], strict=True)) if len(listed) else set()
    courses = {course.key: course for course in cached_snapshot(path, stamp).courses}
    rows = [
        {
            "Group": number,
            "Title": shown(course.title),
            "Provider": provider_name(course.provider),
            "Price": money_in(course.price, course.currency),
        }
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


def sources_sentence(stats: dict[str, Any]) -> str:
    """Where the catalog's records come from, saying what is counted: a record is a course or an offer
    (subscription, membership or bundle), so the records add up to courses plus offers."""
    sources = stats["sources"]
    records = sum(sources.values())
    head = (
        f"The catalog holds {plural(records, 'record')}: {plural(stats['courses'], 'course')} and "
        f"{plural(stats['offers'], 'offer')} (subscriptions, memberships and bundles)."
    )
    origins = [
        f"{sources['sample']:,} bundled sample data (synthetic, crawled from Recert's own mirrors)",
        f"{sources['live']:,} from the providers' live sites",
        f"{sources['import']:,} imported from files",
    ]
    tail = "" if sources["sample"] else " No sample data is shown."
    return f"{head} Of these records: {'; '.join(origins)}.{tail}"


RUN_OUTCOMES = {
    "ok": "Published",
    "suspect": "Held back (far fewer courses than last time)",
    "failed": "Failed",
    "dry_run": "Checked only (dry run)",
}


def providers_table(stats: dict[str, Any]) -> pd.DataFrame:
    """One row per provider: courses, offers, where they came from, the last crawl and its outcome."""
    rows = []
    for item in stats["providers"]:
        run = item.get("last_run") or {}
        rows.append(
            {
                "Provider": provider_name(item["provider"]),
                "Courses": item["courses"],
                "Offers": item["offers"],
                "Sample": item["sources"]["sample"],
                "Live": item["sources"]["live"],
                "Imported": item["sources"]["import"],
                "Last crawl": when(run.get("finished") or run.get("started")),
                "Outcome": RUN_OUTCOMES.get(run.get("status", ""), run.get("status") or "never crawled"),
                "Items": run.get("items"),
                "Note": run.get("note") or "",
            }
        )
    return pd.DataFrame(rows)


def offer_names() -> dict[tuple[str, str], str]:
    """Every offer key in the catalog → its name (plain text)."""
    return {offer.key: shown(offer.name) for offer in snapshot().offers}


KIND_WORDS = {"course": "Course", "cpr_card": "CPR card", "college_credit": "College credit"}
SOURCE_WORDS = {
    "sample": "Bundled sample data (synthetic)",
    "live": "The provider's live site",
    "import": "Imported from a file",
}


def course_fields(course: Any) -> list[tuple[str, str]]:
    """Every field of a course record as (label, plain text) pairs; empty fields say what they mean."""
    offers = dict(offer_names())
    areas = ", ".join(f"{area_name(area)} ({hours(share)})" for area, share in course.content_areas.items())
    guess = snapshot().inferred_areas.get(course.key)
    if not areas:
        areas = (
            f"not stated; Recert guesses {area_name(guess.area)} ({guess.probability:.0%} sure)"
            if guess is not None
            else "not stated"
        )
    approvals = "; ".join(
        " ".join(
            part
            for part in (
                f"{a.body}: {amount(a.credits)}",
                f"({', '.join(f'{k} {amount(v)}' for k, v in a.categories.items())})" if a.categories else "",
                f"approval no. {a.approval_id}" if a.approval_id else "",
                f"until {a.expires:%Y-%m-%d}" if a.expires else "",
            )
            if part
        )
        for a in course.approvals
    )
    included = ", ".join(offers.get((course.provider, offer_id), offer_id) for offer_id in course.included_in)
    rows = [
        ("Title", shown(course.title)),
        ("Provider", provider_name(course.provider)),
        ("Link", safe_url(course.url) or "no usable link"),
        ("Description", shown(course.description or "no description given")),
        ("Kind", KIND_WORDS.get(course.kind, course.kind)),
        ("Format", format_name(course.format)),
        ("Contact hours", hours(course.hours)),
        (
            "Price",
            money_in(course.price, course.currency) if course.price is not None else "price not listed",
        ),
        (
            "Member price",
            money_in(course.member_price, course.currency) if course.member_price is not None else "none",
        ),
        ("Included in", included or "no subscription, membership or bundle"),
        ("Content areas", areas),
        (
            "Approved by",
            approvals or "no approving body: it gives no approved credits, but may count as outside credit",
        ),
        ("Available", _availability(course)),
        ("Location", course.location or ("none: taken online" if course.format == "online" else "not given")),
        ("Access", f"{course.access_months} months" if course.access_months else "not limited"),
        ("Where this record comes from", SOURCE_WORDS.get(course.source, course.source)),
        ("Read on", f"{course.scraped_at:%Y-%m-%d %H:%M} UTC" if course.scraped_at else "not recorded"),
        ("Also sold by", also_sold_by(course.key) or "no other provider lists this course"),
        ("Course reference (for recert done)", f"{course.provider}/{course.course_id}"),
    ]
    return rows


def _availability(course: Any) -> str:
    start, end = course.available_from, course.available_until
    if start and end:
        return f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
    if start:
        return f"from {start:%Y-%m-%d}"
    if end:
        return f"until {end:%Y-%m-%d}"
    return "any time"
