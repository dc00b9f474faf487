"""The transactional outbox: every change of a complaint, as other systems are told it.

Like every view, its rows are written in the same transaction as its tracking
position, so a change is offered exactly once however often the projection runs,
and a rebuild gives the same messages under the same positions (the notification
ids), which is what the delivery state (adapters/outbox_deliveries.py) refers to.

No personal data is stored here: the consumer's particulars and every free text
(domain/personal_data.py) are left out of the message. An endpoint configured to
receive them gets them read from the sealed event at the moment of delivery.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Integer, String, Table, Text, insert, select

from adapters.projections import Page, View, metadata
from application.delivery import NOT_SENT
from domain.complaint import Complaint
from domain.personal_data import personal_fields

outbox_messages = Table(
    "outbox_messages",
    metadata,
    Column("position", BigInteger, primary_key=True),  # the event's notification id
    Column("complaint_id", String(36), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("body", Text, nullable=False),  # JSON, without personal data
)

# What every message of a complaint repeats, so a receiver can file it by the
# platform's number or the desk's case number without keeping the first message.
outbox_refs = Table(
    "outbox_refs",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("external_ref", String(40)),
    Column("number", String(40)),
)

# The envelope of every event, and fields that are the desk's own bookkeeping.
_LEFT_OUT = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic",
                       "hash", "chain_version", "actor", "at"})


class OutboxView(View):
    name = "outbox"
    tables = (outbox_messages, outbox_refs)

    def apply(self, db: Connection, page: Page) -> None:
        refs: dict[str, dict[str, Any]] = {}
        events = [(e, n) for e, n in page if isinstance(e, Complaint.Event)]
        for event, _ in events:
            if isinstance(event, Complaint.Filed):
                refs[str(event.originator_id)] = {
                    "complaint_id": str(event.originator_id),
                    "external_ref": event.external_ref, "number": event.number}
        earlier = {str(e.originator_id) for e, _ in events} - refs.keys()
        known = dict(refs)
        if earlier:
            for row in db.execute(select(outbox_refs).where(
                    outbox_refs.c.complaint_id.in_(sorted(earlier)))).mappings():
                known[row["complaint_id"]] = dict(row)
        if refs:
            db.execute(insert(outbox_refs), list(refs.values()))
        rows = [message_row(event, position, known.get(str(event.originator_id), {}))
                for event, position in events]
        if rows:
            db.execute(insert(outbox_messages), rows)


def message_row(event: Any, position: int, ref: dict[str, Any]) -> dict[str, Any]:
    kind = type(event).__name__
    state = event.__dict__
    personal = set(personal_fields(kind, state)) | NOT_SENT.get(kind, frozenset())
    data = {k: _plain(v) for k, v in state.items() if k not in _LEFT_OUT and k not in personal}
    body = {
        "complaint_id": str(event.originator_id),
        "external_ref": ref.get("external_ref"),
        "number": ref.get("number"),
        "version": event.originator_version,
        "type": kind,
        "at": _plain(getattr(event, "at", event.timestamp)),
        "actor": dict(getattr(event, "actor", {})),
        "data": data,
    }
    return {"position": position, "complaint_id": str(event.originator_id),
            "version": event.originator_version, "type": kind,
            "body": json.dumps(body, ensure_ascii=False, sort_keys=True)}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
