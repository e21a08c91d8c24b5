"""Your cheapest plan page."""

import streamlit as st

st.title("Your cheapest plan")
