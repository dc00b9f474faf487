"""Complaints over HTTP (SPEC §8): each route is schema in, one application call, view out.

Routes are plain `def`: the application blocks, so FastAPI runs them in its thread
pool. Refusals are raised by the domain and application and turned into problem
responses by `api.errors`; no route catches them.

The single-complaint view and every command answer read the event store, so they are
always current. The list is served by the complaint-list projection, which follows
the store in the background: it is eventually consistent, normally within
milliseconds of a write (`/metrics` shows the lag).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Response

from api import access
from api.auth import CurrentUser, User
from api.deps import AsOf, Desk, IdempotencyKey, IfMatch, WiringDep
from api.errors import documented
from api.routes import API_PREFIX
from api.schemas import (
    AcceptIn, AssignIn, ComplaintOut, EscalateIn, FileIn, HistoryItemOut, ListQuery, NoteIn,
    NoticeIn, NotifyIn, PageOut, RecusalDecisionIn, RecusalRequestIn, RejectIn, ResolveIn,
    ReturnToIntakeIn, SatisfactionIn, SuspendIn, TerminateIn, TransferIn, WithdrawIn,
)
from application.desk import ComplaintDesk
from application.views import ComplaintDetails

router = APIRouter(prefix=f"{API_PREFIX}/complaints", tags=["complaints"],
                   responses=documented(400, 401, 403, 413, 422, 503))

ETAG = {"ETag": {"description": "the complaint's version", "schema": {"type": "string"}}}
COMMAND = {200: {"headers": ETAG}, **documented(404, 409, 412)}


def view(details: ComplaintDetails, user: User, response: Response) -> ComplaintOut:
    response.headers["ETag"] = f'"{details.version}"'
    return ComplaintOut.of(details, user)


def current(desk: ComplaintDesk, complaint_id: UUID, user: User, response: Response,
            after: int | None = None) -> ComplaintOut:
    """The view after a command: exactly the version it made when it was conditional
    (If-Match), else the complaint as it stands now, which may include a later write."""
    return view(desk.get_complaint(complaint_id, None if after is None else after + 1),
                user, response)


# ----- filing and reading ------------------------------------------------------------

@router.post("", status_code=201, response_model=ComplaintOut, responses={201: {"headers": {
    **ETAG, "Location": {"description": "the new complaint", "schema": {"type": "string"}}}},
    **documented(409)})
def file_complaint(body: FileIn, user: Annotated[User, access.allowed_to("file")], desk: Desk,
                   response: Response, idempotency_key: IdempotencyKey = None) -> ComplaintOut:
    filed = desk.file_and_show(body.to_intake(now=desk.clock(), default_office=user.office),
                               actor=user.actor, idempotency_key=idempotency_key)
    response.headers["Location"] = f"{API_PREFIX}/complaints/{filed.id}"
    return view(filed, user, response)


@router.get("", response_model=PageOut)
def list_complaints(criteria: Annotated[ListQuery, Query()], user: CurrentUser,
                    wiring: WiringDep) -> PageOut:
    return PageOut.of(wiring.complaint_list.search(
        access.scoped(user, criteria.to_filter(wiring.settings.tz))))


@router.get("/{complaint_id}", response_model=ComplaintOut,
            responses={200: {"headers": ETAG}, **documented(404)})
def get_complaint(complaint_id: UUID, user: CurrentUser, wiring: WiringDep, response: Response,
                  as_of: AsOf = None) -> ComplaintOut:
    details = access.readable(wiring.desk, complaint_id, user, as_of)
    access.record_business_read(wiring.accounts, user, details)
    found = view(details, user, response)
    if access.sees_abuse_signs(user) and wiring.abuse_signals is not None:
        found.abuse_signs = wiring.abuse_signals.signs_of([str(complaint_id)]).get(
            str(complaint_id), [])
    return found


@router.get("/{complaint_id}/history", response_model=list[HistoryItemOut],
            responses=documented(404))
def history(complaint_id: UUID, user: CurrentUser, desk: Desk) -> list[HistoryItemOut]:
    access.check_supervisor(user, "read the history")
    return [HistoryItemOut.of(item) for item in desk.history(complaint_id)]


# ----- commands ------------------------------------------------------------------------

@router.post("/{complaint_id}/accept", response_model=ComplaintOut, responses=COMMAND)
def accept(complaint_id: UUID, user: Annotated[User, access.allowed_to("accept")], desk: Desk,
           version: IfMatch, response: Response,
           body: Annotated[AcceptIn | None, Body()] = None) -> ComplaintOut:
    desk.accept(complaint_id, actor=user.actor, expected_version=version,
                notified_via=(body or AcceptIn()).notified_via)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/reject", response_model=ComplaintOut, responses=COMMAND)
def reject(complaint_id: UUID, body: RejectIn, user: Annotated[User, access.allowed_to("reject")],
           desk: Desk, version: IfMatch, response: Response) -> ComplaintOut:
    desk.reject(complaint_id, actor=user.actor, reason=body.reason, note=body.note,
                notified_via=body.notified_via, expected_version=version,
                impersonation=body.impersonation)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/notify", response_model=ComplaintOut, responses=COMMAND)
def notify(complaint_id: UUID, body: NotifyIn, user: Annotated[User, access.allowed_to("notify")],
           desk: Desk, version: IfMatch, response: Response) -> ComplaintOut:
    desk.notify_decision(complaint_id, actor=user.actor, channel=body.channel, note=body.note,
                expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/transfer", response_model=ComplaintOut, responses=COMMAND)
def transfer(complaint_id: UUID, body: TransferIn,
             user: Annotated[User, access.allowed_to("transfer")], desk: Desk, version: IfMatch,
             response: Response) -> ComplaintOut:
    desk.transfer(complaint_id, actor=user.actor, to_office=body.to_office, note=body.note,
                  expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/return-to-intake", response_model=ComplaintOut, responses=COMMAND)
def return_to_intake(complaint_id: UUID, body: ReturnToIntakeIn,
                     user: Annotated[User, access.allowed_to("return-to-intake")], desk: Desk,
                     version: IfMatch, response: Response) -> ComplaintOut:
    desk.return_to_intake(complaint_id, actor=user.actor, reason=body.reason,
                          expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/assign", response_model=ComplaintOut, responses=COMMAND)
def assign(complaint_id: UUID, body: AssignIn, user: Annotated[User, access.allowed_to("assign")],
           wiring: WiringDep, version: IfMatch, response: Response) -> ComplaintOut:
    wiring.desk.assign(complaint_id, actor=user.actor, expected_version=version,
                       mediator=access.known_mediator(wiring.accounts, body.mediator),
                       mediator_organisation=access.organisation_of(wiring.accounts,
                                                                    body.mediator))
    return current(wiring.desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/reassign", response_model=ComplaintOut, responses=COMMAND)
def reassign(complaint_id: UUID, body: AssignIn,
             user: Annotated[User, access.allowed_to("reassign")], wiring: WiringDep,
             version: IfMatch, response: Response) -> ComplaintOut:
    wiring.desk.reassign(complaint_id, actor=user.actor, expected_version=version,
                         mediator=access.known_mediator(wiring.accounts, body.mediator),
                         mediator_organisation=access.organisation_of(wiring.accounts,
                                                                      body.mediator))
    return current(wiring.desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/notes", response_model=ComplaintOut, responses=COMMAND)
def add_note(complaint_id: UUID, body: NoteIn, user: Annotated[User, access.allowed_to("notes")],
             desk: Desk, version: IfMatch, response: Response) -> ComplaintOut:
    desk.add_note(complaint_id, actor=user.actor, kind=body.kind, text=body.text,
                  expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/suspend", response_model=ComplaintOut, responses=COMMAND)
def suspend(complaint_id: UUID, body: SuspendIn,
            user: Annotated[User, access.allowed_to("suspend")], desk: Desk, version: IfMatch,
            response: Response) -> ComplaintOut:
    desk.suspend(complaint_id, actor=user.actor, reason=body.reason, note=body.note,
                 body=body.body, designated=body.designated, expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/resume", response_model=ComplaintOut, responses=COMMAND)
def resume(complaint_id: UUID, user: Annotated[User, access.allowed_to("resume")], desk: Desk,
           version: IfMatch, response: Response) -> ComplaintOut:
    desk.resume(complaint_id, actor=user.actor, expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/recusal-request", response_model=ComplaintOut, responses=COMMAND)
def recusal_request(complaint_id: UUID, body: RecusalRequestIn,
                    user: Annotated[User, access.allowed_to("recusal-request")], desk: Desk,
                    version: IfMatch, response: Response) -> ComplaintOut:
    desk.request_recusal(complaint_id, actor=user.actor, by=body.by, reason=body.reason,
                         expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/recusal-decision", response_model=ComplaintOut, responses=COMMAND)
def recusal_decision(complaint_id: UUID, body: RecusalDecisionIn,
                     user: Annotated[User, access.allowed_to("recusal-decision")],
                     wiring: WiringDep, version: IfMatch, response: Response) -> ComplaintOut:
    mediator = (access.known_mediator(wiring.accounts, body.mediator) if body.mediator
                else None)
    wiring.desk.decide_recusal(complaint_id, actor=user.actor, upheld=body.upheld,
                               mediator=mediator, note=body.note, expected_version=version,
                               mediator_organisation=(access.organisation_of(
                                   wiring.accounts, mediator) if mediator else None))
    return current(wiring.desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/resolve", response_model=ComplaintOut, responses=COMMAND)
def resolve(complaint_id: UUID, body: ResolveIn,
            user: Annotated[User, access.allowed_to("resolve")], desk: Desk, version: IfMatch,
            response: Response) -> ComplaintOut:
    desk.resolve(complaint_id, actor=user.actor, outcome=body.outcome,
                 amount_recovered=body.amount_recovered, terms=body.terms, mode=body.mode,
                 record=body.record, expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/terminate", response_model=ComplaintOut, responses=COMMAND)
def terminate(complaint_id: UUID, body: TerminateIn,
              user: Annotated[User, access.allowed_to("terminate")], desk: Desk, version: IfMatch,
              response: Response) -> ComplaintOut:
    desk.terminate(complaint_id, actor=user.actor, reason=body.reason, note=body.note,
                   expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/notice", response_model=ComplaintOut, responses=COMMAND)
def notice(complaint_id: UUID, user: Annotated[User, access.allowed_to("notice")], desk: Desk,
           version: IfMatch, response: Response,
           body: Annotated[NoticeIn | None, Body()] = None) -> ComplaintOut:
    desk.record_notice(complaint_id, actor=user.actor, note=(body or NoticeIn()).note,
                       expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/escalate", response_model=ComplaintOut, responses=COMMAND)
def escalate(complaint_id: UUID, body: EscalateIn,
             user: Annotated[User, access.allowed_to("escalate")], desk: Desk, version: IfMatch,
             response: Response) -> ComplaintOut:
    desk.escalate(complaint_id, actor=user.actor, forum=body.forum, reason=body.reason,
                  expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/withdraw", response_model=ComplaintOut, responses=COMMAND)
def withdraw(complaint_id: UUID, user: Annotated[User, access.allowed_to("withdraw")], desk: Desk,
             version: IfMatch, response: Response,
             body: Annotated[WithdrawIn | None, Body()] = None) -> ComplaintOut:
    body = body or WithdrawIn()
    desk.withdraw(complaint_id, actor=user.actor, note=body.note, kind=body.kind,
                  expected_version=version)
    return current(desk, complaint_id, user, response, version)


@router.post("/{complaint_id}/satisfaction", response_model=ComplaintOut, responses=COMMAND)
def satisfaction(complaint_id: UUID, body: SatisfactionIn,
                 user: Annotated[User, access.allowed_to("satisfaction")], desk: Desk,
                 version: IfMatch, response: Response) -> ComplaintOut:
    desk.record_satisfaction(complaint_id, actor=user.actor, score=body.score,
                             level=body.level, comment=body.comment, expected_version=version)
    return current(desk, complaint_id, user, response, version)
