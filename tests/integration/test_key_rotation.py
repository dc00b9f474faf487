"""Rotating the cipher key and the index keys while the desk keeps serving."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from adapters.event_table import stored_events_by_complaint
from adapters.keys import BLIND_INDEX, CIPHER, SEARCH_TOKENS, key_file_for, new_key, parse_keys
from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app
from application.listing import ListFilter
from tests.integration.helpers import an_intake, operator

runner = CliRunner()
VARIABLES = {kind: "COMPLAINTS_" + kind.setting.upper() for kind in (CIPHER, BLIND_INDEX,
                                                                      SEARCH_TOKENS)}


def a_caller(wiring, clock, phone: str):
    complaint_id = wiring.desk.file(an_intake(clock(), consumer={"name": "王小明", "phone": phone},
                                              description=f"耳机坏了 {phone[-2:]}"), actor=operator)
    wiring.projections.catch_up()
    return complaint_id


def everything_readable(wiring, ids, phones):
    assert [wiring.desk.get_complaint(i).consumer["phone"] for i in ids] == phones
    for phone, complaint_id in zip(phones, ids, strict=True):
        found = wiring.complaint_list.search(ListFilter(q=phone)).items
        assert [s.id for s in found] == [str(complaint_id)]
    assert wiring.complaint_list.search(ListFilter(q="耳机")).total == len(ids)
    table = wiring.desk.recorder.events_table_name
    assert wiring.desk.verify_store(stored_events_by_complaint(wiring.engine, table)).intact


def test_every_key_rotates_while_a_desk_serves_and_the_old_keys_can_then_go(
        database_url, clock, monkeypatch):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    old = {kind: parse_keys(Settings().model_dump()[kind.setting])[0] for kind in VARIABLES}
    before = wire(Settings(), clock=clock)
    first = a_caller(before, clock, "13900000001")
    before.close()
    # The new keys go first everywhere; each process restarts with "new,old" in turn.
    new = {kind: new_key() for kind in VARIABLES}
    for kind, variable in VARIABLES.items():
        monkeypatch.setenv(variable, f"{new[kind]},{old[kind]}")
    serving = wire(Settings(), clock=clock)
    second = a_caller(serving, clock, "13900000002")

    for name in ("blind-index", "search-tokens"):
        result = runner.invoke(app, ["keys", "rotate", name])
        assert result.exit_code == 0, result.output
        everything_readable(serving, [first, second], ["13900000001", "13900000002"])
    result = runner.invoke(app, ["keys", "rotate", "cipher", "--events"])
    assert result.exit_code == 0, result.output
    assert "re-wrapped 1 data keys" in result.output  # the first; the second was born new
    third = a_caller(serving, clock, "13900000003")
    everything_readable(serving, [first, second, third],
                        ["13900000001", "13900000002", "13900000003"])
    serving.close()

    for kind, variable in VARIABLES.items():
        monkeypatch.setenv(variable, new[kind])
    after = wire(Settings(), clock=clock)
    try:
        everything_readable(after, [first, second, third],
                            ["13900000001", "13900000002", "13900000003"])
    finally:
        after.close()


def test_a_rotation_on_postgres_waits_for_the_new_key_in_the_setting(database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL keys come from the environment only")
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)

    result = runner.invoke(app, ["keys", "rotate", "cipher"])

    assert result.exit_code == 2
    assert "put the new key first" in result.output


def test_on_sqlite_the_key_files_rotate_and_a_running_desk_follows_without_restart(
        tmp_path, clock, monkeypatch):
    for variable in VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    url = f"sqlite:///{tmp_path}/complaints.db"
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", url)
    serving = wire(Settings(), clock=clock)
    first = a_caller(serving, clock, "13900000001")
    files = {kind: key_file_for(serving.settings, kind) for kind in VARIABLES}
    old = {kind: files[kind].read_text() for kind in VARIABLES}

    for name in ("blind-index", "search-tokens"):
        result = runner.invoke(app, ["keys", "rotate", name, "--drop-old"])
        assert result.exit_code == 0, result.output
        everything_readable(serving, [first], ["13900000001"])
    result = runner.invoke(app, ["keys", "rotate", "cipher", "--events", "--drop-old"])
    assert result.exit_code == 0, result.output
    second = a_caller(serving, clock, "13900000002")
    everything_readable(serving, [first, second], ["13900000001", "13900000002"])
    serving.close()

    for kind, path in files.items():
        keys = parse_keys(path.read_text())
        assert len(keys) == 1 and keys[0] not in old[kind]
        assert path.stat().st_mode & 0o777 == 0o600
    reopened = wire(Settings(), clock=clock)
    try:
        everything_readable(reopened, [first, second], ["13900000001", "13900000002"])
    finally:
        reopened.close()
