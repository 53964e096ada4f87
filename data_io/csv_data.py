"""Custom data upload: CSV bytes -> validated ``Table`` -> ``CustomData`` -> engine ``Dataset``.

Three stages, so the UI can show a preview and ask questions between them:

1. ``parse_csv(raw)`` reads any bytes into a ``Table`` or raises ``CsvError`` with a message
   meant for the user. Missing and non-numeric cells are *not* errors here: they are
   recorded so the UI can offer "drop N rows" once the user has picked a target.
2. ``to_custom_data(table, target, task, drop_bad_rows=...)`` picks the target and the numeric
   feature columns, encodes class labels or scales a regression target to [-1, 1].
3. ``to_dataset(custom, train_fraction, seed)`` shuffles, splits and standardises into the
   engine's ``Dataset`` (binary (n, 1) 0/1, multi-class one-hot (n, k), regression (n, 1)).

Decisions: non-numeric *feature* columns (ids, names) are dropped with a note rather than
refused; "nan", "NA", "?" and similar tokens count as missing values; with a ``;`` or tab
separator, decimal commas ("1,5") are read as decimal points (European spreadsheet exports).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np

from backprop_core.data.datasets import Dataset
from backprop_core.policy.offered import MAX_DATA_COLUMNS, MAX_DATA_ROWS

LIMITS: dict[str, int] = {
    "max_bytes": 5_000_000,
    "max_rows": MAX_DATA_ROWS,  # data rows, header excluded (session files: the same)
    "max_cols": MAX_DATA_COLUMNS,
    "min_rows": 4,  # after dropping bad rows: at least 2 to train and 2 to test on
    "min_classes": 2,
    "max_classes": 10,
}

TASKS = ("classification", "regression")
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

# Cells meaning "no value"; compared lower-cased after stripping spaces.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-", "#n/a"})
_INF_TOKENS = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
# A plain decimal number. Stricter than float(), which also takes "1_000" and non-ASCII
# digits: a cell that a spreadsheet would not call a number should not silently become one.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+", re.ASCII)
# C0 control characters other than tab, LF, CR: their presence means binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")

_SNIFF_LINES = 50  # lines used to guess the delimiter
_SNIFF_CHARS = 65_536
_SHOW_LINES = 5  # line numbers quoted in an error message


class CsvError(ValueError):
    """Any problem with an uploaded CSV; ``str(error)`` is a message for the user."""


class BadRowsError(CsvError):
    """Rows with missing or non-numeric values exist and dropping them was not allowed.

    ``n_bad`` is their count, so the UI can offer a "drop N rows" button.
    """

    def __init__(self, message: str, n_bad: int):
        super().__init__(message)
        self.n_bad = n_bad


def _show(text: str, limit: int = 40) -> str:
    """A user-provided string quoted for a message, shortened so messages stay readable."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _lines(numbers) -> str:
    """'3, 7, 9' or '3, 7, 9, 12, 15, …' for line numbers."""
    numbers = list(numbers)
    shown = ", ".join(str(n) for n in numbers[:_SHOW_LINES])
    return shown + (", …" if len(numbers) > _SHOW_LINES else "")


# --------------------------------------------------------------------------- Table


@dataclass(frozen=True, eq=False)  # eq=False: arrays make "==" elementwise
class Table:
    """A parsed CSV: n data rows, d columns (header excluded).

    columns       (d,) header names, unique, in file order.
    values        (n, d) float64, read-only; NaN wherever the cell is not a finite number.
    cells         d tuples of n stripped cell texts (class labels may be text).
    missing       (n, d) bool, read-only: the cell is empty or a missing-value token.
    is_number     (n, d) bool, read-only: the cell is a finite number.
    numeric       (d,) per column: mostly numbers (more number cells than text cells).
    line_numbers  (n,) int, read-only: the file line where each data row starts (header = 1
                  when it is the first line), for messages like "line 7".
    delimiter     ",", ";" or "\\t".
    notes         things the reader did that the user should know about.
    """

    columns: tuple[str, ...]
    values: np.ndarray
    cells: tuple[tuple[str, ...], ...]
    missing: np.ndarray
    is_number: np.ndarray
    numeric: tuple[bool, ...]
    line_numbers: np.ndarray
    delimiter: str
    notes: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        return tuple(c for c, ok in zip(self.columns, self.numeric, strict=True) if ok)

    def column_index(self, name: str) -> int:
        return self.columns.index(name)

    @property
    def bad_rows(self) -> np.ndarray:
        """(n,) bool: rows with a missing cell anywhere or a non-number in a numeric column.

        This is the whole-table view; ``to_custom_data`` only looks at the columns it uses.
        """
        not_number = ~self.is_number[:, np.array(self.numeric, dtype=bool)]
        return self.missing.any(axis=1) | not_number.any(axis=1)

    @property
    def n_bad_rows(self) -> int:
        return int(np.count_nonzero(self.bad_rows))


def _readonly(a: np.ndarray) -> np.ndarray:
    # Frozen dataclass fields can still be mutated in place; a Table may sit in a cache.
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


# --------------------------------------------------------------------------- decoding


def _decode(raw: bytes) -> str:
    """Bytes -> text, refusing binary data and anything that is not UTF-8."""
    if b"\x00" in raw:
        raise CsvError("This is not a text CSV file (encoding: it contains binary data, "
                       "NUL bytes). Upload a .csv file saved as text.")
    try:
        text = raw.decode("utf-8-sig")  # -sig: Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        raise CsvError(
            f"This is not a text CSV file (encoding is not UTF-8: byte 0x{raw[exc.start]:02x} "
            f"at position {exc.start} cannot be read). Save it as 'CSV UTF-8' and try again."
        ) from None
    text = text.rstrip("\x1a")  # DOS end-of-file marker, harmless
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CsvError(f"This is not a text CSV file (encoding: control character "
                       f"{bad.group()!r} on line {line}, which suggests binary data).")
    if not text.strip():
        raise CsvError("The file is empty.")
    return text


def _sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab that splits the first lines most consistently.

    Score: (number of sampled records with the header's field count, header field count),
    so "1,5;2,5" rows with a ";" header pick ";" rather than ",". csv.Sniffer is avoided:
    it considers every character and raises when unsure.
    """
    # Bounded sample: a few lines, and few enough characters that no field in it can
    # exceed csv.field_size_limit() (an over-long field is reported by the real read).
    # The header line always whole (a long header is no reason to see one column).
    first, _, rest = text.partition("\n")
    sample = "\n".join([first, *rest[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES - 1]])
    best, best_score, best_rows = ",", (-1, -1), []
    for delimiter in DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            rows = [f for f in reader if any(c.strip() for c in f)]
        except csv.Error as exc:
            raise CsvError(f"The file could not be read as CSV: {exc}.") from None
        if not rows or len(rows[0]) < 2:
            continue
        score = (sum(len(r) == len(rows[0]) for r in rows), len(rows[0]))
        if score > best_score:
            best, best_score, best_rows = delimiter, score, rows
    if best_score[1] < 2:
        raise CsvError("Only one column found. A CSV needs at least two columns (features "
                       "and a target) separated by commas, semicolons or tabs.")
    _check_one_separator(best, best_rows)
    return best


def _check_one_separator(delimiter: str, rows: list[list[str]]) -> None:
    """Refuse a column whose header and every sampled value hold another separator
    ("x,y;label" over "1,2;0"): read as it is, it would be one column of odd text."""
    if len(rows) < 2:
        return
    for other in DELIMITERS:
        if other == delimiter:
            continue
        for c, name in enumerate(rows[0]):
            if other in name and all(c < len(r) and other in r[c] for r in rows[1:]):
                shown = {"\t": "tab"}.get
                raise CsvError(
                    f"The file mixes separators: {shown(delimiter, repr(delimiter))} "
                    f"separates the columns, but column {name[:40]!r} also holds "
                    f"{shown(other, repr(other))} in every row. Use one separator "
                    "throughout.")


# --------------------------------------------------------------------------- rows


def _read_rows(text: str, delimiter: str, max_rows: int, max_cols: int):
    """Header, data rows and their line numbers; errors for shape problems.

    Returns (header (d,), rows: list of d-field lists, line numbers (first line of each
    row), number of blank lines skipped after the header).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    ragged: list[tuple[int, int]] = []
    blank = 0
    line = 1  # first line of the record being read (records may span lines)
    try:
        for fields in reader:
            start, line = line, reader.line_num + 1
            if not any(f.strip() for f in fields):
                blank += header is not None  # blank lines: skipped, counted after the header
                continue
            if header is None:
                header = [f.strip() for f in fields]
                _check_header(header, max_cols, delimiter)
                continue
            if len(fields) > len(header) and not any(f.strip() for f in fields[len(header):]):
                fields = fields[: len(header)]  # trailing separators ("1,2,") are harmless
            if len(fields) != len(header):
                ragged.append((start, len(fields)))
                continue
            if len(rows) >= max_rows:
                raise CsvError(f"Too many rows: more than {max_rows} data rows (the limit is "
                               f"{max_rows}). Upload a smaller sample.")
            rows.append(fields)
            lines.append(start)
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
        raise CsvError(f"The file could not be read as CSV near line {line}: {exc}.") from None
    if header is None:
        raise CsvError("The file is empty.")
    _check_ragged(ragged, len(header))
    if not rows:
        raise CsvError("The file has a header row but no data rows.")
    return header, rows, lines, blank


def _check_header(header: list[str], max_cols: int, delimiter: str) -> None:
    if len(header) < 2:
        raise CsvError("Only one column found. A CSV needs at least two columns (features "
                       "and a target) separated by commas, semicolons or tabs.")
    if len(header) > max_cols:
        raise CsvError(f"Too many columns: {len(header)} (the limit is {max_cols}).")
    named = [h for h in header if h]
    if named and all(_cell_kind(h, delimiter)[0] == "number" for h in named):
        shown = ", ".join(_show(h, 12) for h in named[:3])
        raise CsvError(f"No header row: the first line holds numbers ({shown}). Add a first "
                       "line with a name for each column.")
    _check_duplicates(header)


def _check_duplicates(header: list[str]) -> None:
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(header, start=1):
        if name:  # unnamed columns get unique names later
            seen.setdefault(name, []).append(i)
    dups = [(n, cols) for n, cols in seen.items() if len(cols) > 1]
    if dups:
        shown = "; ".join(f"{_show(n)} (columns {', '.join(map(str, c))})" for n, c in dups[:5])
        raise CsvError(f"Duplicate column names: {shown}. Give every column its own name.")


def _check_ragged(ragged: list[tuple[int, int]], n_cols: int) -> None:
    if not ragged:
        return
    shown = ", ".join(f"line {line} has {n}" for line, n in ragged[:_SHOW_LINES])
    more = f" … ({len(ragged)} rows in all)" if len(ragged) > _SHOW_LINES else ""
    raise CsvError(f"Rows with the wrong number of fields (the header has {n_cols}): "
                   f"{shown}{more}.")


# --------------------------------------------------------------------------- cells


def _cell_kind(cell: str, delimiter: str) -> tuple[str, float]:
    """("number", value), ("inf", ±inf), ("missing", nan) or ("text", nan) for a stripped cell."""
    low = cell.lower()
    if low in MISSING_TOKENS:
        return "missing", np.nan
    if low in _INF_TOKENS:
        return "inf", float(low.replace("inity", ""))
    if delimiter != "," and _DECIMAL_COMMA.fullmatch(cell):
        cell = cell.replace(",", ".")
    if _NUMBER.fullmatch(cell):
        value = float(cell)
        # "1e999" overflows to inf: as unusable as a literal "inf".
        return ("number", value) if np.isfinite(value) else ("inf", value)
    return "text", np.nan


def _classify_cells(rows: list[list[str]], n_cols: int, delimiter: str):
    """Stripped texts per column, values (n, d), kinds as masks, inf counts per column."""
    n = len(rows)
    values = np.full((n, n_cols), np.nan)
    missing = np.zeros((n, n_cols), dtype=bool)
    is_number = np.zeros((n, n_cols), dtype=bool)
    inf_count = [0] * n_cols
    used_decimal_comma = False
    cells = [[""] * n for _ in range(n_cols)]
    for r, fields in enumerate(rows):
        for c, raw_cell in enumerate(fields):
            cell = raw_cell.strip()
            cells[c][r] = cell
            kind, value = _cell_kind(cell, delimiter)
            if kind == "number":
                values[r, c] = value
                is_number[r, c] = True
                used_decimal_comma |= "," in cell
            elif kind == "missing":
                missing[r, c] = True
            elif kind == "inf":
                inf_count[c] += 1
    return cells, values, missing, is_number, inf_count, used_decimal_comma


def _check_inf(header: list[str], inf_count: list[int]) -> None:
    bad = [(name, k) for name, k in zip(header, inf_count, strict=True) if k]
    if bad:
        shown = "; ".join(f"column {_show(name)} in {k} row{'s' * (k != 1)}" for name, k in bad)
        raise CsvError(f"Infinite (or too large) values: {shown}. Replace them with finite "
                       "numbers or leave the cells empty.")


def _drop_empty_unnamed(header: list[str], missing: np.ndarray):
    """Remove columns with no name and no values (from trailing separators); name the rest."""
    keep = [c for c, name in enumerate(header) if name or not missing[:, c].all()]
    notes = []
    if len(keep) < len(header):
        notes.append(f"Ignored {len(header) - len(keep)} empty column(s) without a name.")
    names = []
    for c in keep:
        name = header[c] or f"column {c + 1}"
        if not header[c]:
            notes.append(f"Column {c + 1} has no name; calling it {name!r}.")
        names.append(name)
    return keep, names, notes


# --------------------------------------------------------------------------- parse_csv


def parse_csv(
    raw: bytes,
    *,
    max_bytes: int = LIMITS["max_bytes"],
    max_rows: int = LIMITS["max_rows"],
    max_cols: int = LIMITS["max_cols"],
) -> Table:
    """Read uploaded CSV bytes into a ``Table``; raises only ``CsvError``, for any input.

    The first non-blank line is the header. The delimiter (, ; or tab) is detected.
    Blank lines are skipped. Missing or non-numeric cells are recorded, not refused.
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise CsvError(f"Expected the file's bytes, got {type(raw).__name__}.")
    size = raw.nbytes if isinstance(raw, memoryview) else len(raw)
    if size > max_bytes:  # before copying or decoding anything
        raise CsvError(f"The file is too large: {size:,} bytes (the limit is "
                       f"{max_bytes:,} bytes).")
    raw = bytes(raw)
    if not raw.strip():
        raise CsvError("The file is empty.")
    text = _decode(raw)
    delimiter = _sniff_delimiter(text)
    header, rows, lines, blank = _read_rows(text, delimiter, max_rows, max_cols)
    cells, values, missing, is_number, inf_count, comma = _classify_cells(
        rows, len(header), delimiter)
    keep, names, notes = _drop_empty_unnamed(header, missing)
    if len(keep) < 2:  # e.g. "a;" lines: the second, unnamed column was empty throughout
        raise CsvError("Only one column with data found. A CSV needs at least two columns "
                       "(features and a target) separated by commas, semicolons or tabs.")
    _check_duplicates(names)  # a generated "column 3" could clash with a real header
    _check_inf(names, [inf_count[c] for c in keep])
    values, missing, is_number = values[:, keep], missing[:, keep], is_number[:, keep]
    numeric = tuple(bool(is_number[:, c].sum() > (~is_number[:, c] & ~missing[:, c]).sum())
                    for c in range(len(keep)))
    if not any(numeric):
        raise CsvError("No numeric columns: the network needs numbers as inputs, and no "
                       "column here is mostly numbers.")
    if blank:
        notes.append(f"Skipped {blank} blank line(s).")
    if comma:
        notes.append("Read decimal commas (1,5) as decimal points (1.5).")
    return Table(
        columns=tuple(names),
        values=_readonly(values),
        cells=tuple(tuple(cells[c]) for c in keep),
        missing=_readonly(missing),
        is_number=_readonly(is_number),
        numeric=numeric,
        line_numbers=_readonly(np.array(lines, dtype=np.int64)),
        delimiter=delimiter,
        notes=(f"Separator: {_DELIMITER_NAMES[delimiter]}.", *notes),
    )


# --------------------------------------------------------------------------- CustomData


@dataclass(frozen=True, eq=False)
class CustomData:
    """Uploaded data ready for a network: n rows, d numeric features.

    X             (n, d) float64, raw feature values (standardised later by to_dataset).
    labels        (n,) int64 class indices 0..k-1 for classification, else None.
    targets       (n,) float64 in [-1, 1] for regression, else None.
    feature_names (d,) column names of X.
    target        the target column's name.
    task          "binary" (2 classes), "multiclass" (3..10) or "regression".
    class_names   (k,) label text of class 0..k-1 (sorted order); () for regression.
    target_range  (min, max) of the original regression target, else None: targets t map
                  back to original units as min + (t + 1) / 2 · (max - min).
    n_dropped     rows dropped for missing or non-numeric values.
    notes         what was done to the data, for the user.
    """

    X: np.ndarray
    labels: np.ndarray | None
    targets: np.ndarray | None
    feature_names: tuple[str, ...]
    target: str
    task: str
    class_names: tuple[str, ...]
    target_range: tuple[float, float] | None
    n_dropped: int
    notes: tuple[str, ...]

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def to_original_units(self, t: np.ndarray) -> np.ndarray:
        """Scaled regression values (any shape) -> the target column's units."""
        if self.target_range is None:
            raise ValueError("only regression data has a target scale")
        lo, hi = self.target_range
        return lo + (np.asarray(t, dtype=np.float64) + 1.0) / 2.0 * (hi - lo)


def _usable(table: Table, target: str) -> tuple[list[int], list[str]]:
    """Feature column indices (numeric, not the target) and notes on skipped columns."""
    t = table.column_index(target)
    features, notes = [], []
    for c, name in enumerate(table.columns):
        if c == t:
            continue
        if table.numeric[c]:
            features.append(c)
        else:
            notes.append(f"Ignored column {_show(name)}: it is not numeric.")
    if not features:
        raise CsvError(f"No numeric feature columns besides the target {_show(target)}.")
    return features, notes


def _row_ok(table: Table, t: int, features: list[int], task: str) -> np.ndarray:
    """(n,) bool: every feature is a number and the target is usable for ``task``."""
    ok = table.is_number[:, features].all(axis=1)
    if task == "regression" or table.numeric[t]:
        return ok & table.is_number[:, t]  # numeric target: text in it is a typo, not a class
    return ok & ~table.missing[:, t]


def _check_target(table: Table, target: str, task: str) -> int:
    if task not in TASKS:
        raise CsvError(f"Unknown task {task!r}; choose 'classification' or 'regression'.")
    if target not in table.columns:
        raise CsvError(f"Unknown target column {_show(target)}; the columns are "
                       f"{', '.join(_show(c) for c in table.columns)}.")
    t = table.column_index(target)
    if task == "regression" and not table.numeric[t]:
        raise CsvError(f"The target {_show(target)} is not numeric, so it cannot be a "
                       "regression target. Choose classification for text labels.")
    return t


def bad_row_count(table: Table, target: str, task: str) -> int:
    """How many rows ``to_custom_data`` would have to drop for this target and task."""
    t = _check_target(table, target, task)
    features, _ = _usable(table, target)
    return int(np.count_nonzero(~_row_ok(table, t, features, task)))


def _class_labels(table: Table, t: int, rows: np.ndarray, target: str):
    """Class index per kept row (n,) int64 and the sorted class names (k,)."""
    if table.numeric[t]:
        values = table.values[rows, t]
        classes, labels = np.unique(values, return_inverse=True)
        names = tuple(str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))
                      for v in classes)
    else:
        texts = [table.cells[t][r] for r in np.flatnonzero(rows)]
        names = tuple(sorted(set(texts)))
        index = {name: i for i, name in enumerate(names)}
        labels = np.array([index[s] for s in texts], dtype=np.int64)
    k = len(names)
    if k < LIMITS["min_classes"]:
        raise CsvError(f"The target {_show(target)} has a single class ({_show(names[0])}); "
                       "classification needs 2 to 10 classes.")
    if k > LIMITS["max_classes"]:
        hint = " Choose regression for a numeric target." if table.numeric[t] else ""
        raise CsvError(f"The target {_show(target)} has {k} distinct values: more than 10 "
                       f"classes.{hint}")
    return np.asarray(labels, dtype=np.int64).reshape(-1), names


def _scaled_targets(values: np.ndarray, target: str):
    """Regression target (n,) -> values in [-1, 1] by min/max, and the (min, max) used."""
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        raise CsvError(f"The target {_show(target)} is constant ({lo:g}); regression needs "
                       "values that vary.")
    span = hi - lo
    if np.isfinite(span):
        unit = (values - lo) / span  # in [0, 1]; dividing first keeps 2 · (...) from overflowing
    else:  # e.g. -1e308 .. 1e308: work in halves
        unit = (values / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0)
    scaled = 2.0 * unit - 1.0
    # Rounding can leave 1.0000000000000002; the engine documents targets within [-1, 1].
    return np.clip(scaled, -1.0, 1.0), (lo, hi)


def to_custom_data(table: Table, target: str, task: str, *, drop_bad_rows: bool) -> CustomData:
    """Choose ``target`` and ``task`` ("classification" or "regression") for ``table``.

    Features are every other numeric column (non-numeric ones are ignored with a note).
    Rows with a missing or non-numeric value in a used column need ``drop_bad_rows=True``;
    otherwise ``BadRowsError`` (a ``CsvError``) says how many there are.
    """
    t = _check_target(table, target, task)
    features, skipped = _usable(table, target)
    notes = [*table.notes, *skipped]  # one list for the UI: how the file was read, then used
    rows = _row_ok(table, t, features, task)
    n_bad = int(np.count_nonzero(~rows))
    if n_bad and not drop_bad_rows:
        where = _lines(table.line_numbers[~rows])
        rows_have = "1 row has" if n_bad == 1 else f"{n_bad} rows have"
        raise BadRowsError(f"{rows_have} missing or non-numeric values (line {where}); "
                           "drop them?", n_bad)
    n = int(np.count_nonzero(rows))
    if n < LIMITS["min_rows"]:
        raise CsvError(f"Only {n} usable row{'s' * (n != 1)}; at least {LIMITS['min_rows']} "
                       "are needed.")
    if n_bad:
        notes.append(f"Dropped {n_bad} row(s) with missing or non-numeric values.")
    X = table.values[np.ix_(rows, features)]
    labels = targets = target_range = None
    class_names: tuple[str, ...] = ()
    if task == "classification":
        labels, class_names = _class_labels(table, t, rows, target)
        kind = "binary" if len(class_names) == 2 else "multiclass"
    else:
        targets, target_range = _scaled_targets(table.values[rows, t], target)
        kind = "regression"
        notes.append(f"Target scaled from [{target_range[0]:g}, {target_range[1]:g}] to "
                     "[-1, 1].")
    notes.append("Features are standardised (z-scores) with the training split's mean and "
                 "standard deviation.")
    return CustomData(
        X=_readonly(X.astype(np.float64)),
        labels=None if labels is None else _readonly(labels),
        targets=None if targets is None else _readonly(targets),
        feature_names=tuple(table.columns[c] for c in features),
        target=target,
        task=kind,
        class_names=class_names,
        target_range=target_range,
        n_dropped=n_bad,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- Dataset


def _targets_matrix(custom: CustomData) -> np.ndarray:
    """Engine target format: binary (n, 1) 0/1, multi-class one-hot (n, k), regression (n, 1)."""
    if custom.task == "regression":
        return custom.targets.reshape(-1, 1)
    if custom.task == "binary":
        return custom.labels.astype(np.float64).reshape(-1, 1)
    return np.eye(custom.n_classes)[custom.labels]


MAX_Z = 1e6  # standardised values are clipped to ±MAX_Z (see standardize)


def standardize(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-scores (n_train, d) and (n_test, d) using the training mean and std per column.

    Only training statistics are used so the test set stays unseen. Each column is first
    divided by its largest training magnitude, which leaves z-scores unchanged but keeps
    sums of values near 1e308 from overflowing. A constant column (std 0) becomes zeros.
    A test value millions of training stds away would overflow to inf, which the trainer
    refuses, so z-scores are clipped to ±MAX_Z.
    """
    scale = np.abs(X_train).max(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    train = X_train / scale  # within [-1, 1]
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    with np.errstate(over="ignore"):  # test values may overflow to ±inf: clipped just below
        z_train, z_test = (train - mean) / std, (X_test / scale - mean) / std
    return np.clip(z_train, -MAX_Z, MAX_Z), np.clip(z_test, -MAX_Z, MAX_Z)


def input_scaling(X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(center, spread) per column such that ``standardize`` computes (x − center) / spread
    (before its ±MAX_Z clip): what a user of exported weights must apply to raw inputs."""
    scale = np.abs(X_train).max(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    train = X_train / scale
    std = train.std(axis=0)
    return train.mean(axis=0) * scale, np.where(std > 0, std, 1.0) * scale


def to_dataset(custom: CustomData, train_fraction: float = 0.5, seed: int = 0) -> Dataset:
    return to_dataset_and_scaling(custom, train_fraction, seed)[0]


def to_dataset_and_scaling(custom: CustomData, train_fraction: float = 0.5,
                           seed: int = 0) -> tuple[Dataset, np.ndarray, np.ndarray]:
    """Seeded shuffle, split (first round(train_fraction · n) rows train) and standardise.

    Returns ``Dataset(name="custom", ...)`` with X_* (n_part, d) and Y_* in the engine's
    target format; n_classes is 2, k or 0 (regression).
    """
    n = custom.n_rows
    try:
        fraction = float(train_fraction)
    except (TypeError, ValueError):
        raise CsvError(f"train_fraction must be a number, got {train_fraction!r}") from None
    n_train = round(fraction * n) if 0.0 < fraction < 1.0 else 0
    if not 1 <= n_train <= n - 1:
        raise CsvError(f"A training fraction of {train_fraction!r} leaves no training or no "
                       f"test rows out of {n}.")
    order = np.random.default_rng(seed).permutation(n)
    X, Y = custom.X[order], _targets_matrix(custom)[order]
    X_train, X_test = standardize(X[:n_train], X[n_train:])
    center, spread = input_scaling(X[:n_train])
    return Dataset(
        name="custom",
        task=custom.task,
        X_train=X_train,
        Y_train=Y[:n_train],
        X_test=X_test,
        Y_test=Y[n_train:],
        n_classes={"binary": 2, "multiclass": custom.n_classes}.get(custom.task, 0),
    ), center, spread
