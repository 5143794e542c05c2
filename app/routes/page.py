"""``GET /``: the playground page (``templates/index.html``), and Plotly.js for it.

The template gets, besides ``request``: ``datasets`` and ``activations`` (as the API lists them),
``defaults`` (a session's default config), ``limits`` (every bound the API enforces) and
``plotly_url``; all plain JSON-able values, for ``{{ limits | tojson }}`` and the like.
"""

from __future__ import annotations

import functools
from importlib.metadata import version
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import TemplateNotFound

from app.convert import activation_info, dataset_info
from app.deps import SettingsDep
from app.schemas import MAX_STEPS, MAX_STEPS_PER_SECOND, SessionConfig
from app.settings import Settings
from app.static import PLOTLY_JS
from core import ACTIVATIONS, dataset_names, load_dataset
from core.config import (
    MAX_HIDDEN_LAYERS,
    MAX_HIDDEN_UNITS,
    MAX_LEARNING_RATE,
    MAX_SEED,
    MAX_WEIGHT_LIMIT,
)
from core.regions import MAX_RESOLUTION, MIN_RESOLUTION

PLOTLY_PATH = f"/static/vendor/{PLOTLY_JS}"

router = APIRouter(include_in_schema=False)


def page_context(settings: Settings) -> dict[str, Any]:
    """What the page's template is rendered with (apart from ``request``): a fresh dict each time
    (the template response adds the request to it), its contents built once."""
    return dict(_page_context(settings.max_frame_rate))


@functools.cache  # the same for every request (looking up plotly's version alone costs ~1 ms)
def _page_context(max_frame_rate: float) -> dict[str, Any]:
    return {
        "datasets": [dataset_info(load_dataset(n)).model_dump() for n in dataset_names()],
        "activations": [activation_info(a).model_dump() for a in ACTIVATIONS.values()],
        "defaults": SessionConfig().model_dump(mode="json"),
        "limits": {
            "max_hidden_layers": MAX_HIDDEN_LAYERS,
            "max_hidden_units": MAX_HIDDEN_UNITS,
            "max_learning_rate": MAX_LEARNING_RATE,
            "max_weight": MAX_WEIGHT_LIMIT,
            "max_seed": MAX_SEED,
            "max_steps_per_request": MAX_STEPS,
            "max_steps_per_second": MAX_STEPS_PER_SECOND,
            "max_frame_rate": max_frame_rate,
            "min_resolution": MIN_RESOLUTION,
            "max_resolution": MAX_RESOLUTION,
        },
        # the version in the URL makes a new plotly a new URL for browsers' caches
        "plotly_url": f"{PLOTLY_PATH}?v={version('plotly')}",
    }


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
