"""Proxies, joint complaints, identity checks and entrusted mediation in the aggregate
(Order 121 Art. 10-12, 16, 19): the guards of the lifecycle table, and replay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from builders import NOW, a_complaint, an_intake, operator, replay, run
from domain.complaint import Complaint
from domain.errors import CommandNotAllowed, IdentityCheckRunning, InvalidValue
from domain.vocabulary import State

JOINT = {"consumers": [{"name": "王五", "phone": "13700001111"},
                       {"name": "赵六", "phone": "13600002222"}],
         "representatives": [0], "consent": True}
PROXY = {"name": "李律师", "phone": "13911112222", "id_number": "11010519491231002X"}
PAPER = {"matters": "投诉并调解", "powers": "代为调解", "term": "2026-12-31", "signed": True}


def filed(**overrides) -> Complaint:
    return Complaint.file(an_intake(**overrides), actor=operator, at=NOW, tz=NOW.tzinfo)


def test_a_joint_settlement_waits_for_every_represented_consumer():
    complaint = filed(joint=JOINT)
    run(complaint, "accept", operator)
    with pytest.raises(CommandNotAllowed):
        run(complaint, "resolve", operator)
    run(complaint, "consent", operator, consumer=1, matter="settle")
    assert "resolve" not in complaint.allowed_commands()
    run(complaint, "consent", operator, consumer=2, matter="settle")
    assert "resolve" in complaint.allowed_commands()
    # Consent to settle is not consent to give up the request.
    assert "withdraw" not in complaint.allowed_commands()
    run(complaint, "resolve", operator)
    assert complaint.state is State.RESOLVED
    assert replay(complaint.collect_events()).consents == {"settle": frozenset({1, 2})}


def test_a_representative_cannot_consent_for_the_represented():
    complaint = filed(joint=JOINT)
    with pytest.raises(InvalidValue, match="represented consumer: 1, 2"):
        run(complaint, "consent", operator, consumer=0, matter="settle")


def test_without_a_signed_authorisation_a_proxys_complaint_can_only_be_rejected_incomplete():
    complaint = filed(proxy=PROXY)
    assert not complaint.materials_complete
    with pytest.raises(CommandNotAllowed):
        run(complaint, "accept", operator)
    authorised = filed(proxy={**PROXY, "authorisation": PAPER})
    run(authorised, "accept", operator)
    assert authorised.state is State.ACCEPTED


def test_the_authorisation_must_still_run_on_the_day_of_receipt():
    expired = filed(proxy={**PROXY, "authorisation": {**PAPER, "term": "2026-05-01"}})
    assert not expired.materials_complete


def test_identity_unverified_waits_for_the_end_of_the_due_day():
    complaint = a_complaint("filed")
    run(complaint, "request-identity", operator, due=date(2026, 5, 13))
    last_moment = NOW.replace(day=13, hour=23, minute=59)
    with pytest.raises(IdentityCheckRunning, match="2026-05-13"):
        run(complaint, "reject", operator, reason="identity_unverified", at=last_moment)
    run(complaint, "reject", operator, reason="identity_unverified",
        at=last_moment + timedelta(minutes=1))
    assert complaint.closing_reason == "identity_unverified"


def test_an_entrusted_case_is_never_entrusted_again_and_takes_only_its_organisations_mediators():
    complaint = a_complaint("accepted")
    run(complaint, "entrust", operator)
    with pytest.raises(CommandNotAllowed):
        run(complaint, "entrust", operator, organisation="PD-TJ")
    with pytest.raises(InvalidValue, match="SH-XB"):
        complaint.assign(actor=operator, at=NOW, mediator="med1")
    complaint.assign(actor=operator, at=NOW, mediator="emed1", mediator_organisation="SH-XB")
    assert replay(complaint.collect_events()).organisation == "SH-XB"


def test_an_office_case_never_goes_to_an_organisations_mediator():
    complaint = a_complaint("accepted")
    with pytest.raises(InvalidValue, match="only entrusted"):
        complaint.assign(actor=operator, at=NOW, mediator="emed1", mediator_organisation="SH-XB")

