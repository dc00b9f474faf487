"""The case page: the whole complaint for those allowed to see it, its clocks, its notes
by kind, and a form for every action the transitions table allows now and the user
may take (the buttons come from `allowed_actions`, never from a list of our own).

Each action posts to `/cases/{id}/{command}` with the version the page showed, so a
case changed meanwhile is refused and shown again as it now stands.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import access
from api.auth import User
from api.bootstrap import Wiring
from api.pages.forms import FormFields, field_errors
from api.pages.intake import known_offices
from api.pages.rendering import error_page, local_path, page, render, see_other, translator
from api.pages.sessions import PageUser, check_csrf, require
from application.errors import ComplaintNotFound, ConcurrentUpdate, VersionMismatch
from application.views import ComplaintDetails
from domain.errors import CommandNotAllowed, InvalidValue, NotPermitted
from domain.evidence import MAX_CASE_BYTES, MAX_FILE_BYTES
from domain.permissions import may
from domain.parties import ConsentMatter, represented
from domain.regulation import by_id
from domain.vocabulary import (
    AGREEMENT_BREACHED, AgreementRecord, Forum, MediationMode, NoteKind, NotifyChannel, Outcome,
    RecusalBy, Role, SatisfactionLevel, State, WithdrawKind,
)

router = APIRouter()

STAFF = (Role.OPERATOR, Role.MEDIATOR, Role.SUPERVISOR)


def complaint_uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ComplaintNotFound(raw) from None


def api_user(user: PageUser) -> User:
    return User(user.username, user.role, user.office, organisation=user.organisation)


@dataclass(frozen=True)
class _AsComplaint:
    """What `domain.permissions.may` reads of a complaint."""

    state: State
    mediator: str | None


def actions_for(details: ComplaintDetails, user: PageUser) -> list[str]:
    """The commands the table allows now that this user may run, in the table's order."""
    shim = _AsComplaint(State(details.state), details.mediator)
    return [c for c in details.allowed_actions if may(shim, c, user.actor)]


# ----- the page ------------------------------------------------------------------------

EVIDENCE_LIMITS = {"file_mib": MAX_FILE_BYTES // (1024 * 1024),
                   "case_mib": MAX_CASE_BYTES // (1024 * 1024)}

# Events whose typed words are notes on the case, and the field holding them: a note
# given with a decision (不予受理, 终止调解, ...) is as much the case's record as a note.
NOTE_EVENTS = {
    "NoteAdded": "text", "Rejected": "note", "Transferred": "note", "ClockSuspended": "note",
    "Terminated": "note", "TerminationNoticeRecorded": "note", "Withdrawn": "note",
    "Escalated": "reason", "SatisfactionRecorded": "comment",
}


def note_kind_of(item: Any) -> str:
    """A note's kind; the words given with a decision count as plain notes."""
    return item.data["kind"] if item.type == "NoteAdded" else "note"


def note_text_of(item: Any) -> str:
    return item.data.get(NOTE_EVENTS.get(item.type, "text"), "")


@router.get("/cases/{complaint_id}")
@page
def case_page(request: Request, complaint_id: str, kind: str | None = None) -> Response:
    user = require(request, *STAFF)
    return _case(request, user, complaint_uuid(complaint_id), kind=kind)


def _case(request: Request, user: PageUser, complaint_id: uuid.UUID, *, status: int = 200,
          kind: str | None = None, **context: Any) -> Response:
    wiring: Wiring = request.app.state.wiring
    desk = wiring.desk
    details = access.readable(desk, complaint_id, api_user(user))
    clocks = wiring.timeliness.of_events(desk.events.get(complaint_id))
    history = desk.history(complaint_id)
    notes = [h for h in history if h.type in NOTE_EVENTS
             and h.data.get(NOTE_EVENTS[h.type]) not in (None, "", AGREEMENT_BREACHED)]
    kinds = [k.value for k in NoteKind]
    shown_kind = kind if kind in kinds else None
    receipt_text = by_id(details.regulation)
    mediation_text = by_id(details.mediation_regulation or details.regulation)
    # Only the entrusted organisation's mediators for an entrusted case, else the office's.
    mediators = [a for a in wiring.accounts.all() if a.role is Role.MEDIATOR
                 and a.organisation == details.organisation]
    return render(
        request, "case.html", status=status, c=details, clocks=clocks,
        history=history, notes=[n for n in notes if not shown_kind or note_kind_of(n) == shown_kind],
        note_counts={k: sum(1 for n in notes if note_kind_of(n) == k) for k in kinds},
        note_kind=shown_kind, actions=actions_for(details, user),
        receipt_text=receipt_text, mediation_text=mediation_text,
        options={
            # Each list is the governing text's: receipt for acceptance, acceptance for
            # mediation (SPEC §2), so a ground the text dropped is never offered.
            "reject": sorted(r.value for r in receipt_text.reject_reasons),
            "terminate": sorted(r.value for r in mediation_text.terminate_reasons),
            "suspend": sorted(r.value for r in mediation_text.suspend_reasons),
            "outcome": [o.value for o in Outcome],
            "forum": [f.value for f in Forum],
            "notify_channel": [c.value for c in NotifyChannel],
            "withdraw_kind": [k.value for k in WithdrawKind],
            "mode": [m.value for m in MediationMode],
            "record": [r.value for r in AgreementRecord],
            "level": [level.value for level in SatisfactionLevel],
            "recusal_by": [b.value for b in RecusalBy],
            "note_kind": kinds,
            "mediators": mediators,
            "offices": [o for o in known_offices(wiring) if o != details.office],
            "consent_matter": [m.value for m in ConsentMatter],
            "represented": represented(details.joint),
            "organisations": wiring.organisations.all(),
        },
        organisation_name=lambda code: next(
            (o.name for o in wiring.organisations.all() if o.code == code), code),
        abuse_signs=(wiring.abuse_signals.signs_of([str(complaint_id)]).get(str(complaint_id), [])
                     if wiring.abuse_signals else []),
        identity_lapsed=(details.identity_due_at is not None and not details.identity_verified
                         and desk.clock() >= details.identity_due_at),
        breach=AGREEMENT_BREACHED, note_text_of=note_text_of, note_kind_of=note_kind_of,
        limits=EVIDENCE_LIMITS,
        credit_entries=(wiring.credit_ledger.complaint_entries(str(complaint_id))
                        if user.role is Role.SUPERVISOR else []),
        documents=wiring.documents.listed(complaint_id),
        document_kinds=(wiring.documents.fitting(complaint_id)
                        if may(_AsComplaint(State(details.state), details.mediator),
                               "documents", user.actor) else []),
        **context,
    )


# ----- actions -------------------------------------------------------------------------

Run = Callable[[Wiring, uuid.UUID, PageUser, dict[str, str], int | None], None]


def _note(form: dict[str, str]) -> str:
    return form.get("note", "")


def _optional(form: dict[str, str], name: str) -> str | None:
    return form.get(name, "").strip() or None


def _upheld(raw: str) -> object:
    return {"yes": True, "no": False}.get(raw, raw or None)


def _escalation_reason(form: dict[str, str]) -> str:
    return AGREEMENT_BREACHED if form.get("breach") == "on" else form.get("reason", "")


ACTIONS: dict[str, Run] = {
    "accept": lambda w, i, u, f, v: w.desk.accept(
        i, actor=u.actor, notified_via=_optional(f, "notified_via"), expected_version=v),
    "reject": lambda w, i, u, f, v: w.desk.reject(
        i, actor=u.actor, reason=f.get("reason", ""), note=_note(f),
        notified_via=_optional(f, "notified_via"), expected_version=v),
    "notify": lambda w, i, u, f, v: w.desk.notify_decision(
        i, actor=u.actor, channel=f.get("channel", ""), note=_note(f), expected_version=v),
    "return-to-intake": lambda w, i, u, f, v: w.desk.return_to_intake(
        i, actor=u.actor, reason=f.get("reason", ""), expected_version=v),
    "recusal-request": lambda w, i, u, f, v: w.desk.request_recusal(
        i, actor=u.actor, by=f.get("by", ""), reason=f.get("reason", ""), expected_version=v),
    "recusal-decision": lambda w, i, u, f, v: w.desk.decide_recusal(
        i, actor=u.actor, upheld=_upheld(f.get("upheld", "")),
        mediator=(access.known_mediator(w.accounts, f["mediator"]) if f.get("mediator")
                  else None), note=_note(f), expected_version=v,
        mediator_organisation=(access.organisation_of(w.accounts, f["mediator"])
                               if f.get("mediator") else None)),
    "transfer": lambda w, i, u, f, v: w.desk.transfer(
        i, actor=u.actor, to_office=f.get("to_office", "").strip(), note=_note(f),
        expected_version=v),
    "assign": lambda w, i, u, f, v: w.desk.assign(
        i, actor=u.actor, mediator=access.known_mediator(w.accounts, f.get("mediator", "")),
        mediator_organisation=access.organisation_of(w.accounts, f.get("mediator", "")),
        expected_version=v),
    "reassign": lambda w, i, u, f, v: w.desk.reassign(
        i, actor=u.actor, mediator=access.known_mediator(w.accounts, f.get("mediator", "")),
        mediator_organisation=access.organisation_of(w.accounts, f.get("mediator", "")),
        expected_version=v),
    "notes": lambda w, i, u, f, v: w.desk.add_note(
        i, actor=u.actor, kind=f.get("kind", ""), text=f.get("text", ""), expected_version=v),
    "suspend": lambda w, i, u, f, v: w.desk.suspend(
        i, actor=u.actor, reason=f.get("reason", ""), note=_note(f), body=_optional(f, "body"),
        designated=True if f.get("designated") == "on" else None, expected_version=v),
    "resume": lambda w, i, u, f, v: w.desk.resume(i, actor=u.actor, expected_version=v),
    "resolve": lambda w, i, u, f, v: w.desk.resolve(
        i, actor=u.actor, outcome=f.get("outcome", ""),
        amount_recovered=f.get("amount_recovered", "").strip(), terms=f.get("terms", ""),
        mode=_optional(f, "mode"), record=_optional(f, "record"), expected_version=v),
    "terminate": lambda w, i, u, f, v: w.desk.terminate(
        i, actor=u.actor, reason=f.get("reason", ""), note=_note(f), expected_version=v),
    "notice": lambda w, i, u, f, v: w.desk.record_notice(
        i, actor=u.actor, note=_note(f), expected_version=v),
    "escalate": lambda w, i, u, f, v: w.desk.escalate(
        i, actor=u.actor, forum=f.get("forum", ""), reason=_escalation_reason(f),
        expected_version=v),
    "withdraw": lambda w, i, u, f, v: w.desk.withdraw(
        i, actor=u.actor, note=_note(f), kind=_optional(f, "kind"), expected_version=v),
    "forward": lambda w, i, u, f, v: w.odr.forward(
        i, actor=u.actor, consent=f.get("consent") == "on", note=_note(f), expected_version=v),
    "confirm-settlement": lambda w, i, u, f, v: w.desk.confirm_settlement(
        i, actor=u.actor, note=_note(f), expected_version=v),
    "return": lambda w, i, u, f, v: w.desk.return_from_negotiation(
        i, actor=u.actor, note=_note(f), expected_version=v),
    # A violation clue found in mediation becomes a report (Order 121 Art. 27).
    "clue": lambda w, i, u, f, v: w.reports.clue(i, actor=u.actor, text=f.get("text", "")),
    "satisfaction": lambda w, i, u, f, v: w.desk.record_satisfaction(
        i, actor=u.actor, level=_optional(f, "level"), comment=f.get("comment", ""),
        expected_version=v),
    # Order 121 Art. 10-12 (domain/parties.py).
    "request-identity": lambda w, i, u, f, v: w.desk.request_identity(
        i, actor=u.actor, due=f.get("due", "").strip(), note=_note(f), expected_version=v),
    "identity-verified": lambda w, i, u, f, v: w.desk.verify_identity(
        i, actor=u.actor, note=_note(f), expected_version=v),
    "consent": lambda w, i, u, f, v: w.desk.record_consent(
        i, actor=u.actor, consumer=_number(f.get("consumer", "")), matter=f.get("matter", ""),
        note=_note(f), expected_version=v),
    "change-request": lambda w, i, u, f, v: w.desk.change_request(
        i, actor=u.actor, request=f.get("request", ""), expected_version=v),
    "entrust": lambda w, i, u, f, v: w.desk.entrust(
        i, actor=u.actor, organisation=access.known_organisation(w.organisations,
                                                                 f.get("organisation", "")),
        consumer_consent=f.get("consumer_consent") == "on",
        business_consent=f.get("business_consent") == "on", expected_version=v),
}


def _number(raw: str) -> object:
    return int(raw) if raw.strip().isdigit() else raw


@router.get("/cases/{complaint_id}/{command}")
def after_action(complaint_id: str, command: str) -> Response:
    """A reload, or a language switch, on the page an action answered: the case itself.
    (`/cases/{id}/audit` is a page of its own, routed before this one.)"""
    found = complaint_uuid_or_none(complaint_id)
    return see_other(f"/cases/{found}" if found else "/cases")


def complaint_uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


@router.post("/cases/{complaint_id}/{command}")
@page
def act(request: Request, complaint_id: str, command: str, form: FormFields) -> Response:
    user = require(request, *STAFF)
    check_csrf(request, form)
    key = complaint_uuid(complaint_id)
    run = ACTIONS.get(command)
    if run is None:
        return error_page(request, 404, "error.not_found")
    wiring: Wiring = request.app.state.wiring
    version = form.get("version", "")
    expected = int(version) if version.isdigit() else None
    t = translator(request)
    values = {k: v for k, v in form.items() if k != "csrf"}
    try:
        run(wiring, key, user, form, expected)
    except InvalidValue as error:
        return _case(request, user, key, status=422, open_action=command, values=values,
                     errors=field_errors({error.field: error}, t))
    except (VersionMismatch, ConcurrentUpdate) as error:
        # What was typed stays in its open form, beside what others did meanwhile; the
        # form now carries the current version, so sending it again is a choice made
        # knowing the case as it stands.
        since = expected if expected is not None else 0
        changes = [h for h in wiring.desk.history(key) if h.version > since]
        return _case(request, user, key, status=412 if isinstance(error, VersionMismatch)
                     else 409, banner=("error", t("banner.changed_meanwhile")),
                     open_action=command, values=values, changes=changes)
    except CommandNotAllowed as error:
        allowed = ", ".join(t.label("command", c) for c in error.allowed) or "—"
        return _case(request, user, key, status=409, banner=("error", t(
            "banner.not_allowed", command=t.label("command", error.command),
            state=t.label("state", error.state), allowed=allowed)))
    except NotPermitted:
        try:
            return _case(request, user, key, status=403,
                         banner=("error", t("banner.not_permitted",
                                            command=t.label("command", command))))
        except NotPermitted:
            return error_page(request, 403, "error.forbidden")
    # Lists are projections: let them catch up, so the next page shows what was done.
    wiring.projections.wait_until(wiring.projections.head(), timeout=2.0)
    return see_other(with_done(local_path(form.get("back"), f"/cases/{key}"), command))


def with_done(path: str, command: str) -> str:
    """The page to go back to, told what was just done (the banner says so)."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "done"] + [("done", command)]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))
