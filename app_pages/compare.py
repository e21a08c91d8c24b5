"""Compare cost per credit page."""

import streamlit as st

st.title("Compare cost per credit")
