"""AppTest for the Loss surface page: the figure holds the engine's numbers for the session's
run, the paths it took, and each choice of plane, view and comparison."""


import numpy as np
import pytest

from backprop_core.analyses import paths as sp
from backprop_core.analyses import surface as sf
from tests.app_helpers import bar_error, click, diverge, panel, plots
from tests.app_helpers import figure as chart_figure
from ui import surface_view

PAGE = "app_pages/loss_surface.py"


def on_surface(at):
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception


def steps_on_playground(at, n):
    at.switch_page("app_pages/playground.py").run()
    for _ in range(n):
        click(at, "Step")


def figure(at) -> dict:
    (_,) = plots(at)  # the one chart
    return chart_figure(at, "surface_chart")


def traces(fig, kind=None) -> dict:
    return {t.get("name"): t for t in fig["data"] if kind is None or t["type"] == kind}


def captions(at) -> str:
    """The captions under the chart (ui/panel "surface_captions"), joined."""
    return " ".join(p["text"] for p in panel(at, "surface_captions") if p["t"] == "caption")


def info(at) -> str:
    """Why the page draws no surface: its info box, all the panel holds then."""
    (part,) = panel(at, "surface_captions")
    assert part["t"] == "alert" and part["kind"] == "info", part
    return part["text"]


def kept(at, settings: surface_view.Settings | None = None) -> surface_view.Result:
    """The result the page keeps for the run as it is now and ``settings`` (default: the
    page's defaults; the cache also keeps the previews': after the next phase and Step)."""
    tr = at.session_state["trainer"]
    key = surface_view.cache_key(tr, settings or surface_view.Settings(), [], id(tr))
    return at.session_state["page_state"]["surface"]["cache"][key]


def kept_grid(at, span: float = 1.0, resolution: int = 41) -> sf.Surface:
    """The grid kept for the run's weights now: random plane (seed 0), ± ``span``."""
    tr = at.session_state["trainer"]
    cost = sf.CostFunction.of(tr)
    plane = sf.random_plane(tr.net, np.random.default_rng(0))
    key = surface_view.grid_key(cost, plane, sf.square_extent(span), resolution)
    return at.session_state["page_state"]["surface"]["grid"][key][0]


def test_default_view_is_the_engines_cost_with_the_run_and_three_optimizers(at):
    steps_on_playground(at, 3)
    on_surface(at)
    tr = at.session_state["trainer"]
    fig = figure(at)
    contour = fig["data"][0]
    assert contour["type"] == "contour"
    z = np.array(contour["z"], dtype=float)
    assert z.shape == (41, 41)
    # The same plane (seed 0), grid (span 1) and cost as the engine: the same numbers.
    plane = sf.random_plane(tr.net, np.random.default_rng(0))
    want = sf.evaluate_surface(sf.CostFunction.of(tr), plane, sf.square_extent(1.0), 41)
    np.testing.assert_array_equal(z, want.cost)
    rec = tr.history[tr.step]
    assert z[20, 20] == pytest.approx(rec.train_loss + rec.penalty, rel=1e-12)
    lines = traces(fig, "scatter")
    run = lines["the run so far"]
    assert [row[0] for row in run["customdata"]] == [0, 1, 2, 3]
    assert run["x"][-1] == pytest.approx(0, abs=1e-12) and run["y"][-1] == pytest.approx(
        0, abs=1e-12)
    for name in ("SGD", "Momentum", "Adam"):
        steps = [row[0] for row in lines[name]["customdata"]]
        assert steps == list(range(3, 54)), name  # 50 steps each from the current step
    assert lines["points"]["text"] == ["now (step 3)"]
    assert "data loss (bce) averaged over the 125 training points" in captions(at)
    assert "Grid 41×41" in captions(at)


def test_two_parameters_show_their_values_and_the_path_in_them(at):
    steps_on_playground(at, 2)
    on_surface(at)
    at.radio(key="w_surface_dirs").set_value("params").run()
    at.selectbox(key="w_surface_pi").set_value(2).run()
    at.selectbox(key="w_surface_pj").set_value(5).run()
    at.select_slider(key="w_surface_span").set_value(0.5).run()
    assert not at.exception, at.exception
    tr = at.session_state["trainer"]
    theta = sf.param_vector(tr.net)
    names = sf.param_labels(tr.net.layer_sizes)
    fig = figure(at)
    assert fig["layout"]["xaxis"]["title"]["text"] == names[2]
    assert fig["layout"]["yaxis"]["title"]["text"] == names[5]
    contour = fig["data"][0]
    assert contour["x"][20] == pytest.approx(theta[2], abs=1e-12)
    assert contour["x"][0] == pytest.approx(theta[2] - 0.5, abs=1e-12)
    # The run's path, seen in these two parameters, is their value at every step.
    run = traces(fig)["the run so far"]
    fork = tr.fork()
    for x, y, row in zip(run["x"], run["y"], run["customdata"], strict=True):
        fork.goto(int(row[0]))
        now = sf.param_vector(fork.net)
        assert x == pytest.approx(now[2], abs=1e-12) and y == pytest.approx(now[5], abs=1e-12)
    at.selectbox(key="w_surface_pj").set_value(2).run()
    assert not at.exception and "two different parameters" in info(at)
    assert not plots(at)


def test_3d_surface_log_scale_and_redraws_from_the_cache(at):
    on_surface(at)
    cached = kept(at)
    at.radio(key="w_surface_kind").set_value("surface").run()
    fig = figure(at)
    assert fig["data"][0]["type"] == "surface"
    assert {t["name"] for t in fig["data"] if t["type"] == "scatter3d"} >= {
        "SGD", "Momentum", "Adam", "the run so far"}
    at.checkbox(key="w_surface_log").check().run()
    fig = figure(at)
    assert fig["layout"]["scene"]["zaxis"]["title"]["text"] == "log₁₀ cost"
    np.testing.assert_allclose(np.array(fig["data"][0]["z"], dtype=float),
                               np.log10(cached.surface.cost), rtol=1e-15)
    assert kept(at) is cached  # only the view changed


def test_grid_size_paths_off_and_comparison_from_step_zero(at):
    steps_on_playground(at, 4)
    on_surface(at)
    at.select_slider(key="w_surface_res").set_value(21).run()
    at.radio(key="w_surface_from").set_value("zero").run()
    at.select_slider(key="w_surface_steps").set_value(10).run()
    at.select_slider(key="w_surface_lr_adam").set_value(0.1).run()
    fig = figure(at)
    assert np.array(fig["data"][0]["z"]).shape == (21, 21)
    lines = traces(fig, "scatter")
    assert [row[0] for row in lines["Adam"]["customdata"]] == list(range(11))
    # Adam at lr 0.1 is its own path from the same start as SGD's.
    assert lines["Adam"]["x"][0] == lines["SGD"]["x"][0]
    assert lines["Adam"]["x"][-1] != lines["SGD"]["x"][-1]
    at.checkbox(key="w_surface_training").uncheck().run()
    at.checkbox(key="w_surface_compare").uncheck().run()
    names = [t.get("name") for t in figure(at)["data"]]
    assert names == ["cost", "points"]


def test_full_batch_comparison_differs_from_the_mini_batches(at):
    steps_on_playground(at, 2)
    on_surface(at)
    mini = traces(figure(at), "scatter")["SGD"]
    at.radio(key="w_surface_batch").set_value(True).run()
    assert not at.exception, at.exception
    full = traces(figure(at), "scatter")["SGD"]
    assert [row[0] for row in full["customdata"]] == list(range(2, 53))
    assert full["x"][0] == mini["x"][0] and full["x"][-1] != mini["x"][-1]
    tr = at.session_state["trainer"]
    want = sp.optimizer_paths(tr, 50, {"sgd": {"lr": 0.03}}, full_batch=True)[0]
    rec = [row[1] for row in full["customdata"]]
    np.testing.assert_array_equal(rec, sum(sf.CostFunction.of(tr)(want.params)))


def test_fit_extent_holds_every_path(at):
    steps_on_playground(at, 6)
    on_surface(at)
    at.radio(key="w_surface_extent").set_value("fit").run()
    fig = figure(at)
    xs = [x for t in fig["data"][1:] for x in t["x"]]
    ys = [y for t in fig["data"][1:] for y in t["y"]]
    (x0, x1), (y0, y1) = fig["layout"]["xaxis"]["range"], fig["layout"]["yaxis"]["range"]
    assert x0 < min(xs) and max(xs) < x1 and y0 < min(ys) and max(ys) < y1


def test_plane_through_three_saved_points(at):
    on_surface(at)
    at.radio(key="w_surface_dirs").set_value("points").run()
    assert "Choose three saved points" in info(at)
    assert not plots(at)
    at.button(key="b_surface_save").click().run()  # step 0
    for _ in range(2):
        steps_on_playground(at, 5)
        on_surface(at)
        at.radio(key="w_surface_dirs").set_value("points").run()
        at.button(key="b_surface_save").click().run()
    assert not at.exception, at.exception
    saved = at.session_state["page_state"]["surface"]["saved"]
    assert [p.label for p in saved] == ["step 0", "step 5", "step 10"]
    fig = figure(at)
    points = traces(fig)["points"]
    assert points["text"] == ["step 0", "step 5", "step 10 (now)"]
    assert points["x"][0] == pytest.approx(0, abs=1e-12)  # step 0 is the origin
    d01 = np.linalg.norm(saved[1].params - saved[0].params)
    assert points["x"][1] == pytest.approx(d01, rel=1e-12)
    # The run passes through all three: its path lies in the plane at those steps.
    run = traces(fig)["the run so far"]
    on_plane = {row[0]: row[2] for row in run["customdata"]}
    assert all(on_plane[s] < 1e-9 for s in (0, 5, 10))
    (x0, x1) = fig["layout"]["xaxis"]["range"]
    assert x0 < 0 < d01 < x1
    # A fourth point: the last three are chosen, any three can be.
    steps_on_playground(at, 5)
    on_surface(at)
    at.radio(key="w_surface_dirs").set_value("points").run()
    at.button(key="b_surface_save").click().run()
    assert traces(figure(at))["points"]["text"] == ["step 5", "step 10", "step 15 (now)"]
    at.button_group(key="w_surface_points_4").set_value([0, 1, 3]).run()
    assert traces(figure(at))["points"]["text"] == ["step 0", "step 5", "step 15 (now)"]
    at.button_group(key="w_surface_points_4").set_value([0, 3]).run()
    assert "Choose three saved points" in info(at) and not plots(at)
    at.button(key="b_surface_clear").click().run()
    assert "Choose three saved points" in info(at)


def test_the_runs_own_plane_holds_its_path(at):
    on_surface(at)
    at.radio(key="w_surface_dirs").set_value("path").run()
    assert "no second direction" in info(at)  # step 0: no path yet
    steps_on_playground(at, 30)
    on_surface(at)
    at.radio(key="w_surface_dirs").set_value("path").run()
    assert not at.exception, at.exception
    fig = figure(at)
    run = traces(fig)["the run so far"]
    residual = np.array([row[2] for row in run["customdata"]])
    tr = at.session_state["trainer"]
    spread = np.linalg.norm(sp.training_path(tr).params[0] - sf.param_vector(tr.net))
    assert residual.max() < 0.2 * spread  # the run lies (nearly) in its own plane
    (x0, x1), (y0, y1) = fig["layout"]["xaxis"]["range"], fig["layout"]["yaxis"]["range"]
    assert x0 < min(run["x"]) and max(run["x"]) < x1 and y0 < min(run["y"]) < y1
    assert "main direction" in fig["layout"]["xaxis"]["title"]["text"]


def test_a_diverged_run_is_said_not_drawn(at):
    diverge(at)
    on_surface(at)
    assert "Training diverged" in bar_error(at)
    assert not plots(at)


def test_stepping_on_the_page_grows_the_runs_path(at):
    steps_on_playground(at, 2)
    on_surface(at)
    before = len(next(t for n, t in traces(figure(at)).items() if n and "run" in n)["x"])
    click(at, "Step")
    click(at, "Step")
    assert at.session_state["trainer"].step == 4
    after = next(t for n, t in traces(figure(at)).items() if n and "run" in n)
    assert len(after["x"]) == before + 2


def test_forward_and_backward_reuse_the_result_and_update_computes_anew(at):
    """Issue 19: Forward and Backward move no weight, so the page's numbers stay and are not
    computed again; they are exactly what a fresh computation at that phase gives."""
    steps_on_playground(at, 2)
    on_surface(at)
    before, spec = kept(at), figure(at)
    click(at, "Forward")
    click(at, "Backward")
    tr = at.session_state["trainer"]
    assert tr.phase_index == 2
    assert kept(at) is before and figure(at)["data"] == spec["data"]
    fresh = surface_view.compute(tr, surface_view.Settings(), [])
    np.testing.assert_array_equal(fresh.surface.cost, before.surface.cost)
    for mine, theirs in zip(before.paths, fresh.paths, strict=True):
        np.testing.assert_array_equal(mine.coords, theirs.coords)
        np.testing.assert_array_equal(mine.cost, theirs.cost)
    click(at, "Update")  # the weights moved: the plane through them too
    after = kept(at)
    assert after is not before and tr.step == 3
    assert not np.array_equal(after.surface.cost, before.surface.cost)
    fresh = surface_view.compute(tr, surface_view.Settings(), [])
    np.testing.assert_array_equal(after.surface.cost, fresh.surface.cost)


def test_the_grid_is_kept_while_its_plane_and_box_stay(at):
    """Paths' settings change the paths, not the grid: it is not evaluated again; a Step
    moves the plane (it goes through the current weights): a new grid, the engine's."""
    steps_on_playground(at, 2)
    on_surface(at)
    grid = kept_grid(at)
    assert kept(at).surface is grid
    at.select_slider(key="w_surface_steps").set_value(10).run()
    at.checkbox(key="w_surface_training").uncheck().run()
    paths_changed = surface_view.Settings(compare_steps=10, show_training=False)
    assert kept(at, paths_changed).surface is grid and kept_grid(at) is grid
    assert len(traces(figure(at), "scatter")["SGD"]["customdata"]) == 11  # paths redone
    click(at, "Step")
    tr = at.session_state["trainer"]
    assert kept_grid(at) is not grid
    assert kept(at, paths_changed).surface is kept_grid(at)
    plane = sf.random_plane(tr.net, np.random.default_rng(0))
    want = sf.evaluate_surface(sf.CostFunction.of(tr), plane, sf.square_extent(1.0), 41)
    np.testing.assert_array_equal(np.array(figure(at)["data"][0]["z"], dtype=float),
                                  want.cost)
