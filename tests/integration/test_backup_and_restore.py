"""Backup under write load and restore into an empty store, on the same backend and on
the other one; a restore succeeds only when every chain and the checkpoint verify."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from adapters.demo_data import DemoFactory, record_demo
from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app
from application.listing import ListFilter
from domain.personal_data import ERASED
from domain.vocabulary import Role
from tests.conftest import _POSTGRES_PROBLEM, IN_CI, POSTGRES_URL
from tests.integration.helpers import an_intake, operator

runner = CliRunner()
KEYS_AT = "vault://complaints/prod (offline copy in the safe, room 3)"


@contextmanager
def an_empty_store(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/restored-{uuid.uuid4().hex[:6]}/complaints.db"
        return
    if _POSTGRES_PROBLEM:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but not reachable: {_POSTGRES_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable: {_POSTGRES_PROBLEM}")
    import psycopg

    schema = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
        db.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
            db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def other(backend: str) -> str:
    return "postgres" if backend == "sqlite" else "sqlite"


@pytest.fixture
def source(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    record_demo(wiring.desk, DemoFactory(seed=7), 60)
    wiring.accounts.add("sup01", role=Role.SUPERVISOR, password="sup01-correct-horse")
    yield wiring
    wiring.close()


def cli(url: str, monkeypatch, *args: str):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", url)
    return runner.invoke(app, list(args))


class Filing:
    """Keeps filing complaints from another thread until stopped."""

    def __init__(self, url: str, clock) -> None:
        self.wiring = wire(Settings(database_url=url), clock=clock)
        self.filed = 0
        self.stop = threading.Event()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.wiring.desk.file(an_intake(self.wiring.desk.clock()), actor=operator)
            self.filed += 1
            if self.filed == 5:
                self.started.set()

    def __enter__(self) -> Filing:
        self.thread.start()
        assert self.started.wait(30)
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(30)
        self.wiring.close()


@pytest.mark.parametrize("target", ["same", "other"])
def test_a_backup_taken_under_write_load_restores_and_verifies(
        source, target, tmp_path, clock, monkeypatch):
    url = source.settings.database_url
    folder = tmp_path / "backup"
    with Filing(url, clock) as filing:
        before = 60 + filing.filed
        made = cli(url, monkeypatch, "backup", str(folder), "--keys-backed-up-at", KEYS_AT)
        after = 60 + filing.filed
    assert made.exit_code == 0, made.output
    manifest = json.loads((folder / "manifest.json").read_text())
    complaints = manifest["counts"]["chains"]
    kind = backend_of(url) if target == "same" else other(backend_of(url))

    with an_empty_store(kind, tmp_path) as restored_url:
        restored = cli(restored_url, monkeypatch, "restore", str(folder))
        assert restored.exit_code == 0, restored.output
        wiring = wire(Settings(database_url=restored_url), clock=clock)
        try:
            listed = sum(wiring.complaint_list.count_by_state().values())
            report = wiring.auditor.verify_store()
            # Personal data sealed with each complaint's own key reads back: the data
            # keys came with the backup.
            first = wiring.complaint_list.search(ListFilter(per_page=1)).items[0].id
            restored_consumer = wiring.desk.get_complaint(UUID(first)).consumer
            account = wiring.accounts.authenticate("sup01", "sup01-correct-horse")
        finally:
            wiring.close()

    # Every chain is a complaint, a case-number claim or a credit void: the complaints
    # the restored list shows were all filed by the time the backup ended.
    assert before <= listed <= after and complaints >= listed
    assert manifest["keys_backed_up_at"] == KEYS_AT
    assert manifest["checkpoint"]["seq"] == 1
    snapshot = folder / manifest["snapshot"]
    assert manifest["files"][manifest["snapshot"]] == hashlib.sha256(
        snapshot.read_bytes()).hexdigest()
    assert "chains and checkpoint verified" in restored.output
    assert listed >= before  # the views were rebuilt from the restored events
    assert report.intact and report.checkpoint.digest == manifest["checkpoint"]["digest"]
    assert account is not None and account.role is Role.SUPERVISOR
    assert restored_consumer == source.desk.get_complaint(UUID(first)).consumer
    assert restored_consumer["name"] != ERASED


def test_backup_refuses_to_run_without_saying_where_the_keys_are(source, tmp_path, monkeypatch):
    url = source.settings.database_url

    missing = cli(url, monkeypatch, "backup", str(tmp_path / "b1"))
    blank = cli(url, monkeypatch, "backup", str(tmp_path / "b2"), "--keys-backed-up-at", " ")

    (tmp_path / "b3").write_text("a file")
    onto_a_file = cli(url, monkeypatch, "backup", str(tmp_path / "b3"), "--keys-backed-up-at",
                      KEYS_AT)

    assert missing.exit_code == 2 and "--keys-backed-up-at" in missing.output
    assert blank.exit_code == 2 and "where the keys are backed up" in blank.output
    assert not (tmp_path / "b1").exists() and not (tmp_path / "b2").exists()
    assert onto_a_file.exit_code == 1 and "is a file" in onto_a_file.output
    assert source.auditor.checkpoints.latest() is None  # nothing was signed either


def test_restore_refuses_a_store_that_is_not_empty(source, tmp_path, monkeypatch):
    url = source.settings.database_url
    cli(url, monkeypatch, "backup", str(tmp_path / "b"), "--keys-backed-up-at", KEYS_AT)

    refused = cli(url, monkeypatch, "restore", str(tmp_path / "b"))

    assert refused.exit_code == 1 and "not empty" in refused.output


def test_restore_refuses_a_backup_whose_files_do_not_match_the_manifest(
        source, tmp_path, monkeypatch):
    url = source.settings.database_url
    folder = tmp_path / "b"
    cli(url, monkeypatch, "backup", str(folder), "--keys-backed-up-at", KEYS_AT)
    with (folder / "tables.json").open("a") as out:
        out.write(" ")

    with an_empty_store("sqlite", tmp_path) as target:
        refused = cli(target, monkeypatch, "restore", str(folder))

    assert refused.exit_code == 1
    assert "tables.json does not match its SHA-256 in the manifest" in refused.output


def test_a_backup_rewritten_with_its_manifest_fails_verification_after_restore(
        source, tmp_path, monkeypatch):
    url = source.settings.database_url
    folder = tmp_path / "b"
    cli(url, monkeypatch, "backup", str(folder), "--keys-backed-up-at", KEYS_AT)
    # Drop the last event of the log from the backup and fix the manifest to match.
    path = folder / "events.jsonl.gz"
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    dropped = json.loads(lines[-1])
    path.write_bytes(gzip.compress("".join(lines[:-1]).encode()))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["events.jsonl.gz"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest["counts"]["events"] -= 1
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with an_empty_store("sqlite", tmp_path) as target:
        failed = cli(target, monkeypatch, "restore", str(folder))

    assert failed.exit_code == 1
    assert f"BROKEN {dropped['id']} at version {dropped['v']}" in failed.output
    assert "FAILED" in failed.output


def test_restore_with_other_keys_refuses_before_writing_anything(
        source, tmp_path, monkeypatch, clock):
    url = source.settings.database_url
    folder = tmp_path / "b"
    cli(url, monkeypatch, "backup", str(folder), "--keys-backed-up-at", KEYS_AT)
    monkeypatch.setenv("COMPLAINTS_CIPHER_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")

    with an_empty_store("sqlite", tmp_path) as target:
        refused = cli(target, monkeypatch, "restore", str(folder))
        wiring = wire(Settings(database_url=target), clock=clock)
        try:
            events = wiring.projections.head()
        finally:
            wiring.close()

    assert refused.exit_code == 1
    assert "cipher key configured here cannot read" in refused.output
    assert KEYS_AT in refused.output
    assert events == 0


@pytest.mark.postgres
def test_a_postgres_backup_without_pg_dump_says_which_package_to_install(
        tmp_path, monkeypatch, clock):
    import adapters.backup

    monkeypatch.setattr(adapters.backup.shutil, "which", lambda name: None)
    with an_empty_store("postgres", tmp_path) as url:
        wiring = wire(Settings(database_url=url), clock=clock)
        try:
            wiring.desk.file(an_intake(clock()), actor=operator)
        finally:
            wiring.close()
        refused = cli(url, monkeypatch, "backup", str(tmp_path / "b"),
                      "--keys-backed-up-at", KEYS_AT)

    assert refused.exit_code == 1
    assert "pg_dump is not installed: install the postgresql-client package" in refused.output
