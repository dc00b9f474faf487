"""The composition root: settings in, a wired desk (application, views, follower) out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from adapters.accounts import Accounts
from adapters.calendar_cn import ChinaCalendar
from adapters.credit_rules_file import load_credit_rules
from adapters.database import ensure_postgres_schema, make_engine
from adapters.keys import with_cipher_key
from adapters.projections import Projections, View
from adapters.settings import Settings
from adapters.views.complaint_list import ComplaintListView
from adapters.views.credit_ledger import CreditLedgerView
from adapters.views.statistics import StatisticsView
from adapters.views.timeliness import TimelinessView
from application.credit import Credit
from application.desk import ComplaintDesk, utc_now
from application.statistics import Disclosure
from domain.clocks import Timekeeper


@dataclass
class Wiring:
    settings: Settings
    desk: ComplaintDesk
    engine: Engine
    projections: Projections
    complaint_list: ComplaintListView
    accounts: Accounts
    timeliness: TimelinessView
    credit_ledger: CreditLedgerView
    statistics: StatisticsView
    credit: Credit
    disclosure: Disclosure

    def close(self) -> None:
        self.projections.stop()
        self.desk.close()
        self.engine.dispose()


def build_views(engine: Engine, settings: Settings | None = None, *,
                clock: Callable[[], datetime] = utc_now,
                calendar: ChinaCalendar | None = None) -> list[View]:
    settings = settings or Settings()
    calendar = calendar or ChinaCalendar(settings.calendar_overrides)
    keeper = Timekeeper(calendar, settings.tz)
    return [ComplaintListView(engine), TimelinessView(engine, keeper, clock=clock),
            CreditLedgerView(engine, rules=load_credit_rules(settings.credit_rules),
                             tz=settings.tz),
            StatisticsView(engine, working_days=calendar, tz=settings.tz)]


def wire(settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now,
         follow: bool = False) -> Wiring:
    """Open the store named by the settings; `follow` keeps views current in a thread."""
    settings = with_cipher_key(settings or Settings())
    ensure_postgres_schema(settings)
    calendar = ChinaCalendar(settings.calendar_overrides)
    desk = ComplaintDesk(settings.to_eventsourcing_env(), clock=clock, tz=settings.tz,
                         timekeeper=Timekeeper(calendar, settings.tz))
    engine = make_engine(settings)
    views = build_views(engine, settings, clock=clock, calendar=calendar)
    projections = Projections(desk, engine, views)
    projections.setup()
    accounts = Accounts(engine, max_concurrent_checks=settings.password_checks)
    accounts.setup()
    if follow:
        desk.after_save(projections.notify)
        projections.start()
    by_name = {view.name: view for view in views}
    ledger: CreditLedgerView = by_name["credit_ledger"]  # type: ignore[assignment]
    facts: StatisticsView = by_name["statistics"]  # type: ignore[assignment]
    return Wiring(
        settings=settings, desk=desk, engine=engine, projections=projections,
        complaint_list=by_name["complaint_list"],  # type: ignore[arg-type]
        accounts=accounts,
        timeliness=by_name["timeliness"],  # type: ignore[arg-type]
        credit_ledger=ledger, statistics=facts,
        credit=Credit(desk=desk, ledger=ledger, facts=facts, rules=ledger.rules),
        disclosure=Disclosure(facts=facts, ledger=ledger, rules=ledger.rules),
    )
