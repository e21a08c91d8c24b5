"""Catalog page: facet filters with counts, text search and a sortable table of every course."""

from __future__ import annotations

import streamlit as st

from catalog.queries import CourseQuery
from recert import ui

st.title("Course catalog")

SORTS = {
    "cost_per_credit": "Cost per credit",
    "price": "Price",
    "credits": "Credits",
    "title": "Title",
}


def facet_select(label: str, facet: str, facets: ui.Facets, key: str) -> list[str]:
    """A multiselect over one facet's values, each labelled with how many courses it has."""
    counts = facets.get(facet, {})
    options = sorted(counts, key=lambda value: (-counts[value], str(value)))
    for chosen in st.session_state.get(key, []):
        if chosen not in options:
            options.append(chosen)
    return st.multiselect(
        label,
        options=options,
        format_func=lambda value: f"{ui.facet_label(facet, value)} ({counts.get(value, 0):,})",
        key=key,
    )


def filters(facets: ui.Facets, bounds: ui.CatalogBounds) -> None:
    """The sidebar filters (their values are read back by ``query_from_state``)."""
    full = max(bounds.max_price, 1.0)
    with st.sidebar:
        st.header("Filters")
        st.text_input("Search titles and descriptions", key="catalog_text")
        facet_select("Provider", "provider", facets, "catalog_providers")
        facet_select("Content area", "area", facets, "catalog_areas")
        facet_select("Approved by", "body", facets, "catalog_bodies")
        facet_select("Format", "format", facets, "catalog_formats")
        free_only = st.checkbox("Free courses only", key="catalog_free_only")
        st.slider(
            "Price (USD)",
            min_value=0.0,
            max_value=full,
            value=(0.0, full),
            step=1.0,
            disabled=free_only,
            key="catalog_price",
        )
        st.number_input("At least this many credits", min_value=0.0, step=0.5, key="catalog_min_credits")
        st.selectbox(
            "Credits and cost per credit of",
            options=bounds.bodies,
            index=bounds.bodies.index(ui.DEFAULT_BODY) if ui.DEFAULT_BODY in bounds.bodies else 0,
            key="catalog_body",
        )
        st.selectbox("Sort by", options=list(SORTS), format_func=SORTS.__getitem__, key="catalog_sort")
        st.checkbox("Highest first", key="catalog_descending")


def query_from_state(bounds: ui.CatalogBounds) -> CourseQuery:
    """The query the filters describe, read from session state (so facets can be counted before the
    widgets are drawn)."""
    state = st.session_state
    return ui.course_query(
        text=state.get("catalog_text", ""),
        providers=state.get("catalog_providers", ()),
        areas=state.get("catalog_areas", ()),
        bodies=state.get("catalog_bodies", ()),
        formats=state.get("catalog_formats", ()),
        free_only=state.get("catalog_free_only", False),
        price=state.get("catalog_price"),
        full_price=max(bounds.max_price, 1.0),
        min_credits=state.get("catalog_min_credits", 0.0),
        body=state.get("catalog_body") or ui.DEFAULT_BODY,
        sort=state.get("catalog_sort") or "cost_per_credit",
        descending=state.get("catalog_descending", False),
    )


def main() -> None:
    bounds = ui.catalog_bounds()
    filters(ui.catalog_facets(query_from_state(bounds)), bounds)
    query = query_from_state(bounds)
    total = ui.catalog_count(query)
    st.caption(f"{total:,} of {bounds.courses:,} courses match.")
    if total == 0:
        st.info("No course matches these filters. Clear a filter in the sidebar to see more.")
        return
    shown = ui.catalog_table(query)
    st.dataframe(
        ui.catalog_styled(shown, query.body),
        hide_index=True,
        width="stretch",
        height=min(600, 38 + 35 * len(shown)),
        key="catalog_table",
        column_config=ui.catalog_columns(query.body),
    )
    if total > len(shown):
        st.caption(f"Showing the first {len(shown):,}; narrow the filters to see the rest.")
    groups = ui.duplicate_groups_table(query)
    if not groups.empty:
        with st.expander("The same course from several providers", expanded=False):
            st.dataframe(ui.for_people(groups, dollars=("Price",)), hide_index=True, key="catalog_duplicates")


with ui.page_guard("the catalog"):
    main()
