"""The account pages: admins manage accounts, supervisors and admins read the account
audit, in both languages; every other role is refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.pages.i18n import CATALOGS, LANGUAGES
from tests.e2e.conftest import password_of

CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@pytest.fixture(autouse=True)
def strict_catalogs():
    CATALOGS.strict = True
    yield
    CATALOGS.strict = False


def browser(api, username: str) -> TestClient:
    client = TestClient(api.http.app)
    token = CSRF.search(client.get("/login").text).group(1)
    answer = client.post("/login", data={"csrf": token, "username": username,
                                         "password": password_of(username)},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def post(client: TestClient, path: str, **data: str):
    token = CSRF.search(client.get("/accounts").text).group(1)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def test_the_account_pages_render_in_both_languages_for_their_roles(api):
    api.sign_in("op01", "wrong-password-9")
    for who, paths in (("adm01", ["/accounts", "/audit/accounts"]),
                       ("sup01", ["/audit/accounts", "/audit/accounts?kind=sign_in_failed",
                                  "/audit/accounts?username=op01"])):
        client = browser(api, who)
        for language in LANGUAGES:
            client.get(f"/lang/{language}")
            for path in paths:
                page = client.get(path)
                assert page.status_code == 200, (who, language, path, page.text[:300])
    failed = browser(api, "sup01").get("/audit/accounts?kind=sign_in_failed").text
    assert "op01" in failed and "wrong-password-9" not in failed
    for who in ("op01", "med01", "sup01"):
        assert browser(api, who).get("/accounts").status_code == 403
    assert browser(api, "op01").get("/audit/accounts").status_code == 403


def test_an_admin_creates_disables_and_enables_an_account_on_the_page(api):
    admin = browser(api, "adm01")

    created = post(admin, "/accounts", username="op09", role="operator", office="SH-PD",
                   password=password_of("op09"))
    operator = browser(api, "op09") if created.status_code == 303 else None
    disabled = post(admin, "/accounts/op09/disable")

    assert created.headers["location"] == "/accounts?done=accounts.created"
    assert operator.get("/queue", follow_redirects=False).status_code == 303  # session ended
    assert disabled.status_code == 303
    assert api.sign_in("op09").status_code == 401
    assert post(admin, "/accounts/op09/enable").status_code == 303
    assert api.sign_in("op09").status_code == 200
    page = admin.get("/accounts?done=accounts.enable").text
    assert 'data-username="op09"' in page


def test_refusals_on_the_account_page_say_why_and_change_nothing(api):
    admin = browser(api, "adm01")

    last = post(admin, "/accounts/adm01/disable")
    taken = post(admin, "/accounts", username="op01", role="operator", password="long-enough-1")
    short = post(admin, "/accounts", username="op10", role="operator", password="short")

    assert last.status_code == 409 and "banner error" in last.text
    assert taken.status_code == 409
    assert short.status_code == 422 and 'value="op10"' in short.text
    assert "short" not in re.findall(r'value="([^"]*)"', short.text)  # no password echoed
    assert api.http.get("/api/v1/auth/me", headers=api.auth("adm01")).status_code == 200
    assert api.sign_in("op10", "short").status_code == 401
