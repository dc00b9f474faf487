"""The composition root: settings in, a wired desk (application, views, follower) out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from adapters.database import ensure_postgres_schema, make_engine
from adapters.projections import Projections, View
from adapters.settings import Settings
from adapters.views.complaint_list import ComplaintListView
from application.desk import ComplaintDesk, utc_now


@dataclass
class Wiring:
    settings: Settings
    desk: ComplaintDesk
    engine: Engine
    projections: Projections
    complaint_list: ComplaintListView

    def close(self) -> None:
        self.projections.stop()
        self.desk.close()
        self.engine.dispose()


def build_views(engine: Engine) -> list[View]:
    return [ComplaintListView(engine)]


def wire(settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now,
         follow: bool = False) -> Wiring:
    """Open the store named by the settings; `follow` keeps views current in a thread."""
    settings = settings or Settings()
    ensure_postgres_schema(settings)
    desk = ComplaintDesk(settings.to_eventsourcing_env(), clock=clock, tz=settings.tz)
    engine = make_engine(settings)
    views = build_views(engine)
    projections = Projections(desk, engine, views)
    projections.setup()
    if follow:
        desk.after_save(projections.notify)
        projections.start()
    by_name = {view.name: view for view in views}
    return Wiring(
        settings=settings, desk=desk, engine=engine, projections=projections,
        complaint_list=by_name["complaint_list"],  # type: ignore[arg-type]
    )
