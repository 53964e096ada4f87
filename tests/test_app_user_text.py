"""A user's names (an uploaded CSV's columns and classes) on every page: text, never a link
or markup, quotes as quotes, and long ones short where room is short (issue 17, §5).

The CSV's first column is named ``http://example.com "quoted" <b>x</b>`` and one of its
two classes has a 200-character name."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app_helpers import APP, figures, live_packet, on_page, open_panel
from ui.texts import WORD_JOINER, plain
from viz.user_text import chart_text, hover_text, short_labels, shorten

COLUMN = 'http://example.com "quoted" <b>x</b>'
LONG_CLASS = ("A class whose name goes on and on " * 7)[:200]
SHORT_CLASS = "short & <i>sweet</i> a@b.org"
# What GitHub-flavoured markdown turns into a link by itself (autolink literals): a URL
# with a scheme, a www. address, an e-mail address.
AUTOLINK = re.compile(r"(?i)(?:https?|ftp)://|www\.|[\w.+-]@[\w-]+\.")


def hostile_csv() -> bytes:
    rng = np.random.default_rng(0)
    header = '"' + COLUMN.replace('"', '""') + '",x2,label'
    rows = [f"{a:.3f},{b:.3f},{LONG_CLASS if a + b > 0 else SHORT_CLASS}"
            for a, b in rng.normal(size=(120, 2))]
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture(scope="module")
def uploaded():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    open_panel(at, "x_upload")  # "Your own data (CSV)"
    at.file_uploader(key="w_csv").set_value(("www.example.org.csv", hostile_csv(),
                                             "text/csv")).run()
    next(b for b in at.button if b.label == "Train on this data").click().run()
    assert not at.exception, at.exception
    return at


def shown_markdown(at) -> list[str]:
    return ([c.value for c in at.caption] + [t.value for t in at.toast] +
            [m.value for m in at.markdown] + [w.value for w in at.warning])


def test_names_in_captions_are_never_links(uploaded):
    texts = [t for t in shown_markdown(uploaded) if "example" in t]
    assert any("quoted" in t for t in texts), texts  # the column's name is on the page
    assert any(LONG_CLASS[:30].replace(" ", "") in t.replace(" ", "").replace("\\", "")
               for t in texts)  # and the class's
    for text in texts:
        unescaped = text.replace("\\", "")
        assert not AUTOLINK.search(unescaped), text  # before: http://… became a link


def test_names_in_charts_are_text_with_their_quotes(uploaded):
    header, _ = live_packet(uploaded)
    scene = json.dumps(header["scene"], ensure_ascii=False)
    assert "&quot;" not in scene  # before: &quot; (Plotly shows it as is)
    for chart in ("network", "boundary"):  # Plotly figures: markup escaped
        assert "<b>x" not in json.dumps(header["scene"][chart]["figure"], ensure_ascii=False)
    inputs = header["scene"]["network"]["figure"]["data"][0]["text"]
    assert inputs == ["http://exam…", "x2"]  # beside the diagram: short, with an ellipsis
    assert header["scene"]["network"]["geometry"]["labels"][0] == COLUMN  # hover: in full
    title = header["scene"]["boundary"]["figure"]["layout"]["xaxis"]["title"]["text"]
    assert title == 'http://example.com "quoted" &lt;b&gt;x&lt;/b&gt;'


def test_long_class_names_are_short_and_distinct_in_the_confusion_matrix(uploaded):
    on_page(uploaded, "app_pages/hidden_space.py")
    figs = figures(uploaded)
    (confusion,) = [f for f in figs if f["layout"].get("meta") == "confusion"]
    names = confusion["data"][0]["x"]
    assert len(set(names)) == 2 and max(len(html.unescape(n)) for n in names) <= 16
    assert any(n.endswith("…") for n in names)  # the 200 characters, cut
    assert "&quot;" not in json.dumps(confusion)


def test_plain_keeps_every_autolink_pattern_text():
    for text in ("http://e.org", "HTTPS://E.ORG/x", "www.e.org", "WWW.E.ORG", "a@b.co",
                 "mailto:a@b.co", "ftp://x.y", COLUMN, SHORT_CLASS):
        shown = plain(text)
        assert not AUTOLINK.search(shown.replace("\\", "")), shown
        assert shown.replace("\\", "").replace(WORD_JOINER, "") == text  # nothing else
    assert WORD_JOINER not in plain("0.5: a value, 3.2 and x.y")  # only where needed


def test_chart_text_escapes_markup_not_quotes_and_shortens():
    assert chart_text(COLUMN) == 'http://example.com "quoted" &lt;b&gt;x&lt;/b&gt;'
    assert chart_text("a & b") == "a &amp; b"
    assert chart_text(LONG_CLASS, 40) == LONG_CLASS[:39].rstrip() + "…"
    assert len(chart_text(LONG_CLASS, 40)) <= 40
    assert shorten("short", 10) == "short"
    lines = hover_text(LONG_CLASS).split("<br>")  # the whole name, on lines
    assert "".join(lines) == LONG_CLASS and max(map(len, lines)) <= 48
    assert hover_text("<b>") == "&lt;b&gt;"
    twins = short_labels([LONG_CLASS + "1", LONG_CLASS + "2", "<x>"])
    assert len(set(twins)) == 3 and twins[2] == "&lt;x&gt;"
    assert all(len(t) <= 16 for t in twins[:2])
