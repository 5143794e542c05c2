"""``/api/datasets``: what a session can train on."""

from __future__ import annotations

from fastapi import APIRouter

from app.convert import dataset_info
from app.schemas import DatasetInfo
from core import dataset_names, load_dataset

router = APIRouter(prefix="/api", tags=["catalog"])


@router.get("/datasets")
async def read_datasets() -> list[DatasetInfo]:
    """The data sets, with their feature, class and output names and the sizes of their
    training, validation and test sets."""
    return [dataset_info(load_dataset(name)) for name in dataset_names()]
