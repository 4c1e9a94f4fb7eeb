"""The API pages (Swagger UI at /docs, the AsyncAPI page at /asyncapi) served from the package:
government networks are often cut off from the internet, so no page loads a script, a style or a
font from a CDN. The assets in ``static/`` are the npm distributions swagger-ui-dist 5.35.0 and
@asyncapi/react-component 3.2.1 (browser/standalone), both Apache-2.0 (LICENSE beside them)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/static/docs"
# No favicon request either.
NO_ICON = "data:,"


def install_docs(app: FastAPI) -> None:
    """Mount the assets and serve /docs from them (call with docs_url=None, redoc_url=None)."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — API",
            swagger_js_url=f"{root}{STATIC_PATH}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_PATH}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=NO_ICON,
        )


def asyncapi_page(request: Request, document: dict[str, Any], title: str) -> HTMLResponse:
    """The AsyncAPI page of ``document``, rendered in the browser by the packaged component."""
    root = _root(request)
    config = {
        "schema": document,
        "config": {
            "show": {"sidebar": True, "info": True, "servers": True, "operations": True,
                     "messages": True, "schemas": True, "errors": True},
            "expand": {"messageExamples": True},
        },
    }  # fmt: skip
    # "</" cannot end the script early inside a JSON string.
    payload = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    page = f"""<!DOCTYPE html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>{html.escape(title)} — AsyncAPI</title>
  <link rel="icon" href="{NO_ICON}">
  <link rel="stylesheet" href="{root}{STATIC_PATH}/asyncapi/asyncapi.css">
</head>
<body>
  <div id="asyncapi"></div>
  <script src="{root}{STATIC_PATH}/asyncapi/asyncapi-standalone.js"></script>
  <script>
    window.AsyncApiStandalone.render({payload}, document.getElementById("asyncapi"));
  </script>
</body>
</html>"""
    return HTMLResponse(page)


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")
