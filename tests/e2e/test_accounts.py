"""Accounts under abuse and administration: attempts are limited (429 with Retry-After),
password checks are bounded, every sign-in is on the record, and disabling, a new
password, a new role or signing out end every token and session at once."""

from __future__ import annotations

import re
import threading
import time

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from adapters.accounts import TooBusy
from api.app import create_app
from tests.e2e.conftest import password_of


CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def audit(api, **params):
    response = api.http.get("/api/v1/audit/accounts", params=params, headers=api.auth("sup01"))
    assert response.status_code == 200, response.text
    return response.json()


# ----- attempt limits ------------------------------------------------------------------

def test_repeated_failures_on_one_account_are_refused_with_429_before_any_check(api):
    answers = [api.sign_in("med01", "wrong-password-123").status_code for _ in range(5)]
    refused = api.sign_in("med01", "wrong-password-123")
    even_right = api.sign_in("med01")

    assert answers == [401] * 5
    for response in (refused, even_right):
        assert response.status_code == 429
        assert response.headers["content-type"] == "application/problem+json"
        assert 1 <= int(response.headers["Retry-After"]) <= 60
        assert response.json()["scope"] == "account"
    assert api.sign_in("med02").status_code == 200  # other accounts are not held back
    failed = audit(api, username="med01", kind="sign_in_failed")
    assert len(failed) == 5  # refused attempts were never checked


def test_one_address_trying_many_accounts_is_limited_too(api):
    statuses = [api.sign_in(f"guess{n}", "wrong-password-123").status_code for n in range(40)]

    assert statuses.count(401) + 8 == 30  # the fixture's eight sign-ins came from here too
    assert statuses[-1] == 429
    with TestClient(api.http.app, client=("198.51.100.7", 40000)) as elsewhere:
        assert elsewhere.post("/api/v1/auth/token", data={
            "username": "op01", "password": password_of("op01")}).status_code == 200


def login(client, username: str, password: str):
    token = CSRF.search(client.get("/login").text).group(1)
    return client.post("/login", data={"csrf": token, "username": username,
                                       "password": password}, follow_redirects=False)


def test_the_login_page_is_limited_the_same_way(api):
    failures = [login(api.http, "med02", "wrong-password-1").status_code for _ in range(5)]
    refused = login(api.http, "med02", password_of("med02"))

    assert failures == [200] * 5  # the form again, saying so
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "desk_session" not in refused.cookies


def test_password_checks_beyond_the_bound_wait_their_turn(wiring):
    accounts = wiring.accounts
    accounts.hasher = PasswordHasher()  # production cost: 64 MiB a check
    accounts.check_wait = 0.01
    gate = accounts._checks
    held = [gate.acquire(), gate.acquire()]  # both slots busy (the bound is 2)

    assert all(held) and not gate.acquire(blocking=False)
    with pytest.raises(TooBusy):
        accounts.authenticate("op01", password_of("op01"))
    gate.release()
    gate.release()
    assert accounts.authenticate("op01", "wrong-password-1") is None


def test_concurrent_sign_ins_never_run_more_password_checks_than_the_bound(wiring):
    running, most = 0, 0
    lock = threading.Lock()

    class SlowHasher(PasswordHasher):
        def verify(self, *args):
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            try:
                time.sleep(0.02)  # a slow check, so that they would overlap
                return super().verify(*args)
            finally:
                with lock:
                    running -= 1

    wiring.accounts.hasher = SlowHasher(time_cost=1, memory_cost=1024, parallelism=1)
    threads = [threading.Thread(target=wiring.accounts.authenticate,
                                args=("op01", "wrong-pass-1")) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 2


# ----- the record ------------------------------------------------------------------

def test_every_sign_in_and_failure_is_recorded_for_the_supervisor_with_no_password(api):
    api.sign_in("op02", "op02-wrong-horse")
    api.sign_in("nobody-here", "typed-by-mistake")
    api.sign_in("op02")

    events = audit(api, username="op02")
    kinds = [e["kind"] for e in events]
    assert kinds[:2] == ["signed_in", "sign_in_failed"]
    assert events[1]["detail"] == "wrong password" and events[1]["address"] == "testclient"
    unknown = audit(api, kind="sign_in_failed")[0]
    assert unknown["username"] is None and unknown["detail"] == "unknown account"
    everything = str(audit(api, limit=1000))
    assert "op02-wrong-horse" not in everything and "nobody-here" not in everything
    assert api.http.get("/api/v1/audit/accounts", headers=api.auth("op01")).status_code == 403


# ----- revocation ------------------------------------------------------------------

def test_disabling_an_account_ends_its_tokens_at_once_and_refuses_its_sign_in(api):
    token = api.tokens["op02"]
    assert api.http.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200

    disabled = api.http.post("/api/v1/accounts/op02/disable", headers=api.auth("adm01"))
    after = api.http.post("/api/v1/complaints", json={}, headers=bearer(token))

    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    assert after.status_code == 401
    assert api.sign_in("op02").status_code == 401
    assert api.http.post("/api/v1/accounts/op02/enable",
                         headers=api.auth("adm01")).status_code == 200
    assert api.http.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    assert api.sign_in("op02").status_code == 200
    kinds = [e["kind"] for e in audit(api, username="op02")]
    assert kinds[:4] == ["signed_in", "enabled", "sign_in_failed", "disabled"]
    assert audit(api, kind="disabled")[0]["actor"] == "adm01"


def test_a_new_password_or_role_ends_the_old_tokens(api):
    old_med, old_op = api.tokens["med02"], api.tokens["op02"]

    reset = api.http.post("/api/v1/accounts/med02/password", json={"password": "a-new-secret-1"},
                          headers=api.auth("adm01"))
    moved = api.http.post("/api/v1/accounts/op02/role", json={"role": "supervisor"},
                          headers=api.auth("adm01"))

    assert reset.status_code == 200 and moved.json()["role"] == "supervisor"
    assert api.http.get("/api/v1/auth/me", headers=bearer(old_med)).status_code == 401
    assert api.http.get("/api/v1/auth/me", headers=bearer(old_op)).status_code == 401
    assert api.sign_in("med02", "a-new-secret-1").status_code == 200
    new_op = api.sign_in("op02").json()["access_token"]
    assert api.http.get("/api/v1/auth/me", headers=bearer(new_op)).json()["role"] == "supervisor"


def test_signing_out_ends_every_token_and_page_session_of_the_account(api):
    first = api.tokens["med01"]
    second = api.sign_in("med01").json()["access_token"]
    with TestClient(api.http.app) as browser:
        assert login(browser, "med01", password_of("med01")).status_code == 303
        assert browser.get("/my-cases", follow_redirects=False).status_code == 200

        out = api.http.post("/api/v1/auth/logout", headers=bearer(second))

        assert out.status_code == 204
        for token in (first, second):
            assert api.http.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
        assert browser.get("/my-cases", follow_redirects=False).status_code == 303


# ----- administration ------------------------------------------------------------

def test_an_admin_creates_accounts_and_only_an_admin_may(api):
    body = {"username": "op03", "role": "operator", "office": "SH-PD",
            "password": "op03-long-secret"}

    refused = api.http.post("/api/v1/accounts", json=body, headers=api.auth("sup01"))
    created = api.http.post("/api/v1/accounts", json=body, headers=api.auth("adm01"))
    again = api.http.post("/api/v1/accounts", json=body, headers=api.auth("adm01"))
    weak = api.http.post("/api/v1/accounts", json={**body, "username": "op04", "password": "x"},
                         headers=api.auth("adm01"))

    assert refused.status_code == 403
    assert created.status_code == 201 and created.headers["Location"].endswith("/op03")
    assert again.status_code == 409
    assert weak.status_code == 422 and weak.json()["field"] == "password"
    assert api.sign_in("op03", "op03-long-secret").status_code == 200
    listed = api.http.get("/api/v1/accounts", headers=api.auth("adm01")).json()
    assert {"username": "op03", "role": "operator", "office": "SH-PD",
            "disabled": False, "display_name": None, "organisation": None} in listed
    assert audit(api, username="op03", kind="created")[0]["actor"] == "adm01"
    assert api.http.post("/api/v1/accounts/ghost/disable",
                         headers=api.auth("adm01")).status_code == 404


def test_the_last_admin_can_neither_disable_themselves_nor_leave_the_role(api):
    alone = api.http.post("/api/v1/accounts/adm01/disable", headers=api.auth("adm01"))
    demoted = api.http.post("/api/v1/accounts/adm01/role", json={"role": "operator"},
                            headers=api.auth("adm01"))

    assert alone.status_code == 409 and demoted.status_code == 409
    assert alone.json()["type"] == "/problems/last-admin"
    assert api.http.get("/api/v1/auth/me", headers=api.auth("adm01")).status_code == 200
    api.http.post("/api/v1/accounts", headers=api.auth("adm01"), json={
        "username": "adm02", "role": "admin", "password": "adm02-long-secret"})
    assert api.http.post("/api/v1/accounts/adm01/disable",
                         headers=api.auth("adm01")).status_code == 200


@pytest.mark.parametrize("action", ["disable", "enable", "password", "role"])
def test_only_an_admin_changes_an_account(api, action):
    body = {"password": "another-secret-1"} if action == "password" else (
        {"role": "mediator"} if action == "role" else None)
    path = f"/api/v1/accounts/op02/{action}"

    for who in ("op01", "med01", "sup01"):
        assert api.http.post(path, json=body, headers=api.auth(who)).status_code == 403
    assert api.http.post(path, json=body).status_code == 401
    assert api.http.post(path, json=body, headers=api.auth("adm01")).status_code == 200
