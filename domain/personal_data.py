"""Which parts of a complaint's events are personal data, and what shows once erased.

Consumers type names, phones, addresses and ID numbers into every free text, so free
text counts as personal data too. These fields are sealed with the complaint's own
data key when stored; erasing the complaint's personal data destroys that key.
"""

from __future__ import annotations

from typing import Any

ERASED = "已删除"

# Free text, whatever event carries it: what the consumer said and what staff wrote down.
FREE_TEXT_FIELDS = frozenset({"description", "request", "text", "note", "terms", "comment"})
# Fields of particular events, by event class name. Escalated's `reason` is left out
# although staff type it: credit rules may test it (agreement_breached), and an
# erasure must leave every credit entry as it was.
EVENT_FIELDS: dict[str, frozenset[str]] = {
    # The proxy and the joint consumers are personal data as much as the consumer is.
    "Filed": frozenset({"consumer", "proxy", "joint"}),
    # Why an office had no power, why a party asked the mediator to step aside: typed
    # by staff from what the parties said.
    "ReturnedToIntake": frozenset({"reason"}),
    "RecusalRequested": frozenset({"reason"}),
    # Reports (SPEC §13): the reporter's identity and what they said (Art. 37), and
    # what staff wrote about it.
    "ReportReceived": frozenset({"reporter", "facts"}),
    "ReportFactsAdded": frozenset({"facts"}),
    "VerificationExtended": frozenset({"reason"}),
    "CaseDeclined": frozenset({"reason"}),
}


def personal_fields(event_name: str, state: dict[str, Any]) -> list[str]:
    """The names of the event's fields that hold personal data."""
    named = EVENT_FIELDS.get(event_name, frozenset())
    return [field for field in state if field in FREE_TEXT_FIELDS or field in named]


def is_erased(value: object) -> bool:
    return value == ERASED


def erased_copy(value: Any) -> Any:
    """The value with every non-empty text replaced by 已删除, structure kept."""
    if isinstance(value, dict):
        return {k: erased_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [erased_copy(v) for v in value]
    return ERASED if isinstance(value, str) and value else value
