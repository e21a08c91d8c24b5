"""About the data page."""

import streamlit as st

st.title("About the data")
