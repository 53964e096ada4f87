"""What the file fuzzers share (session files, lesson files): random JSON values, and
every path into a valid file's tree, for a field to be replaced by one."""

import copy

from hypothesis import strategies as st

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) |
    st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


def paths(value, prefix=()):
    """Every path into the JSON tree (dict keys and list indices), shallow ones first."""
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for k, v in enumerate(value[:3]):  # the first few items of long arrays
            out += paths(v, (*prefix, k))
    return out


DELETE = "__delete__"  # a field's value that removes the field instead
VALUES = st.one_of(JSON, st.just(DELETE))  # what a field is replaced by


def mutated(valid, path: tuple, value):
    """A copy of ``valid`` with the field at ``path`` replaced by ``value`` (removed when it
    is DELETE)."""
    data = copy.deepcopy(valid)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if value == DELETE:
        parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    return data
