"""Working a case over HTTP: every command, conditional writes, refusals that record nothing."""

from __future__ import annotations


def test_a_case_is_worked_from_filing_to_a_rated_settlement(api):
    complaint_id = api.file()["id"]

    steps = [
        ("accept", "op01", None, "accepted"),
        ("notes", "op01", {"kind": "consumer_contact", "text": "已联系消费者"}, "accepted"),
        ("assign", "op01", {"mediator": "med01"}, "mediated"),
        ("notes", "med01", {"kind": "session", "text": "组织双方调解"}, "mediated"),
        ("suspend", "med01", {"reason": "testing", "note": "送检"}, "mediated"),
        ("resume", "med01", None, "mediated"),
        ("reassign", "sup01", {"mediator": "med02"}, "mediated"),
        ("resolve", "med02", {"outcome": "refund", "amount_recovered": "1280.00",
                              "terms": "商家退款"}, "resolved"),
        ("satisfaction", "op01", {"score": 5, "comment": "满意"}, "resolved"),
    ]
    for version, (command, who, body, state) in enumerate(steps, start=2):
        response = api.command(complaint_id, command, who, body)
        assert response.status_code == 200, (command, response.text)
        view = response.json()
        assert view["state"] == state, command
        assert view["version"] == version
        assert response.headers["ETag"] == f'"{version}"'

    final = api.view(complaint_id)
    assert final["mediator"] == "med02"
    assert (final["satisfaction"], final["satisfaction_level"]) == (5, "satisfied")
    assert final["outcome"] == {"outcome": "refund", "amount_recovered": "1280.00",
                                "terms": "商家退款", "mode": "remote", "record": None}
    assert final["allowed_actions"] == ["escalate"]  # only for a breached agreement
    assert len(api.history(complaint_id)) == 10


def test_a_case_that_fails_in_mediation_is_noticed_and_escalated(api):
    complaint_id = api.complaint_in("mediated")
    terminated = api.command(complaint_id, "terminate", "med01",
                             {"reason": "business_refused", "note": "商家拒绝"})
    assert terminated.json()["state"] == "terminated"
    noticed = api.command(complaint_id, "notice", "op01", {"note": "已告知双方"})
    assert noticed.json()["notice_recorded"] is True
    escalated = api.command(complaint_id, "escalate", "sup01", {"forum": "court", "reason": "起诉"})
    assert escalated.json()["state"] == "escalated"
    assert escalated.json()["forum"] == "court"


def test_filed_cases_are_transferred_rejected_or_withdrawn(api):
    # The intake centre dispatches (Order 121 Art. 41) ...
    moved = api.file(office="SH-12315")["id"]
    transferred = api.command(moved, "transfer", "op01", {"to_office": "SH-JA", "note": "属地管辖"})
    assert transferred.json()["office"] == "SH-JA"
    assert transferred.json()["state"] == "filed"
    assert transferred.json()["office_name"] == "静安区市场监督管理局"
    # ... a handling office never passes a complaint sideways: it sends it back.
    sideways = api.command(moved, "transfer", "op01", {"to_office": "SH-PD"})
    assert sideways.status_code == 409
    assert "return-to-intake" in sideways.json()["allowed"]
    returned = api.command(moved, "return-to-intake", "op01", {"reason": "不属本局管辖"})
    assert (returned.json()["office"], returned.json()["state"]) == ("SH-12315", "filed")
    assert returned.json()["allowed_actions"][0] == "transfer"

    rejected = api.command(api.file()["id"], "reject", "op01", {"reason": "time_barred"})
    assert rejected.json()["state"] == "rejected"
    assert rejected.json()["closing_reason"] == "time_barred"

    withdrawn = api.command(api.file()["id"], "withdraw", "op01")  # the note is optional
    assert withdrawn.json()["state"] == "withdrawn"


def test_a_move_the_state_does_not_allow_is_a_409_naming_the_state_and_what_is_allowed(api):
    complaint_id = api.complaint_in("accepted")
    before = api.history(complaint_id)

    response = api.command(complaint_id, "accept", "op01")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["state"] == "accepted"
    assert problem["allowed"] == ["assign", "change-request", "entrust", "notes", "notify",
                                  "resolve", "withdraw"]
    assert "accepted" in problem["detail"] and "assign" in problem["detail"]
    assert api.history(complaint_id) == before


def test_assigning_a_mediated_case_again_points_to_reassign(api):
    complaint_id = api.complaint_in("mediated")
    response = api.command(complaint_id, "assign", "sup01", {"mediator": "med02"})
    assert response.status_code == 409
    assert "reassign" in response.json()["allowed"]


def test_a_case_goes_only_to_an_existing_mediator(api):
    complaint_id = api.complaint_in("accepted")
    for who in ("nobody", "op02"):
        response = api.command(complaint_id, "assign", "op01", {"mediator": who})
        assert response.status_code == 422
        assert response.json()["field"] == "mediator"
    assert api.view(complaint_id)["version"] == 2


def test_invalid_command_fields_are_422s_naming_the_field_and_record_nothing(api):
    complaint_id = api.complaint_in("mediated")
    cases = [
        ("suspend", {"reason": "lunch"}, "reason"),
        ("resolve", {"outcome": "refund", "amount_recovered": "12.345", "terms": "x"},
         "amount_recovered"),
        ("resolve", {"outcome": "refund", "amount_recovered": "1", "terms": ""}, "terms"),
        ("notes", {"kind": "gossip", "text": "x"}, "kind"),
        ("notes", {"kind": "note"}, "text"),
        ("terminate", {"reason": "bored"}, "reason"),
        ("escalate", {"forum": "twitter", "reason": "x"}, "forum"),
    ]
    for command, body, field in cases:
        response = api.command(complaint_id, command, "med01", body)
        assert response.status_code == 422, (command, response.text)
        assert response.json()["field"] == field
    rated = api.command(api.complaint_in("rejected"), "satisfaction", "op01", {"score": 6})
    assert rated.status_code == 422 and rated.json()["field"] == "score"
    assert api.view(complaint_id)["version"] == 3


def test_if_match_makes_a_command_conditional_on_the_version(api):
    complaint_id = api.file()["id"]

    stale = api.command(complaint_id, "accept", "op01", If_Match='"7"')
    assert stale.status_code == 412
    assert stale.json()["current"] == 1 and stale.json()["expected"] == 7
    assert stale.headers["ETag"] == '"1"'
    assert api.view(complaint_id)["version"] == 1

    fresh = api.command(complaint_id, "accept", "op01", If_Match='"1"')
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == '"2"'

    assert api.command(complaint_id, "notes", "op01", {"kind": "note", "text": "x"},
                       If_Match="*").status_code == 200
    malformed = api.command(complaint_id, "notes", "op01", {"kind": "note", "text": "x"},
                            If_Match='W/"3"')
    assert malformed.status_code == 422 and malformed.json()["field"] == "If-Match"
