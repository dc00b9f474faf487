"""The `complaints` command line against a real store."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app

runner = CliRunner()


@pytest.fixture
def store(database_url, monkeypatch):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    return database_url


def test_demo_seed_fills_every_state_and_prints_a_summary_of_the_views(store):
    result = runner.invoke(app, ["demo", "seed", "--complaints", "300"])

    assert result.exit_code == 0, result.output
    assert "total" in result.output and "300" in result.output
    wiring = wire(Settings(database_url=store))
    try:
        counts = wiring.complaint_list.count_by_state()
    finally:
        wiring.close()
    assert set(counts) == {"filed", "accepted", "rejected", "mediated", "resolved",
                           "terminated", "escalated", "withdrawn"}
    assert sum(counts.values()) == 300


def test_projections_rebuild_names_unknown_views_and_rebuilds_known_ones(store):
    runner.invoke(app, ["demo", "seed", "--complaints", "40"])

    unknown = runner.invoke(app, ["projections", "rebuild", "no_such_view"])
    rebuilt = runner.invoke(app, ["projections", "rebuild", "complaint_list"])

    assert unknown.exit_code == 2 and "unknown view" in unknown.output
    assert rebuilt.exit_code == 0 and "rebuilt complaint_list" in rebuilt.output


def test_audit_verify_exits_non_zero_and_names_the_broken_complaint_and_version(store):
    runner.invoke(app, ["demo", "seed", "--complaints", "30"])
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0

    wiring = wire(Settings(database_url=store))
    try:
        table = wiring.desk.recorder.events_table_name
        with wiring.engine.begin() as db:
            victim, version = db.execute(text(
                f"SELECT originator_id, originator_version FROM {table} "
                "WHERE originator_version = 2 ORDER BY originator_id LIMIT 1")).one()
            db.execute(text(f"UPDATE {table} SET state = :s WHERE originator_id = :i "
                            "AND originator_version = 2"), {"s": b"tampered", "i": victim})
    finally:
        wiring.close()

    result = runner.invoke(app, ["audit", "verify"])

    assert result.exit_code == 1
    victim_text = str(UUID(str(victim)))
    assert f"BROKEN {victim_text} at version 2" in result.output


def test_user_disable_and_enable_from_the_command_line_are_recorded(store):
    added = runner.invoke(app, ["user", "add", "op07", "--role", "operator"],
                          input="op07-long-secret\n")
    disabled = runner.invoke(app, ["user", "disable", "op07"])
    listed = runner.invoke(app, ["user", "list"])
    unknown = runner.invoke(app, ["user", "disable", "nobody"])

    assert added.exit_code == 0 and disabled.exit_code == 0
    assert "disabled" in listed.output
    assert unknown.exit_code == 1
    wiring = wire(Settings(database_url=store))
    try:
        assert wiring.accounts.authenticate("op07", "op07-long-secret") is None
        assert runner.invoke(app, ["user", "enable", "op07"]).exit_code == 0
        assert wiring.accounts.authenticate("op07", "op07-long-secret") is not None
        kinds = [e.kind for e in wiring.accounts.events(username="op07")]
    finally:
        wiring.close()
    assert kinds[:4] == ["signed_in", "enabled", "sign_in_failed", "disabled"]
