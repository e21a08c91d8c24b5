"""My credentials page."""

import streamlit as st

st.title("My credentials")
