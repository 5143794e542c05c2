"""``/api/datasets``: what a session can train on, and its samples."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status

from app.convert import dataset_info
from app.schemas import (
    DatasetInfo,
    DatasetSamples,
    ErrorResponse,
    SampleSetData,
    ValidationErrorResponse,
)
from core import SampleSet, dataset_names, load_dataset

router = APIRouter(prefix="/api", tags=["catalog"])

DatasetName = Annotated[str, Path(description="The data set's `name` (see `GET /api/datasets`).")]


@router.get("/datasets")
async def read_datasets() -> list[DatasetInfo]:
    """The data sets, with their feature, class and output names and the sizes of their
    training, validation and test sets."""
    return [dataset_info(load_dataset(name)) for name in dataset_names()]


@router.get(
    "/datasets/{name}/samples",
    responses={
        404: {"model": ErrorResponse, "description": "No data set has this name."},
        422: {"model": ValidationErrorResponse, "description": "An invalid value."},
    },
)
async def read_samples(name: DatasetName) -> DatasetSamples:
    """The data set's samples, training, validation and test, as the net sees them."""
    try:
        return _samples(name)
    except ValueError as e:  # names the known data sets
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(e)) from None


@functools.lru_cache(maxsize=16)  # a few fixed data sets (unknown names raise: not cached)
def _samples(name: str) -> DatasetSamples:
    dataset = load_dataset(name)

    def part(samples: SampleSet) -> SampleSetData:
        return SampleSetData(x=samples.x.tolist(), label=samples.label.tolist())

    return DatasetSamples(
        train=part(dataset.train), validation=part(dataset.validation), test=part(dataset.test)
    )
