"""``GET /``: the playground page (``templates/index.html``), and Plotly.js for it.

The template gets, besides ``request``, what the page shows and what its scripts read (the
server's facts, stated once here or where they are checked, never copied into ``static/js``):
``datasets`` and ``activations`` (as the API lists them, each activation's ``max_slope``
included), ``losses`` (name and description), ``defaults`` (a session's default config),
``sampling_modes``, ``limits`` (the bounds the page's fields and snapshot upload state),
``speed`` (the speed slider's ``min``, ``max`` and ``default``, steps/s), ``snapshot_format``
(a snapshot's ``format``), ``modules`` (the page's ES modules, to preload) and ``plotly_url``;
all plain JSON-able values, for
``{{ limits | tojson }}`` and the like.
"""

from __future__ import annotations

import functools
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import TemplateNotFound

from app.convert import activation_info, dataset_info
from app.deps import SettingsDep
from app.schemas import MIN_STEPS_PER_SECOND, SessionConfig
from app.settings import Settings
from app.static import PLOTLY_JS
from core import ACTIVATIONS, LOSSES, Sampling, dataset_names, load_dataset
from core.config import MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS, MAX_LEARNING_RATE, MAX_WEIGHT_LIMIT
from core.features import FEATURES, MAX_NOISE
from core.snapshot import FORMAT

PLOTLY_PATH = f"/static/vendor/{PLOTLY_JS}"
# The speed slider's top: the fastest the page's live views are measured at (docs/benchmarks.md),
# well below what the live stream accepts (MAX_STEPS_PER_SECOND).
MAX_PAGE_SPEED = 20_000
DEFAULT_PAGE_SPEED = 100

router = APIRouter(include_in_schema=False)


def page_context(settings: Settings) -> dict[str, Any]:
    """What the page's template is rendered with (apart from ``request``): a fresh dict each time
    (the template response adds the request to it), its contents built once."""
    return dict(_page_context(settings.static_dir, settings.max_snapshot_size))


@functools.cache  # the same for every request, and slow to build (plotly's version is looked up)
def _page_context(static_dir: Path, max_snapshot_size: int) -> dict[str, Any]:
    return {
        "datasets": [dataset_info(load_dataset(n)).model_dump() for n in dataset_names()],
        "activations": [activation_info(a).model_dump() for a in ACTIVATIONS.values()],
        "features": list(FEATURES),
        "defaults": SessionConfig().model_dump(mode="json"),
        "sampling_modes": [s.value for s in Sampling],
        "losses": [
            {"name": loss.name, "description": loss.description} for loss in LOSSES.values()
        ],
        "limits": {
            "max_hidden_layers": MAX_HIDDEN_LAYERS,
            "max_hidden_units": MAX_HIDDEN_UNITS,
            "max_learning_rate": MAX_LEARNING_RATE,
            "max_weight": MAX_WEIGHT_LIMIT,
            "max_snapshot_size": max_snapshot_size,
            "max_noise": MAX_NOISE,
        },
        "speed": {
            "min": MIN_STEPS_PER_SECOND,
            "max": MAX_PAGE_SPEED,
            "default": DEFAULT_PAGE_SPEED,
        },
        "snapshot_format": FORMAT,
        # main first: the page's entry point; the others in name order
        "modules": sorted((p.stem for p in (static_dir / "js").glob("*.js")), key=_main_first),
        # the version in the URL makes a new plotly a new URL for browsers' caches
        "plotly_url": f"{PLOTLY_PATH}?v={version('plotly')}",
    }


def _main_first(name: str) -> tuple[bool, str]:
    return name != "main", name


@router.get("/", response_class=HTMLResponse)
async def read_page(request: Request, settings: SettingsDep) -> Response:
    """The playground."""
    try:
        response: Response = request.app.state.templates.TemplateResponse(
            request, "index.html", page_context(settings)
        )
    except TemplateNotFound:
        return PlainTextResponse(
            f"the page's template is missing: no index.html in {settings.templates_dir}", 503
        )
    return response


@router.get(PLOTLY_PATH)
async def read_plotly(request: Request) -> Response:
    """Plotly.js from the installed plotly package (no CDN), gzipped and cacheable."""
    response: Response = await request.app.state.plotly.response(request)
    return response
