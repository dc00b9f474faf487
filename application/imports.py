"""Cases from the national 12315 platform become complaints with their own history.

Order 121 Art. 40 makes the national platform the one system of record, so a case
taken over from it keeps its platform number (`external_ref`), its receipt time and
the decisions the file records, each at its original time and by its original
actor. Every step goes through the aggregate's own commands, so an imported history
obeys the same rules, follows the text in force on its own dates and replays like
one recorded at the desk. Importing the same case again finds it by its platform
number and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from application.errors import ConcurrentUpdate
from domain.complaint import Complaint
from domain.errors import CommandNotAllowed, DomainError, InvalidValue, InvalidValues, NotPermitted
from domain.intake import Intake
from domain.permissions import Actor
from domain.vocabulary import Role

_NATIONAL = uuid5(NAMESPACE_URL, "urn:complaint-desk:national-12315")
# Who acted, when the export does not say: the platform itself.
PLATFORM_USER = "12315"


def imported_complaint_id(external_ref: str) -> UUID:
    """One platform case, one complaint id, whoever imports it and however often."""
    return uuid5(_NATIONAL, external_ref)


@dataclass(frozen=True)
class SourceRow:
    """One row of a platform export, its values already in the desk's codes."""

    number: int  # as a spreadsheet shows it: the header is row 1
    fields: dict[str, Any]  # field -> cell value (text, or a date-time from XLSX)
    headers: dict[str, str]  # field -> the file's own header, to name it in errors


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportSummary:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    events: int = 0
    errors: list[RowError] = field(default_factory=list)


class _RowRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors


# A failed check inside a step names a field of the command; these are the file's
# columns that carried it.
_STEP_FIELDS = {
    "reject": {"reason": "reject_reason"},
    "resolve": {"outcome": "outcome", "amount_recovered": "amount_recovered",
                "terms": "terms", "mode": "outcome", "record": "outcome"},
    "terminate": {"reason": "terminate_reason"},
    "withdraw": {"kind": "withdraw_kind"},
    "assign": {"mediator": "mediator"},
}


class NationalImport:
    """Reads rows, builds each case's history in memory, stores them a batch at a time."""

    def __init__(self, desk: Any, *, default_office: str | None = None,
                 batch: int = 200) -> None:
        self.desk = desk
        self.default_office = default_office
        self.batch = batch
        self.tz: tzinfo = desk.tz

    def run(self, rows: Iterable[SourceRow],
            progress: Callable[[int], None] | None = None) -> ImportSummary:
        summary = ImportSummary()
        seen: dict[str, int] = {}
        pending: list[Callable[[Callable[[str, datetime], str] | None], Complaint]] = []
        numbers = self.desk.numbering()
        for row in rows:
            summary.rows += 1
            try:
                build = self._prepare(row, seen)
            except _RowRefused as refused:
                summary.errors.extend(refused.errors)
            else:
                if build is None:
                    summary.already_imported += 1
                else:
                    pending.append(build)
            if len(pending) >= self.batch:
                self._store(pending, numbers, summary)
                numbers = self.desk.numbering()
                pending = []
            if progress:
                progress(1)
        if pending:
            self._store(pending, numbers, summary)
        return summary

    # ----- one row -------------------------------------------------------------

    def _prepare(self, row: SourceRow, seen: dict[str, int]
                 ) -> Callable[[Callable[[str, datetime], str] | None], Complaint] | None:
        """Check the whole row now; return how to build it with its case number, or
        None when the platform case is already in the store."""
        ref = _text(row.fields.get("external_ref"))
        if not ref:
            raise _RowRefused([self._error(row, "external_ref", "is required to import a case")])
        if ref in seen:
            raise _RowRefused([self._error(row, "external_ref",
                                           f"{ref} appears again (first in row {seen[ref]})")])
        seen[ref] = row.number
        complaint_id = imported_complaint_id(ref)
        if self.desk.recorder.select_events(complaint_id, limit=1):
            return None

        def build(numbers: Callable[[str, datetime], str] | None) -> Complaint:
            return self._history(row, complaint_id, numbers)

        build(None)  # every check, before a case number is spent on the row
        return build

    def _history(self, row: SourceRow, complaint_id: UUID,
                 numbers: Callable[[str, datetime], str] | None) -> Complaint:
        f = row.fields
        now = self.desk.clock()
        received_at = self._moment(row, "received_at")
        intake = self._intake(row, received_at, now)
        filer = Actor(_text(f.get("received_by")) or PLATFORM_USER, Role.OPERATOR)
        complaint = Complaint.file(
            intake, actor=filer, at=received_at, tz=self.tz, complaint_id=complaint_id,
            number=numbers(intake.office, received_at) if numbers else None)
        last = received_at

        def when(column: str) -> datetime:
            nonlocal last
            at = self._moment(row, column)
            if at < last:
                raise _RowRefused([self._error(row, column, "is before the step recorded before it")])
            if at > now:
                raise _RowRefused([self._error(row, column, "must not be in the future")])
            last = at
            return at

        decision = self._code(row, "decision")
        operator = Actor(_text(f.get("decided_by")) or filer.username, Role.OPERATOR)
        if decision == "accept":
            at = when("decided_at")
            self._step(row, "decision", "accept",
                       lambda: complaint.accept(actor=operator, at=at, tz=self.tz))
        elif decision == "reject":
            at = when("decided_at")
            self._step(row, "decision", "reject", lambda: complaint.reject(
                actor=operator, at=at, reason=self._code(row, "reject_reason") or ""))
        elif decision:
            raise _RowRefused([self._error(row, "decision", f"'{decision}' is neither 受理 nor 不予受理")])

        mediator = _text(f.get("mediator"))
        if mediator:
            at = when("assigned_at")
            self._step(row, "mediator", "assign",
                       lambda: complaint.assign(actor=operator, at=at, mediator=mediator))

        closing = self._code(row, "closing")
        if closing:
            at = when("closed_at")
            closer = (Actor(_text(f.get("closed_by")) or mediator, Role.MEDIATOR) if mediator
                      else Actor(_text(f.get("closed_by")) or operator.username, Role.OPERATOR))
            if closing == "resolve":
                self._step(row, "closing", "resolve", lambda: complaint.resolve(
                    actor=closer, at=at, outcome=self._code(row, "outcome") or "",
                    amount_recovered=_text(f.get("amount_recovered")) or "0",
                    terms=_text(f.get("terms")) or ""))
            elif closing == "terminate":
                over, due = self.desk.mediation_period(complaint.pending_events, at)
                self._step(row, "closing", "terminate", lambda: complaint.terminate(
                    actor=closer, at=at, reason=self._code(row, "terminate_reason") or "",
                    period_over=over, period_due=due))
            elif closing == "withdraw":
                self._step(row, "closing", "withdraw", lambda: complaint.withdraw(
                    actor=closer, at=at, kind=self._code(row, "withdraw_kind")))
            else:
                raise _RowRefused([self._error(row, "closing", f"'{closing}' is not a known way "
                                                               "of closing a case")])
        return complaint

    def _intake(self, row: SourceRow, received_at: datetime, now: datetime) -> Intake:
        f = row.fields
        incident = f.get("incident_date")
        if isinstance(incident, datetime):
            incident = incident.date()
        elif isinstance(incident, str) and incident:
            incident = incident.replace("/", "-")[:10]
        body = {
            "external_ref": _text(f.get("external_ref")),
            "channel": self._code(row, "channel"),
            "received_at": received_at,
            "consumer": {k: _text(f.get(f"consumer.{k}")) or None
                         for k in ("name", "phone", "address", "id_number")},
            "business": {k: _text(f.get(f"business.{k}")) or None
                         for k in ("name", "uscc", "address", "platform")},
            "category": self._code(row, "category"),
            "industry": self._code(row, "industry"),
            "incident_date": incident or None,
            "amount": _text(f.get("amount")) or "0",
            "description": _text(f.get("description")),
            "request": _text(f.get("request")),
            "office": self._office(_text(f.get("office"))) or self.default_office,
        }
        try:
            intake = Intake.parse(body, now=now, default_office=self.default_office)
        except InvalidValues as bad:
            raise _RowRefused([self._error(row, p.field, p.message) for p in bad.problems]) from None
        except InvalidValue as bad:
            raise _RowRefused([self._error(row, bad.field, bad.message)]) from None
        if self.desk.offices is not None and intake.office not in self.desk.offices:
            raise _RowRefused([self._error(row, "office", f"'{intake.office}' is not a known office")])
        return intake

    def _office(self, raw: str) -> str:
        """Offices appear by code or by name in exports."""
        offices = self.desk.offices
        if not raw or offices is None or raw in offices:
            return raw
        return next((o.code for o in offices if o.name == raw), raw)

    def _step(self, row: SourceRow, column: str, command: str, run: Callable[[], None]) -> None:
        try:
            run()
        except InvalidValue as bad:
            named = _STEP_FIELDS.get(command, {}).get(bad.field, column)
            raise _RowRefused([self._error(row, named, bad.message)]) from None
        except NotPermitted as refused:
            raise _RowRefused([self._error(row, "closed_by" if column == "closing" else column,
                                           refused.reason)]) from None
        except CommandNotAllowed as refused:
            raise _RowRefused([self._error(row, column, str(refused))]) from None
        except DomainError as refused:
            raise _RowRefused([self._error(row, column, str(refused))]) from None

    def _code(self, row: SourceRow, name: str) -> str | None:
        return _text(row.fields.get(name)) or None

    def _moment(self, row: SourceRow, name: str) -> datetime:
        value = row.fields.get(name)
        if value in (None, ""):
            raise _RowRefused([self._error(row, name, "is required")])
        moment = _local_moment(value, self.tz)
        if moment is None:
            raise _RowRefused([self._error(row, name, "is not a date and time "
                                                      "(e.g. 2026-11-03 14:20)")])
        return moment

    def _error(self, row: SourceRow, name: str, message: str) -> RowError:
        return RowError(row=row.number, column=row.headers.get(name, name), message=message)

    # ----- storing -------------------------------------------------------------

    def _store(self, pending: list[Callable[[Any], Complaint]],
               numbers: Callable[[str, datetime], str], summary: ImportSummary) -> None:
        complaints = [build(numbers) for build in pending]
        try:
            self.desk.record(*complaints)
        except ConcurrentUpdate:
            # Another import, or a filing at the desk, got there first: store the cases
            # one by one, skipping those now present, numbering the rest afresh.
            for build in pending:
                self._store_one(build, summary)
            return
        summary.imported += len(complaints)
        summary.events += sum(c.version for c in complaints)

    def _store_one(self, build: Callable[[Any], Complaint], summary: ImportSummary) -> None:
        for _ in range(8):
            complaint = build(self.desk.numbering())
            try:
                self.desk.record(complaint)
            except ConcurrentUpdate:
                if self.desk.recorder.select_events(complaint.id, limit=1):
                    summary.already_imported += 1
                    return
                continue
            summary.imported += 1
            summary.events += complaint.version
            return
        raise ConcurrentUpdate(complaint.id)


_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
            "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def _local_moment(value: Any, tz: tzinfo) -> datetime | None:
    """The platform writes local wall-clock times; a time with an offset is taken as is."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        text = str(value).strip()
        moment = None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for pattern in _FORMATS:
                try:
                    moment = datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if moment is None:
            for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
                try:
                    moment = datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if moment is None:
            return None
    # Stored in UTC like every moment the desk records itself.
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)
