"""A case's audit (supervisors): every event in order with its actor and time, the case
as it stood at any chosen version or moment, and the hash-chain check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.bootstrap import Wiring
from api.bounds import moment_in_range
from api.pages.case import complaint_uuid
from api.pages.i18n import Translator
from api.pages.rendering import Formats, page, render, translator
from api.pages.sessions import require
from application.errors import ComplaintNotFound
from application.views import HistoryItem
from domain.vocabulary import AGREEMENT_BREACHED, Role

router = APIRouter()

# Which vocabulary labels a coded field of an event; `reason` depends on the event.
_CODED = {"state": "state", "from_state": "state", "channel": "channel",
          "category": "category", "industry": "industry", "kind": "note_kind",
          "outcome": "outcome", "forum": "forum", "regulation": "regulation",
          "basis": "erasure_basis"}
_REASONS = {"Rejected": "reject_reason", "Terminated": "terminate_reason",
            "ClockSuspended": "suspend_reason"}


@dataclass(frozen=True)
class Shown:
    name: str
    text: str


def shown_data(item: HistoryItem, t: Translator, fmt: Formats) -> list[Shown]:
    """An event's data as a supervisor reads it: labelled fields, codes in words."""
    shown = []
    for key, value in item.data.items():
        section = _CODED.get(key) or (_REASONS.get(item.type) if key == "reason" else None)
        if key == "reason" and value == AGREEMENT_BREACHED:
            section = "escalate_reason"
        shown.append(Shown(t.label("data", key), _text(value, section, t, fmt)))
    return shown


def _text(value: Any, section: str | None, t: Translator, fmt: Formats) -> str:
    if value is None or value == "":
        return "—"
    if section:
        return t.label(section, value)
    if isinstance(value, datetime):
        return fmt.moment(value)
    if isinstance(value, Decimal):
        return fmt.money(value)
    if isinstance(value, dict):
        return "; ".join(f"{t.label('data', k)}: {_text(v, None, t, fmt)}"
                         for k, v in value.items() if v not in (None, ""))
    return str(value)


@router.get("/cases/{complaint_id}/audit")
@page
def audit(request: Request, complaint_id: str, version: str | None = None,
          at: str | None = None) -> Response:
    require(request, Role.SUPERVISOR)
    wiring: Wiring = request.app.state.wiring
    desk = wiring.desk
    key = complaint_uuid(complaint_id)
    history = desk.history(key)
    latest = history[-1].version
    t = translator(request)
    fmt = Formats(wiring.settings.tz)
    moment = _moment(at, wiring)
    problem = "audit.bad_moment" if at and moment is None else None
    if moment is not None:
        try:
            past = desk.get_complaint_at(key, moment)
        except ComplaintNotFound:
            past, problem = desk.get_complaint(key, 1), "audit.before_filing"
    else:
        chosen = int(version) if version and version.isdigit() else latest
        past = desk.get_complaint(key, min(max(chosen, 1), latest))
    when = next(item.at for item in history if item.version == past.version)
    clocks = wiring.timeliness.of_events(desk.events.get(key, lte=past.version), as_of=when)
    return render(
        request, "audit.html", complaint_id=str(key), history=history, latest=latest,
        past=past, when=when, clocks=clocks, report=wiring.auditor.verify(key)[0], problem=problem,
        at_value=at or "", shown={item.version: shown_data(item, t, fmt) for item in history},
    )


def _moment(raw: str | None, wiring: Wiring) -> datetime | None:
    """A `datetime-local` value, in the desk's zone."""
    if not raw:
        return None
    try:
        moment = moment_in_range(datetime.fromisoformat(raw))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=wiring.settings.tz)
