"""``GET /docs``: the API's interactive documentation (Swagger UI), served from this server.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script: neither
works offline nor under the Content-Security-Policy of ``app.security``. Here the page is the
same Swagger UI, its files from the ``fastapi-offline`` package (Swagger UI 5, which reads the
OpenAPI 3.1 documents FastAPI writes), gzipped once and kept in memory like Plotly.js, and
started by a script file of its own.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.static import VENDOR_MAX_AGE, CompressedFile

ASSETS = Path(str(resources.files("fastapi_offline") / "static"))
DOCS_PATH = "/docs"
INIT_SCRIPT = f"{DOCS_PATH}/swagger-init.js"

router = APIRouter(include_in_schema=False)

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The delta-rule playground: API</title>
<link rel="icon" href="{DOCS_PATH}/favicon.png">
<link rel="stylesheet" href="{DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="{INIT_SCRIPT}"></script>
</body>
</html>
"""
# FastAPI's default parameters, without the validator badge (an image from another site)
INIT = """// Starts Swagger UI on this server's OpenAPI document (see app/routes/docs.py).
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
"""
FILES = {
    "swagger-ui-bundle.js": CompressedFile(
        ASSETS / "swagger-ui-bundle.js", "text/javascript", VENDOR_MAX_AGE
    ),
    "swagger-ui.css": CompressedFile(ASSETS / "swagger-ui.css", "text/css", VENDOR_MAX_AGE),
    "favicon.png": CompressedFile(ASSETS / "favicon.png", "image/png", VENDOR_MAX_AGE),
}


@router.get(DOCS_PATH, response_class=HTMLResponse)
async def read_docs() -> HTMLResponse:
    """The documentation page."""
    return HTMLResponse(PAGE)


@router.get(INIT_SCRIPT)
async def read_docs_script() -> Response:
    """The script that starts Swagger UI."""
    return Response(INIT, media_type="text/javascript")


@router.get(DOCS_PATH + "/{name}")
async def read_docs_file(name: str, request: Request) -> Response:
    """Swagger UI's files, from the installed ``fastapi-offline`` package."""
    file = FILES.get(name)
    if file is None:
        raise HTTPException(404, f"no file {name!r} in the API docs' files")
    return await file.response(request)
