"""Course catalog page."""

import streamlit as st

st.title("Course catalog")
