"""``/api/datasets``: what a session can train on, its samples, and uploading one's own."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from fastapi.exceptions import RequestValidationError

from app.convert import dataset_info, samples
from app.deps import SettingsDep, StoreDep
from app.schemas import DatasetInfo, DatasetSamples, ErrorResponse, ValidationErrorResponse
from core import Dataset, dataset_names, load_dataset
from core.csv_data import CsvError, is_upload_name, read_csv
from core.datasets import Task
from core.features import FEATURES, MAX_NOISE, RAW_FEATURES

router = APIRouter(prefix="/api", tags=["catalog"])

DatasetName = Annotated[
    str,
    Path(
        description="The data set's `name` (see `GET /api/datasets`, or an uploaded set's "
        "from `POST /api/datasets`)."
    ),
]
CSV_TYPE = "text/csv"
INLINE_CSV_SIZE = 16 * 1024  # bytes; larger uploads are read in a worker thread
UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The CSV text, UTF-8: a header row naming the columns, then one row "
        "per sample, numbers in every feature column.",
        "content": {CSV_TYPE: {"schema": {"type": "string"}}},
    }
}


@router.get("/datasets")
async def read_datasets() -> list[DatasetInfo]:
    """The built-in data sets, with their feature, class and output names and the sizes of
    their training, validation and test sets (uploaded sets are not listed)."""
    return [dataset_info(load_dataset(name)) for name in dataset_names()]


@router.post(
    "/datasets",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_DOC,
    responses={
        413: {"model": ErrorResponse, "description": "The body is over the size limit."},
        415: {"model": ErrorResponse, "description": "The body is not `text/csv`."},
        422: {
            "model": ValidationErrorResponse,
            "description": "Not a data set: the message names the row and the column.",
        },
        503: {"model": ErrorResponse, "description": "Every upload slot is used by sessions."},
    },
)
async def create_dataset(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    label: Annotated[
        str | None,
        Query(max_length=200, description="The label column's name (default: the last column)."),
    ] = None,
    task: Annotated[
        Literal["classification", "regression"],
        Query(
            description="`classification`: the label's values are classes, in the order they "
            "first appear (numbers too); `regression`: they are numbers to fit."
        ),
    ] = "classification",
) -> DatasetInfo:
    """Uploads a data set of one's own, prepared as iris is: features min-max scaled to [0, 1]
    (a constant one is 0), classes one-hot in their order of first appearance, the split
    within each class (the class's i-th row, from 0, to validation when i mod 4 = 1, to test
    when i mod 4 = 3, else to training); for regression the target scaled to [0, 1] and the
    split by row order. Its `name`, derived from the content (the same file gives the same
    name), works wherever a built-in set's does; it stays while a session uses it."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != CSV_TYPE:
        shown = content_type[:40] or "none"
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"Content-Type {shown!r}: send the data set as {CSV_TYPE}",
        )
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        row = body[: e.start].count(b"\n") + 1
        raise CsvError(row, None, f"not UTF-8 text (byte {e.start + 1})") from None
    args = (text, label, Task(task), settings.csv_limits())
    if len(body) <= INLINE_CSV_SIZE:
        dataset = read_csv(*args)
    else:
        dataset = await to_thread.run_sync(read_csv, *args)
    return dataset_info(await store.put_dataset(dataset))


@router.get(
    "/datasets/{name}",
    responses={
        404: {"model": ErrorResponse, "description": "No data set has this name."},
        422: {"model": ValidationErrorResponse, "description": "An invalid value."},
    },
)
async def read_dataset(name: DatasetName, store: StoreDep) -> DatasetInfo:
    """One data set's descriptor, built-in or uploaded (as `GET /api/datasets` lists the
    built-in ones and `POST /api/datasets` answers for an upload)."""
    if is_upload_name(name):
        return dataset_info(await store.get_dataset(name))
    try:
        return dataset_info(load_dataset(name))
    except ValueError as e:  # names the known data sets
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(e)) from None


@router.get(
    "/datasets/{name}/samples",
    responses={
        404: {"model": ErrorResponse, "description": "No data set has this name."},
        422: {"model": ValidationErrorResponse, "description": "An invalid value."},
    },
)
async def read_samples(
    name: DatasetName,
    store: StoreDep,
    features: Annotated[
        list[Literal[FEATURES]] | None,  # type: ignore[valid-type]
        Query(
            description="A built-in 2-D set's inputs, as a session's `features` (default: x1, x2)."
        ),
    ] = None,
    noise: Annotated[
        float,
        Query(ge=0, le=MAX_NOISE, allow_inf_nan=False, description="A 2-D set's noise."),
    ] = 0.0,
) -> DatasetSamples:
    """The data set's samples, training, validation and test, as the net sees them."""
    chosen = tuple(features) if features else RAW_FEATURES
    if is_upload_name(name):
        dataset: Dataset = await store.get_dataset(name)
        if chosen != RAW_FEATURES or noise:
            raise _invalid_query(
                chosen, noise, "only the built-in 2-D sets take features and noise"
            )
        return samples(dataset)
    try:
        built_in = load_dataset(name)
    except ValueError as e:  # names the known data sets
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(e)) from None
    try:
        return _built_in_samples(built_in.name, chosen, noise)
    except ValueError as e:  # says why the features or the noise do not fit
        raise _invalid_query(chosen, noise, str(e)) from None


def _invalid_query(features: tuple[str, ...], noise: float, reason: str) -> RequestValidationError:
    field, value = ("features", list(features)) if features != RAW_FEATURES else ("noise", noise)
    return RequestValidationError(
        [{"loc": ("query", field), "msg": reason, "type": "value_error", "input": value}]
    )


@functools.lru_cache(maxsize=64)  # a few fixed sets and variants (unknown names raise: not cached)
def _built_in_samples(name: str, features: tuple[str, ...], noise: float) -> DatasetSamples:
    return samples(load_dataset(name, features, noise))
