"""A live class's rules, on both stores: the process's own and a real Redis server.
Codes, the teacher's secret, answers checked and counted exactly, expiry, rate limits,
and a Redis that goes away and comes back."""

import threading

import pytest

from data_io import class_store, live_class
from data_io.class_store import MemoryStore, RedisStore, StoreDown
from data_io.live_class import ClassError
from deploy.redis_server import RedisServer


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        return MemoryStore()
    server = request.getfixturevalue("redis_server")
    store = RedisStore(server.url, prefix=f"test{id(request)}:")
    return store


Q = {"kind": "direction", "param": "w1:0,0"}
OPTIONS = {"choices": ["up", "down", "stays"]}


def test_a_class_from_start_to_reveal(store):
    teacher = live_class.start(store)
    assert len(teacher.code) == 6 and set(teacher.code) <= set(live_class.ALPHABET)
    assert teacher.secret not in teacher.code and len(teacher.secret) >= 24
    code = live_class.join(store, teacher.code.lower()[:3] + "-" + teacher.code[3:], "c1")
    assert code == teacher.code
    assert live_class.followed(store, code) is None
    assert live_class.register(store, code, "s0", "Ada") == 1
    assert live_class.register(store, code, "s0", "Ada L.") == 1  # joined again
    assert live_class.students(store, code) == 1
    assert live_class.publish(store, teacher, {"run": "ds=xor&step=3"}) == 1
    assert live_class.publish(store, teacher, {"run": "ds=xor&step=4"}) == 2
    assert live_class.followed(store, code) == (2, {"run": "ds=xor&step=4"}, False)
    qid = live_class.ask(store, teacher, Q, "Which way?", OPTIONS)
    assert live_class.news(store, code) == (live_class.followed(store, code),
                                            live_class.question(store, code))
    for k in range(30):
        live_class.answer(store, code, qid, f"s{k}", f"Student {k}", "up" if k % 3 else "down")
    live_class.answer(store, code, qid, "s0", "Student 0", "up")  # changed their mind
    got = live_class.answers(store, code, qid)
    assert len(got) == 30 and got["s0"] == {"name": "Student 0", "answer": "up"}
    assert sum(a["answer"] == "up" for a in got.values()) == 21
    live_class.reveal(store, teacher, qid, {"answer": "down", "text": "went down"})
    assert live_class.question(store, code)["revealed"]["answer"] == "down"
    with pytest.raises(ClassError, match="closed"):
        live_class.answer(store, code, qid, "s1", "", "up")


def test_only_the_teacher_drives_the_class(store):
    teacher = live_class.start(store)
    impostor = live_class.Teacher(teacher.code, "guess")
    for act in (lambda t: live_class.publish(store, t, {"run": ""}),
                lambda t: live_class.ask(store, t, Q, "?", OPTIONS),
                lambda t: live_class.reveal(store, t, 1, {})):
        with pytest.raises(ClassError, match="only the class's teacher"):
            act(impostor)
    assert live_class.followed(store, teacher.code) is None


@pytest.mark.parametrize(("spec", "options", "bad", "good"), [
    (Q, OPTIONS, ["sideways", 1, None, ["up"]], ["up", "stays"]),
    ({"kind": "largest_gradient", "layer": 1}, {"neurons": 4}, [4, -1, 1.5, True, "2"], [0, 3]),
    ({"kind": "gradient", "param": "b1:0"}, {}, [float("nan"), float("inf"), "1", True, 1e13],
     [-0.0123, 3]),
    ({"kind": "turns_orange", "steps": 5}, {}, [[1], [1, 2, 3], ["a", 1], [float("nan"), 0]],
     [[1.5, -2], (0, 0)]),
])
def test_answers_are_checked(store, spec, options, bad, good):
    teacher = live_class.start(store)
    qid = live_class.ask(store, teacher, spec, "?", options)
    for value in bad:
        with pytest.raises(ClassError):
            live_class.answer(store, teacher.code, qid, "s", "S", value)
    for k, value in enumerate(good):
        live_class.answer(store, teacher.code, qid, f"s{k}", "S", value)
    assert len(live_class.answers(store, teacher.code, qid)) == len(good)
    with pytest.raises(ClassError, match="closed"):  # an old question's number
        live_class.answer(store, teacher.code, qid + 1, "s", "S", good[0])


def test_codes_cannot_be_tried_quickly_but_a_class_joins_at_once(store):
    teacher = live_class.start(store)
    for _ in range(60):  # a class of 60 behind one school address
        assert live_class.join(store, teacher.code, "school") == teacher.code
    for _ in range(live_class.JOIN_LIMIT):
        with pytest.raises(ClassError, match="no class has this code"):
            live_class.join(store, "ZZZZZZ" if teacher.code != "ZZZZZZ" else "YYYYYY", "bot")
    with pytest.raises(ClassError, match="too many wrong codes"):
        live_class.join(store, teacher.code, "bot")  # even the right code, for a minute
    assert live_class.join(store, teacher.code, "student") == teacher.code
    for text in ("", "ABC", "ABCDEFG", "ABCDE0", "<script>"):
        with pytest.raises(ClassError, match="6 letters"):
            live_class.normal_code(text)


def test_a_state_handed_over_goes_with_its_version_only(store):
    teacher = live_class.start(store)
    live_class.publish(store, teacher, {"run": "step=5"}, {"step": 4, "state": [1.5]})
    live_class.publish(store, teacher, {"run": "step=9"}, {"step": 8, "state": [2.5]})
    assert live_class.followed(store, teacher.code) == (2, {"run": "step=9"}, True)
    assert live_class.handed(store, teacher.code, 1) == {"step": 4, "state": [1.5]}
    assert live_class.handed(store, teacher.code, 2) == {"step": 8, "state": [2.5]}
    live_class.publish(store, teacher, {"run": "step=9"})  # paused: nothing handed
    assert live_class.followed(store, teacher.code)[2] is False
    assert live_class.handed(store, teacher.code, 3) is None
    big = {"state": [0.1] * (live_class.MAX_HANDED_CHARS // 3)}
    live_class.publish(store, teacher, {"run": "step=10"}, big)  # too big: the steps then
    assert live_class.followed(store, teacher.code)[2] is False


def test_a_class_expires():
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    teacher = live_class.start(store)
    live_class.publish(store, teacher, {"run": ""})
    now[0] += live_class.CLASS_TTL_S - 1
    live_class.publish(store, teacher, {"run": "step=1"})  # publishing renews it
    now[0] += live_class.CLASS_TTL_S - 1
    assert live_class.followed(store, teacher.code)[1] == {"run": "step=1"}
    now[0] += 2
    assert live_class.followed(store, teacher.code) is None
    with pytest.raises(ClassError, match="expired"):
        live_class.publish(store, teacher, {"run": ""})


def test_answers_from_many_threads_are_counted_exactly(store):
    teacher = live_class.start(store)
    qid = live_class.ask(store, teacher, Q, "?", OPTIONS)
    threads = [threading.Thread(target=live_class.answer,
                                args=(store, teacher.code, qid, f"s{k}", "", "up"))
               for k in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(live_class.answers(store, teacher.code, qid)) == 30


def test_redis_going_away_is_said_and_the_class_resumes(tmp_path):
    server = RedisServer(tmp_path).start()
    store = RedisStore(server.url)
    teacher = live_class.start(store)
    live_class.publish(store, teacher, {"run": "step=1"})
    server.stop()
    with pytest.raises(StoreDown):
        live_class.followed(store, teacher.code)
    with pytest.raises(StoreDown):
        live_class.publish(store, teacher, {"run": "step=2"})
    again = RedisServer(tmp_path, port=server.port).start()  # back, empty: nothing saved
    try:
        assert live_class.followed(store, teacher.code) is None
        with pytest.raises(ClassError, match="expired"):
            live_class.publish(store, teacher, {"run": "step=2"})
        live_class.resume(store, teacher)  # the teacher's session still has the class
        live_class.publish(store, teacher, {"run": "step=2"})
        assert live_class.followed(store, teacher.code)[1] == {"run": "step=2"}
        assert live_class.join(store, teacher.code, "student") == teacher.code
        with pytest.raises(ClassError, match="only the class's teacher"):
            live_class.resume(store, live_class.Teacher(teacher.code, "guess"))
    finally:
        again.stop()


def test_the_store_is_chosen_by_configuration(redis_server):
    assert isinstance(class_store.store_from_env({}), MemoryStore)
    chosen = class_store.store_from_env({class_store.REDIS_URL_ENV: redis_server.url})
    assert isinstance(chosen, RedisStore)
    chosen.put("probe", "1", 5)
    assert chosen.get("probe") == "1"
