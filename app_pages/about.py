"""About the data page: providers, last crawl per provider, counts, live vs sample, how to refresh."""

from __future__ import annotations

import streamlit as st

from recert import ui

st.title("About the data")


def main() -> None:
    stats = ui.catalog_stats()
    columns = st.columns(4)
    columns[0].metric("Courses", f"{stats['courses']:,}")
    columns[1].metric("Offers", f"{stats['offers']:,}")
    columns[2].metric("Providers", f"{len(stats['providers']):,}")
    last = (stats.get("last_run") or {}).get("finished")
    columns[3].metric("Last crawl", ui.when(last)[:10], help=ui.when(last))
    st.text(ui.sources_sentence(stats))
    st.header("Providers")
    st.dataframe(
        ui.providers_table(stats),
        hide_index=True,
        key="about_providers",
        column_config={
            "Sample": st.column_config.NumberColumn(
                "Sample", help="Records (courses and offers) from the sample"
            ),
            "Live": st.column_config.NumberColumn("Live", help="Records read from the provider's live site"),
            "Imported": st.column_config.NumberColumn("Imported", help="Records imported from files"),
            "Items": st.column_config.NumberColumn("Items", help="Records the last crawl read"),
            "Note": st.column_config.TextColumn("Note", help="What the last crawl reported"),
        },
    )
    st.header("How to refresh")
    st.text(
        "Prices and courses change. Crawl every provider again (each one is published atomically, and a "
        "crawl that finds far fewer courses than last time is held back):"
    )
    st.code(f"recert crawl --catalog {stats['catalog']}", language="bash")
    st.text("Or rebuild the bundled sample catalog offline:")
    st.code("recert sample", language="bash")
    st.caption(f"Catalog file: {ui.md_escape(stats['catalog'])} (schema version {stats['schema_version']}).")


with ui.page_guard("the data summary"):
    main()
