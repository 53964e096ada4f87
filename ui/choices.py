"""Choice widgets whose options or labels change between reruns, kept true.

How Streamlit 1.67 carries a choice (read in ``streamlit/elements/widgets/selectbox.py``,
``radio.py``, ``multiselect.py``, ``select_slider.py``, ``button_group.py`` and
``runtime/state/session_state.py``): between the browser and the server the value travels
as its *label*, ``format_func(option)``, never as an index: a select box or radio as one
string, multiselect, pills, segmented control and select slider as a list of strings.
Before the script reruns, Streamlit compares every widget's new value with the old one (to
call on_change callbacks), which turns each label back into an option with the labels of
the run that last drew the widget. A label those lack comes back as the label itself, a
``str`` (a multiselect keeps it in its list; pills and select sliders drop it or fall back
to other values). The browser keeps the label it drew until the server sends the widget a
new value, which it does only when the value changes. So when labels change with the data
(the batch, a saved point, a file's name), the browser can send a label two runs old:
``st.session_state[key]`` is then a str where an int was expected (Step-through raised
TypeError from the 3rd Step), or the old index of an option that has moved (a 7th saved
point shifted every chosen one). AppTest always sends the label of the value it holds, with
the last run's labels, so it shows neither.

Two rules make such a widget safe:

1. **Key by stable values**: an option is something that keeps its meaning from run to
   run (a row of the batch, a node, a saved point's id), never an index into a list that
   shifts; its label is best a function of it alone, so a label sent back still names it.
2. **Settle before drawing** (:func:`settle`, or :func:`choose` for the widget call): the
   remembered value becomes an option of this run (an option as such, or the option a
   ``str`` is the label of), else the default (the value in effect, not necessarily the
   first option), and it is written back, so every run sends the browser this run's label
   and no older one stays there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same kind: a label "3" is not the option 3."""
    return isinstance(a, str) == isinstance(b, str) and a == b


def resolve(value: Any, options: Sequence, label: Callable[[Any], str]) -> tuple[bool, Any]:
    """(found, option): ``value`` as one of ``options``, or the option whose label it is."""
    for option in options:
        if _same(value, option):
            return True, option
    if isinstance(value, str):
        for option in options:
            if label(option) == value:
                return True, option
    return False, None


def settle(key: str, options: Sequence, label: Callable[[Any], str] = str,
           default: Any = None) -> None:
    """Make ``st.session_state[key]`` one of ``options`` before its widget is drawn: kept
    if it is one (or is one's label), else ``default`` (else the first option)."""
    options = list(options)
    if not options:
        st.session_state.pop(key, None)
        return
    found, option = resolve(st.session_state.get(key), options, label)
    if not found:
        found, option = resolve(default, options, label)
    st.session_state[key] = option if found else options[0]


def settle_many(key: str, options: Sequence, label: Callable[[Any], str] = str,
                default: Sequence = ()) -> None:
    """``settle`` for a multiple choice: the remembered options still offered, in order,
    each once; ``default`` when nothing was remembered."""
    options = list(options)
    remembered = st.session_state.get(key)
    chosen = list(default) if remembered is None else remembered
    kept = []
    for value in chosen if isinstance(chosen, list | tuple) else [chosen]:
        found, option = resolve(value, options, label)
        if found and not any(_same(option, k) for k in kept):
            kept.append(option)
    st.session_state[key] = kept


def always_text(format_func: Callable[[Any], str]) -> Callable[[Any], str]:
    """``format_func`` that never returns anything but a str. Streamlit labels the value it
    decoded, a stale label included, with this run's ``format_func`` while registering the
    widget: a ``dict.get`` returning None there raises inside Streamlit (an exception it
    catches; a None it does not)."""

    def label(option: Any) -> str:
        text = format_func(option)
        return text if isinstance(text, str) else str(option)

    return label


def choose(widget: Callable, text: str, options: Sequence, *, key: str,
           format_func: Callable[[Any], str] = str, default: Any = None, **kwargs) -> Any:
    """``widget`` (``st.selectbox``, ``cols[0].radio``, …) drawn on a settled value.
    ``default`` takes the place of ``index``/``value``: what the widget shows when nothing
    valid is remembered."""
    options, label = list(options), always_text(format_func)
    settle(key, options, label, default)
    return widget(text, options, key=key, format_func=label, **kwargs)


def choose_many(widget: Callable, text: str, options: Sequence, *, key: str,
                format_func: Callable[[Any], str] = str, default: Sequence = (),
                **kwargs) -> list:
    """``choose`` for ``st.multiselect`` and ``st.pills(selection_mode="multi")``."""
    options, label = list(options), always_text(format_func)
    settle_many(key, options, label, default)
    return widget(text, options, key=key, format_func=label, **kwargs)
