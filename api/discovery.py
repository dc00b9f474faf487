"""Find the routers of a package: every module in it that defines `router`."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from fastapi import APIRouter


def routers_in(package: ModuleType) -> list[APIRouter]:
    found = []
    for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
        router = getattr(importlib.import_module(f"{package.__name__}.{module}"), "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
    return found
