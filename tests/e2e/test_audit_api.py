"""History, past states and chain checks over HTTP, for supervisors only."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text


def tamper(api, complaint_id: str, version: int) -> None:
    wiring = api.wiring
    table = wiring.desk.recorder.events_table_name
    stored_id = complaint_id if wiring.settings.is_postgres else UUID(complaint_id).hex
    with wiring.engine.begin() as db:
        db.execute(text(f"UPDATE {table} SET state = :s WHERE originator_id = :i "
                        "AND originator_version = :v"),
                   {"s": b"rewritten", "i": stored_id, "v": version})


def test_a_supervisor_reads_the_full_history_with_actors_data_and_hashes(api):
    complaint_id = api.complaint_in("mediated")

    history = api.history(complaint_id)

    assert [h["type"] for h in history] == ["Filed", "Accepted", "MediatorAssigned"]
    assert [h["version"] for h in history] == [1, 2, 3]
    assert history[0]["actor"] == {"username": "op01", "role": "operator"}
    assert history[0]["data"]["consumer"]["phone"] == "13812345678"
    assert all(len(h["hash"]) == 64 for h in history)
    for who in ("op01", "med01"):
        refused = api.http.get(f"/api/v1/complaints/{complaint_id}/history",
                               headers=api.auth(who))
        assert refused.status_code == 403


def test_the_complaint_as_it_was_at_an_earlier_version(api):
    complaint_id = api.complaint_in("mediated")

    then = api.http.get(f"/api/v1/complaints/{complaint_id}", params={"as_of": 2},
                        headers=api.auth("sup01"))

    assert then.status_code == 200
    assert (then.json()["state"], then.json()["version"]) == ("accepted", 2)


def test_verification_names_the_edited_complaint_and_version(api):
    intact = api.complaint_in("mediated")
    edited = api.complaint_in("mediated")
    tamper(api, edited, 2)

    one = api.http.get(f"/api/v1/complaints/{edited}/verify", headers=api.auth("sup01"))
    fine = api.http.get(f"/api/v1/complaints/{intact}/verify", headers=api.auth("sup01"))
    store = api.http.get("/api/v1/audit/verify", headers=api.auth("sup01"))

    assert (one.json()["intact"], one.json()["first_bad_version"]) == (False, 2)
    assert fine.json()["intact"] is True
    assert store.status_code == 200
    assert store.json()["intact"] is False
    assert [(b["complaint_id"], b["first_bad_version"]) for b in store.json()["broken"]] == [
        (edited, 2)]


def test_verification_checks_the_latest_signed_checkpoint_and_names_removed_events(api):
    complaint_id = api.complaint_in("mediated")
    before = api.http.get("/api/v1/audit/verify", headers=api.auth("sup01")).json()
    signed = api.wiring.auditor.checkpoint()
    wiring = api.wiring
    stored_id = complaint_id if wiring.settings.is_postgres else UUID(complaint_id).hex
    with wiring.engine.begin() as db:
        db.execute(text(f"DELETE FROM {wiring.desk.recorder.events_table_name} "
                        "WHERE originator_id = :i AND originator_version = 3"), {"i": stored_id})

    store = api.http.get("/api/v1/audit/verify", headers=api.auth("sup01")).json()
    one = api.http.get(f"/api/v1/complaints/{complaint_id}/verify", headers=api.auth("sup01"))

    assert before["intact"] is True and before["checkpoint"] is None
    assert store["checkpoint"] == {"seq": 1, "created": signed.created, "digest": signed.digest,
                                   "valid": True, "problem": None}
    assert store["intact"] is False
    assert [(b["complaint_id"], b["first_bad_version"], b["problem"]) for b in store["broken"]] == [
        (complaint_id, 3, "version 3 was removed after checkpoint 1")]
    assert one.status_code == 200
    assert (one.json()["intact"], one.json()["first_bad_version"]) == (False, 3)
    assert one.json()["checkpoint"]["seq"] == 1
