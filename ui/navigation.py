"""The app's pages, in menu order: title -> page script (app.py builds the menu from it; a
lesson's stop names the page it shows by its title), and the address of the app's root."""

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

PAGES = {
    "Playground": "app_pages/playground.py",
    "Gradients": "app_pages/gradients.py",
    "Step-through": "app_pages/step_through.py",
    "Lesson": "app_pages/lesson.py",
    "Hidden space": "app_pages/hidden_space.py",
    "Loss surface": "app_pages/loss_surface.py",
    "Lessons": "app_pages/lessons.py",
}
LIVE_AREA_PAGE = "Playground"  # the page with the live area (ui/live.py), Play's page


def app_url(params: dict) -> str:
    """The app's root on this server (the page's address without the page, whatever path
    the app is served under) with ``params`` as its query: a lesson's or a class's link."""
    scheme, netloc, path, _, _ = urlsplit(st.context.url or "http://localhost:8501/")
    return urlunsplit((scheme, netloc, path.rsplit("/", 1)[0] + "/", urlencode(params), ""))
