"""About the data page: providers, last crawl per provider, counts, live vs sample, how to refresh."""

from __future__ import annotations

import streamlit as st

from recert import ui

st.title("About the data")


def main() -> None:
    stats = ui.catalog_stats()
    sources = stats["sources"]
    columns = st.columns(4)
    columns[0].metric("Courses", f"{stats['courses']:,}")
    columns[1].metric("Offers", f"{stats['offers']:,}")
    columns[2].metric("Providers", f"{len(stats['providers']):,}")
    last = (stats.get("last_run") or {}).get("finished")
    columns[3].metric("Last crawl", ui.when(last)[:10], help=ui.when(last))
    if sources["sample"]:
        st.text(
            f"{sources['sample']:,} records are bundled sample data (synthetic, crawled from Recert's own "
            f"mirrors); {sources['live']:,} come from the providers' live sites and {sources['import']:,} "
            "were imported from files."
        )
    else:
        st.text(
            f"{sources['live']:,} records come from the providers' live sites and {sources['import']:,} "
            "were imported from files. No sample data is shown."
        )
    st.header("Providers")
    st.dataframe(
        ui.providers_table(stats),
        hide_index=True,
        key="about_providers",
        column_config={"Note": st.column_config.TextColumn("Note", help="What the crawl reported")},
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
