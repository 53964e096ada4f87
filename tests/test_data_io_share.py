"""Share links: RunConfig <-> query params, exact round trip, and decode that never raises."""

from dataclasses import fields
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_core as bc
from backprop_core.data.datasets import DATASETS, MULTI_CLASS_RANGE, TASKS
from backprop_core.policy.config import HIDDEN_ACTIVATIONS, TASK_PAIRINGS
from backprop_core.policy.offered import OFFERED, Choices, offered
from data_io import share
from data_io.csv_data import parse_csv, to_custom_data, to_dataset
from data_io.share import KEYS, MAX_SEED, Decoded, decode, encode, to_query_string

DEFAULT = bc.RunConfig()


def warned(params) -> tuple[bc.RunConfig, tuple[str, ...]]:
    d = decode(params)
    assert isinstance(d.config, bc.RunConfig)
    return d.config, d.warnings


# --------------------------------------------------------------------------- encode


def test_every_setting_has_a_short_unique_key():
    assert set(KEYS) == {f.name for f in fields(bc.RunConfig)}
    keys = list(KEYS.values())
    assert len(set(keys)) == len(keys)
    assert not {"v", "step", "present"} & set(keys)


def test_default_config_is_just_the_version():
    assert encode(DEFAULT) == {"v": "1"}
    assert decode(encode(DEFAULT)) == Decoded(DEFAULT, None, False, ())


def test_only_changed_settings_are_written():
    c = DEFAULT.with_(dataset="blobs", n_classes=4, noise=0.1, hidden=(8, 8, 8),
                      activations=("relu", "tanh", "relu"), lr=0.3, features=("x1", "x1_sq"))
    assert encode(c, step=42, presenter=True) == {
        "v": "1", "ds": "blobs", "noise": "0.1", "k": "4", "feat": "x1,x1_sq", "h": "8,8,8",
        "act": "relu,tanh,relu", "lr": "0.3", "step": "42", "present": "1",
    }


def test_all_tanh_activations_are_omitted_for_any_depth():
    params = encode(DEFAULT.with_(hidden=(3,), activations=("tanh",)))
    assert params == {"v": "1", "h": "3"}
    assert decode(params).config.activations == ("tanh",)
    params = encode(DEFAULT.with_(hidden=(), activations=()))
    assert params == {"v": "1", "h": ""}
    assert decode(params) == Decoded(DEFAULT.with_(hidden=(), activations=()))


def test_floats_are_written_with_repr():
    c = DEFAULT.with_(eps=1e-8 * 3, extra_points=((0.1 + 0.2, 1 / 3, 1.0),))
    params = encode(c)
    assert params["eps"] == repr(1e-8 * 3) and repr(1 / 3) in params["pts"]
    assert decode(params).config == c
    # A setting a widget offers reads back as the widget's own value (0.3, not 0.1 + 0.2).
    assert decode(encode(DEFAULT.with_(lr=0.1 + 0.2))).config.lr == 0.3


def test_query_string_keeps_commas_and_escapes_plus():
    c = DEFAULT.with_(dataset="blobs", hidden=(2, 3), activations=("relu", "relu"),
                      output="softmax+cross_entropy", lr=3.0)
    text = to_query_string(encode(c))
    assert "h=2,3" in text and "out=softmax%2Bcross_entropy" in text
    assert decode(parse_qs(text, keep_blank_values=True)).config == c


# --------------------------------------------------------------------------- round trip


def maybe_default(name, strategy):
    return st.one_of(st.just(getattr(DEFAULT, name)), strategy)


def offered_values(name):
    """Values the widget of setting ``name`` offers (what a link may carry exactly)."""
    spec = OFFERED[name]
    if isinstance(spec, Choices):
        return st.sampled_from(spec.values)
    n = round((spec.hi - spec.lo) / spec.step)
    return st.integers(0, n).map(lambda k: spec.snap(spec.lo + k * spec.step))


@st.composite
def run_configs(draw):
    """Any RunConfig the engine accepts, within share.py's documented ranges."""
    dataset = draw(st.sampled_from([*sorted(DATASETS), "custom"]))
    custom_task = draw(maybe_default("custom_task", st.sampled_from(TASKS)))
    spec = DATASETS.get(dataset)
    lo, hi = (spec and spec.n_classes_range) or MULTI_CLASS_RANGE
    softmax = (spec.task if spec else custom_task) == "multiclass"
    outputs = ["auto", *TASK_PAIRINGS[spec.task if spec else custom_task]]
    n = draw(maybe_default("n_samples", offered_values("n_samples")))
    n = max(n, hi) if softmax else n  # a k-class data set needs at least k samples
    fraction = draw(maybe_default("train_fraction", offered_values("train_fraction")))
    if not 1 <= round(fraction * n) <= n - 1:
        fraction = 0.5
    hidden = draw(maybe_default("hidden", st.lists(st.integers(1, 8), max_size=6).map(tuple)))
    acts = draw(st.lists(st.sampled_from(HIDDEN_ACTIVATIONS), min_size=len(hidden),
                         max_size=len(hidden)).map(tuple))
    finite = {"allow_nan": False, "allow_infinity": False}
    return bc.RunConfig(
        dataset=dataset,
        noise=draw(maybe_default("noise", offered_values("noise"))),
        n_samples=n,
        train_fraction=fraction,
        n_classes=draw(st.integers(lo, hi)),
        data_seed=draw(maybe_default("data_seed", st.integers(0, MAX_SEED))),
        features=draw(maybe_default("features", st.lists(
            st.sampled_from(list(bc.FEATURES)), min_size=1, unique=True).map(tuple))),
        hidden=hidden,
        activations=acts,
        output=draw(st.sampled_from(outputs)),
        init=draw(st.sampled_from(sorted(bc.INITIALIZERS))),
        seed=draw(maybe_default("seed", offered_values("seed"))),
        optimizer=draw(st.sampled_from(sorted(bc.OPTIMIZERS))),
        lr=draw(maybe_default("lr", offered_values("lr"))),
        momentum=draw(maybe_default("momentum", offered_values("momentum"))),
        beta1=draw(maybe_default("beta1", offered_values("beta1"))),
        beta2=draw(maybe_default("beta2", offered_values("beta2"))),
        eps=draw(maybe_default("eps", st.floats(min_value=0, exclude_min=True, **finite))),
        batch_size=draw(maybe_default("batch_size", offered_values("batch_size"))),
        regularization=(reg := draw(st.sampled_from(sorted(bc.REGULARIZERS)))),
        reg_rate=0.0 if reg == "none" else draw(maybe_default("reg_rate",
                                                               offered_values("reg_rate"))),
        reduction=draw(st.sampled_from(["mean", "sum"])),
        custom_task=custom_task,
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(run_configs(), st.one_of(st.none(), st.integers(0, share.MAX_STEP)), st.booleans())
def test_round_trip_is_exact(config, step, presenter):
    params = encode(config, step, presenter)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    assert decode(params) == Decoded(config, step, presenter, ())
    # Through a real URL too: parse_qs gives lists, as Streamlit does for repeated keys.
    url_params = parse_qs(to_query_string(params), keep_blank_values=True)
    assert decode(url_params) == Decoded(config, step, presenter, ())


@settings(max_examples=200)
@given(st.sampled_from(sorted(OFFERED)), st.floats(-1e6, 1e6, allow_nan=False))
def test_a_value_no_widget_offers_is_snapped_and_said(name, value):
    key = share.KEYS[name]
    decoded = decode({key: repr(value) if isinstance(value, float) else str(value)})
    got = getattr(decoded.config, name)
    assert offered(name, got)
    if not offered(name, value) and not any(w.startswith(f"{key}: ") and "out of range" in w
                                            for w in decoded.warnings):
        assert any(w.startswith(f"{key}: ") for w in decoded.warnings), decoded.warnings


def uploaded(task: str) -> bc.Dataset:
    """A small uploaded data set (3 columns) for configs with dataset "custom"."""
    target = {"binary": "c2", "multiclass": "c3", "regression": "y"}[task]
    rows = "".join(f"{i},{i % 5 * 0.3},{i % 2},{i % 3},{i * 0.1}\n" for i in range(20))
    table = parse_csv(f"a,b,c2,c3,y\n{rows}".encode())
    kind = "regression" if task == "regression" else "classification"
    custom = to_custom_data(table, target, kind, drop_bad_rows=False)
    assert custom.task == task
    return to_dataset(custom)


def build(config: bc.RunConfig):
    """bc.build, with uploaded data for "custom" and at most 300 generated samples."""
    if config.is_custom:
        return bc.build(config, uploaded(config.custom_task))
    return bc.build(config.with_(n_samples=min(config.n_samples, 300), train_fraction=0.5))


@settings(max_examples=20, deadline=None)
@given(run_configs())
def test_round_tripped_configs_are_valid_for_the_engine(config):
    data, trainer = build(decode(encode(config)).config)
    trainer.run_steps(1)
    assert trainer.step == 1 or trainer.diverged is not None  # e.g. reg_rate=1e150 is valid


KEY_TEXT = st.one_of(st.sampled_from([*KEYS.values(), "v", "step", "present"]), st.text(max_size=8))
VALUE_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789.,-+e naINFtrelusgmoid_x12", max_size=20),
    st.sampled_from(["", "0", "-1", "1e999", "nan", "inf", "4,4", "relu,relu", "none",
                     "softmax+cross_entropy", "blobs", "circle", "9", "5001", "0.0", "1",
                     "custom", "multiclass", "regression"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEY_TEXT, st.one_of(VALUE_TEXT, st.lists(VALUE_TEXT, max_size=3)),
                       max_size=10))
def test_decode_never_raises_and_gives_a_valid_config(params):
    d = decode(params)
    assert isinstance(d.config, bc.RunConfig)
    bc.RunConfig.from_dict(d.config.to_dict())  # passes the engine's own check
    assert d.step is None or 0 <= d.step <= share.MAX_STEP
    assert isinstance(d.presenter, bool)
    assert all(isinstance(w, str) and w for w in d.warnings)
    # Everything decode returns is shown by its widget, and survives another round trip
    # unchanged and without a word.
    assert all(offered(name, getattr(d.config, name)) for name in OFFERED)
    again = decode(encode(d.config))
    assert again.config == d.config and again.warnings == ()


@settings(max_examples=10, deadline=None)
@given(st.dictionaries(KEY_TEXT, VALUE_TEXT, max_size=10))
def test_decoded_configs_build(params):
    build(decode(params).config)


@pytest.mark.parametrize("params", [None, 5, "ds=xor", [("ds", "xor")], {1: "x", None: ["a"]},
                                    {"lr": 0.1}, {"lr": None}, {"lr": b"0.1"}, {"h": [1, 2]}])
def test_decode_survives_wrong_types(params):
    d = decode(params)
    assert d.config == DEFAULT and d.warnings


# --------------------------------------------------------------------------- warnings


def test_empty_params_give_the_default_without_warnings():
    assert decode({}) == Decoded(DEFAULT)


def test_bad_number_message():
    config, warnings = warned({"lr": "abc"})
    assert config == DEFAULT and warnings == ("lr: 'abc' is not a number; using 0.03",)


@pytest.mark.parametrize(("key", "value", "field", "problem"), [
    ("lr", "0", "lr", "out of range"),
    ("lr", "-1", "lr", "out of range"),
    ("lr", "inf", "lr", "not a finite number"),
    ("lr", "nan", "lr", "not a finite number"),
    ("noise", "0.9", "noise", "out of range [0.0, 0.5]"),
    ("n", "1", "n_samples", "out of range [2, 5000]"),
    ("n", "5001", "n_samples", "out of range"),
    ("n", "2.5", "n_samples", "not a whole number"),
    ("train", "1", "train_fraction", "out of range"),
    ("ds", "mnist", "dataset", "is not one of circle"),
    ("feat", "x1,x3", "features", "is not one of x1"),
    ("feat", "x1,x1", "features", "repeats a feature"),
    ("feat", "", "features", "no features"),
    ("h", "4,9", "hidden", "outside 1..8"),
    ("h", "1,1,1,1,1,1,1", "hidden", "more than 6"),
    ("h", "4,,4", "hidden", "empty item"),
    ("h", "four", "hidden", "not a whole number"),
    ("act", "relu,swish", "activations", "is not one of"),
    ("out", "sigmoid+hinge", "output", "is not one of"),
    ("init", "magic", "init", "is not one of"),
    ("seed", "-1", "seed", "out of range"),
    ("seed", str(2**63), "seed", "out of range"),
    ("dseed", "1.5", "data_seed", "not a whole number"),
    ("opt", "rmsprop", "optimizer", "is not one of"),
    ("mom", "-0.5", "momentum", "out of range"),
    ("b1", "1", "beta1", "out of range"),
    ("b2", "-0.1", "beta2", "out of range"),
    ("eps", "0", "eps", "out of range"),
    ("batch", "0", "batch_size", "out of range"),
    ("reg", "l3", "regularization", "is not one of"),
    ("rate", "-1", "reg_rate", "out of range"),
    ("red", "median", "reduction", "is not one of"),
])
def test_each_bad_value_falls_back_to_its_default(key, value, field, problem):
    other = ("red", "reduction", "sum") if key != "red" else ("batch", "batch_size", 7)
    config, warnings = warned({"v": "1", key: value, other[0]: str(other[2])})
    assert getattr(config, field) == getattr(DEFAULT, field)
    assert getattr(config, other[1]) == other[2]  # the other settings are kept
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{key}: ") and problem in warnings[0]
    assert warnings[0].endswith(f"; using {share.format_value(getattr(DEFAULT, field))}")


def test_activation_count_must_match_hidden_layers():
    config, warnings = warned({"h": "4,4,4", "act": "relu,relu"})
    assert config.hidden == (4, 4, 4) and config.activations == ("tanh", "tanh", "tanh")
    assert warnings == ("act: 2 activations for 3 hidden layers; using tanh,tanh,tanh",)


def test_bad_hidden_layers_take_their_activations_with_them():
    config, warnings = warned({"h": "4,99", "act": "relu,relu"})
    assert config.hidden == (4, 4) and config.activations == ("relu", "relu")
    assert len(warnings) == 1 and warnings[0].startswith("h: ")
    config, warnings = warned({"h": "4,99,4", "act": "relu,relu,relu"})
    assert config.activations == ("tanh", "tanh") and [w[:4] for w in warnings] == ["h: '",
                                                                                    "act:"]


@pytest.mark.parametrize(("params", "pairing"), [
    ({"out": "softmax+cross_entropy"}, "sigmoid+bce"),  # softmax on a binary set
    ({"ds": "blobs", "out": "sigmoid+bce"}, "softmax+cross_entropy"),
    ({"ds": "plane", "out": "softmax+cross_entropy"}, "linear+mse"),
])
def test_output_must_fit_the_task(params, pairing):
    config, warnings = warned(params)
    assert config.output == "auto" and config.pairing == pairing
    assert len(warnings) == 1 and warnings[0].startswith("out: ")
    assert "does not fit" in warnings[0] and warnings[0].endswith("using auto")


def test_class_count_depends_on_dataset():
    assert warned({"ds": "blobs", "k": "5"}) == (DEFAULT.with_(dataset="blobs", n_classes=5), ())
    config, warnings = warned({"ds": "blobs", "k": "9"})
    assert config.n_classes == 3 and warnings[0].startswith("k: 9 classes is out of range")
    _, warnings = warned({"ds": "circle", "k": "2"})
    assert warnings and warnings[0].startswith("k: ")


def test_train_fraction_must_leave_both_parts():
    # n=3 is snapped to the smallest offered size (50): 10 % of it leaves both parts.
    config, warnings = warned({"n": "3", "train": "0.1"})
    assert config.n_samples == 50 and config.train_fraction == 0.1
    assert warnings[0].startswith("n: 3 is not offered")


def test_problems_cascade_one_at_a_time():
    # An unknown dataset falls back to circle, which then makes the softmax output invalid.
    config, warnings = warned({"ds": "mnist", "out": "softmax+cross_entropy", "k": "4"})
    assert config == DEFAULT.with_(n_classes=4)
    assert [w.split(":")[0] for w in warnings] == ["ds", "out"]


def test_version_and_unknown_keys():
    config, warnings = warned({"v": "2", "lr": "0.1", "foo": "1", "bar": "2"})
    assert config.lr == 0.1  # still read as version 1
    assert warnings[0].startswith("v: link format version '2' is not supported")
    assert warnings[1] == "ignored unknown parameters 'foo', 'bar'"
    _, warnings = warned({f"k{i}": "1" for i in range(8)})
    assert warnings == ("ignored unknown parameters 'k0', 'k1', 'k2', 'k3', 'k4' and 3 more",)


def test_repeated_keys_use_the_last_value():
    config, warnings = warned({"lr": ["0.1", "0.3"]})
    assert config.lr == 0.3 and warnings == ("lr: given 2 times; using the last value",)
    assert warned({"lr": ["0.3", "0.3"]}) == (DEFAULT.with_(lr=0.3), ())
    config, warnings = warned({"lr": []})
    assert config == DEFAULT and warnings == ("lr: no value; ignoring it",)


def test_non_text_and_overlong_values():
    config, warnings = warned({"lr": 0.1})
    assert config == DEFAULT and warnings == ("lr: value is not text; ignoring it",)
    config, warnings = warned({"h": "4," * 1000})
    assert config == DEFAULT and "too long" in warnings[0]


def test_step_and_presenter():
    assert decode({"step": "17", "present": "1"}) == Decoded(DEFAULT, 17, True, ())
    assert decode({"present": "true"}).presenter is True
    assert decode({"present": "0"}).presenter is False
    for bad in ("-1", "abc", str(share.MAX_STEP + 1), "1.5"):
        d = decode({"step": bad})
        assert d.step is None and d.warnings[0].startswith("step: ")
    d = decode({"present": "maybe"})
    assert d.presenter is False and d.warnings == ("present: 'maybe' is not 1 or 0; using 0",)


def test_lenient_spelling_of_hand_typed_links():
    # A literal "+" in a typed URL arrives as a space; names are not case-sensitive.
    config, warnings = warned({"ds": "Blobs", "out": "softmax cross_entropy", "lr": "1e 1",
                               "h": " 3 , 2 ", "act": "ReLU,tanh", "feat": "x1"})
    assert warnings == ()
    assert config == DEFAULT.with_(dataset="blobs", output="softmax+cross_entropy", lr=10.0,
                                   hidden=(3, 2), activations=("relu", "tanh"), features=("x1",))


def test_warnings_quote_and_shorten_user_text():
    _, warnings = warned({"ds": "<b>" + "x" * 100})
    assert "'<b>xxxxxxxx" in warnings[0] and "…'" in warnings[0] and len(warnings[0]) < 200


def test_engine_refusal_falls_back_field_by_field(monkeypatch):
    # If RunConfig ever gains a rule decode does not know, _build resets fields one at a
    # time. Simulate that by disabling decode's own cross checks.
    monkeypatch.setattr(share, "_cross_problem", lambda values: None)
    config, warnings = warned({"lr": "0.1", "out": "softmax+cross_entropy"})
    assert config == DEFAULT.with_(lr=0.1)
    assert len(warnings) == 1 and warnings[0].startswith("out: not accepted (output:")
    config, warnings = warned({"h": "4,4,4", "act": "relu"})
    assert config == DEFAULT.with_(hidden=(4, 4, 4), activations=("tanh",) * 3)
    assert warnings[0].startswith("act: not accepted")


def test_uploaded_data_configs():
    c = DEFAULT.with_(dataset="custom", custom_task="multiclass", output="softmax+cross_entropy",
                      hidden=(5,), activations=("relu",))
    params = encode(c)
    assert params == {"v": "1", "ds": "custom", "h": "5", "act": "relu",
                      "out": "softmax+cross_entropy", "task": "multiclass"}
    d = decode(params)
    assert d == Decoded(c) and d.needs_upload and not decode({}).needs_upload
    build(d.config)[1].run_steps(2)
    config, warnings = warned({"ds": "custom", "task": "regression",
                               "out": "softmax+cross_entropy"})
    assert config.output == "auto" and config.pairing == "linear+mse"
    assert warnings == ("out: softmax+cross_entropy does not fit the regression dataset "
                        "custom; using auto",)
    config, warnings = warned({"ds": "custom", "task": "ternary"})
    assert config.custom_task == "binary" and warnings[0].startswith("task: 'ternary'")


def test_drawn_points_round_trip_and_bad_labels_fall_back():
    from data_io.share import decode, encode
    c = bc.RunConfig(extra_points=((1.25, -3.0, 1.0), (0.1, 0.2, 0.0)))
    params = encode(c)
    assert params["pts"] == "1.25:-3.0:1.0;0.1:0.2:0.0"
    back = decode(params)
    assert back.config == c and not back.warnings
    bad = decode({**params, "pts": "1:2:7"})  # class 7 on a binary data set
    assert bad.config.extra_points == () and any("pts" in w for w in bad.warnings)
    junk = decode({**params, "pts": "1:2"})
    assert junk.config.extra_points == () and junk.warnings


def test_presenter_hidden_panels_ride_along():
    from ui.classroom import PANELS as UI_PANELS
    assert set(share.PANELS) == set(UI_PANELS)  # the link knows every panel the UI hides
    params = share.encode(bc.RunConfig(), presenter=True, hidden=("training", "data"))
    assert params["hide"] == "data,training"
    back = share.decode(params)
    assert back.presenter and back.hidden == ("data", "training") and not back.warnings
    odd = share.decode({**params, "hide": "data,sofa"})
    assert odd.hidden == ("data",) and any("hide" in w for w in odd.warnings)
