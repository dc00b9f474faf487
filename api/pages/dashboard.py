"""The supervisor's dashboard: timeliness per office and per mediator, the overdue list,
the watch list, and charts of the monthly volume and on-time rates.

"Overdue" is worked out by the timeliness view at the moment of asking. The monthly
statistics read a year of complaints (1.7 s over 100,000 complaints, bench/dashboard.py),
so their answer is kept (`Kept`): the charts and the totals under them may trail the
desk by a minute or so; the timeliness tables and the watch list never do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.views.organisation_groups import by_organisation
from adapters.views.timeliness import TimelinessFilter
from api.bootstrap import Wiring
from api.pages import charts
from api.pages.credit import today
from api.pages.rendering import page, render, translator
from api.pages.sessions import require
from application.statistics import Statistics
from domain.vocabulary import Role

router = APIRouter()
log = logging.getLogger("complaints.pages")

MONTHS = 12
OVERDUE_SHOWN = 25
FRESH_SECONDS = 60.0  # the charts' statistics are recomputed at most once a minute...
STALE_SECONDS = 900.0  # ...and, older, still shown while one thread recomputes them


def first_of_month_before(day: date, months: int) -> date:
    """The first day of the month `months - 1` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


class Kept:
    """The last statistics answer of one app: served as it is while fresh; while merely
    stale, served as it is while one background thread recomputes it; else recomputed
    by the request (the first one after starting, or after a quiet quarter of an hour)."""

    def __init__(self, fresh: float = FRESH_SECONDS, stale: float = STALE_SECONDS) -> None:
        self.fresh = fresh
        self.stale = stale
        self._lock = threading.Lock()
        self._entry: tuple[object, float, Statistics] | None = None  # key, made at, answer
        self._refreshing = False

    def clear(self) -> None:
        with self._lock:
            self._entry = None

    def get(self, key: object, compute: Callable[[], Statistics]) -> Statistics:
        now = time.monotonic()
        with self._lock:
            entry = self._entry
            if entry is not None and entry[0] == key:
                age = now - entry[1]
                if age < self.fresh:
                    return entry[2]
                if age < self.stale:
                    if not self._refreshing:
                        self._refreshing = True
                        threading.Thread(target=self._refresh, args=(key, compute),
                                         name="dashboard-statistics", daemon=True).start()
                    return entry[2]
        answer = compute()
        self._keep(key, answer)
        return answer

    def _refresh(self, key: object, compute: Callable[[], Statistics]) -> None:
        try:
            self._keep(key, compute())
        except Exception:  # the next request tries again, in its own thread
            log.warning("dashboard statistics refresh failed", exc_info=True)
        finally:
            with self._lock:
                self._refreshing = False

    def _keep(self, key: object, answer: Statistics) -> None:
        with self._lock:
            self._entry = (key, time.monotonic(), answer)


def kept(app: Any) -> Kept:
    """The app's kept statistics (each app serves one wiring)."""
    found = getattr(app.state, "dashboard_statistics", None)
    if found is None:
        found = app.state.dashboard_statistics = Kept()
    return found  # type: ignore[no-any-return]


@router.get("/dashboard")
@page
def dashboard(request: Request, page: int = 1) -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    t = translator(request)
    now = today(wiring)
    # The overdue list a page at a time; a page past the end shows the last one.
    wanted = min(max(page, 1), 10_000)
    clocks = wiring.timeliness.timeliness(TimelinessFilter(overdue=True, per_page=OVERDUE_SHOWN,
                                                           page=wanted))
    pages = max(1, -(-clocks.total // OVERDUE_SHOWN))
    if wanted > pages:
        wanted = pages
        clocks = wiring.timeliness.timeliness(TimelinessFilter(
            overdue=True, per_page=OVERDUE_SHOWN, page=wanted))
    since = first_of_month_before(now, MONTHS)
    stats = kept(request.app).get((since, now), lambda: wiring.disclosure.statistics(
        since=since, until=now))
    labels = [m.month[2:] for m in stats.months]  # 25-06
    volume = charts.bars(t("dashboard.chart_volume"), labels, [
        charts.Series(t("dashboard.received"), [m.received for m in stats.months], "s1"),
        charts.Series(t("dashboard.resolved"), [m.resolved for m in stats.months], "s2"),
    ])
    on_time = charts.lines(t("dashboard.chart_on_time"), labels, [
        charts.Series(t("clock.acceptance"),
                      [charts.percent(m.acceptance_on_time_rate) for m in stats.months], "s1"),
        charts.Series(t("clock.mediation"),
                      [charts.percent(m.mediation_on_time_rate) for m in stats.months], "s2"),
    ])
    totals = {name: sum(getattr(g, name) for g in clocks.offices)
              for name in ("open", "overdue", "due_soon", "closed", "met")}
    members = {a.username: a.organisation for a in wiring.accounts.all() if a.organisation}
    names = {o.code: o.name for o in wiring.organisations.all()}
    return render(request, "dashboard.html", clocks=clocks, totals=totals,
                  organisations=by_organisation(clocks.mediators, members),
                  organisation_name=lambda code: names.get(code, code),
                  page_number=wanted, pages=pages,
                  watch=wiring.credit.watch_list(as_of=now), stats=stats,
                  volume_chart=volume, on_time_chart=on_time,
                  numbers=wiring.complaint_list.numbers_of([i.id for i in clocks.items]),
                  reports=wiring.report_views.open_reports(wiring.desk.clock()))
