"""The complaint desk as an eventsourcing Application: one method per command, plain answers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime, tzinfo
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
)
from eventsourcing.utils import EnvType, get_topic

from application.audit import (
    CHAIN_VERSION_FIELD,
    HASH_FIELD,
    KEYED,
    SEED,
    UNKEYED,
    ChainChecker,
    ChainReport,
    StoreReport,
    chain_hash,
    stored_state_of,
    verify_grouped,
)
from application.errors import (
    ComplaintNotFound,
    ConcurrentUpdate,
    IdempotencyKeyReused,
    NotOnOdrRegister,
    VersionMismatch,
)
from application.number_reservations import NumberReservations
from application.numbering import lowest_unclaimed
from application.sealing import DataKeyStore, SealedAsBase64, Sealer, UnsealingMapper
from application.views import ComplaintDetails, HistoryItem
from domain.case_numbers import CaseNumber, claim_id_for, format_number
from domain.clocks import ClockName, Timekeeper
from domain.complaint import Complaint
from domain.errors import InvalidValue
from domain.evidence import EvidenceFile
from domain.intake import Intake
from domain.list_exports import ExportFormat, ListExport
from domain.offices import Offices
from domain.permissions import Actor


def utc_now() -> datetime:
    return datetime.now(UTC)


class ComplaintDesk(Application[UUID]):
    """Commands take the acting user and return nothing; queries return frozen dataclasses."""

    name = "Complaints"

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        tz: tzinfo = ZoneInfo("Asia/Shanghai"),
        timekeeper: Timekeeper | None = None,
        offices: Offices | None = None,
        chain_key: bytes | None = None,
        data_keys: DataKeyStore | None = None,
    ) -> None:
        # Without a data-key store (bench baselines) personal fields are stored as they
        # were before sealing: clear inside the encrypted event.
        self.data_keys = data_keys
        self.sealer = Sealer(data_keys) if data_keys is not None else None
        super().__init__(env)
        self.clock = clock
        self.tz = tz
        self.timekeeper = timekeeper
        # The deployment's offices. Without a directory (a bare application, as the
        # benchmarks run it) any office code is taken and none is the intake centre.
        self.offices = offices
        # Without a chain key new events are linked as before the key existed (chain 1).
        self.chain_key = chain_key
        self._after_save: list[Callable[[int], None]] = []
        self._known_sequences: dict[tuple[str, int], int] = {}
        self._numbers = NumberReservations(
            lambda office, year, known: self._next_sequence(office, year, known=known))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for extra in _EXTRA_TRANSCODINGS:
            transcoder.register(extra)

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return UnsealingMapper(mapper, self.sealer) if self.sealer else mapper

    def after_save(self, listener: Callable[[int], None]) -> None:
        """Call `listener(last notification id)` after every committed write (views catch up)."""
        self._after_save.append(listener)

    # ----- commands ---------------------------------------------------------

    def file(self, intake: Intake, *, actor: Actor, idempotency_key: str | None = None) -> UUID:
        """File a complaint with the next case number of its office and year; the same
        idempotency key from the same user returns the first one."""
        return self._file(intake, actor=actor, idempotency_key=idempotency_key)[0]

    def file_and_show(self, intake: Intake, *, actor: Actor,
                      idempotency_key: str | None = None) -> ComplaintDetails:
        """`file`, answered from the complaint just saved rather than read back from the
        store (a read that waited behind every pending write); a repeated idempotency
        key answers with the first filing as stored."""
        complaint_id, filed, events = self._file(intake, actor=actor,
                                                 idempotency_key=idempotency_key)
        if filed is None:
            return self.get_complaint(complaint_id)
        return self._details(filed, events)

    def _file(self, intake: Intake, *, actor: Actor, idempotency_key: str | None,
              ) -> tuple[UUID, Complaint | None, list[Any]]:
        if self.offices is not None and intake.office not in self.offices:
            raise InvalidValue("office", "not a known office")
        at = self.clock()
        year = at.astimezone(self.tz).year
        office = intake.office
        for _ in range(_NUMBER_ATTEMPTS):
            sequence = self._numbers.take(office, year)
            try:
                complaint = Complaint.file(
                    intake, actor=actor, at=at, tz=self.tz, idempotency_key=idempotency_key,
                    number=format_number(office, year, sequence),
                )
                claim = CaseNumber.claim(office=office, year=year, sequence=sequence,
                                         complaint_id=complaint.id, actor=actor.as_data(), at=at)
                events = list(complaint.pending_events)
                self._save(complaint, claim)
            except ConcurrentUpdate:
                if idempotency_key is not None and self._exists(complaint.id):
                    self._numbers.give_back(office, year, sequence)
                    first = self._load(complaint.id)
                    if not _same_filing(first, intake):
                        raise IdempotencyKeyReused(idempotency_key) from None
                    return complaint.id, None, []
                # Another process took this number first: move on past its claims.
                self._numbers.lost(office, year, sequence)
                continue
            except BaseException:
                self._numbers.give_back(office, year, sequence)
                raise
            self._known_sequences[(office, year)] = sequence
            return complaint.id, complaint, events
        raise ConcurrentUpdate(complaint.id)

    def transfer(self, complaint_id: UUID, *, actor: Actor, to_office: str, note: str = "",
                 expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.transfer(
            actor=actor, at=at, to_office=to_office, note=note, offices=self._directory))

    def return_to_intake(self, complaint_id: UUID, *, actor: Actor, reason: str,
                         expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.return_to_intake(
            actor=actor, at=at, reason=reason, offices=self._directory))

    def accept(self, complaint_id: UUID, *, actor: Actor, notified_via: str | None = None,
               expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.accept(
            actor=actor, at=at, tz=self.tz, notified_via=notified_via))

    def reject(self, complaint_id: UUID, *, actor: Actor, reason: str, note: str = "",
               notified_via: str | None = None, expected_version: int | None = None,
               impersonation: bool = False) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.reject(
            actor=actor, at=at, reason=reason, note=note, notified_via=notified_via,
            impersonation=impersonation))

    def notify_decision(self, complaint_id: UUID, *, actor: Actor, channel: str, note: str = "",
               expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.notify(
            actor=actor, at=at, channel=channel, note=note))

    def assign(self, complaint_id: UUID, *, actor: Actor, mediator: str,
               expected_version: int | None = None,
               mediator_organisation: str | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.assign(
            actor=actor, at=at, mediator=mediator, mediator_organisation=mediator_organisation))

    def reassign(self, complaint_id: UUID, *, actor: Actor, mediator: str,
                 expected_version: int | None = None,
                 mediator_organisation: str | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.reassign(
            actor=actor, at=at, mediator=mediator, mediator_organisation=mediator_organisation))

    def add_note(self, complaint_id: UUID, *, actor: Actor, kind: str, text: str,
                 expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.add_note(
            actor=actor, at=at, kind=kind, text=text))

    def suspend(self, complaint_id: UUID, *, actor: Actor, reason: str, note: str = "",
                body: str | None = None, designated: bool | None = None,
                expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.suspend(
            actor=actor, at=at, reason=reason, note=note, body=body, designated=designated))

    def resume(self, complaint_id: UUID, *, actor: Actor, expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.resume(actor=actor, at=at))

    def request_recusal(self, complaint_id: UUID, *, actor: Actor, by: str, reason: str,
                        expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.request_recusal(
            actor=actor, at=at, by=by, reason=reason))

    def decide_recusal(self, complaint_id: UUID, *, actor: Actor, upheld: object,
                       mediator: str | None = None, note: str = "",
                       expected_version: int | None = None,
                       mediator_organisation: str | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.decide_recusal(
            actor=actor, at=at, upheld=upheld, mediator=mediator, note=note,
            mediator_organisation=mediator_organisation))

    def resolve(self, complaint_id: UUID, *, actor: Actor, outcome: str, amount_recovered: object,
                terms: str, mode: str | None = None, record: str | None = None,
                expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.resolve(
            actor=actor, at=at, outcome=outcome, amount_recovered=amount_recovered, terms=terms,
            mode=mode, record=record))

    def terminate(self, complaint_id: UUID, *, actor: Actor, reason: str, note: str = "",
                  expected_version: int | None = None) -> None:
        events = list(self.events.get(complaint_id))
        complaint = self._fold(complaint_id, events)
        _check_version(complaint, expected_version)
        at = self.clock()
        over, due = self.mediation_period(events, at)
        complaint.terminate(actor=actor, at=at, reason=reason, note=note, period_over=over,
                            period_due=due)
        self._save(complaint)

    def record_notice(self, complaint_id: UUID, *, actor: Actor, note: str = "",
                      expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.record_notice(
            actor=actor, at=at, note=note))

    def escalate(self, complaint_id: UUID, *, actor: Actor, forum: str, reason: str,
                 expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.escalate(
            actor=actor, at=at, forum=forum, reason=reason))

    def withdraw(self, complaint_id: UUID, *, actor: Actor, note: str = "",
                 kind: str | None = None, expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.withdraw(
            actor=actor, at=at, note=note, kind=kind))

    def record_satisfaction(self, complaint_id: UUID, *, actor: Actor, score: object = None,
                            level: object = None, comment: str = "",
                            expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.record_satisfaction(
            actor=actor, at=at, score=score, level=level, comment=comment))

    # ----- parties and identity (Order 121 Art. 10-12) ---------------------------------

    def request_identity(self, complaint_id: UUID, *, actor: Actor, due: object, note: str = "",
                         expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.request_identity(
            actor=actor, at=at, tz=self.tz, due=due, note=note))

    def verify_identity(self, complaint_id: UUID, *, actor: Actor, note: str = "",
                        expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.verify_identity(
            actor=actor, at=at, note=note))

    def record_consent(self, complaint_id: UUID, *, actor: Actor, consumer: object, matter: str,
                       note: str = "", expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.record_consent(
            actor=actor, at=at, consumer=consumer, matter=matter, note=note))

    def change_request(self, complaint_id: UUID, *, actor: Actor, request: str,
                       expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.change_request(
            actor=actor, at=at, request=request))

    def entrust(self, complaint_id: UUID, *, actor: Actor, organisation: str,
                consumer_consent: object, business_consent: object,
                expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.entrust(
            actor=actor, at=at, organisation=organisation, consumer_consent=consumer_consent,
            business_consent=business_consent))
    # ----- online pre-settlement (SPEC §14) ------------------------------------------

    def forward(self, complaint_id: UUID, *, actor: Actor, consent: object, note: str = "",
                on_register: Callable[[str | None, Any], bool],
                expected_version: int | None = None) -> None:
        """Forward to the business, which must be on the ODR register today."""
        def command(c: Complaint, at: datetime) -> None:
            if not on_register(c.business.get("uscc"), at.astimezone(self.tz).date()):
                raise NotOnOdrRegister(c.business.get("uscc"))
            c.forward(actor=actor, at=at, consent=consent, note=note)
        self._run(complaint_id, expected_version, command)

    def business_reply(self, complaint_id: UUID, *, actor: Actor, credit_code: str | None,
                       settled: object, terms: str, amount: object,
                       expected_version: int | None = None) -> None:
        def command(c: Complaint, at: datetime) -> None:
            if not credit_code or c.business.get("uscc") != credit_code:
                raise ComplaintNotFound(complaint_id)  # another's complaint is not there
            c.business_reply(actor=actor, at=at, settled=settled, terms=terms, amount=amount)
        self._run(complaint_id, expected_version, command)

    def confirm_settlement(self, complaint_id: UUID, *, actor: Actor, note: str = "",
                           expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.confirm_settlement(
            actor=actor, at=at, note=note))

    def return_from_negotiation(self, complaint_id: UUID, *, actor: Actor, note: str = "",
                                lapsed: bool = False,
                                expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.return_from_negotiation(
            actor=actor, at=at, note=note, lapsed=lapsed))

    def clocks_of(self, complaint_id: UUID) -> Any:
        """The complaint's clocks from its whole history (None without a timekeeper)."""
        if self.timekeeper is None:
            return None
        return self.timekeeper.replay(self.events.get(complaint_id))

    @property
    def _directory(self) -> Offices:
        return self.offices if self.offices is not None else Offices(())

    def mediation_period(self, events: list[Any], at: datetime) -> tuple[bool, datetime | None]:
        """Whether the mediation period has run out at `at`, and its due moment then."""
        if self.timekeeper is None:
            return False, None
        run = self.timekeeper.replay(events).running(ClockName.MEDIATION)
        if run is None:
            return False, None
        status = self.timekeeper.status(due_day=run.due_day, kind=run.kind, as_of=at,
                                        suspended_at=run.suspended_at,
                                        left_at_suspension=run.left_at_suspension,
                                        start_day=run.start_day, length=run.length,
                                        extension=run.extension)
        return status.overdue, status.due_at

    def place_legal_hold(self, complaint_id: UUID, *, actor: Actor, reference: str,
                         expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.place_legal_hold(
            actor=actor, at=at, reference=reference))

    def release_legal_hold(self, complaint_id: UUID, *, actor: Actor, reference: str,
                           expected_version: int | None = None) -> None:
        self._run(complaint_id, expected_version, lambda c, at: c.release_legal_hold(
            actor=actor, at=at, reference=reference))

    def erase_personal_data(self, complaint_id: UUID, *, actor: Actor, basis: str,
                            reference: str = "", expected_version: int | None = None) -> None:
        """Record who erased and why, then destroy the complaint's data key.

        The event is stored first: should the key outlive a crash in between, the
        retention run finds the complaint erased and destroys the key then.
        """
        self._run(complaint_id, expected_version, lambda c, at: c.erase_personal_data(
            actor=actor, at=at, basis=basis, reference=reference))
        self.shred(complaint_id)

    def shred(self, complaint_id: UUID) -> None:
        """Destroy an erased complaint's data key (again: idempotent)."""
        if self.data_keys is not None:
            self.data_keys.destroy(complaint_id)

    def add_attachment(self, complaint_id: UUID, *, actor: Actor, file: EvidenceFile,
                       keep: Callable[[EvidenceFile], None],
                       expected_version: int | None = None) -> str:
        """Add an evidence file; `keep` stores its bytes once the complaint has taken it,
        before its event is saved, so no event ever names bytes that were not kept."""
        added: list[str] = []

        def command(complaint: Complaint, at: datetime) -> None:
            added.append(complaint.add_attachment(actor=actor, at=at, file=file))
            keep(file)

        self._run(complaint_id, expected_version, command)
        return added[0]

    def record(self, *complaints: Complaint) -> None:
        """Store complaints whose histories were built elsewhere (imports, demo data), with
        the claims of the case numbers they carry (see `numbering`)."""
        claims = []
        for complaint in complaints:
            number = getattr(complaint, "number", None)
            if number is None or not isinstance(complaint, Complaint):
                continue
            office, year, sequence = number.rsplit("-", 2)
            claims.append(CaseNumber.claim(
                office=office, year=int(year), sequence=int(sequence), complaint_id=complaint.id,
                actor=complaint.filed_by, at=complaint.created_on))
        self._save(*complaints, *claims)

    def numbering(self) -> Callable[[str, datetime], str]:
        """Numbers for complaints built elsewhere, following on from those issued; the
        caller stores them all with `record`, in order, so no number is skipped."""
        issued: dict[tuple[str, int], int] = {}

        def next_number(office: str, at: datetime) -> str:
            year = at.astimezone(self.tz).year
            if (office, year) not in issued:
                issued[(office, year)] = self._next_sequence(office, year) - 1
            issued[(office, year)] += 1
            return format_number(office, year, issued[(office, year)])

        return next_number

    def record_export(self, *, actor: Actor, format: ExportFormat, filters: dict[str, Any],
                      count: int, personal_data: bool) -> None:
        """Record that someone took the case list out of the desk (the audit trail)."""
        self._save(ListExport.record(actor=actor, at=self.clock(), format=format,  # type: ignore[arg-type]
                                     filters=filters, count=count, personal_data=personal_data))

    def void_credit_entry(self, entry_id: UUID, *, actor: Actor, reason: str) -> None:
        """Credit repair: record that a supervisor voided one ledger entry, and why.

        The void goes into the same log as the complaints (hash-chained like them), so
        the credit ledger sees it in order and keeps it through every rebuild.
        """
        from domain.credit_repair import AlreadyVoided, CreditEntryVoid

        void = CreditEntryVoid.void(entry_id, actor=actor, at=self.clock(), reason=reason)
        try:
            self._save(void)  # type: ignore[arg-type]
        except ConcurrentUpdate:
            raise AlreadyVoided(entry_id) from None

    def store(self, *aggregates: Any) -> None:
        """Save aggregates changed elsewhere (reports, and the complaints they link to),
        hash-chained and sealed like every other write, in one transaction."""
        self._save(*aggregates)

    def load(self, complaint_id: UUID) -> Complaint:
        """The complaint as it stands, for a service that records on it (reports)."""
        return self._load(complaint_id)

    # ----- queries ----------------------------------------------------------

    def get_complaint(self, complaint_id: UUID, version: int | None = None) -> ComplaintDetails:
        events = list(self.events.get(complaint_id, lte=version))
        return self._details(self._fold(complaint_id, events), events)

    def _details(self, complaint: Complaint, events: list[Any]) -> ComplaintDetails:
        # The same events give the deadlines, so the view never waits for a projection.
        clocks = self.timekeeper.replay(events) if self.timekeeper else None
        return ComplaintDetails.of(complaint, clocks=clocks, offices=self.offices,
                                   end_of=self.timekeeper.end_of if self.timekeeper else None)

    def get_complaint_at(self, complaint_id: UUID, moment: datetime) -> ComplaintDetails:
        """The complaint as it stood at a moment: the last version recorded by then."""
        version = 0
        for item in self.events.get(complaint_id):
            if getattr(item, "at", item.timestamp) > moment:
                break
            version = item.originator_version
        if version == 0:
            raise ComplaintNotFound(complaint_id)
        return self.get_complaint(complaint_id, version)

    def verify(self, complaint_id: UUID) -> ChainReport:
        """Recompute one complaint's hash chain from what is stored."""
        checker = ChainChecker(self.mapper, str(complaint_id), key=self.chain_key)
        for stored in self.recorder.select_events(complaint_id):
            checker.feed(stored)
        if checker.events == 0:
            raise ComplaintNotFound(complaint_id)
        return checker.report()

    def verify_store(self, stored: Iterable[tuple[str, StoredEvent]],
                     progress: Callable[[int], None] | None = None) -> StoreReport:
        """Recompute every chain, from a stream of stored events grouped by complaint."""
        return verify_grouped(self.mapper, stored, progress, key=self.chain_key)

    def history(self, complaint_id: UUID) -> list[HistoryItem]:
        items = [HistoryItem.of(e) for e in self.events.get(complaint_id)]
        if not items:
            raise ComplaintNotFound(complaint_id)
        return items

    # ----- plumbing ---------------------------------------------------------

    def _exists(self, originator_id: UUID) -> bool:
        return bool(self.recorder.select_events(originator_id, limit=1))

    def _next_sequence(self, office: str, year: int, *, known: int | None = None) -> int:
        """The lowest number not yet claimed in this office and year."""
        return lowest_unclaimed(
            lambda sequence: self._exists(claim_id_for(office, year, sequence)),
            known=self._known_sequences.get((office, year), 0) if known is None else known)

    def _load(self, complaint_id: UUID, version: int | None = None) -> Complaint:
        return self._fold(complaint_id, self.events.get(complaint_id, lte=version))

    def _fold(self, complaint_id: UUID, events: Iterable[Any]) -> Complaint:
        complaint: Any = None
        last: Any = None
        for last in events:
            complaint = last.mutate(complaint)
        if not isinstance(complaint, Complaint):
            raise ComplaintNotFound(complaint_id)
        complaint.locate(self._directory)
        # Where the hash chain stands, so the next event links to the last stored one.
        complaint._chain_head = getattr(last, HASH_FIELD, None)
        return complaint

    def _run(self, complaint_id: UUID, expected_version: int | None,
             command: Callable[[Complaint, datetime], Any]) -> None:
        complaint = self._load(complaint_id)
        _check_version(complaint, expected_version)
        command(complaint, self.clock())
        self._save(complaint)

    def _save(self, *complaints: Complaint) -> None:
        if self.sealer:
            # Only complaints hold personal data: a case-number or document claim, or a
            # credit void, needs no data key of its own.
            self.sealer.prepare([c.id for c in complaints if isinstance(c, Complaint)
                                 and c.pending_events
                                 and c.pending_events[0].originator_version == 1])
        pending = [event for complaint in complaints for event in self._chained(complaint)]
        try:
            recordings = self.save(*pending)
        except IntegrityError:
            raise ConcurrentUpdate(complaints[0].id) from None
        if recordings and self._after_save:
            last = recordings[-1].notification.id
            for listener in self._after_save:
                listener(last)


    def _chained(self, complaint: Complaint) -> list[Any]:
        """Collect the pending events, each stamped with its link in the hash chain."""
        previous = complaint.__dict__.get("_chain_head") or SEED
        events = complaint.collect_events()
        chain_version = KEYED if self.chain_key else UNKEYED
        for event in events:
            if chain_version != UNKEYED:
                # Stored with the event and covered by its hash: how to check this link.
                object.__setattr__(event, CHAIN_VERSION_FIELD, chain_version)
            if self.sealer:
                self.sealer.seal(event)
            previous = chain_hash(
                self.mapper, previous, originator_id=event.originator_id,
                version=event.originator_version, topic=get_topic(type(event)),
                state=stored_state_of(event), key=self.chain_key,
            )
            # Events are frozen; the hash is a stored attribute that replay ignores.
            object.__setattr__(event, HASH_FIELD, previous)
        complaint._chain_head = previous
        return events


def _check_version(complaint: Complaint, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != complaint.version:
        raise VersionMismatch(complaint.id, expected_version, complaint.version)


# Filings racing for the same office's next number: each loss moves on by one.
_NUMBER_ATTEMPTS = 64


def _same_filing(first: Complaint, intake: Intake) -> bool:
    """Whether a retry carries the same complaint (receipt time aside: it defaults to now)."""
    data = asdict(intake)
    return (
        first.consumer == data["consumer"] and first.business == data["business"]
        and (first.channel, first.category, first.industry, first.office)
        == (intake.channel.value, intake.category.value, intake.industry.value, intake.office)
        and (first.amount, first.description, first.request) == (
            intake.amount, intake.description, intake.request)
        and first.incident_date == (intake.incident_date.isoformat() if intake.incident_date
                                    else None)
        and first.proxy == (intake.proxy.as_data() if intake.proxy else None)
        and first.joint == (intake.joint.as_data() if intake.joint else None)
    )


class _DateAsISO(Transcoding):
    type = type(datetime.now(UTC).date())
    name = "date_iso"

    def encode(self, obj: Any) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> Any:
        return self.type.fromisoformat(data)


_EXTRA_TRANSCODINGS: tuple[Transcoding, ...] = (_DateAsISO(), SealedAsBase64())
