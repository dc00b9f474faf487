"""Keyed tamper evidence and signed checkpoints, on SQLite and PostgreSQL.

Each test plays someone with write access to the database: what they change, and
how `audit verify` (the CLI) or the auditor names it.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import text
from typer.testing import CliRunner

from adapters.checkpoint_table import checkpoint_heads, checkpoints
from adapters.keys import (
    MissingAuditKey,
    chain_key_file_for,
    new_signing_key,
    signing_key_file_for,
    with_audit_keys,
)
from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app
from application.audit import SEED, chain_hash, decode_stored
from application.checkpoints import StoreNotIntact
from tests.integration.helpers import an_intake, mediator, operator

runner = CliRunner()


@pytest.fixture
def wiring(database_url, clock, monkeypatch):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def a_case_with_five_events(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock()), actor=operator)
    desk.accept(complaint_id, actor=operator)
    desk.assign(complaint_id, actor=operator, mediator="med01")
    desk.add_note(complaint_id, actor=mediator, kind="session", text="第一次调解")
    desk.add_note(complaint_id, actor=mediator, kind="business_response", text="商家同意退款")
    return complaint_id


def table_of(wiring) -> str:
    return wiring.desk.recorder.events_table_name


def stored_id(wiring, complaint_id):
    return str(complaint_id) if wiring.settings.is_postgres else complaint_id.hex


def states_of(wiring, complaint_id) -> list[tuple[StoredEvent, dict]]:
    desk = wiring.desk
    return [(s, decode_stored(desk.mapper, s)) for s in desk.recorder.select_events(complaint_id)]


def write_state(wiring, complaint_id, version: int, state: dict) -> None:
    mapper = wiring.desk.mapper
    with wiring.engine.begin() as db:
        db.execute(text(f"UPDATE {table_of(wiring)} SET state = :s WHERE originator_id = :i "
                        "AND originator_version = :v"),
                   {"s": mapper.cipher.encrypt(mapper.transcoder.encode(state)),
                    "i": stored_id(wiring, complaint_id), "v": version})


def relink(wiring, complaint_id, edits: dict[int, dict], *, key: bytes | None,
           chain_version: int | None, start: int = 1) -> None:
    """Rewrite a chain from version `start` with new content and freshly computed links."""
    states = states_of(wiring, complaint_id)
    previous = states[start - 2][1]["hash"] if start > 1 else SEED
    for stored, state in states[start - 1:]:
        state.update(edits.get(stored.originator_version, {}))
        if chain_version is None:
            state.pop("chain_version", None)
        else:
            state["chain_version"] = chain_version
        previous = chain_hash(wiring.desk.mapper, previous, originator_id=str(complaint_id),
                              version=stored.originator_version, topic=stored.topic,
                              state=state, key=key)
        state["hash"] = previous
        write_state(wiring, complaint_id, stored.originator_version, state)


def delete_events(wiring, complaint_id, from_version: int = 1) -> None:
    with wiring.engine.begin() as db:
        db.execute(text(f"DELETE FROM {table_of(wiring)} WHERE originator_id = :i "
                        "AND originator_version >= :v"),
                   {"i": stored_id(wiring, complaint_id), "v": from_version})


def verify_cli():
    result = runner.invoke(app, ["audit", "verify"])
    return result.exit_code, result.output


def test_new_events_are_linked_with_the_chain_key_and_record_that_they_are(wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)

    states = [state for _, state in states_of(wiring, complaint_id)]

    assert [s["chain_version"] for s in states] == [2, 2, 2, 2, 2]
    assert wiring.auditor.verify_store().intact


def test_an_edited_event_relinked_under_a_guessed_key_is_found(wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)
    intact = a_case_with_five_events(wiring, clock)

    # Whoever can write the database but not read the chain key edits version 4 and
    # recomputes every later link under a key of their own.
    relink(wiring, complaint_id, {4: {"text": "商家拒绝退款"}}, key=b"a guess" * 5,
           chain_version=2, start=4)
    report = wiring.auditor.verify(complaint_id)[0]

    assert (report.first_bad_version, report.problem) == (4, "content does not match its hash")
    code, output = verify_cli()
    assert code == 1
    assert f"BROKEN {complaint_id} at version 4" in output
    assert str(intact) not in output


def test_an_edited_event_relinked_the_old_unkeyed_way_is_found(wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)

    # The same, claiming the unkeyed chain version of the histories before the key.
    relink(wiring, complaint_id, {4: {"text": "篡改"}}, key=None, chain_version=None, start=4)
    report = wiring.auditor.verify(complaint_id)[0]

    assert (report.first_bad_version, report.problem) == (
        4, "unkeyed link after keyed ones (a rewritten tail)")


def test_a_whole_chain_rewritten_the_unkeyed_way_is_found_against_the_checkpoint(
        wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)
    wiring.auditor.checkpoint()
    # Rewritten from the first event, it would pass for a history from before the key:
    # only the checkpoint remembers where the chain stood.
    relink(wiring, complaint_id, {1: {"amount": "1.00"}}, key=None, chain_version=None)

    report = wiring.auditor.verify(complaint_id)[0]

    assert (report.first_bad_version, report.problem) == (
        5, "differs from checkpoint 1 (the chain was rewritten)")


def test_deleting_a_complaints_last_events_is_found_against_the_checkpoint(wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)
    a_case_with_five_events(wiring, clock)
    checkpoint = wiring.auditor.checkpoint()
    delete_events(wiring, complaint_id, from_version=4)

    code, output = verify_cli()

    # Two complaints of five events, each with the one-event chain of its case-number claim.
    assert checkpoint.seq == 1 and checkpoint.chains == 4 and checkpoint.events == 12
    assert code == 1
    assert (f"BROKEN {complaint_id} at version 4: versions 4 to 5 were removed after "
            f"checkpoint 1") in output
    # The chain alone cannot tell: what is left of it links up.
    assert wiring.desk.verify(complaint_id).intact


def test_deleting_a_whole_complaint_is_found_against_the_checkpoint(wiring, clock):
    kept = a_case_with_five_events(wiring, clock)
    gone = a_case_with_five_events(wiring, clock)
    wiring.auditor.checkpoint()
    delete_events(wiring, gone)

    report = wiring.auditor.verify_store()

    assert [(b.complaint_id, b.problem) for b in report.broken] == [
        (str(gone), "all 5 events were removed after checkpoint 1")]
    assert report.checkpoint.valid and not report.intact
    assert wiring.auditor.verify(kept)[0].intact


def test_rewriting_a_whole_chain_even_with_the_chain_key_is_found_against_the_checkpoint(
        wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)
    wiring.auditor.checkpoint()
    # An insider holding the chain key rebuilds the history from the start: every link
    # checks out, only the signed checkpoint remembers where the chain stood.
    relink(wiring, complaint_id, {1: {"amount": "1.00"}}, key=wiring.desk.chain_key,
           chain_version=2)

    assert wiring.desk.verify(complaint_id).intact
    code, output = verify_cli()

    assert code == 1
    assert (f"BROKEN {complaint_id} at version 5: differs from checkpoint 1 (the chain was "
            "rewritten)") in output


def test_events_recorded_after_a_checkpoint_must_be_keyed(wiring, clock):
    a_case_with_five_events(wiring, clock)
    wiring.auditor.checkpoint()
    # A complaint fabricated after the checkpoint, linked the old unkeyed way.
    fake = uuid4()
    state = {"channel": "phone", "timestamp": clock()}
    state["hash"] = chain_hash(wiring.desk.mapper, SEED, originator_id=str(fake), version=1,
                               topic="domain.complaint:Complaint.Filed", state=state)
    wiring.desk.recorder.insert_events([StoredEvent(
        originator_id=fake, originator_version=1, topic="domain.complaint:Complaint.Filed",
        state=wiring.desk.mapper.cipher.encrypt(wiring.desk.mapper.transcoder.encode(state)))])

    report = wiring.auditor.verify_store()

    assert [(b.complaint_id, b.first_bad_version, b.problem) for b in report.broken] == [
        (str(fake), 1, "unkeyed link recorded after checkpoint 1")]


def test_an_altered_checkpoint_record_or_head_list_is_named(wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)
    wiring.auditor.checkpoint()
    with wiring.engine.begin() as db:
        db.execute(checkpoint_heads.update().values(version=3))

    heads_altered = wiring.auditor.verify_store()

    with wiring.engine.begin() as db:
        payload = db.execute(checkpoints.select()).one().payload
        db.execute(checkpoints.update().values(payload=payload.replace('"chains":2', '"chains":3')))
    signature_bad = wiring.auditor.verify_store()

    assert "no longer folds into its signed digest" in heads_altered.checkpoint.problem
    assert not heads_altered.intact
    assert signature_bad.checkpoint.problem == (
        "checkpoint 1 has a bad signature (its record was altered)")
    code, output = verify_cli()
    assert code == 1 and "CHECKPOINT 1: checkpoint 1 has a bad signature" in output
    assert not wiring.auditor.verify(complaint_id)[1].valid
    with wiring.engine.begin() as db:
        db.execute(checkpoints.update().values(payload="{not json"))
    assert wiring.auditor.verify_store().checkpoint.problem == (
        "checkpoint 1 has a bad signature (its record was altered)")


def test_a_checkpoint_signed_with_another_key_is_named(wiring, clock, database_url):
    a_case_with_five_events(wiring, clock)
    wiring.auditor.checkpoint()
    other = wire(Settings(database_url=database_url, signing_key=new_signing_key()), clock=clock)
    try:
        report = other.auditor.verify_store()
    finally:
        other.close()

    assert "was signed with another key" in report.checkpoint.problem


def test_checkpoints_chain_to_each_other_and_refuse_a_broken_store(wiring, clock):
    complaint_id = a_case_with_five_events(wiring, clock)
    first = wiring.auditor.checkpoint()
    wiring.desk.resolve(complaint_id, actor=mediator, outcome="refund",
                        amount_recovered="1280.00", terms="商家退款")
    clock.advance(hours=1)
    second = wiring.auditor.checkpoint()
    delete_events(wiring, complaint_id, from_version=6)

    with pytest.raises(StoreNotIntact, match=f"{complaint_id} at version 6"):
        wiring.auditor.checkpoint()
    refused = runner.invoke(app, ["audit", "checkpoint"])

    # Six complaint events and its case-number claim.
    assert (second.seq, second.previous, second.events) == (2, first.digest, 7)
    assert second.created > first.created
    assert refused.exit_code == 1 and "REFUSED" in refused.output


def test_the_checkpoint_command_signs_and_publishes_what_the_public_key_verifies(
        wiring, clock, tmp_path):
    a_case_with_five_events(wiring, clock)
    published = tmp_path / "checkpoint.json"

    made = runner.invoke(app, ["audit", "checkpoint", "--publish", str(published)])
    public = runner.invoke(app, ["audit", "public-key"])

    assert made.exit_code == 0, made.output
    assert "checkpoint 1: 2 chains, 6 events" in made.output  # the complaint and its number
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    record = json.loads(published.read_text())
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public.output.strip()))
    key.verify(base64.b64decode(record["signature"]), record["payload"].encode())
    assert json.loads(record["payload"])["events"] == 6
    assert verify_cli()[0] == 0


def test_sqlite_makes_the_audit_keys_on_first_start_readable_by_the_owner_only(
        tmp_path, monkeypatch):
    monkeypatch.delenv("COMPLAINTS_CHAIN_KEY")
    monkeypatch.delenv("COMPLAINTS_SIGNING_KEY")
    settings = Settings(database_url=f"sqlite:///{tmp_path}/desk.db")

    first = with_audit_keys(settings)
    again = with_audit_keys(settings)

    assert (first.chain_key, first.signing_key) == (again.chain_key, again.signing_key)
    for path in (chain_key_file_for(settings), signing_key_file_for(settings)):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_postgres_refuses_to_start_without_the_audit_keys(monkeypatch):
    monkeypatch.delenv("COMPLAINTS_CHAIN_KEY")
    url = "postgresql://postgres@127.0.0.1:5432/test"

    with pytest.raises(MissingAuditKey, match="COMPLAINTS_CHAIN_KEY is required"):
        with_audit_keys(Settings(database_url=url))
    with pytest.raises(MissingAuditKey, match="not valid base64"):
        with_audit_keys(Settings(database_url=url, chain_key="not base64!"))


def test_an_unkeyed_history_from_before_the_chain_key_still_verifies(database_url, clock):
    legacy = wire(Settings(database_url=database_url), clock=clock)
    legacy.desk.chain_key = None  # as the desk wrote before the key existed
    try:
        complaint_id = legacy.desk.file(an_intake(clock()), actor=operator)
        legacy.desk.accept(complaint_id, actor=operator)
    finally:
        legacy.close()
    wiring = wire(Settings(database_url=database_url), clock=clock)
    try:
        wiring.desk.assign(complaint_id, actor=operator, mediator="med01")
        versions = [s.get("chain_version", 1) for _, s in states_of(wiring, complaint_id)]
        checkpoint = wiring.auditor.checkpoint()
        report = wiring.auditor.verify_store()
    finally:
        wiring.close()

    assert versions == [1, 1, 2]
    # Three complaint events and the case-number claim.
    assert checkpoint.events == 4 and report.intact and report.checkpoint.valid


def test_the_checkpoint_command_signs_again_at_every_interval(wiring, clock, monkeypatch):
    import api.cli_audit

    a_case_with_five_events(wiring, clock)
    waits: list[float] = []

    def pause(seconds: float) -> bool:  # the third wait is told to stop
        waits.append(seconds)
        return len(waits) == 3

    monkeypatch.setattr(api.cli_audit, "pause", pause)
    result = runner.invoke(app, ["audit", "checkpoint", "--every", "15"])

    assert result.exit_code == 0, result.output
    assert waits == [900, 900, 900]
    assert [line.split(":")[0] for line in result.output.splitlines()
            if line.startswith("checkpoint ")] == ["checkpoint 1", "checkpoint 2", "checkpoint 3"]
    assert wiring.auditor.verify_store().checkpoint.seq == 3


def test_a_checkpoint_covers_credit_voids_as_well_as_complaints(wiring, clock):
    from domain.credit_repair import void_id_for
    from tests.integration.helpers import supervisor

    a_case_with_five_events(wiring, clock)
    entry = uuid4()
    wiring.desk.void_credit_entry(entry, actor=supervisor, reason="申诉成立，撤销扣分")
    checkpoint = wiring.auditor.checkpoint()
    delete_events(wiring, void_id_for(entry))

    report = wiring.auditor.verify_store()

    # The complaint (five events), its case-number claim and the void.
    assert (checkpoint.chains, checkpoint.events) == (3, 7)
    assert [(b.complaint_id, b.problem) for b in report.broken] == [
        (str(void_id_for(entry)), "its only event was removed after checkpoint 1")]


def test_checkpoints_deleted_from_the_store_are_found_against_a_published_copy(
        wiring, clock, tmp_path):
    a_case_with_five_events(wiring, clock)
    first = tmp_path / "first.json"
    runner.invoke(app, ["audit", "checkpoint", "--publish", str(first)])
    clock.advance(hours=1)
    second = tmp_path / "second.json"
    runner.invoke(app, ["audit", "checkpoint", "--publish", str(second)])

    intact = runner.invoke(app, ["audit", "verify", "--against", str(first)])
    with wiring.engine.begin() as db:
        db.execute(checkpoints.delete().where(checkpoints.c.seq == 2))
    # With checkpoint 2 gone, checkpoint 1 is the latest, but it no longer has its heads...
    alone = runner.invoke(app, ["audit", "verify"])
    # ... and the copy of checkpoint 2 kept elsewhere names what happened.
    found = runner.invoke(app, ["audit", "verify", "--against", str(second)])
    unreadable = tmp_path / "garbage.json"
    unreadable.write_text("[]")

    assert intact.exit_code == 0, intact.output
    assert alone.exit_code == 1
    assert ("CHECKPOINT 1: checkpoint 1 has no list of chain heads; only the latest checkpoint "
            "keeps one (was a later checkpoint deleted?)") in alone.output
    assert found.exit_code == 1
    assert ("PUBLISHED: published checkpoint 2 is missing from the store (checkpoints were "
            "deleted)") in found.output
    assert runner.invoke(app, ["audit", "verify", "--against", str(unreadable)]).exit_code == 2
