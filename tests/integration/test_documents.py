"""Statutory documents against a real store: gapless numbers when desks issue at once,
and `complaints documents verify` proving every issued PDF by rendering it again."""

from __future__ import annotations

import hashlib
import io
import threading

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

import adapters
from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app
from tests.integration.helpers import an_intake, operator

ISSUES_PER_DESK = 4
runner = CliRunner()


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def rejected(wiring, clock, **overrides):
    complaint_id = wiring.desk.file(an_intake(clock(), **overrides), actor=operator)
    wiring.desk.reject(complaint_id, actor=operator, reason="time_barred")
    return complaint_id


def test_two_desks_issuing_at_once_share_one_gapless_sequence(wiring, database_url, clock):
    other = wire(Settings(database_url=database_url), clock=clock)
    cases = [rejected(wiring, clock) for _ in range(2 * ISSUES_PER_DESK)]
    numbers: list[str] = []
    start = threading.Barrier(2)

    def issue_many(documents, mine) -> None:
        start.wait()
        for complaint_id in mine:
            document, _ = documents.issue(complaint_id, actor=operator, kind="rejection_notice")
            numbers.append(document.number)

    try:
        threads = [threading.Thread(target=issue_many, args=(w.documents, cases[i::2]))
                   for i, w in enumerate((wiring, other))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        other.close()

    assert sorted(numbers, key=lambda n: int(n.split("〕")[1][:-1])) == [
        f"沪浦市监诉不受〔2026〕{n}号" for n in range(1, 2 * ISSUES_PER_DESK + 1)]


def test_numbers_start_again_each_year_and_per_office(wiring, clock):
    def issue(complaint_id):
        return wiring.documents.issue(complaint_id, actor=operator,
                                      kind="rejection_notice")[0].number

    numbers = [issue(rejected(wiring, clock)), issue(rejected(wiring, clock, office="SH-HP"))]
    clock.advance(days=240)  # into 2027 in Shanghai: the year of issue counts
    numbers.append(issue(rejected(wiring, clock)))

    assert numbers == ["沪浦市监诉不受〔2026〕1号", "沪黄市监诉不受〔2026〕1号",
                       "沪浦市监诉不受〔2027〕1号"]


def test_a_re_render_gives_the_same_bytes_from_another_process_state(wiring, database_url,
                                                                     clock):
    complaint_id = rejected(wiring, clock)
    document, _ = wiring.documents.issue(complaint_id, actor=operator, kind="rejection_notice")
    clock.advance(days=3)  # later renders still carry the day of issue
    other = wire(Settings(database_url=database_url), clock=clock)
    try:
        _, pdf = other.documents.pdf(complaint_id, document.id)
    finally:
        other.close()

    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata["/CreationDate"] == "D:20260511173000+08'00"  # the event's moment
    assert metadata["/Title"] == "不予受理告知书"


def test_documents_verify_passes_then_names_a_document_that_no_longer_matches(
        wiring, database_url, clock, monkeypatch, tmp_path):
    complaint_id = rejected(wiring, clock)
    document, _ = wiring.documents.issue(complaint_id, actor=operator, kind="rejection_notice")
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)

    intact = runner.invoke(app, ["documents", "verify"])
    # The office renamed in the directory: the reprint differs from what was issued.
    offices = (adapters.__path__[0] + "/data/offices.toml")
    renamed = tmp_path / "offices.toml"
    renamed.write_text(open(offices, encoding="utf-8").read().replace(
        "浦东新区市场监督管理局", "浦东新区市场监管局"), encoding="utf-8")
    monkeypatch.setenv("COMPLAINTS_OFFICES", str(renamed))
    drifted = runner.invoke(app, ["documents", "verify"])

    assert intact.exit_code == 0, intact.output
    assert "checked 1 documents: all match" in intact.output
    assert drifted.exit_code == 1
    assert f"MISMATCH {document.number} of complaint {complaint_id}" in drifted.output


def test_an_erased_case_has_no_printable_documents_and_verify_counts_them_apart(
        wiring, database_url, clock, monkeypatch):
    from application.documents import DocumentErased
    from tests.integration.helpers import supervisor

    complaint_id = rejected(wiring, clock)
    document, _ = wiring.documents.issue(complaint_id, actor=operator, kind="rejection_notice")
    clock.advance(days=400)
    wiring.desk.erase_personal_data(complaint_id, actor=supervisor, basis="request")
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)

    with pytest.raises(DocumentErased):
        wiring.documents.pdf(complaint_id, document.id)
    other = rejected(wiring, clock)
    wiring.desk.erase_personal_data(other, actor=supervisor, basis="request")
    with pytest.raises(DocumentErased):  # nothing left to print a new one from
        wiring.documents.issue(other, actor=operator, kind="rejection_notice")
    result = runner.invoke(app, ["documents", "verify"])
    assert result.exit_code == 0, result.output
    assert "1 documents of erased cases not checked" in result.output
    assert "checked 0 documents: all match" in result.output
