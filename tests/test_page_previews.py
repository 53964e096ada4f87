"""A Step (or a phase) on an inspection page shows its previews (ui/page_previews.py) the
moment it is clicked; the rerun that runs it must then bring exactly those blocks, or the
page changes a second time (and showed wrong numbers in between). Every page, after the
next phase and after the next Step, at the defaults and on the 6×8 network."""

import json

import pytest

from tests.app_helpers import bar, component, on_page, opened, panels, plots, press

PAGES = ("app_pages/gradients.py", "app_pages/step_through.py",
         "app_pages/hidden_space.py", "app_pages/loss_surface.py", "app_pages/lesson.py")


def carrier(at) -> dict:
    """What the page's previews were sent last: {"token", "ahead": {kind: {key: block}}}."""
    return json.loads(component(at, "previews").proto.bytes)


def digests(at) -> dict[str, str]:
    """Every block on the page as drawn: {key: digest} of its panel or chart."""
    out = {}
    for key, parts in panels(at).items():
        msg = [json.loads(c.proto.json) for c in at.get("bidi_component")
               if c.proto.component_name.endswith("backprop_panel")
               and json.loads(c.proto.json)["key"] == key][0]
        assert [p["d"] for p in msg["parts"]] == [p["d"] for p in parts]
        out[key] = msg["digest"]
    for chart in plots(at):
        msg = json.loads(chart.proto.bytes)
        out[msg["key"]] = msg["digest"]
    return out


def check_preview(at, kind: str, click: str) -> int:
    """Press ``click`` on the page's bar; every block of the ``kind`` preview must be the
    block the rerun draws. How many blocks were compared."""
    sent = carrier(at)
    assert sent["token"] == bar(at)["token"], "the bar and its previews of one run"
    ahead = sent["ahead"][kind]
    press(at, click)
    assert not at.exception, at.exception
    now = digests(at)
    for key, block in ahead.items():
        assert key in now, f"{key} previewed but not drawn"
        assert block["msg"]["digest"] == now[key], f"{key}: the preview differs after {click}"
    return len(ahead)


@pytest.mark.parametrize("query", ["", "?ds=spiral&n=500&h=8,8,8,8,8,8"],
                         ids=["defaults", "6x8"])
@pytest.mark.parametrize("page", PAGES)
def test_what_a_click_previews_is_what_its_rerun_draws(page, query):
    at = opened({} if not query else dict(p.split("=") for p in query[1:].split("&")))
    on_page(at, page)
    compared = 0
    if page.endswith("lesson.py"):  # its own network: Step and 100 steps, no phases
        for _ in range(3):
            compared += check_preview(at, "step", "step")
    else:
        for _ in range(2):
            compared += check_preview(at, "step", "step")
        for phase in ("forward", "backward", "update"):
            compared += check_preview(at, "phase", phase)
    assert compared >= 8  # every click had blocks to preview


def test_no_previews_while_diverged_and_none_that_the_page_lacks(at):
    """After a divergence nothing is previewed (nothing sound to show); a block the page
    does not draw is never previewed."""
    from tests.app_helpers import diverge

    on_page(at, "app_pages/gradients.py")
    shown = set(digests(at))
    for kind, blocks in carrier(at)["ahead"].items():
        assert set(blocks) <= shown, kind
    on_page(at, "app_pages/playground.py")
    diverge(at)
    on_page(at, "app_pages/gradients.py")
    assert carrier(at)["ahead"] == {}
