"""Session files fuzzed: a valid file mutated field by field, and random JSON. The
contract: no exception but ValueError escapes, a refusal names the field, and anything
accepted is a run that saves and loads again to the very same numbers."""

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from json_fuzz import JSON, VALUES, mutated, paths

import backprop_core as bc
from data_io import session_file


def _valid() -> dict:
    c = bc.RunConfig(optimizer="momentum", lr=0.1, hidden=(3,), activations=("relu",))
    _, tr = bc.build(c)
    tr.run_steps(30)
    tr.set_hyperparams(lr=0.3)
    tr.run_steps(4)
    c = c.with_(lr=0.3)
    return bc.trainer_to_dict(tr, extra={"config": c.to_dict()})


VALID = _valid()

PATHS = paths(VALID)


def check_contract(data: dict | bytes) -> None:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    try:
        loaded = session_file.read(raw)
    except ValueError as exc:
        text = str(exc)
        assert text.startswith(("state", "not a session file")), text
        return
    # Accepted: it is a run; saved again and read back, the very same numbers.
    again = session_file.read(json.dumps(bc.trainer_to_dict(
        loaded.trainer, extra={"config": loaded.config.to_dict()})).encode())
    a, b = loaded.trainer, again.trainer
    assert a.step == b.step and a.history.to_dict() == b.history.to_dict()
    assert all(np.array_equal(x, y) for x, y in zip(a.net.weights + a.net.biases,
                                                    b.net.weights + b.net.biases, strict=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), VALUES)
def test_a_valid_file_mutated_in_one_field(path, value):
    check_contract(mutated(VALID, path, value))


@settings(max_examples=100, deadline=None)
@given(JSON)
def test_random_json(value):
    check_contract(json.dumps(value).encode())


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes(raw):
    check_contract(raw)


def test_the_valid_file_itself_loads_exactly():
    check_contract(VALID)
