"""Which statutory document a case calls for (Order 121 Art. 15, 23, 24), and the
issuing event: kind, number, template and hash, replayed, never personal data."""

from __future__ import annotations

import pytest

from domain.documents import fitting_kinds
from domain.errors import NotPermitted
from tests.unit.builders import (
    NOW,
    a_complaint,
    admin,
    last_event,
    mediator,
    operator,
    other_mediator,
    replay,
)


@pytest.mark.parametrize(("state", "kinds"), [
    ("filed", []),
    ("accepted", ["acceptance_notice"]),
    ("mediated", ["acceptance_notice"]),
    ("rejected", ["rejection_notice"]),
    ("terminated", ["acceptance_notice", "termination_notice"]),
    ("withdrawn", []),  # before acceptance: no mediation to end
    ("withdrawn (after acceptance)", ["acceptance_notice", "termination_notice"]),
    ("resolved", ["acceptance_notice", "mediation_record"]),
])
def test_each_state_calls_for_its_documents(state, kinds):
    assert fitting_kinds(a_complaint(state)) == kinds


def test_an_on_site_agreement_recorded_as_a_document_calls_for_a_mediation_agreement():
    complaint = a_complaint("mediated")
    complaint.resolve(actor=mediator, at=NOW, outcome="refund", amount_recovered="10",
                      terms="退款", mode="on_site", record="agreement_document")

    assert fitting_kinds(complaint) == ["acceptance_notice", "mediation_agreement"]


def test_the_issuing_event_replays_and_carries_no_personal_data():
    complaint = a_complaint("rejected")
    complaint.issue_document(actor=operator, at=NOW, kind="rejection_notice", document_id="d1",
                             number="沪浦市监诉不受〔2026〕1号", template="1", sha256="ab" * 32)
    event = last_event(complaint)

    assert replay(complaint.collect_events()).documents["rejection_notice"]["number"] == (
        "沪浦市监诉不受〔2026〕1号")
    assert set(vars(event)) - {"originator_id", "originator_version", "timestamp"} == {
        "actor", "at", "state", "kind", "document_id", "number", "template", "sha256"}


@pytest.mark.parametrize("actor", [admin, other_mediator])
def test_only_staff_on_the_case_issue_documents(actor):
    complaint = a_complaint("mediated")
    with pytest.raises(NotPermitted):
        complaint.issue_document(actor=actor, at=NOW, kind="acceptance_notice", document_id="d",
                                 number="n", template="1", sha256="0" * 64)


def test_a_missing_cjk_font_is_a_clear_error_naming_the_package():
    from adapters.documents.pdf import FontMissing, check_font

    with pytest.raises(FontMissing, match="fonts-noto-cjk"):
        check_font("No Such CJK Family")
    check_font()  # the one the documents use is installed here
