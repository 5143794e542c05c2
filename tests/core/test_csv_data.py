"""Uploaded sets: a CSV read into a data set as iris is prepared, and every bad file refused
with the row and column of its problem."""

from __future__ import annotations

import numpy as np
import pytest

from core.csv_data import CsvError, CsvLimits, dataset_name, is_upload_name, read_csv
from core.datasets import Task

# two classes in the order they first appear (b, then a); the rows' classes' ranks decide the split
SMALL = "x,y,label\n0,10,b\n2,10,a\n4,20,b\n1,30,a\n3,40,b\n5,50,a\n8,50,b\n6,60,a\n7,20,b\n"


def test_a_small_file_is_scaled_and_split_as_worked_by_hand() -> None:
    dataset = read_csv(SMALL)
    assert dataset.feature_names == ("x", "y")
    assert dataset.class_names == ("b", "a")  # first appearance
    assert dataset.output_names == ("a",)  # two classes: one unit, 1 for the second class
    # x / 8 and (y - 10) / 50; class b is rows 0, 2, 4, 6, 8 (ranks 0-4), class a rows 1, 3, 5, 7
    # rank mod 4: 1 -> validation, 3 -> test, else training
    np.testing.assert_array_equal(
        dataset.train.x, [[0, 0], [0.25, 0], [0.375, 0.6], [0.625, 0.8], [0.875, 0.2]]
    )
    np.testing.assert_array_equal(dataset.train.label, [0, 1, 0, 1, 0])
    np.testing.assert_array_equal(dataset.train.target, [[0], [1], [0], [1], [0]])
    np.testing.assert_array_equal(dataset.validation.x, [[0.5, 0.2], [0.125, 0.4]])
    np.testing.assert_array_equal(dataset.validation.label, [0, 1])
    np.testing.assert_array_equal(dataset.test.x, [[1.0, 0.8], [0.75, 1.0]])
    np.testing.assert_array_equal(dataset.test.label, [0, 1])
    assert dataset.task is Task.CLASSIFICATION
    assert dataset.features is None  # not a plane set: no engineered features


def test_more_than_two_classes_are_one_hot_and_the_label_may_be_any_column() -> None:
    text = "kind,u\n" + "".join(f"{k},{i}\n" for i, k in enumerate("pqrpqrpqrpqr"))
    dataset = read_csv(text, label="kind")
    assert dataset.feature_names == ("u",)
    assert dataset.class_names == dataset.output_names == ("p", "q", "r")
    for part in dataset.parts().values():
        np.testing.assert_array_equal(part.target, np.eye(3)[part.label])
    np.testing.assert_array_equal(dataset.train.x[:, 0], np.array([0, 1, 2, 6, 7, 8]) / 11)


def test_regression_scales_the_target_and_splits_in_file_order() -> None:
    text = "a,value\n" + "".join(f"{i},{2 * i + 1}\n" for i in range(8))  # values 1..15
    dataset = read_csv(text, task=Task.REGRESSION)
    assert dataset.task is Task.REGRESSION
    assert dataset.class_names == ()
    assert dataset.output_names == ("value",)
    np.testing.assert_array_equal(dataset.train.x[:, 0], np.array([0, 2, 4, 6]) / 7)
    np.testing.assert_array_equal(dataset.train.target[:, 0], np.array([0, 4, 8, 12]) / 14)
    np.testing.assert_array_equal(dataset.validation.target[:, 0], np.array([2, 10]) / 14)
    np.testing.assert_array_equal(dataset.test.target[:, 0], np.array([6, 14]) / 14)
    np.testing.assert_array_equal(dataset.train.label, 0)


def test_a_constant_feature_is_zero_everywhere() -> None:
    dataset = read_csv("c,x,k\n5,1,a\n5,2,b\n5,3,a\n5,4,b\n5,5,a\n5,6,b\n5,7,a\n5,8,b\n")
    for part in dataset.parts().values():
        np.testing.assert_array_equal(part.x[:, 0], 0.0)


def test_the_name_comes_from_the_content() -> None:
    name = read_csv(SMALL).name
    assert is_upload_name(name)
    assert read_csv(SMALL).name == name == read_csv(SMALL, label="label").name
    assert read_csv(SMALL.replace("8,50", "8,51")).name != name
    numeric = "a,t\n" + "".join(f"{i},{i % 3}\n" for i in range(12))
    assert read_csv(numeric).name != read_csv(numeric, task=Task.REGRESSION).name
    assert dataset_name(SMALL, "label", Task.CLASSIFICATION) == name
    assert read_csv(SMALL).source is not None


def test_crlf_lines_a_bom_and_blank_lines_are_read() -> None:
    text = "\ufeff" + SMALL.replace("\n", "\r\n").replace("4,20,b\r\n", "4,20,b\r\n\r\n")
    dataset = read_csv(text)
    np.testing.assert_array_equal(dataset.train.x, read_csv(SMALL).train.x)


ROWS = "1,2,x\n3,4,y\n5,6,x\n7,8,y\n"
BAD = [
    ("a,b,k\n1,2,x\n3,,y\n5,6,x\n7,8,y\n", 3, "2 ('b')", "missing value"),
    ("a,b,k\n1,2,x\n3,4,y\n5,six,x\n7,8,y\n", 4, "2 ('b')", "'six' is not a number"),
    ("a,b,k\n1,2,x\n3,4,y\n5,6,x\nnan,8,y\n", 5, "1 ('a')", "not a finite number"),
    ("a,b,k\n1,2,x\n3,-inf,y\n5,6,x\n7,8,y\n", 3, "2 ('b')", "not a finite number"),
    ("a,b,k\n1,2,x\n3,1e999,y\n5,6,x\n7,8,y\n", 3, "2 ('b')", "not a finite number"),
    ("a,a,k\n" + ROWS, 1, "2 ('a')", "the name is column 1's already"),
    ("a,,k\n" + ROWS, 1, "2", "the header names no column here"),
    ("a,b,k\n1,2,x\n3,4\n5,6,x\n7,8,y\n", 3, "3 ('k')", "2 cells, the header names 3"),
    ("a,b,k\n1,2,x\n3,4,y,9\n5,6,x\n7,8,y\n", 3, "4", "4 cells, the header names 3"),
    ("a,b,k\n1,2,x\n3,4,\n5,6,x\n7,8,y\n", 3, "3 ('k')", "missing value (the label)"),
]


@pytest.mark.parametrize(("text", "row", "column", "reason"), BAD)
def test_a_bad_cell_or_header_is_named_by_row_and_column(
    text: str, row: int, column: str, reason: str
) -> None:
    with pytest.raises(CsvError) as caught:
        read_csv(text)
    assert (caught.value.row, caught.value.column) == (row, column)
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"row {row}, column {column}: ")


def test_a_constant_label_names_its_column_and_rows() -> None:
    with pytest.raises(CsvError, match=r"column 3 \('k'\): rows 2 to 5: every label is 'x'"):
        read_csv("a,b,k\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n")
    with pytest.raises(CsvError, match=r"column 3 \('k'\): rows 2 to 5: every value is 4"):
        read_csv("a,b,k\n1,2,4\n3,4,4\n5,6,4\n7,8,4\n", task=Task.REGRESSION)


def test_a_regression_target_must_be_numbers() -> None:
    with pytest.raises(CsvError, match=r"row 2, column 3 \('k'\): 'x' is not a number"):
        read_csv("a,b,k\n" + ROWS, task=Task.REGRESSION)


def test_limits_on_rows_features_and_classes() -> None:
    limits = CsvLimits(max_rows=5, max_features=2, max_classes=3)
    with pytest.raises(CsvError, match="row 7: more than 5 rows of data"):
        read_csv("a,k\n" + "".join(f"{i},{i % 2}\n" for i in range(9)), limits=limits)
    with pytest.raises(CsvError, match="3 rows of data; 4 to 5 allowed"):
        read_csv("a,k\n1,x\n2,y\n3,x\n", limits=limits)
    with pytest.raises(CsvError, match="row 1: 3 feature columns besides the label"):
        read_csv("a,b,c,k\n" + "1,2,3,x\n" * 4, limits=limits)
    with pytest.raises(CsvError, match="row 1: 0 feature columns"):
        read_csv("k\nx\ny\nx\ny\n")
    text = "a,k\n" + "".join(f"{i},{c}\n" for i, c in enumerate("pqrs"))
    with pytest.raises(CsvError, match=r"row 5, column 2 \('k'\): 's' is class 4; at most 3"):
        read_csv(text, limits=limits)
    with pytest.raises(CsvError, match="label='z': no such column"):
        read_csv(SMALL, label="z")


def test_a_class_too_small_for_a_test_set_is_refused() -> None:
    # classes of 2 rows each: ranks 0 and 1, no rank 3, so the test set would be empty
    with pytest.raises(CsvError, match="the test set would be empty"):
        read_csv("a,k\n1,x\n2,y\n3,x\n4,y\n")


def test_text_that_is_not_csv_is_refused() -> None:
    with pytest.raises(CsvError, match="NUL"):
        read_csv("a,k\n1,\0\n")
    with pytest.raises(CsvError, match="row 1: empty"):
        read_csv("")
    with pytest.raises(CsvError, match="row 3: not valid CSV"):
        read_csv('a,k\n1,x\n2,"y"z\n3,x\n4,y\n')
