"""The composition root: settings in, a wired desk (application, views, follower) out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from uuid import UUID

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
from adapters.organisations import Organisations
from adapters.views.abuse_signals import AbuseSignalsView
from adapters.views.complaint_list import ComplaintListView
from adapters.views.reports import ReportsView
from adapters.views.search_index import SearchIndex
from adapters.views.credit_ledger import CreditLedgerView
from adapters.views.statistics import StatisticsView
from adapters.views.timeliness import TimelinessView
from adapters.outbox_deliveries import OutboxDeliveries
from adapters.views.outbox import OutboxView
from adapters.views.warnings import WarningsView
from adapters.warning_thresholds_file import load_thresholds
from application.checkpoints import Auditor
from application.credit import Credit
from application.documents import Documents
from application.desk import ComplaintDesk, utc_now
from application.reports import Reports
from application.retention import Retention
from application.delivery import Delivery, Endpoint, Post, RetryPolicy, personal_data_of
from application.warnings import Warnings
from application.analysis_report import AnalysisReport, Period, build_report
from adapters.views.report_rankings import ReportRankings
from domain.errors import InvalidValue
from application.evidence import Blobs, Evidence
from adapters.business_records import BusinessRecords
from adapters.odr_register import OdrRegister
from application.businesses import Businesses
from application.disclosed_cases import DisclosedCases
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
    abuse_signals: AbuseSignalsView | None = None
    organisations: Organisations | None = None

    @cached_property
    def report_views(self) -> ReportsView:
        return self.projections.views["reports"]  # type: ignore[return-value]

    @cached_property
    def reports(self) -> Reports:
        """Reports and violation clues (SPEC §13), in the same store as complaints."""
        views = self.report_views
        return Reports(self.desk, find_duplicates=lambda phone, business: [
            UUID(i) for i in views.duplicates(phone, business)],
            # Served, the follower has each report in the view within milliseconds of its
            # write, so a repeat is looked up as the view stands (eventually consistent,
            # like the lists). Without a follower here, the report view catches up first.
            settle=None if self.projections.following
            else lambda: self.projections.catch_up(["reports"]))

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
    def disclosed_cases(self) -> DisclosedCases:
        """Closed cases disclosed one by one, withheld cases, objections (SPEC §5, §14)."""
        return DisclosedCases(self.statistics, BusinessRecords(self.engine), self.desk)

    @cached_property
    def documents(self) -> Documents:
        """Statutory documents, printed as PDF from the case's events (SPEC §12)."""
        return Documents(self.desk, PdfDocuments(self.desk.offices, tz=self.settings.tz))

    def analysis_report(self, period: str, office: str | None = None) -> AnalysisReport:
        """The statistical analysis report of a month (2026-11) or quarter (2026-Q4), for
        one office or, without one, the whole centre; figures as the dashboard's."""
        offices = {o.code: o.name for o in (self.desk.offices or ())}
        if office and office not in offices:
            raise InvalidValue("office", "not a known office")
        centre = next((o.name for o in (self.desk.offices or ()) if o.intake), "全部办理机构")
        return build_report(
            statistics=self.disclosure, rankings=ReportRankings(self.engine),
            period=Period.parse(period), office=office or None,
            office_name=offices[office] if office else centre, offices=offices,
            today=self.desk.clock().astimezone(self.settings.tz).date(),
            reports=self.report_views)

    @cached_property
    def warnings(self) -> Warnings:
        """Consumer warnings: surge flags and published warnings (Order 121 Art. 38)."""
        view: WarningsView = self.projections.views["warnings"]  # type: ignore[assignment]
        return Warnings(self.desk, view, load_thresholds(self.settings.warning_thresholds),
                        tz=self.settings.tz, clock=self.desk.clock)

    @cached_property
    def outbox(self) -> OutboxDeliveries:
        """Where each change stands with each configured endpoint."""
        deliveries = OutboxDeliveries(self.engine)
        deliveries.setup()
        return deliveries

    def delivery(self, post: Post, *, clock: Callable[[], datetime] | None = None) -> Delivery:
        """The outbox delivery to the configured endpoints, over `post` (HTTP)."""
        s = self.settings
        endpoints = [Endpoint(name=e.name, url=e.url, secret=e.secret.get_secret_value(),
                              personal_data=e.personal_data) for e in s.outbox_endpoints]
        policy = RetryPolicy(first_delay=s.outbox_first_retry, longest_delay=s.outbox_longest_retry,
                             max_attempts=s.outbox_max_attempts, timeout=s.outbox_timeout)
        return Delivery(self.outbox, post, endpoints, clock=clock or self.desk.clock,
                        policy=policy, personal=personal_data_of(self.desk),
                        concurrency=s.outbox_concurrency)

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
            StatisticsView(engine, working_days=calendar, tz=settings.tz),
            ReportsView(engine, keeper, index),
            AbuseSignalsView(engine, lambda: index.lookup_keys, tz=settings.tz),
            OdrView(engine), OutboxView(), WarningsView(engine)]


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
    organisations = Organisations(engine)
    organisations.setup()
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
                              signals=by_name["abuse_signals"],  # type: ignore[arg-type]
                              withheld=records.withheld_keys),
        retention=Retention(desk, years=settings.retention_years,
                            candidates=by_name["complaint_list"].closed_received_before),  # type: ignore[attr-defined]
        evidence=Evidence(desk, evidence_store(settings, engine, desk)),
        abuse_signals=by_name["abuse_signals"],  # type: ignore[arg-type]
        organisations=organisations,
    )
