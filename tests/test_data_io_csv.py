"""Custom CSV upload: parsing, validation messages, target encoding and the engine Dataset."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backprop_core as bc
from data_io.csv_data import (
    LIMITS,
    BadRowsError,
    CsvError,
    CustomData,
    Table,
    bad_row_count,
    parse_csv,
    to_custom_data,
    to_dataset,
)


def parse(text: str, **kw) -> Table:
    return parse_csv(text.encode("utf-8"), **kw)


def error(raw, **kw) -> str:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    with pytest.raises(CsvError) as info:
        parse_csv(raw, **kw)
    return str(info.value)


BINARY = "x,y,label\n" + "".join(f"{i},{i % 3 * 0.5},{'ab'[i % 2]}\n" for i in range(10))


# --------------------------------------------------------------------------- parse_csv


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_detects_delimiter_and_reads_values(sep):
    t = parse(f"a{sep}b{sep}c\n1{sep}2.5{sep}-3e2\n4{sep}.5{sep}6\n")
    assert t.delimiter == sep
    assert t.columns == ("a", "b", "c")
    np.testing.assert_array_equal(t.values, [[1, 2.5, -300], [4, 0.5, 6]])
    assert t.numeric == (True, True, True)
    assert t.n_rows == 2 and t.n_bad_rows == 0


def test_quoted_fields_bom_crlf_and_line_numbers():
    raw = b'\xef\xbb\xbf"name, long",v\r\n"a,1",1\r\n\r\n"b\nc",2\r\nd,3\r\n'
    t = parse_csv(raw)
    assert t.columns == ("name, long", "v")  # BOM gone, quoted comma kept
    assert t.cells[0] == ("a,1", "b\nc", "d")
    assert t.numeric == (False, True)
    # Data rows start on lines 2, 4 (after a blank line 3) and 6 (the quoted row spans 2 lines).
    assert t.line_numbers.tolist() == [2, 4, 6]
    assert any("blank" in n for n in t.notes)


def test_semicolon_file_reads_decimal_commas():
    t = parse("a;b\n1,5;2\n-0,25;3\n")
    np.testing.assert_array_equal(t.values[:, 0], [1.5, -0.25])
    assert any("decimal comma" in n for n in t.notes)


def test_comma_file_does_not_split_numbers_on_decimal_commas():
    t = parse('a,b\n"1,5",2\n3,4\n')
    assert t.is_number[:, 0].tolist() == [False, True]


def test_missing_and_text_cells_are_recorded_not_refused():
    t = parse("a,b,c\n1,2,x\n,2,y\nNA,?,z\n3,oops,w\n4,nan,\n5,6,v\n")
    assert t.missing[:, 0].tolist() == [False, True, True, False, False, False]
    assert t.is_number[:, 1].tolist() == [True, True, False, False, False, True]
    assert t.numeric == (True, True, False)
    assert np.isnan(t.values[1, 0]) and np.isnan(t.values[3, 1])
    assert t.bad_rows.tolist() == [False, True, True, True, True, False]
    assert t.n_bad_rows == 4


def test_arrays_are_read_only():
    t = parse(BINARY)
    with pytest.raises(ValueError):
        t.values[0, 0] = 1.0


def test_trailing_separators_and_unnamed_columns():
    t = parse("a,b,\n1,2,\n3,4,\n")
    assert t.columns == ("a", "b")
    assert any("empty column" in n for n in t.notes)
    t = parse("a,,c\n1,2,3\n")
    assert t.columns == ("a", "column 2", "c")
    # Extra empty fields at the end of a row are harmless, extra values are not.
    assert parse("a,b\n1,2,,\n").n_rows == 1


@pytest.mark.parametrize("raw", [b"", b"   \n\n\t\n", b"\n\n"])
def test_empty_file(raw):
    assert "empty" in error(raw)


@pytest.mark.parametrize("raw", [b"a,b\n1,\x002\n", bytes(range(256)), b"PK\x03\x04\x14\x00"])
def test_binary_data(raw):
    assert "not a text CSV file (encoding" in error(raw)


def test_not_utf8():
    msg = error("a,b\ncafé,1\n".encode("latin-1"))
    assert "not a text CSV file (encoding is not UTF-8" in msg and "0xe9" in msg


def test_control_characters():
    assert "not a text CSV file (encoding" in error(b"a,b\n1,\x1b[31m2\n")


def test_single_column():
    assert "one column" in error("value\n1\n2\n3\n")


def test_duplicate_headers_are_named():
    msg = error("x,y,x,z,y\n1,2,3,4,5\n")
    assert "'x' (columns 1, 3)" in msg and "'y' (columns 2, 5)" in msg


def test_header_of_numbers():
    assert "No header row" in error("1,2,3\n4,5,6\n")


def test_header_without_data():
    assert "no data rows" in error("a,b\n\n")


def test_no_numeric_columns():
    assert "No numeric columns" in error("a,b\nx,y\nz,w\n")


def test_too_many_rows_states_limit():
    ok = "a,b\n" + "1,2\n" * 5
    assert parse(ok, max_rows=5).n_rows == 5
    msg = error(ok + "1,2\n", max_rows=5)
    assert "Too many rows" in msg and "5" in msg


def test_too_many_columns_states_limit():
    header = ",".join(f"c{i}" for i in range(51))
    msg = error(header + "\n" + ",".join("1" * 51) + "\n")
    assert "Too many columns: 51" in msg and "limit is 50" in msg


def test_too_many_bytes_states_limit():
    msg = error(b"a,b\n" + b"1,2\n" * 100, max_bytes=100)
    assert "too large" in msg and "100 bytes" in msg


def test_infinite_values_name_column_and_count():
    msg = error("a,b,c\ninf,1,2\n-Infinity,1,2\n1,1e999,2\n3,4,5\n")
    assert "'a' in 2 rows" in msg and "'b' in 1 row" in msg and "'c'" not in msg


def test_ragged_rows_name_lines():
    msg = error("a,b\n1,2\n1,2,3\n4\n5,6\n")
    assert "line 3 has 3" in msg and "line 4 has 1" in msg and "line 5" not in msg
    rows = "".join("1\n" if i % 2 else "1,2\n" for i in range(40))
    msg = error("a,b\n" + rows)
    assert "20 rows in all" in msg and msg.count("has 1") == 5  # only a few lines named


def test_not_bytes():
    with pytest.raises(CsvError, match="bytes"):
        parse_csv("a,b\n1,2\n")  # type: ignore[arg-type]


def test_huge_field_is_a_csv_error():
    assert "could not be read" in error(b"a,b\n1," + b"9" * 200_000 + b"\n")


def test_limits_are_documented_and_used_as_defaults():
    assert LIMITS == {"max_bytes": 5_000_000, "max_rows": 5000, "max_cols": 50,
                      "min_rows": 4, "min_classes": 2, "max_classes": 10}
    assert "limit is 5000" in error("a,b\n" + "1,2\n" * 5001)


# --------------------------------------------------------------------------- to_custom_data


def test_classification_with_text_labels():
    c = to_custom_data(parse(BINARY), "label", "classification", drop_bad_rows=False)
    assert isinstance(c, CustomData)
    assert c.task == "binary" and c.class_names == ("a", "b")
    assert c.feature_names == ("x", "y") and c.target == "label"
    assert c.X.shape == (10, 2) and c.X.dtype == np.float64
    assert c.labels.tolist() == [i % 2 for i in range(10)]
    assert c.targets is None and c.n_dropped == 0


def test_classes_are_sorted_and_numeric_labels_named():
    text = "f,cls\n" + "".join(f"{i},{[2, 0.5, 10][i % 3]}\n" for i in range(9))
    c = to_custom_data(parse(text), "cls", "classification", drop_bad_rows=False)
    assert c.task == "multiclass" and c.class_names == ("0.5", "2", "10")  # numeric order
    assert c.labels.tolist() == [1, 0, 2] * 3
    text = "f,cls\n" + "".join(f"{i},{'zebra apple mango'.split()[i % 3]}\n" for i in range(9))
    c = to_custom_data(parse(text), "cls", "classification", drop_bad_rows=False)
    assert c.class_names == ("apple", "mango", "zebra") and c.labels.tolist() == [2, 0, 1] * 3


def test_bad_rows_need_consent_and_count_is_in_message():
    text = "a,b,name,t\n1,2,p,0\n,2,q,1\n3,x,r,0\n4,5,,1\n5,6,s,1\n6,7,t,0\n7,8,u,1\n"
    t = parse(text)
    # The empty "name" cell does not count: that column is not used (not numeric).
    assert bad_row_count(t, "t", "regression") == 2
    with pytest.raises(BadRowsError) as info:
        to_custom_data(t, "t", "regression", drop_bad_rows=False)
    assert "2 rows have missing or non-numeric values" in str(info.value)
    assert "drop them?" in str(info.value) and "line 3, 4" in str(info.value)
    assert info.value.n_bad == 2
    c = to_custom_data(t, "t", "regression", drop_bad_rows=True)
    assert c.n_dropped == 2 and c.n_rows == 5
    assert c.feature_names == ("a", "b")
    np.testing.assert_array_equal(c.X[:, 0], [1, 4, 5, 6, 7])
    assert any("Ignored column 'name'" in n for n in c.notes)
    assert any("Dropped 2" in n for n in c.notes)


def test_text_in_numeric_target_is_a_bad_row_for_classification():
    t = parse("f,t\n1,0\n2,1\n3,oops\n4,0\n5,1\n")
    assert bad_row_count(t, "t", "classification") == 1
    c = to_custom_data(t, "t", "classification", drop_bad_rows=True)
    assert c.class_names == ("0", "1") and c.n_dropped == 1


def test_too_few_rows_after_dropping():
    t = parse("a,t\n1,0\n2,1\nx,0\n,1\n3,1\n")
    with pytest.raises(CsvError, match="Only 3 usable rows; at least 4"):
        to_custom_data(t, "t", "classification", drop_bad_rows=True)


def test_single_class_and_too_many_classes():
    t = parse("a,t\n" + "".join(f"{i},same\n" for i in range(6)))
    with pytest.raises(CsvError, match="a single class"):
        to_custom_data(t, "t", "classification", drop_bad_rows=False)
    t = parse("a,t\n" + "".join(f"{i},{i}\n" for i in range(11)))
    with pytest.raises(CsvError, match="11 distinct values: more than 10 classes"):
        to_custom_data(t, "t", "classification", drop_bad_rows=False)
    t = parse("a,t\n" + "".join(f"{i},{i % 10}\n" for i in range(20)))
    assert to_custom_data(t, "t", "classification", drop_bad_rows=False).n_classes == 10


def test_regression_scales_target_and_keeps_units():
    t = parse("a,b,price\n1,0,100\n2,1,300\n3,0,200\n4,1,500\n")
    c = to_custom_data(t, "price", "regression", drop_bad_rows=False)
    assert c.task == "regression" and c.labels is None and c.class_names == ()
    np.testing.assert_array_equal(c.targets, [-1.0, 0.0, -0.5, 1.0])
    assert c.target_range == (100.0, 500.0)
    np.testing.assert_allclose(c.to_original_units(c.targets), [100, 300, 200, 500])


def test_regression_errors():
    t = parse("a,t,s\n1,5,x\n2,5,y\n3,5,z\n4,5,w\n")
    with pytest.raises(CsvError, match="constant"):
        to_custom_data(t, "t", "regression", drop_bad_rows=False)
    with pytest.raises(CsvError, match="not numeric"):
        to_custom_data(t, "s", "regression", drop_bad_rows=False)


def test_extreme_regression_targets_do_not_overflow():
    t = parse("a,t\n1,-1e308\n2,1e308\n3,0\n4,5e307\n")
    c = to_custom_data(t, "t", "regression", drop_bad_rows=False)
    assert np.all(np.isfinite(c.targets)) and c.targets.min() == -1 and c.targets.max() == 1


def test_target_and_task_validation():
    t = parse(BINARY)
    with pytest.raises(CsvError, match="Unknown target column 'nope'"):
        to_custom_data(t, "nope", "classification", drop_bad_rows=False)
    with pytest.raises(CsvError, match="Unknown task"):
        to_custom_data(t, "label", "clustering", drop_bad_rows=False)
    t = parse("name,t\np,1\nq,2\nr,1\ns,2\n")
    with pytest.raises(CsvError, match="No numeric feature columns"):
        to_custom_data(t, "t", "classification", drop_bad_rows=False)


# --------------------------------------------------------------------------- to_dataset


def _custom(text, target, task):
    return to_custom_data(parse(text), target, task, drop_bad_rows=True)


def test_dataset_binary_format_split_and_standardising():
    c = _custom(BINARY, "label", "classification")
    d = to_dataset(c, train_fraction=0.6, seed=3)
    assert isinstance(d, bc.Dataset) and d.name == "custom"
    assert d.task == "binary" and d.n_classes == 2
    assert d.X_train.shape == (6, 2) and d.X_test.shape == (4, 2)
    assert d.Y_train.shape == (6, 1) and set(np.unique(d.Y_all)) <= {0.0, 1.0}
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(d.X_train.std(axis=0), 1, atol=1e-12)
    # Same rows, shuffled with the seed: undo the standardising with the training statistics.
    order = np.random.default_rng(3).permutation(10)
    raw_train = c.X[order[:6]]
    restored = d.X_all * raw_train.std(axis=0) + raw_train.mean(axis=0)
    np.testing.assert_allclose(restored, c.X[order], atol=1e-12)
    np.testing.assert_array_equal(d.Y_all[:, 0], c.labels[order])


def test_dataset_is_seeded():
    c = _custom(BINARY, "label", "classification")
    a, b, other = to_dataset(c, seed=1), to_dataset(c, seed=1), to_dataset(c, seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.Y_all, other.Y_all) or not np.array_equal(a.X_all, other.X_all)


def test_dataset_multiclass_one_hot_and_regression():
    text = "f,g,cls\n" + "".join(f"{i},{i * i},{'pqr'[i % 3]}\n" for i in range(12))
    c = _custom(text, "cls", "classification")
    d = to_dataset(c)
    assert d.task == "multiclass" and d.n_classes == 3 and d.Y_train.shape == (6, 3)
    np.testing.assert_array_equal(d.Y_all.sum(axis=1), 1.0)
    np.testing.assert_array_equal(np.sort(d.labels_train.tolist() + d.labels_test.tolist()),
                                  np.sort(c.labels))
    c = _custom(text, "g", "regression")
    d = to_dataset(c)
    assert d.task == "regression" and d.n_classes == 0 and d.Y_test.shape == (6, 1)
    assert d.Y_all.min() == -1.0 and d.Y_all.max() == 1.0


def test_constant_feature_becomes_zeros_not_nan():
    c = _custom("k,f,t\n" + "".join(f"7,{i},{i % 2}\n" for i in range(8)), "t", "classification")
    d = to_dataset(c)
    assert np.all(d.X_all[:, 0] == 0.0) and np.all(np.isfinite(d.X_all))


@pytest.mark.parametrize("fraction", [0.0, 1.0, 0.01, 0.99, "half"])
def test_dataset_needs_train_and_test_rows(fraction):
    c = _custom(BINARY, "label", "classification")
    with pytest.raises(CsvError):
        to_dataset(c, train_fraction=fraction)


def test_custom_two_feature_dataset_trains_in_the_engine():
    c = _custom(BINARY, "label", "classification")
    data, trainer = bc.build(bc.RunConfig(dataset="circle", batch_size=4), to_dataset(c))
    trainer.run_steps(5)
    assert trainer.step == 5 and np.isfinite(trainer.history.columns["train_loss"][-1])


# --------------------------------------------------------------------------- fuzzing


def _check_table(t: Table) -> None:
    n, d = t.values.shape
    assert d == len(t.columns) == len(t.numeric) == len(t.cells) >= 2
    assert len(set(t.columns)) == d and 1 <= n <= LIMITS["max_rows"]
    assert t.missing.shape == t.is_number.shape == (n, d) and t.line_numbers.shape == (n,)
    assert all(len(col) == n for col in t.cells)
    assert np.all(np.isfinite(t.values[t.is_number]))
    assert np.all(np.isnan(t.values[~t.is_number]))
    assert not np.any(t.missing & t.is_number) and any(t.numeric)


def _pipeline(t: Table) -> None:
    """Every column as target for both tasks: a CsvError or a usable Dataset, and no
    overflow or invalid operation on the way (they would raise FloatingPointError here)."""
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        _pipeline_unguarded(t)


def _pipeline_unguarded(t: Table) -> None:
    for target in t.columns:
        for task in ("classification", "regression"):
            try:
                c = to_custom_data(t, target, task, drop_bad_rows=True)
            except CsvError:
                continue
            assert c.X.shape == (c.n_rows, len(c.feature_names)) and c.n_rows >= 4
            d = to_dataset(c, seed=0)
            assert len(d.X_all) == c.n_rows and np.all(np.isfinite(d.X_all))


FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(raw):
    try:
        t = parse_csv(raw)
    except CsvError as exc:
        assert str(exc)
        return
    _check_table(t)


NEAR_CSV = st.text(alphabet="ab01239.,;\t\n\r\"' -eEinfNA?x\x00é", max_size=200)


def _parse_or_refuse(text: str) -> None:
    """Either a clear CsvError, or a valid table that the whole pipeline accepts."""
    try:
        t = parse(text)
    except CsvError:
        return
    _check_table(t)
    _pipeline(t)


@FUZZ
@given(NEAR_CSV)
def test_fuzz_near_csv_text(text):
    _parse_or_refuse(text)


COMMON = ["1", "-2.5", "0", "3e2", ".5", "7", "8", "9", "x", "cat", "dog", ""]
RARE = ["NA", "?", "inf", "1e999", '"q,1"', "1,5", '"', "é", "\x00", "nan", "-", " ", "a,b"]


@st.composite
def structured_csv(draw):
    """Mostly well-formed CSV: random cells, sometimes odd headers, odd cells or wrong
    field counts, so that both errors and valid tables come up often."""
    sep = draw(st.sampled_from([",", ";", "\t"]))
    d = draw(st.integers(2, 4)) if draw(st.integers(0, 9)) else draw(st.integers(1, 4))
    if draw(st.integers(0, 9)):
        header = draw(st.permutations(["a", "b", "c", "t"]))[:d]
    else:
        header = draw(st.lists(st.sampled_from(["a", "b", "", "1", "a"]), min_size=d, max_size=d))
    lines = [sep.join(header)]
    for _ in range(draw(st.integers(0, 14))):
        k = d if draw(st.integers(0, 19)) else draw(st.integers(0, d + 2))
        pools = [COMMON if draw(st.integers(0, 29)) else RARE for _ in range(k)]
        lines.append(sep.join(draw(st.sampled_from(pool)) for pool in pools))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


@FUZZ
@given(structured_csv())
def test_fuzz_structured_csv(text):
    _parse_or_refuse(text)


@st.composite
def numeric_csv(draw):
    d = draw(st.integers(2, 5))
    n = draw(st.integers(1, 12))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    values = draw(st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False),
                                    min_size=d, max_size=d), min_size=n, max_size=n))
    lines = [sep.join(f"col{j}" for j in range(d))]
    lines += [sep.join(repr(v) for v in row) for row in values]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"])), np.array(values)


@FUZZ
@given(numeric_csv())
def test_fuzz_numbers_read_back_exactly(case):
    text, values = case
    t = parse(text)
    np.testing.assert_array_equal(t.values, values)
    np.testing.assert_array_equal(np.signbit(t.values), np.signbit(values))  # -0.0 kept
    assert t.n_bad_rows == 0
    _pipeline(t)


def test_one_column_left_after_dropping_empty_ones_is_refused():
    # Found by the fuzzer: a trailing separator makes an empty, unnamed second column.
    with pytest.raises(CsvError, match="Only one column"):
        parse_csv(b"?;\r0;")


def test_a_very_long_header_is_still_read_whole():
    name = "q" * 100_000
    table = parse(f"{name},b,t\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(10)))
    assert table.columns == (name, "b", "t")


def test_mixed_separators_are_refused_in_plain_words():
    message = error("x,y;label\n" + "".join(f"{i},{i % 3};{i % 2}\n" for i in range(10)))
    assert "mixes separators" in message and "'y;label'" in message
    # A name with a semicolon is fine when the data do not have one.
    assert parse("x,y;unit,t\n1,2,0\n3,4,1\n").columns == ("x", "y;unit", "t")
