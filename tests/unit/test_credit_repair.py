"""Credit repair: only a supervisor voids an entry, with a reason, once; the void is an event."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.credit_repair import CreditEntryVoid, void_id_for
from domain.errors import InvalidValue, NotPermitted
from tests.unit.builders import NOW, admin, mediator, operator, supervisor


def test_a_supervisor_voids_an_entry_with_a_reason_and_the_void_is_recorded():
    entry_id = uuid4()

    void = CreditEntryVoid.void(entry_id, actor=supervisor, at=NOW, reason="复议撤销：商家已履行")

    (event,) = void.collect_events()
    assert type(event).__name__ == "EntryVoided"
    assert event.entry_id == str(entry_id)
    assert event.actor == {"username": "sup1", "role": "supervisor"}
    assert event.at == NOW
    assert event.reason == "复议撤销：商家已履行"


@pytest.mark.parametrize("actor", [operator, mediator, admin], ids=lambda a: a.role.value)
def test_no_one_but_a_supervisor_may_void(actor):
    with pytest.raises(NotPermitted, match="only a supervisor"):
        CreditEntryVoid.void(uuid4(), actor=actor, at=NOW, reason="please")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_void_needs_a_written_reason(reason):
    with pytest.raises(InvalidValue) as refused:
        CreditEntryVoid.void(uuid4(), actor=supervisor, at=NOW, reason=reason)
    assert refused.value.field == "reason"


def test_one_entry_has_one_possible_void_so_it_can_be_voided_only_once():
    entry_id = uuid4()
    first = CreditEntryVoid.void(entry_id, actor=supervisor, at=NOW, reason="a")
    second = CreditEntryVoid.void(str(entry_id), actor=supervisor, at=NOW, reason="b")

    assert first.id == second.id == void_id_for(entry_id)
    assert void_id_for(uuid4()) != first.id


def test_a_void_names_a_real_entry_id():
    with pytest.raises(InvalidValue) as refused:
        CreditEntryVoid.void("not-an-id", actor=supervisor, at=NOW, reason="a")
    assert refused.value.field == "entry_id"
