"""The rankings of the statistical analysis report, read from the statistics view's facts:
the businesses, industries and kinds of problem with most complaints received in a
period, with the amount recovered for consumers. No personal data is in those facts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from adapters.views.statistics import complaint_facts
from application.analysis_report import Ranked


class ReportRankings:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def top(self, dimension: str, *, since: date, until: date, office: str | None,
            limit: int) -> list[Ranked]:
        f = complaint_facts.c
        if dimension == "business":
            keys = (f.business_key, func.max(f.business_name))
            group = (f.business_key,)
        elif dimension == "industry":
            keys = (f.industry, f.industry)
            group = (f.industry,)
        elif dimension == "problem":
            keys = (f.industry, f.category)
            group = (f.industry, f.category)
        else:
            raise ValueError(dimension)
        received = func.count()
        recovered = func.coalesce(func.sum(f.amount_recovered_fen), 0)
        query = (select(*keys, received, recovered).where(
            f.received_on >= since, f.received_on <= until,
            *([f.office == office] if office else []))
            .group_by(*group).order_by(received.desc(), *group).limit(limit))
        with self.engine.connect() as db:
            return [Ranked(key=str(a) if dimension != "problem" else f"{b}:{a}",
                           label=str(b) if dimension == "business" else
                           (str(a) if dimension == "industry" else f"{b}:{a}"),
                           complaints=int(n), recovered_fen=int(fen or 0))
                    for a, b, n, fen in db.execute(query)]
