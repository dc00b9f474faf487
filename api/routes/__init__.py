"""HTTP routes under `/api/v1`: every module in this package that defines `router` is
mounted by `api.app.create_app`, so a new area (timeliness.py, credit.py) is one new
module here and nothing else; its router's prefix starts with `API_PREFIX`. Every route
depends on `api.auth.current_user` unless it serves `/public/...` or `/auth/token`;
a test walks every route to check.
"""

from __future__ import annotations

import sys

from fastapi import APIRouter

from api.discovery import routers_in

API_PREFIX = "/api/v1"


def routers() -> list[APIRouter]:
    return routers_in(sys.modules[__name__])
