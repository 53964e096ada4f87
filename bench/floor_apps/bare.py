"""The floor of a first load: Streamlit alone, a sidebar, a select box and a button (what
every page of ours has before its first chart). Served by bench/bench_first_load.py."""

import streamlit as st

st.set_page_config(page_title="Streamlit alone", layout="wide")
st.sidebar.title("Backprop Playground")
st.sidebar.selectbox("Dataset", ["circle", "xor"])
st.title("Playground")
st.button("Step")
