"""Recert's Streamlit app: routes to the pages in app_pages/ and frames them (no business logic here).

Run with `make app` (or `streamlit run app.py`); the catalog is $RECERT_CATALOG or data/catalog.duckdb.
"""

import streamlit as st

from recert import ui

st.set_page_config(page_title="Recert — plan your CE", page_icon=":material/school:", layout="wide")

PAGES = [
    st.Page("app_pages/catalog.py", title="Catalog", icon=":material/menu_book:", default=True),
    st.Page("app_pages/my_credentials.py", title="My credentials", icon=":material/badge:"),
    st.Page("app_pages/plan.py", title="Plan", icon=":material/checklist:"),
    st.Page("app_pages/schedule.py", title="Schedule", icon=":material/calendar_month:"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("app_pages/about.py", title="About the data", icon=":material/info:"),
]

page = st.navigation(PAGES)
ui.frame()
ui.profile_sidebar()
page.run()
