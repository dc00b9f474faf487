"""Accounts, tokens and the rule that nothing under /api/v1 answers without one."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from adapters.accounts import Account, users
from adapters.settings import Settings
from api.app import create_app
from api.auth import MissingSecretKey, Tokens
from api.cli import app as cli
from domain.vocabulary import Role
from tests.e2e.conftest import SECRET, password_of

OPEN = ("/api/v1/auth/token", "/api/v1/auth/activate", "/api/v1/public/")


def test_staff_sign_in_with_the_password_form_and_get_an_expiring_bearer_token(api):
    response = api.sign_in("med01")

    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 3600
    me = api.http.get("/api/v1/auth/me",
                      headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json() == {"username": "med01", "role": "mediator", "office": "SH-PD"}


def test_a_wrong_password_and_an_unknown_user_get_the_same_401(api):
    wrong = api.sign_in("op01", "not-the-password")
    unknown = api.sign_in("nobody", "not-the-password")

    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.headers["content-type"] == "application/problem+json"
    assert wrong.json() == unknown.json()
    missing = api.http.post("/api/v1/auth/token", data={"username": "op01"})
    assert missing.status_code == 422 and missing.json()["field"] == "password"


def _guarded_routes(api):
    """Every operation the API documents, so routes added later are walked too."""
    for template, operations in api.http.get("/openapi.json").json()["paths"].items():
        if template.startswith("/api/v1") and not template.startswith(OPEN):
            path = template.replace("{complaint_id}", "00000000-0000-4000-8000-000000000000")
            path = path.replace("{", "").replace("}", "")  # any other parameter, any value
            for method in operations:
                yield method.upper(), path


def test_nothing_under_the_api_answers_without_a_valid_token(api):
    operator = Account("op01", Role.OPERATOR, "SH-PD")
    expired = Tokens(SECRET).issue(operator, now=datetime.now(UTC) - timedelta(hours=2))
    forged = Tokens("some-other-key-0123456789abcdef0123456789").issue(operator)
    unsigned = jwt.encode({"sub": "sup01", "role": "supervisor", "iat": 0, "exp": 2**40},
                          key=None, algorithm="none")
    credentials = [None, "Bearer", "Bearer not.a.token", f"Bearer {expired}",
                   f"Bearer {forged}", f"Bearer {unsigned}", f"Basic {api.tokens['sup01']}"]
    routes = list(_guarded_routes(api))
    assert len(routes) >= 19

    for method, path in routes:
        for credential in credentials:
            headers = {"Authorization": credential} if credential else {}
            response = api.http.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (method, path, credential, response.text)
            assert response.headers["WWW-Authenticate"] == "Bearer"


def test_passwords_are_stored_only_as_argon2_hashes(api, wiring):
    with wiring.engine.connect() as db:
        stored = dict(db.execute(select(users.c.username, users.c.password_hash)).all())
    assert set(stored) == {"op01", "op02", "med01", "med02", "sup01", "adm01", "emed01", "emed02"}
    for username, hashed in stored.items():
        assert hashed.startswith("$argon2id$")
        assert password_of(username) not in hashed


def test_a_user_added_on_the_command_line_can_sign_in(api, database_url, monkeypatch):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    monkeypatch.setenv("COMPLAINTS_SECRET_KEY", SECRET)
    runner = CliRunner()

    added = runner.invoke(cli, ["user", "add", "op09", "--role", "operator", "--office", "SH-MH"],
                          input="a-long-enough-secret\n")
    assert added.exit_code == 0, added.output
    assert "a-long-enough-secret" not in added.output

    again = runner.invoke(cli, ["user", "add", "op09", "--role", "operator"], input="another-one\n")
    assert again.exit_code == 1
    short = runner.invoke(cli, ["user", "add", "op10", "--role", "operator"], input="short\n")
    assert short.exit_code == 2

    token = api.sign_in("op09", "a-long-enough-secret").json()["access_token"]
    filed = api.http.post("/api/v1/complaints", json=__import__(
        "tests.e2e.conftest", fromlist=["a_filing"]).a_filing(),
        headers={"Authorization": f"Bearer {token}"})
    assert filed.status_code == 201
    assert filed.json()["office"] == "SH-MH"


def test_the_signing_key_is_configured_on_postgres_and_kept_privately_beside_sqlite(database_url):
    settings = Settings(database_url=database_url)
    if settings.is_postgres:
        with pytest.raises(MissingSecretKey):
            create_app(settings)
        with pytest.raises(MissingSecretKey):
            create_app(Settings(database_url=database_url, secret_key="too-short"))
        create_app(Settings(database_url=database_url, secret_key=SECRET))
        return
    create_app(settings)
    key_file = settings.sqlite_path.with_name(settings.sqlite_path.stem + ".token.key")
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    first = key_file.read_text()
    create_app(settings)
    assert key_file.read_text() == first and len(first) >= 32
