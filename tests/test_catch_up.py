"""A trainer brought to another's later state of the same run (backprop_core.training.
catch_up): it then shows and trains bit for bit as the one ahead, and any step it did not
train is gone to exactly; a state that does not fit is refused with the trainer untouched."""

import dataclasses

import numpy as np
import pytest

import backprop_core as bc
from backprop_core.network.schedules import Schedule
from backprop_core.policy.config import point_sample
from backprop_core.training import catch_up
from tests.test_rewind import CONFIG, params, same_arrays, same_snapshot, state


def changes_at(tr):
    """The changes of every kind this run makes, at fixed steps."""
    if tr.step == 9:
        tr.set_hyperparams(lr=0.01)
        tr.set_schedule(Schedule("cosine", t_max=60))
    if tr.step == 21:
        x, y = point_sample(CONFIG, (1.5, -2.0), 1)
        tr.add_sample(x, y, (1.5, -2.0))
        tr.set_frozen(1, "weights", (0, 0))
    if tr.step == 33:
        tr.set_param(0, "weights", (1, 0), 0.5)
        tr.set_regularization("l2", 0.003)


def ahead_run(tr, until):
    """Train ``tr`` to ``until``, with ``changes_at`` on the way."""
    while tr.step < until:
        changes_at(tr)
        tr.finish_step()


def handed_over(teacher, records_from=0):
    """What a teacher at step S hands over: its state at S - 1 and its records after
    ``records_from`` up to S - 1."""
    snap = catch_up.state_at(teacher, teacher.step - 1)
    records = [teacher.history[s] for s in teacher.history.columns["step"]
               if records_from < s < teacher.step]
    return snap, list(teacher.events), records


def caught_up(follower, teacher, records_from=0):
    """``follower`` taken over to the teacher's step before last, then its last step."""
    snap, events, records = handed_over(teacher, records_from)
    catch_up.take_over(follower, snap, events, records)
    follower.finish_step()


@pytest.mark.parametrize("behind, ahead", [(0, 40), (5, 40), (20, 22), (12, 57), (32, 34), (9, 11)])
def test_a_follower_taken_over_shows_and_trains_on_as_the_run_ahead(behind, ahead):
    _, teacher = bc.build(CONFIG)
    _, follower = bc.build(CONFIG)
    ahead_run(follower, behind)
    ahead_run(teacher, ahead)
    caught_up(follower, teacher, records_from=behind)
    assert follower.step == teacher.step == ahead
    same_arrays(params(follower), params(teacher))
    same_arrays(follower.grads.weights + follower.grads.biases + follower.grads.deltas,
                teacher.grads.weights + teacher.grads.biases + teacher.grads.deltas)
    assert follower.history[ahead] == teacher.history[ahead]
    assert follower.events == teacher.events
    for tr in (teacher, follower):
        ahead_run(tr, ahead + 30)
    same_arrays(params(follower), params(teacher))
    assert follower.history.to_dict() == teacher.history.to_dict()  # every step recorded


def test_every_step_it_did_not_train_is_gone_to_exactly():
    _, teacher = bc.build(CONFIG)
    _, follower = bc.build(CONFIG)
    ahead_run(follower, 4)
    ahead_run(teacher, 50)
    straight = {}  # after each step and the changes made there: what goto gives
    _, again = bc.build(CONFIG)
    while again.step <= 50:
        changes_at(again)
        straight[again.step] = params(again)
        again.finish_step()
    caught_up(follower, teacher, records_from=40)  # records of steps 41..49 only
    assert [s for s in follower.history.columns["step"] if 4 < s < 41] == []
    for step in [*np.random.default_rng(1).permutation(51), 50]:
        follower.goto(step)
        same_arrays(params(follower), straight[step])
        assert follower.history[step] == teacher.history[step]  # recorded when gone to


def test_state_at_is_the_keyframe_a_straight_run_keeps_and_leaves_the_run_alone():
    _, teacher = bc.build(CONFIG)
    teacher.keyframe_interval = 1  # a keyframe at every step: what state_at must give
    ahead_run(teacher, 45)
    _, other = bc.build(CONFIG)
    other.keyframe_interval = 25
    ahead_run(other, 45)
    before = state(other)
    for step in (0, 9, 21, 22, 33, 34, 44):
        same_snapshot(catch_up.state_at(other, step), teacher.keyframes[step])
    assert repr(state(other)[1:]) == repr(before[1:])
    same_arrays(params(other), before[0])


def test_a_state_that_does_not_fit_is_refused_and_the_trainer_untouched():
    _, teacher = bc.build(CONFIG)
    _, follower = bc.build(CONFIG)
    ahead_run(teacher, 40)
    ahead_run(follower, 25)
    snap, events, records = handed_over(teacher, 25)
    before = state(follower)
    other_log = [*events[:2], (1, "hyperparams", {"lr": 0.2}), *events[2:]]
    wrong = [
        (catch_up.state_at(teacher, 20), events, records),  # behind the follower
        (snap, other_log, records),  # another run's log
        (snap, events, records[:-1]),  # no record of the state's step
        (snap, events, records[::-1]),  # not in order
        (snap, events, [teacher.history[s] for s in (3, 39)]),  # one the follower has
        (dataclasses.replace(snap, n_data=0), events, records),  # the data's changes
    ]
    for args in wrong:
        with pytest.raises(ValueError):
            catch_up.take_over(follower, *args)
        assert repr(state(follower)[1:]) == repr(before[1:])
    follower.run_phase()  # mid-step: not taken over
    with pytest.raises(ValueError, match="between steps"):
        catch_up.take_over(follower, snap, events, records)
