"""Statutory documents of proxy and joint complaints (Order 121 Art. 11, 12): the notice
goes to the consumer through the proxy, the 调解书 names every consumer and the proxy;
an ordinary case's documents say nothing of either."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from adapters.settings import Settings
from api.bootstrap import wire
from tests.integration.helpers import an_intake, mediator, operator

PROXY = {"name": "孙律师", "phone": "13600998877", "id_number": "11010519491231002X",
         "authorisation": {"matters": "投诉并参加调解", "powers": "代为达成调解协议",
                           "term": "2026-12-31", "signed": True}}
JOINT = {"consumers": [{"name": "吴二", "phone": "13912340002"}], "representatives": [0],
         "consent": True}


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def text_of(wiring, complaint_id, document_id) -> str:
    _, pdf = wiring.documents.pdf(complaint_id, document_id)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_proxy_is_addressed_and_joint_consumers_are_named(wiring, clock):
    desk = wiring.desk
    case = desk.file(an_intake(clock(), proxy=PROXY, joint=JOINT), actor=operator)
    desk.accept(case, actor=operator)
    notice, _ = wiring.documents.issue(case, actor=operator, kind="acceptance_notice")
    text = text_of(wiring, case, notice.id)
    assert "孙律师" in text and "委托代理人" in text and "2名投诉人" in text

    desk.assign(case, actor=operator, mediator="med01")
    desk.record_consent(case, actor=operator, consumer=1, matter="settle")
    desk.resolve(case, actor=mediator, outcome="refund", amount_recovered="10", terms="退款",
                 mode="on_site", record="agreement_document")
    agreement, _ = wiring.documents.issue(case, actor=operator, kind="mediation_agreement")
    text = text_of(wiring, case, agreement.id)
    assert "吴二" in text and "孙律师" in text and "代为达成调解协议" in text


def test_ordinary_documents_read_as_before(wiring, clock):
    case = wiring.desk.file(an_intake(clock()), actor=operator)
    wiring.desk.reject(case, actor=operator, reason="time_barred")
    notice, _ = wiring.documents.issue(case, actor=operator, kind="rejection_notice")
    _, pdf = wiring.documents.pdf(case, notice.id)
    assert notice.template == "2"
    text = text_of(wiring, case, notice.id)
    assert "委托代理人" not in text and "名投诉人" not in text
    assert hashlib.sha256(pdf).hexdigest() == notice.sha256
