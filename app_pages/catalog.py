"""Catalog page: filters with counts, kept in the page's address with `recert catalog`'s flag names, a
sortable table of every course, and a course's details with whether it counts for your credentials."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import streamlit as st

from recert import ui

st.title("Course catalog")

SORTS = {
    "cost_per_credit": "Cost per credit",
    "price": "Price",
    "credits": "Credits",
    "title": "Title",
}
# Widget key → the filter it edits (see recert.ui.filters.CatalogFilters).
MULTI = {
    "catalog_providers": ("providers", "Provider", "provider"),
    "catalog_areas": ("areas", "Content area", "area"),
    "catalog_bodies": ("bodies", "Approved by", "body"),
    "catalog_formats": ("formats", "Format", "format"),
}
PLAIN = {
    "catalog_text": "text",
    "catalog_free_only": "free",
    "catalog_body": "credit_body",
    "catalog_sort": "sort",
    "catalog_descending": "desc",
}
SHOWN_KEYS = "catalog_shown_keys"  # the table's course keys, in row order, for the row-selection callback


def _as_decimal(value: float) -> Decimal | None:
    return Decimal(str(value)) if value else None


def changed(key: str, full: float) -> None:
    """A filter widget changed: its raw value (never its label) goes into the filters and the address."""
    filters = st.session_state[ui.FILTERS_STATE]
    value = st.session_state[key]
    if key in MULTI:
        update: dict[str, Any] = {MULTI[key][0]: tuple(value)}
    elif key == "catalog_price":
        low, high = value
        update = {"min_price": _as_decimal(low), "max_price": Decimal(str(high)) if high < full else None}
    elif key == "catalog_min_credits":
        update = {"min_credits": _as_decimal(value)}
    else:
        update = {PLAIN[key]: value}
    ui.publish_filters(replace(filters, **update))


def show_filters(filters: ui.CatalogFilters, full: float) -> None:
    """Put the filters into the widgets before they are drawn, so each widget shows the filter as its raw
    value on every run (a label that changed since the last run can never stand in for the value)."""
    state = st.session_state
    for key, (name, _, _) in MULTI.items():
        state[key] = list(getattr(filters, name))
    for key, name in PLAIN.items():
        state[key] = getattr(filters, name)
    low = float(filters.min_price or 0)
    high = float(filters.max_price) if filters.max_price is not None else full
    state["catalog_price"] = (min(low, full), min(max(high, low), full))
    state["catalog_min_credits"] = float(filters.min_credits or 0)


def facet_select(key: str, filters: ui.CatalogFilters, facets: ui.Facets, full: float) -> None:
    """A multiselect over one facet's values (raw values; each label adds how many courses it has)."""
    name, label, facet = MULTI[key]
    counts = facets.get(facet, {})
    options = sorted(counts, key=lambda value: (-counts[value], str(value)))
    options += [value for value in getattr(filters, name) if value not in counts]
    st.multiselect(
        label,
        options=options,
        format_func=lambda value: f"{ui.facet_label(facet, value)} ({counts.get(value, 0):,})",
        key=key,
        on_change=changed,
        args=(key, full),
    )


def filters_sidebar(filters: ui.CatalogFilters, facets: ui.Facets, bounds: ui.CatalogBounds) -> None:
    full = max(bounds.max_price, 1.0)
    show_filters(filters, full)
    bodies = bounds.bodies + [b for b in [filters.credit_body] if b not in bounds.bodies]
    with st.sidebar:
        st.header("Filters")
        st.text_input(
            "Search titles and descriptions",
            key="catalog_text",
            on_change=changed,
            args=("catalog_text", full),
        )
        for key in MULTI:
            facet_select(key, filters, facets, full)
        st.checkbox(
            "Free courses only", key="catalog_free_only", on_change=changed, args=("catalog_free_only", full)
        )
        st.slider(
            "Price (USD)",
            min_value=0.0,
            max_value=full,
            step=1.0,
            format="$%.0f",
            disabled=filters.free,
            key="catalog_price",
            on_change=changed,
            args=("catalog_price", full),
            help="A price filter shows only courses priced in US dollars.",
        )
        st.number_input(
            "At least this many credits",
            min_value=0.0,
            step=0.5,
            key="catalog_min_credits",
            on_change=changed,
            args=("catalog_min_credits", full),
        )
        st.selectbox(
            "Credits and cost per credit of",
            options=bodies,
            key="catalog_body",
            on_change=changed,
            args=("catalog_body", full),
        )
        st.selectbox(
            "Sort by",
            options=list(SORTS),
            format_func=SORTS.__getitem__,
            key="catalog_sort",
            on_change=changed,
            args=("catalog_sort", full),
        )
        st.checkbox(
            "Highest first", key="catalog_descending", on_change=changed, args=("catalog_descending", full)
        )


def picked() -> None:
    """A table row was selected (or unselected): show that course's details."""
    rows = st.session_state["catalog_table"]["selection"]["rows"]
    keys = st.session_state.get(SHOWN_KEYS, [])
    ui.show_course(keys[rows[0]] if rows and rows[0] < len(keys) else None)


def course_detail(key: tuple[str, str]) -> None:
    """Every field of one course and, for your profile, whether it counts toward each credential, "Add to
    my plan" (every plan then holds it) and "Mark done"."""
    course = ui.course_index()[key]
    with st.container(border=True, key="catalog_detail"):
        st.subheader("Course details")
        for label, value in ui.course_fields(course):  # scraped text: escaped, never read as markdown
            st.markdown(f"**{label}:** {ui.md_escape(value)}")
        link = ui.safe_url(course.url)
        if link:
            st.link_button("Open the course's page", link, key="catalog_detail_link")
        st.markdown("**Does it count for me?**")
        profile = ui.current_profile()
        if profile is None or not profile.credentials:
            st.caption("Add your credentials on the My credentials page to see whether this course counts.")
        else:
            lines = ui.check_course(profile, key, date.today())
            for line in lines:
                (st.success if line.counts else st.warning)(ui.md_escape(line.text))
            counts = any(line.counts for line in lines)
            ui.add_to_plan(course, "catalog_plan", counts=counts)  # into the profile's planned courses
            ui.mark_done([course], "catalog_done")  # into the profile's completed courses, with undo
        st.button("Close the details", key="catalog_detail_close", on_click=ui.show_course, args=(None,))


def main() -> None:
    bounds = ui.catalog_bounds()
    filters, notes = ui.current_filters()
    query = filters.query()
    filters_sidebar(filters, ui.catalog_facets(query), bounds)
    if notes:
        st.warning("Ignored in the page address: " + ui.md_escape("; ".join(notes)) + ".")
    total = ui.catalog_count(query)
    st.caption(f"{total:,} of {bounds.courses:,} courses match.")
    shown_key = ui.shown_course()
    if shown_key is not None:
        course_detail(shown_key)
    if total == 0:
        st.info("No course matches these filters. Clear a filter in the sidebar to see more.")
        return
    shown = ui.catalog_table(query)
    st.session_state[SHOWN_KEYS] = list(zip(shown["provider"], shown["course_id"], strict=True))
    st.caption("Select a row to see the course's details and whether it counts for your credentials.")
    st.dataframe(
        ui.catalog_styled(shown, query.body),
        hide_index=True,
        width="stretch",
        height=min(600, 38 + 35 * len(shown)),
        key="catalog_table",
        column_config=ui.catalog_columns(query.body, phone=ui.on_phone()),
        on_select=picked,
        selection_mode="single-row",
    )
    if total > len(shown):
        st.caption(f"Showing the first {len(shown):,}; narrow the filters to see the rest.")
    duplicates = st.expander(
        "The same course from several providers", key="catalog_duplicates_open", on_change="rerun"
    )
    if duplicates.open:  # found on demand: the first search imports scikit-learn
        groups = ui.duplicate_groups_table(query)
        if groups.empty:
            duplicates.caption("No course shown here is listed by more than one provider.")
        else:
            duplicates.dataframe(groups, hide_index=True, key="catalog_duplicates")


with ui.page_guard("the catalog"):
    main()
