"""A data set of one's own: a CSV text read into a ``Dataset``, prepared as iris is.

The first row names the columns; one of them is the label (the last, unless named), the others
are the features, numbers each. Rows are counted as a spreadsheet counts them: the header is row
1, so a row's number is its line in the file (lines with no cells at all are skipped). Every
problem is a ``CsvError`` naming the row and the column, found before anything is made, so a bad
file leaves nothing behind.

For classification the label's values are the classes, in the order they first appear; for
regression they must be numbers (a numeric label is a class name unless the task says
``regression``). The name is derived from the content (``csv-`` and 16 hex digits of a SHA-256
of the task, the label column and the text): the same file gives the same name everywhere.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass

import numpy as np

from core.datasets import Dataset, Task, classification_dataset, regression_dataset

NAME_PREFIX = "csv-"
NAME_PATTERN = re.compile(r"csv-[0-9a-f]{16}")


@dataclass(frozen=True)
class CsvLimits:
    """How large an uploaded set may be (the server's settings override these defaults)."""

    min_rows: int = 4
    max_rows: int = 10_000
    min_features: int = 1
    max_features: int = 64
    min_classes: int = 2
    max_classes: int = 20


@dataclass(frozen=True)
class CsvSource:
    """What an uploaded set is read from: the text, its label column's name and the task."""

    text: str
    label: str
    task: Task


class CsvError(ValueError):
    """A CSV text that cannot be a data set: ``row`` and ``column`` say where (either may be
    ``None`` when the problem is not in one row or one column), the message what is wrong."""

    def __init__(self, row: int | None, column: str | None, reason: str) -> None:
        where = ", ".join(
            part
            for part in (
                f"row {row}" if row is not None else "",
                f"column {column}" if column is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {reason}" if where else reason)
        self.row = row
        self.column = column
        self.reason = reason


def is_upload_name(name: str) -> bool:
    """Whether ``name`` has the form of an uploaded set's name."""
    return NAME_PATTERN.fullmatch(name) is not None


def dataset_name(text: str, label: str, task: Task) -> str:
    digest = hashlib.sha256(f"{task}\0{label}\0{text}".encode()).hexdigest()
    return NAME_PREFIX + digest[:16]


def _column(index: int, names: list[str]) -> str:
    """A column as a message names it: its number from 1, and its name if it has one."""
    name = names[index] if index < len(names) else ""
    return f"{index + 1} ({name!r})" if name else str(index + 1)


def read_csv(
    text: str,
    label: str | None = None,
    task: Task = Task.CLASSIFICATION,
    limits: CsvLimits | None = None,
) -> Dataset:
    """The data set in ``text``, its label the column called ``label`` (the last when
    ``None``); ``CsvError`` naming the row and column of the first problem."""
    limits = limits if limits is not None else CsvLimits()
    task = Task(task)
    if "\0" in text:
        raise CsvError(None, None, "not a text file (it holds a NUL character)")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if cells:
                rows.append((reader.line_num, cells))
            if len(rows) > limits.max_rows + 1:
                raise CsvError(reader.line_num, None, f"more than {limits.max_rows} rows of data")
    except csv.Error as e:
        raise CsvError(reader.line_num, None, f"not valid CSV: {e}") from None
    if not rows:
        raise CsvError(1, None, "empty: the first row must name the columns")
    header_row, header = rows[0]
    names = [name.strip() for name in header]
    for i, name in enumerate(names):
        if not name:
            raise CsvError(header_row, _column(i, names), "the header names no column here")
        if name in names[:i]:
            first = names.index(name)
            raise CsvError(
                header_row, _column(i, names), f"the name is column {first + 1}'s already"
            )
    if label is None:
        label_index = len(names) - 1
    elif label in names:
        label_index = names.index(label)
    else:
        raise CsvError(None, None, f"label={label!r}: no such column; the columns: {names}")
    feature_index = [i for i in range(len(names)) if i != label_index]
    if not limits.min_features <= len(feature_index) <= limits.max_features:
        raise CsvError(
            header_row,
            None,
            f"{len(feature_index)} feature columns besides the label; "
            f"{limits.min_features} to {limits.max_features} allowed",
        )
    data = rows[1:]
    if len(data) < limits.min_rows:
        raise CsvError(
            None, None, f"{len(data)} rows of data; {limits.min_rows} to {limits.max_rows} allowed"
        )
    x = np.empty((len(data), len(feature_index)))
    labels: list[str] = []
    for r, (row, cells) in enumerate(data):
        if len(cells) != len(names):
            missing = len(cells) < len(names)
            at = len(cells) if missing else len(names)
            reason = f"{len(cells)} cells, the header names {len(names)} columns" + (
                " (a cell is missing)" if missing else " (one too many)"
            )
            raise CsvError(row, _column(at, names), reason)
        try:  # the usual case at once; a bad cell is found again below, to name it
            x[r] = [float(cells[i]) for i in feature_index]
        except ValueError:
            x[r] = [_number(cells[i], row, _column(i, names)) for i in feature_index]
        value = cells[label_index].strip()
        if not value:
            raise CsvError(row, _column(label_index, names), "missing value (the label)")
        labels.append(value)
    if not np.isfinite(x).all():  # "nan", "inf", "1e999": the first one named
        r, j = np.argwhere(~np.isfinite(x))[0]
        i = feature_index[j]
        _number(data[r][1][i], data[r][0], _column(i, names))
    for j, i in enumerate(feature_index):
        if not np.isfinite(x[:, j].max() - x[:, j].min()):  # its scaling would overflow
            raise CsvError(None, _column(i, names), "the values span more than a float holds")
    label_name = names[label_index]
    label_column = _column(label_index, names)
    source = CsvSource(text, label_name, task)
    name = dataset_name(text, label_name, task)
    feature_names = tuple(names[i] for i in feature_index)
    first_row, last_row = data[0][0], data[-1][0]
    if task is Task.REGRESSION:
        value_array = np.array(
            [_number(v, row, label_column) for v, (row, _) in zip(labels, data, strict=True)]
        )
        if not np.isfinite(value_array.max() - value_array.min()):
            raise CsvError(None, label_column, "the values span more than a float holds")
        if value_array.min() == value_array.max():
            raise CsvError(
                None,
                label_column,
                f"rows {first_row} to {last_row}: every value is {labels[0]}; "
                "a regression target must vary",
            )
        description = (
            f"your data: regression of {label_name!r} on {len(feature_names)} features, "
            f"{len(data)} rows"
        )
        dataset = regression_dataset(
            name, description, x, value_array, feature_names, label_name, source=source
        )
    else:
        class_names = tuple(dict.fromkeys(labels))  # in order of first appearance
        if len(class_names) > limits.max_classes:
            index = {c: k for k, c in enumerate(class_names)}
            r = next(r for r, v in enumerate(labels) if index[v] == limits.max_classes)
            raise CsvError(
                data[r][0],
                label_column,
                f"{labels[r]!r} is class {limits.max_classes + 1}; at most {limits.max_classes} "
                "classes (for a numeric target, upload with task=regression)",
            )
        if len(class_names) < limits.min_classes:
            raise CsvError(
                None,
                label_column,
                f"rows {first_row} to {last_row}: every label is {labels[0]!r}; "
                f"at least {limits.min_classes} classes",
            )
        label_array = np.array([class_names.index(v) for v in labels], dtype=np.int64)
        outputs = class_names if len(class_names) > 2 else (class_names[1],)
        description = (
            f"your data: {len(feature_names)} features, {len(class_names)} classes of "
            f"{label_name!r}, {len(data)} rows"
        )
        dataset = classification_dataset(
            name, description, x, label_array, feature_names, class_names, outputs, source=source
        )
    for part, samples in dataset.parts().items():
        if samples.size == 0:
            raise CsvError(
                None,
                label_column,
                f"the {part} set would be empty: within each class, rows 2, 6, 10... of the "
                "class go to validation and rows 4, 8, 12... to test; give a class more rows",
            )
    return dataset


def _number(cell: str, row: int, column: str) -> float:
    """A cell as a number (as Python's ``float`` reads it), or ``CsvError`` saying why not."""
    text = cell.strip()
    if not text:
        raise CsvError(row, column, "missing value")
    try:
        value = float(text)
    except ValueError:
        raise CsvError(row, column, f"{_shown(text)} is not a number") from None
    if not math.isfinite(value):
        raise CsvError(row, column, f"{_shown(text)} is not a finite number")
    return value


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:39] + "…")
