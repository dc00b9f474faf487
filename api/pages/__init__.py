"""Server-rendered pages for the people at the desk (SPEC §9), mounted at `/`.

Each module here that defines `router` is a group of pages; they call the application
layer directly (never the JSON API), share the API's accounts and roles, and are left
out of the OpenAPI document. Templates live in api/templates, the stylesheet in
api/static (nothing from a CDN: the desk may have no internet), labels in api/i18n.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from adapters.settings import Settings
from api.auth import signing_key
from api.discovery import routers_in
from api.pages.rendering import install_handlers
from api.pages.sessions import Sessions

STATIC = Path(__file__).resolve().parent.parent / "static"


def routers() -> list[APIRouter]:
    return routers_in(sys.modules[__name__])


def install(app: FastAPI, settings: Settings) -> None:
    """Add the pages, their refusal handlers and the stylesheet to the API's app."""
    app.state.page_sessions = Sessions(signing_key(settings))
    install_handlers(app)
    for router in routers():
        app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
