"""Case numbers in the stored record: new filings carry theirs, older ones get a stable one."""

from __future__ import annotations

from eventsourcing.persistence import JSONTranscoder, Mapper, UUIDAsHex, DecimalAsStr, DatetimeAsISO

from builders import NOW, SHANGHAI, an_intake, operator
from domain.case_numbers import format_number, looks_like_number
from domain.complaint import Complaint


def _mapper() -> Mapper:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return Mapper(transcoder=transcoder)


def _stored_as_version_2(filed: Complaint.Filed, mapper: Mapper):
    """The same filing as the desk stored it before numbering began."""
    stored = mapper.to_stored_event(filed)
    state = mapper.transcoder.decode(stored.state)
    del state["number"]
    state["class_version"] = 2
    return type(stored)(originator_id=stored.originator_id,
                        originator_version=stored.originator_version,
                        topic=stored.topic, state=mapper.transcoder.encode(state))


def test_a_filing_stores_its_case_number():
    complaint = Complaint.file(an_intake(), actor=operator, at=NOW, tz=SHANGHAI,
                               number=format_number("SH-PD", 2026, 123))
    filed = complaint.collect_events()[0]

    assert filed.number == "SH-PD-2026-000123"
    assert complaint.number == "SH-PD-2026-000123"


def test_a_complaint_filed_before_numbering_gets_the_same_derived_number_on_every_load():
    mapper = _mapper()
    complaint = Complaint.file(an_intake(), actor=operator, at=NOW, tz=SHANGHAI)
    old = _stored_as_version_2(complaint.collect_events()[0], mapper)

    loaded = mapper.to_domain_event(old)
    again = mapper.to_domain_event(old)

    hex_part = complaint.id.hex[:8].upper()
    assert loaded.number == again.number == f"{complaint.office}-{NOW.year}-{hex_part}"
    assert looks_like_number(loaded.number)
    assert loaded.mutate(None).number == loaded.number


def test_only_office_year_sequence_reads_as_a_case_number():
    assert looks_like_number("310101-2026-000123")
    assert looks_like_number(" SH-PD-2026-1A2B3C4D ")
    assert not looks_like_number("13912345678")
    assert not looks_like_number("王小明")
