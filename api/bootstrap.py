"""The composition root: settings in, a wired desk (application, views, follower) out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import Engine

from adapters.accounts import Accounts
from adapters.attachment_store import DatabaseBlobs, FileBlobs
from adapters.calendar_cn import ChinaCalendar
from adapters.credit_rules_file import load_credit_rules
from adapters.database import ensure_postgres_schema, make_engine
from adapters.checkpoint_table import CheckpointTable
from adapters.data_keys import DataKeys
from adapters.event_table import stored_events_by_complaint
from adapters.keyring import Keyring
from adapters.keys import (
    BLIND_INDEX, CIPHER, SEARCH_TOKENS, KeySource, chain_key_bytes, signing_key_of,
    with_audit_keys, with_keys,
)
from adapters.documents.pdf import PdfDocuments, check_font
from adapters.offices_file import load_offices
from adapters.projections import Projections, View
from adapters.settings import Settings
from adapters.views.complaint_list import ComplaintListView
from adapters.views.search_index import SearchIndex
from adapters.views.credit_ledger import CreditLedgerView
from adapters.views.statistics import StatisticsView
from adapters.views.timeliness import TimelinessView
from application.checkpoints import Auditor
from application.credit import Credit
from application.documents import Documents
from application.desk import ComplaintDesk, utc_now
from application.retention import Retention
from application.evidence import Blobs, Evidence
from adapters.business_records import BusinessRecords
from adapters.odr_register import OdrRegister
from application.businesses import Businesses
from adapters.views.odr import OdrView
from application.odr import Odr
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
    retention: Retention

    @cached_property
    def auditor(self) -> Auditor:
        """Chain checks against the latest signed checkpoint, and new checkpoints."""
        table = self.desk.recorder.events_table_name
        return Auditor(
            mapper=self.desk.mapper, chain_key=self.desk.chain_key,
            signing_key=signing_key_of(self.settings.signing_key or ""),
            checkpoints=CheckpointTable(self.engine),
            stored_events=lambda: stored_events_by_complaint(self.engine, table),
            events_of=lambda chain_id: self.desk.recorder.select_events(chain_id),
            clock=self.desk.clock)
    evidence: Evidence

    @cached_property
    def odr(self) -> Odr:
        """Online pre-settlement: the register, forwarding, the window sweep (SPEC §14)."""
        return Odr(self.desk, OdrRegister(self.engine), self.odr_cases)

    @property
    def odr_cases(self) -> OdrView:
        return self.projections.views["odr"]  # type: ignore[return-value]

    @cached_property
    def businesses(self) -> Businesses:
        """Pledges and model businesses (SPEC §14)."""
        return Businesses(BusinessRecords(self.engine), self.credit)

    @cached_property
    def documents(self) -> Documents:
        """Statutory documents, printed as PDF from the case's events (SPEC §12)."""
        return Documents(self.desk, PdfDocuments(self.desk.offices, tz=self.settings.tz))

    def close(self) -> None:
        self.projections.stop()
        self.desk.close()
        self.engine.dispose()


def evidence_store(settings: Settings, engine: Engine, desk: ComplaintDesk) -> Blobs:
    """Evidence bytes, encrypted with the event cipher: files beside the SQLite database,
    rows of the PostgreSQL one."""
    cipher = desk.mapper.cipher
    if cipher is None:
        raise RuntimeError("evidence files need the event cipher: set COMPLAINTS_CIPHER_KEY")
    if settings.is_postgres:
        return DatabaseBlobs(engine, cipher)
    return FileBlobs(settings.sqlite_path.with_name(settings.sqlite_path.name + ".files"), cipher)


def build_views(engine: Engine, settings: Settings | None = None, *,
                clock: Callable[[], datetime] = utc_now,
                calendar: ChinaCalendar | None = None) -> list[View]:
    settings = with_keys(settings or Settings())
    calendar = calendar or ChinaCalendar(settings.calendar_overrides)
    keeper = Timekeeper(calendar, settings.tz)
    # Checked on every use: a search costs far more than a look at the key file.
    index = SearchIndex(lookup_keys=KeySource.of(settings, BLIND_INDEX, interval=0).current,
                        term_keys=KeySource.of(settings, SEARCH_TOKENS, interval=0).current)
    timeliness = TimelinessView(engine, keeper, clock=clock)
    return [ComplaintListView(engine, index, overdue_ids=timeliness.overdue_ids), timeliness,
            CreditLedgerView(engine, rules=load_credit_rules(settings.credit_rules),
                             tz=settings.tz),
            StatisticsView(engine, working_days=calendar, tz=settings.tz), OdrView(engine)]


def wire(settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now,
         follow: bool = False) -> Wiring:
    """Open the store named by the settings; `follow` keeps views current in a thread."""
    settings = with_audit_keys(with_keys(settings or Settings()))
    check_font()  # documents must never print Chinese as boxes: refuse to start instead
    ensure_postgres_schema(settings)
    calendar = ChinaCalendar(settings.calendar_overrides)
    engine = make_engine(settings)
    data_keys = DataKeys(engine, Keyring(KeySource.of(settings, CIPHER).current))
    data_keys.setup()
    desk = ComplaintDesk(settings.to_eventsourcing_env(), clock=clock, tz=settings.tz,
                         timekeeper=Timekeeper(calendar, settings.tz), data_keys=data_keys,
                         offices=load_offices(settings.offices),
                         chain_key=chain_key_bytes(settings.chain_key or ""))
    CheckpointTable(engine).setup()
    OdrRegister(engine).setup()
    records = BusinessRecords(engine)
    records.setup()
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
        credit=Credit(desk=desk, ledger=ledger, facts=facts, rules=ledger.rules,
                      pledged_on=records.pledged_on),
        disclosure=Disclosure(facts=facts, ledger=ledger, rules=ledger.rules,
                              show_grade=settings.public_grade,
                              odr_rates=by_name["odr"].rates,  # type: ignore[attr-defined]
                              withheld=records.withheld_keys),
        retention=Retention(desk, years=settings.retention_years,
                            candidates=by_name["complaint_list"].closed_received_before),  # type: ignore[attr-defined]
        evidence=Evidence(desk, evidence_store(settings, engine, desk)),
    )
