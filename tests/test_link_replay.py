"""A link's run replayed at once (``link_open.replay``, as a lesson's stop opens) is the
run the link was made from, bit for bit: its settings log made at its steps, the phases
of a step left mid-way."""

from urllib.parse import parse_qs

import numpy as np

import backprop_core as bc
from backprop_core.policy.config import with_start_settings
from data_io import link_open, share


def test_replay_is_the_linked_run():
    c = bc.RunConfig(dataset="spiral", hidden=(6, 4), activations=("tanh", "relu"),
                     optimizer="momentum", batch_size=7)
    _, tr = bc.build(c)
    tr.run_steps(12)
    tr.set_hyperparams(lr=0.1)
    tr.run_steps(5)
    tr.run_phase()  # an edit in the middle of a step runs its phases again
    tr.set_param(1, "weights", (2, 1), 0.25)
    tr.finish_step()
    tr.set_frozen(0, "biases", (3,))
    tr.run_steps(9)
    tr.run_phase()
    tr.run_phase()  # left after its backward phase
    params = share.encode(with_start_settings(c, tr), step=tr.step, events=tuple(tr.events),
                          phase=tr.phase_index)
    decoded = share.decode(parse_qs(share.to_query_string(params), keep_blank_values=True))
    assert not decoded.warnings
    warnings: list[str] = []
    _, again = bc.build(decoded.config)
    events, step, phase = link_open.checked_log(decoded, decoded.config, again, warnings)
    link_open.replay(again, step, events, phase)
    assert not warnings
    assert (again.step, again.phase_index) == (tr.step, tr.phase_index)
    assert np.array_equal(again.net.theta, tr.net.theta)
    assert np.array_equal(again.grads.weights[1], tr.grads.weights[1])
    assert again.events == tr.events
    assert again.history.columns["train_loss"] == tr.history.columns["train_loss"]
