"""OpenAPI at /docs with Swagger UI's own files served from the `swagger-ui-py`
package, so the page works on a desk with no way out to a CDN."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def _assets() -> Path:
    # Found, not imported: the package's own integrations are not needed, only its files.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def install(app: FastAPI) -> None:
    """Call on an app made with `docs_url=None, redoc_url=None`."""
    app.mount(ASSETS, StaticFiles(directory=_assets()), name="docs-assets")
    redirect = "/docs/oauth2-redirect"

    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} · API",
            oauth2_redirect_url=redirect,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.add_api_route("/docs", docs, methods=["GET"], include_in_schema=False)
    app.add_api_route(redirect, oauth2_redirect, methods=["GET"], include_in_schema=False)
