"""Streamlit UI pieces shared by the pages (session state, controls, live area)."""
