"""Deadlines over HTTP: due dates in the complaint view and the timeliness list."""

from __future__ import annotations


def test_a_filed_complaint_shows_its_acceptance_due_date_and_no_mediation_due(api):
    # Filed Monday 2026-05-11 17:30 Shanghai time. Counting starts the next day:
    # Tue 12, Wed 13, Thu 14, Fri 15, Mon 18, Tue 19, Wed 20 -> the 7th working day is 05-20.
    filed = api.file()

    assert filed["acceptance_due"] == "2026-05-20"
    assert filed["mediation_due"] is None
    assert filed["deadlines_provisional"] is False


def test_accepting_starts_the_mediation_clock(api):
    complaint_id = api.file()["id"]

    accepted = api.command(complaint_id, "accept", "op01").json()

    assert accepted["mediation_due"] is not None
    assert accepted["mediation_due"] > accepted["acceptance_due"]


def test_the_timeliness_list_shows_running_clocks_and_marks_the_late_ones(api, clock):
    complaint_id = api.file()["id"]
    api.listed()  # the views have caught up

    now = api.http.get("/api/v1/timeliness", headers=api.auth("sup01")).json()
    late = api.http.get("/api/v1/timeliness", params={
        "as_of": "2026-05-21T09:00:00+08:00", "overdue": "true"}, headers=api.auth("sup01"))

    item = next(i for i in now["items"] if i["id"] == complaint_id)
    assert (item["clock"], item["due"], item["overdue"]) == ("acceptance", "2026-05-20", False)
    assert item["working_days_left"] == 7
    assert late.status_code == 200
    late_item = next(i for i in late.json()["items"] if i["id"] == complaint_id)
    assert late_item["overdue"] is True and late_item["working_days_left"] < 0
    assert any(o["key"] == "SH-PD" for o in now["offices"])


def test_a_mediator_sees_only_the_clocks_of_their_own_cases(api):
    mine = api.complaint_in("mediated")
    api.file()
    api.listed()

    seen = api.http.get("/api/v1/timeliness", params={"mediator": "med02"},
                        headers=api.auth("med01")).json()

    assert {i["id"] for i in seen["items"]} == {mine}


def test_a_bad_as_of_is_a_clear_422(api):
    response = api.http.get("/api/v1/timeliness", params={"as_of": "yesterday"},
                            headers=api.auth("sup01"))

    assert response.status_code == 422
    assert response.json()["field"] == "as_of"


def test_a_moment_too_far_back_or_ahead_is_refused_naming_as_of(api):
    for moment in ("0001-01-01T00:01:00+00:00", "9999-12-31T23:00:00+00:00"):
        answer = api.http.get("/api/v1/timeliness", params={"as_of": moment},
                              headers=api.auth("sup01"))
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "as_of"
