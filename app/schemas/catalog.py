"""What can be trained (the data sets and the activation functions), and the health check."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DatasetInfo(BaseModel):
    """A data set, with the names the page labels its plots with."""

    name: str = Field(description="The name to use as `dataset` in a session's config.")
    description: str = Field(description="One line on what the data set is.")
    task: Literal["classification", "regression"] = Field(
        description="`classification` (a class per sample) or `regression` (a number per "
        "sample, the target scaled to [0, 1]; no classes, no classification error)."
    )
    plane: bool = Field(
        description="A built-in 2-D set: the samples are points of the plane, and a session "
        "on it takes `features` and `noise`."
    )
    feature_names: list[str] = Field(
        description="Input features, in the order of `x` and of a first layer's weight columns "
        "(the bias column comes last)."
    )
    class_names: list[str] = Field(description="Class names, by class index (none: regression).")
    output_names: list[str] = Field(
        description="Output units, in the order of `target`, `output`, `error` and of the last "
        "layer's weight rows."
    )
    input_count: int = Field(description="Number of input features.")
    output_count: int = Field(description="Number of output units.")
    train_size: int = Field(description="Samples in the training set.")
    validation_size: int = Field(description="Samples in the validation set.")
    test_size: int = Field(description="Samples in the test set.")


class ActivationInfo(BaseModel):
    """An activation function ``f`` (its derivative ``f'`` scales the error into the delta)."""

    name: str = Field(description="The name to use as `activation` in a session's config.")
    description: str = Field(description="The formula and the range of `f`.")
    max_slope: float = Field(
        description="The largest value `f'(net)` takes: the most a delta can be scaled by."
    )


class Health(BaseModel):
    """The server answers."""

    status: str = Field(description="`ok`.")


class SampleSetData(BaseModel):
    """The samples of one part of a data set."""

    x: list[list[float]] = Field(
        description="Each sample's input features as the net sees them (scaled to [0, 1]); "
        "shape (samples, features), in the order of the data set's `feature_names`."
    )
    label: list[int] = Field(
        description="Each sample's class, an index into the data set's `class_names` (0 for "
        "a regression set)."
    )
    target: list[list[float]] = Field(
        description="Each sample's target, as the net is trained towards it: one-hot (one "
        "unit of 0 or 1 for two classes), or a regression set's value scaled to [0, 1]."
    )
    plane: list[list[float]] | None = Field(
        description="A built-in 2-D set's points (x1, x2) in the plane scaled to [0, 1], where "
        "the decision regions are drawn (with engineered features, `x` is other numbers); "
        "null for other sets."
    )


class DatasetSamples(BaseModel):
    """A data set's samples: those training draws from, and those it is evaluated on."""

    train: SampleSetData = Field(description="The training set (a step's `sample.index`).")
    validation: SampleSetData = Field(description="The validation set.")
    test: SampleSetData = Field(description="The test set.")
