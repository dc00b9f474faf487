"""Who may read what. Commands are guarded by the domain itself (`domain.permissions`);
reading is the API's business, and this is the rule:

- supervisors read every complaint, its history and any past state (`as_of`);
- operators read every complaint (they take the calls about any case), but not its
  history or past states;
- mediators read only the complaints assigned to them now, and list only those;
- admins manage accounts and read no complaints;
- a business (SPEC §14) reads only the complaints against its own credit code, with
  the consumer's name and phone (needed to settle) but never an address or ID number,
  and every such read is recorded in the account audit; another business's complaint
  is not there at all for it (404, not 403), and it reads no files or documents.

Whoever may read a complaint may also work it, so the single-complaint view shows the
consumer's personal data in full; list summaries are always masked (the view masks
them once, when it is written).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Depends

from adapters.accounts import CONSUMER_DATA_READ, Accounts
from api.auth import CurrentUser, User
from application.desk import ComplaintDesk
from application.errors import ComplaintNotFound
from application.listing import ListFilter
from application.views import ComplaintDetails
from domain.errors import InvalidValue, NotPermitted
from domain.permissions import role_may_ever
from domain.vocabulary import Role

_READ_ALL = (Role.SUPERVISOR, Role.OPERATOR)


def check_read(user: User, details: ComplaintDetails) -> None:
    if user.role in _READ_ALL:
        return
    if user.role is Role.BUSINESS:
        if is_own(user, details):
            return
        raise ComplaintNotFound(details.id)
    if user.role is Role.MEDIATOR:
        if details.mediator == user.username:
            return
        if user.organisation:
            # An entrusted mediator is told nothing of cases outside their organisation's
            # work, not even that they exist (Order 121 Art. 19).
            raise ComplaintNotFound(details.id)
        raise NotPermitted("read", "a mediator reads only the cases assigned to them")
    raise NotPermitted("read", f"the {user.role.value} role does not read complaints")


def is_own(user: User, details: ComplaintDetails) -> bool:
    return (user.role is Role.BUSINESS and user.credit_code is not None
            and details.business.get("uscc") == user.credit_code)


def files_readable(desk: ComplaintDesk, complaint_id: object, user: User) -> ComplaintDetails:
    """Evidence files and documents stay with the office, even for the business's own
    case (another business's case is still not there: 404)."""
    details = readable(desk, complaint_id, user)
    if user.role is Role.BUSINESS:
        raise NotPermitted("read files", "a business reads its complaints, not their files")
    return details


def record_business_read(accounts: Accounts, user: User, details: ComplaintDetails) -> None:
    """A business saw a consumer's name and phone: the account audit keeps every read."""
    if user.role is Role.BUSINESS:
        accounts.record(CONSUMER_DATA_READ, user.username, detail=f"complaint {details.id}")


def check_supervisor(user: User, what: str) -> None:
    if user.role is not Role.SUPERVISOR:
        raise NotPermitted(what, "only a supervisor may do this")


def readable(desk: ComplaintDesk, complaint_id: object, user: User,
             as_of: int | datetime | None = None) -> ComplaintDetails:
    """The complaint now, or as it stood at a version or moment (supervisors only)."""
    if as_of is None:
        details = desk.get_complaint(complaint_id)  # type: ignore[arg-type]
    else:
        check_supervisor(user, "read a past state")
        if isinstance(as_of, int):
            details = desk.get_complaint(complaint_id, as_of)  # type: ignore[arg-type]
        else:
            details = desk.get_complaint_at(complaint_id, as_of)  # type: ignore[arg-type]
    check_read(user, details)
    return details


def scoped(user: User, criteria: ListFilter) -> ListFilter:
    """The list a user may search: mediators see their own cases only."""
    if user.role in _READ_ALL:
        return criteria
    if user.role is Role.MEDIATOR:
        if criteria.mediator not in (None, user.username):
            raise NotPermitted("list", "a mediator lists only the cases assigned to them")
        return ListFilter(**{**criteria.__dict__, "mediator": user.username})
    raise NotPermitted("list", f"the {user.role.value} role does not read complaints")


def known_mediator(accounts: Accounts, username: str) -> str:
    """A case goes only to someone who can sign in as a mediator and work it."""
    account = accounts.get(username)
    if account is None or account.role is not Role.MEDIATOR:
        raise InvalidValue("mediator", "no mediator account has this username")
    return username


def sees_abuse_signs(user: User) -> bool:
    """Signs of abuse (Art. 17) inform the decision on acceptance: the operators who make
    it and the supervisors who review it see them."""
    return user.role in (Role.OPERATOR, Role.SUPERVISOR)


def known_organisation(organisations: Any, code: str) -> str:
    if code not in organisations:
        raise InvalidValue("organisation", "no organisation has this code")
    return code


def organisation_of(accounts: Accounts, username: str) -> str | None:
    """The organisation a mediator belongs to (an entrusted mediator), or None."""
    account = accounts.get(username)
    return account.organisation if account else None


def allowed_to(command: str) -> Any:
    """A route's user, refused before anything else when their role may never run the
    command (the domain still decides state and person: the assigned mediator)."""

    def check(user: CurrentUser) -> User:
        if not role_may_ever(command, user.role):
            raise NotPermitted(command, f"the {user.role.value} role may not do this")
        return user

    return Depends(check)
