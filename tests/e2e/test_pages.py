"""The desk's web pages over HTTP (TestClient), on SQLite and PostgreSQL: who may open
which page, sessions and CSRF, masking in lists, refusals shown on the page, and the
two message catalogs agreeing with each other and with everything the pages label.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from adapters.credit_rules_file import load_credit_rules
from api.app import create_app
from api.pages.i18n import CATALOGS, LANGUAGES, VOCABULARY_SECTIONS, flatten
from domain import vocabulary
from domain.complaint import Complaint
from domain.lifecycle import COMMANDS
from domain.permissions import may
from domain.regulation import REGULATIONS
from domain.vocabulary import Role, State
from tests.e2e.conftest import Api, password_of

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "api" / "templates"
PAGES = ROOT / "api" / "pages"
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@pytest.fixture(autouse=True)
def strict_catalogs() -> Iterator[None]:
    """A label missing from a catalog fails the page (500) instead of showing its key."""
    CATALOGS.strict = True
    yield
    CATALOGS.strict = False


class Browser:
    """A cookie jar on the app, signed in as one person (or nobody)."""

    def __init__(self, client: TestClient) -> None:
        self.http = client

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.http.get(path, **kwargs)

    def sign_in(self, username: str) -> Browser:
        form = self.http.get("/login")
        token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
        answer = self.http.post("/login", data={"csrf": token, "username": username,
                                                "password": password_of(username)},
                                follow_redirects=False)
        assert answer.status_code == 303, answer.text
        return self

    def post(self, path: str, data: dict[str, str], *, token_from: str | None = None,
             **kwargs: Any) -> Any:
        """POST a form with the session's CSRF token, read from a page as a browser would."""
        token = CSRF.search(self.http.get(token_from or path.rsplit("/", 1)[0] or "/").text)
        return self.http.post(path, data={"csrf": token.group(1) if token else "", **data},
                              **kwargs)


@pytest.fixture
def desk(api: Api) -> Iterator[dict[str, Browser]]:
    app = create_app(api.wiring)
    people = ("op01", "op02", "med01", "med02", "sup01", "adm01", None)
    clients = {who: TestClient(app) for who in people}
    for client in clients.values():
        client.__enter__()
    try:
        browsers = {who: Browser(client) for who, client in clients.items()}
        for who, browser in browsers.items():
            if who is not None:
                browser.sign_in(who)
        yield browsers  # type: ignore[misc]
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def in_language(browser: Browser, language: str) -> None:
    assert browser.get(f"/lang/{language}?next=/public").status_code == 200


def html_lang(text: str) -> str:
    return re.search(r'<html lang="([^"]+)"', text).group(1)  # type: ignore[union-attr]


def field_errors(text: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="error"[^>]*data-field="([^"]+)"[^>]*>([^<]+)</p>', text))


# ----- who may open which page ------------------------------------------------------------

def test_every_page_renders_in_both_languages_for_the_roles_allowed(api, desk):
    filed = api.complaint_in("filed")
    mediated = api.complaint_in("mediated")
    resolved = api.complaint_in("resolved")
    terminated = api.complaint_in("terminated")
    key = api.view(resolved)["business"]["key"]
    api.listed()
    pages = {
        "op01": ["/intake", "/queue", "/queue?show=overdue", "/queue?office=all", "/cases",
                 "/cases?state=filed&q=手机", f"/cases/{filed}", f"/cases/{resolved}"],
        "med01": ["/my-cases", f"/cases/{mediated}", f"/cases/{terminated}", "/cases"],
        "sup01": ["/dashboard", "/queue", "/cases", f"/cases/{mediated}", f"/cases/{resolved}",
                  f"/cases/{resolved}/audit", f"/cases/{resolved}/audit?version=1",
                  f"/cases/{resolved}/audit?at=2026-05-11T17:30", "/credit", "/credit?grade=A",
                  f"/businesses/{key}", f"/businesses/{key}?as_of=2026-01-01"],
        "adm01": ["/home"],
        None: ["/public", "/public?q=优选", "/login"],
    }
    for who, paths in pages.items():
        browser = desk[who]
        for language in LANGUAGES:
            in_language(browser, language)
            for path in paths:
                page = browser.get(path)
                assert page.status_code == 200, (who, language, path, page.text[:500])
                assert html_lang(page.text) == {"zh": "zh-CN", "en": "en"}[language]
                assert "text/html" in page.headers["content-type"]


def test_without_a_session_every_desk_page_leads_to_the_login_form(api, desk):
    complaint_id = api.complaint_in("filed")
    anonymous = desk[None]
    for path in ("/intake", "/queue", "/my-cases", "/cases", f"/cases/{complaint_id}",
                 f"/cases/{complaint_id}/audit", "/dashboard", "/credit", "/businesses/x",
                 "/home"):
        answer = anonymous.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next="), path
    assert anonymous.get("/", follow_redirects=False).headers["location"] == "/login"
    assert anonymous.get("/public").status_code == 200


def test_signing_in_leads_each_role_to_its_own_start_page(desk):
    for who, start in (("op01", "/queue"), ("med01", "/my-cases"), ("sup01", "/dashboard"),
                       ("adm01", "/home")):
        assert desk[who].get("/", follow_redirects=False).headers["location"] == start


def test_a_page_outside_a_role_is_refused_with_a_403_page(api, desk):
    complaint_id = api.complaint_in("mediated")  # assigned to med01
    refusals = {
        "op01": ["/dashboard", "/credit", f"/cases/{complaint_id}/audit", "/my-cases"],
        "med01": ["/dashboard", "/intake", "/queue", f"/cases/{complaint_id}/audit"],
        "med02": [f"/cases/{complaint_id}"],  # not their case
        "sup01": ["/intake", "/my-cases"],
        "adm01": [f"/cases/{complaint_id}", "/cases", "/queue"],
    }
    for who, paths in refusals.items():
        for path in paths:
            page = desk[who].get(path)
            assert page.status_code == 403, (who, path)
            assert "text/html" in page.headers["content-type"]


def test_an_unknown_case_or_business_is_a_404_page_not_a_500(desk):
    supervisor = desk["sup01"]
    for path in ("/cases/not-a-uuid", "/cases/00000000-0000-0000-0000-000000000000",
                 "/cases/00000000-0000-0000-0000-000000000000/audit", "/businesses/nobody"):
        page = supervisor.get(path)
        assert page.status_code == 404, path
        assert "text/html" in page.headers["content-type"]


# ----- sessions, CSRF, the language switch ---------------------------------------------------

def test_the_session_cookie_is_httponly_samesite_strict_and_logout_ends_it(desk, api):
    client = TestClient(create_app(api.wiring))
    form = client.get("/login")
    token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
    answer = client.post("/login", data={"csrf": token, "username": "op01",
                                         "password": password_of("op01")},
                         follow_redirects=False)
    cookie = next(v for k, v in answer.headers.multi_items()
                  if k == "set-cookie" and v.startswith("desk_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert client.get("/queue").status_code == 200
    assert client.get("/queue").headers["cache-control"] == "no-store"

    out = client.post("/logout", data={"csrf": CSRF.search(client.get("/queue").text).group(1)},
                      follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_a_wrong_password_shows_the_form_again_and_signs_nobody_in(desk):
    anonymous = desk[None]
    form = anonymous.get("/login")
    token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
    page = anonymous.http.post("/login", data={"csrf": token, "username": "op01",
                                               "password": "wrong-password"})
    assert page.status_code == 200
    assert 'value="op01"' in page.text and 'class="banner error"' in page.text
    assert anonymous.get("/queue", follow_redirects=False).status_code == 303


def test_a_session_cookie_is_not_a_bearer_token_nor_the_other_way_round(api, desk):
    cookie = desk["op01"].http.cookies.get("desk_session")
    assert cookie
    answer = api.http.get("/api/v1/complaints", headers={"Authorization": f"Bearer {cookie}"})
    assert answer.status_code == 401
    stranger = TestClient(create_app(api.wiring), cookies={"desk_session": api.tokens["op01"]})
    assert stranger.get("/queue", follow_redirects=False).status_code == 303


def test_a_post_without_the_csrf_token_is_refused_and_records_nothing(api, desk):
    complaint_id = api.complaint_in("filed")
    operator = desk["op01"]
    head = api.wiring.projections.head()
    for path, data in ((f"/cases/{complaint_id}/accept", {"version": "1"}),
                       ("/intake", {"consumer.name": "张三", "consumer.phone": "13812345678",
                                    "business.name": "某公司", "category": "goods",
                                    "industry": "other", "description": "x", "request": "y"}),
                       ("/logout", {})):
        for token in (None, "forged-token"):
            sent = dict(data) if token is None else {**data, "csrf": token}
            answer = operator.http.post(path, data=sent, follow_redirects=False)
            assert answer.status_code == 403, (path, token)
    assert api.wiring.projections.head() == head  # nothing was recorded
    assert api.view(complaint_id)["state"] == "filed"
    assert operator.get("/queue").status_code == 200  # and the session survived

    anonymous = desk[None]
    anonymous.get("/login")
    refused = anonymous.http.post("/login", data={"username": "op01",
                                                  "password": password_of("op01")})
    assert refused.status_code == 403


def test_the_language_switch_sticks_from_page_to_page(desk):
    supervisor = desk["sup01"]
    assert "监管总览" in supervisor.get("/dashboard").text
    switched = supervisor.get("/lang/en?next=/dashboard", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/dashboard"
    for path in ("/dashboard", "/credit", "/public"):
        page = supervisor.get(path)
        assert html_lang(page.text) == "en" and "监管总览" not in page.text
    assert "Dashboard" in supervisor.get("/dashboard").text
    assert supervisor.get("/lang/xx?next=/credit").status_code == 200
    assert html_lang(supervisor.get("/credit").text) == "en"  # an unknown language changes nothing
    elsewhere = supervisor.get("/lang/zh?next=//evil.example/x", follow_redirects=False)
    assert elsewhere.headers["location"] == "/"


# ----- the operator's pages ------------------------------------------------------------------

def intake_form(**overrides: str) -> dict[str, str]:
    form = {"consumer.name": "王小明", "consumer.phone": "13912345678",
            "business.name": "上海优选电子商务有限公司", "business.uscc": "91350100M000100Y43",
            "category": "goods", "industry": "online_shopping", "incident_date": "2026-05-01",
            "amount": "1280.00", "description": "屏幕有坏点", "request": "退货退款",
            "channel": "phone", "office": "SH-PD", "idempotency_key": "call-0001"}
    form.update(overrides)
    return form


def test_the_intake_form_marks_every_bad_field_keeps_what_was_typed_and_records_nothing(
        api, desk):
    operator = desk["op01"]
    blank = operator.get("/intake").text
    assert re.search(r'<input[^>]*id="f-consumer-name"[^>]*autofocus', blank)
    assert re.search(r'id="f-office"[^>]*value="SH-PD"', blank)  # preset from the account
    head = api.wiring.projections.head()

    page = operator.post("/intake", intake_form(**{
        "business.uscc": "91350100M000100Y44", "consumer.phone": "12345", "amount": "-3"}))
    assert page.status_code == 422
    errors = field_errors(page.text)
    assert set(errors) == {"business.uscc", "consumer.phone", "amount"}
    assert "校验位" in errors["business.uscc"]
    assert 'value="91350100M000100Y44"' in page.text and 'value="王小明"' in page.text
    assert ">屏幕有坏点</textarea>" in page.text
    assert api.wiring.projections.head() == head

    filed = operator.post("/intake", intake_form(), follow_redirects=False)
    assert filed.status_code == 303 and filed.headers["location"].startswith("/intake?filed=")
    complaint_id = filed.headers["location"].split("=", 1)[1]
    again = operator.post("/intake", intake_form(), follow_redirects=False)  # a double click
    assert again.headers["location"] == filed.headers["location"]
    queue = operator.get("/queue").text
    assert f'data-id="{complaint_id}"' in queue
    assert api.view(complaint_id)["office"] == "SH-PD"


def test_an_office_less_operator_must_name_the_office(api, desk):
    api.wiring.accounts.add("op09", role=Role.OPERATOR, password=password_of("op09"))
    operator = Browser(TestClient(create_app(api.wiring))).sign_in("op09")
    page = operator.post("/intake", intake_form(office=""))
    assert page.status_code == 422 and set(field_errors(page.text)) == {"office"}


def test_the_queue_shows_due_dates_and_the_operator_accepts_from_it(api, desk, clock):
    late = api.complaint_in("filed")
    clock.advance(days=14)  # past the seven working days of the acceptance clock
    fresh = api.complaint_in("filed")
    api.listed()
    operator = desk["op01"]
    page = operator.get("/queue").text
    rows = dict(re.findall(r'<tr class="([^"]*)" data-id="([^"]+)"', page))
    by_id = {v: k for k, v in rows.items()}
    assert by_id[late] == "overdue" and by_id[fresh] == ""
    assert page.index(late) < page.index(fresh)  # soonest due first
    assert f'data-id="{late}"' in operator.get("/queue?show=overdue").text
    assert f'data-id="{fresh}"' not in operator.get("/queue?show=overdue").text

    accepted = operator.post(f"/cases/{fresh}/accept", {"version": "1", "back": "/queue"},
                             token_from="/queue", follow_redirects=False)
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/queue?done=accept"
    assert api.view(fresh)["state"] == "accepted"
    assert f'data-id="{fresh}"' not in operator.get("/queue").text


def test_every_list_masks_personal_data_and_the_case_page_shows_it_in_full(api, desk):
    mediated = api.complaint_in("mediated")
    api.complaint_in("filed")
    api.listed()
    lists = [("op01", "/queue"), ("op01", "/cases"), ("sup01", "/cases"),
             ("med01", "/my-cases"), ("sup01", "/dashboard"), (None, "/public")]
    for who, path in lists:
        text = desk[who].get(path).text
        assert "张三丰" not in text and "13812345678" not in text, (who, path)
        if path != "/public" and path != "/dashboard":
            assert "张*" in text and "138****5678" in text, (who, path)
    for who in ("op01", "med01", "sup01"):
        case = desk[who].get(f"/cases/{mediated}").text
        assert "张三丰" in case and "13812345678" in case, who


# ----- the case page ---------------------------------------------------------------------------

def shown_actions(text: str) -> list[str]:
    return re.findall(r'id="action-([a-z-]+)"', text)


class _Case:
    def __init__(self, view: dict[str, Any]) -> None:
        self.state = State(view["state"])
        self.mediator = view["mediator"]


def test_the_case_page_offers_exactly_what_the_table_allows_and_the_user_may_do(api, desk):
    from domain.permissions import Actor

    people = {"op01": Role.OPERATOR, "med01": Role.MEDIATOR, "sup01": Role.SUPERVISOR}
    for state in ("filed", "accepted", "mediated", "suspended", "resolved", "terminated",
                  "rejected"):
        complaint_id = api.complaint_in(state)
        view = api.view(complaint_id)
        for who, role in people.items():
            page = desk[who].get(f"/cases/{complaint_id}")
            if page.status_code == 403:
                assert role is Role.MEDIATOR and view["mediator"] != who
                continue
            expected = [c for c in view["allowed_actions"]
                        if may(_Case(view), c, Actor(who, role))]
            assert shown_actions(page.text) == expected, (state, who)
            assert set(expected) <= set(COMMANDS)


def test_a_mediator_resolves_through_the_case_page_and_a_bad_amount_stays_on_the_form(api, desk):
    complaint_id = api.complaint_in("mediated")
    mediator = desk["med01"]
    page = mediator.post(f"/cases/{complaint_id}/resolve",
                         {"version": "3", "outcome": "refund", "amount_recovered": "12.345",
                          "terms": "商家退款"}, token_from=f"/cases/{complaint_id}")
    assert page.status_code == 422
    assert set(field_errors(page.text)) == {"amount_recovered"}
    assert re.search(r'<details class="action" id="action-resolve" open', page.text)
    assert 'value="12.345"' in page.text
    assert api.view(complaint_id)["state"] == "mediated"

    done = mediator.post(f"/cases/{complaint_id}/resolve",
                         {"version": "3", "outcome": "refund", "amount_recovered": "1280.00",
                          "terms": "商家退款"}, token_from=f"/cases/{complaint_id}",
                         follow_redirects=False)
    assert done.status_code == 303
    assert api.view(complaint_id)["state"] == "resolved"
    assert 'class="banner ok"' in mediator.get(done.headers["location"]).text


def test_refusals_are_shown_on_the_case_page_never_as_a_500(api, desk):
    complaint_id = api.complaint_in("accepted")
    operator = desk["op01"]
    case = f"/cases/{complaint_id}"
    stale = operator.post(f"{case}/withdraw", {"version": "1"}, token_from=case)
    assert stale.status_code == 412 and 'class="banner error"' in stale.text
    not_now = operator.post(f"{case}/reject", {"version": "2", "reason": "incomplete"},
                            token_from=case)
    assert not_now.status_code == 409 and 'class="banner error"' in not_now.text
    no_such = operator.post(f"{case}/assign", {"version": "2", "mediator": "op02"},
                            token_from=case)
    assert no_such.status_code == 422 and set(field_errors(no_such.text)) == {"mediator"}
    not_theirs = desk["med02"].post(f"{case}/withdraw", {"version": "2"}, token_from="/my-cases")
    assert not_theirs.status_code == 403
    unknown = operator.post(f"{case}/explode", {"version": "2"}, token_from=case)
    assert unknown.status_code == 404
    assert api.view(complaint_id)["version"] == 2
    # Reloading the page an action answered (or switching language on it) shows the case.
    reload = operator.get(f"{case}/withdraw", follow_redirects=False)
    assert reload.status_code == 303 and reload.headers["location"] == case


def test_notes_are_listed_by_kind(api, desk):
    complaint_id = api.complaint_in("mediated")
    mediator = desk["med01"]
    case = f"/cases/{complaint_id}"
    for kind, text in (("session", "第一次调解会"), ("business_response", "商家同意退款")):
        version = str(api.view(complaint_id)["version"])
        answer = mediator.post(f"{case}/notes", {"version": version, "kind": kind, "text": text},
                               token_from=case, follow_redirects=False)
        assert answer.status_code == 303
    everything = mediator.get(case).text
    assert "第一次调解会" in everything and "商家同意退款" in everything
    sessions = mediator.get(f"{case}?kind=session").text
    assert "第一次调解会" in sessions and "商家同意退款" not in sessions


# ----- the supervisor's pages ----------------------------------------------------------------

def test_the_audit_page_shows_each_event_with_its_actor_and_any_past_state(api, desk):
    complaint_id = api.complaint_in("resolved")
    supervisor = desk["sup01"]
    page = supervisor.get(f"/cases/{complaint_id}/audit").text
    actors = re.findall(r'<span class="actor">([^<]+)</span>', page)
    assert [a.split(" · ")[0] for a in actors] == ["op01", "op01", "op01", "med01"]
    assert "校验通过" in page
    past = supervisor.get(f"/cases/{complaint_id}/audit?version=2").text
    state = re.search(r'id="past-state".*?</dl>', past, re.S).group(0)  # type: ignore[union-attr]
    assert "state-accepted" in state and "state-resolved" not in state


def test_the_dashboard_draws_its_charts_itself_and_loads_nothing_from_elsewhere(api, desk):
    api.complaint_in("resolved")
    page = desk["sup01"].get("/dashboard").text
    assert page.count("<svg") == 2
    outside = [u for u in re.findall(r'(?:src|href)="(https?:[^"]+)"', page)]
    assert outside == []
    assert "<script" not in page
    assert desk[None].get("/static/desk.css").status_code == 200
    policy = desk["sup01"].get("/dashboard").headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_a_supervisor_voids_a_credit_entry_with_a_reason(api, desk):
    complaint_id = api.complaint_in("terminated")  # business_refused: +5
    key = api.view(complaint_id)["business"]["key"]
    api.listed()
    supervisor = desk["sup01"]
    page = supervisor.get(f"/businesses/{key}").text
    entry = re.findall(r'action="/businesses/[^/]+/entries/([^/]+)/void"', page)[0]
    assert f"/cases/{complaint_id}/audit?version=" in page
    refused = supervisor.post(f"/businesses/{key}/entries/{entry}/void", {"reason": ""},
                              token_from=f"/businesses/{key}")
    assert refused.status_code == 422
    done = supervisor.post(f"/businesses/{key}/entries/{entry}/void",
                           {"reason": "复议撤销"}, token_from=f"/businesses/{key}",
                           follow_redirects=False)
    assert done.status_code == 303
    assert "复议撤销" in supervisor.get(f"/businesses/{key}").text


# ----- the catalogs ------------------------------------------------------------------------------

def _catalog(language: str) -> dict[str, str]:
    with open(ROOT / "api" / "i18n" / f"{language}.toml", "rb") as file:
        return flatten(tomllib.load(file))


def _used_keys() -> set[str]:
    """Every catalog key written out in a template or a page module."""
    sections = {key.split(".", 1)[0] for key in _catalog("zh")}
    literal = re.compile(r"""["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
    found = set()
    for path in [*TEMPLATES.glob("*.html"), *PAGES.glob("*.py")]:
        for key in literal.findall(path.read_text()):
            # A prefix ("queue.show_") names a family, checked with the codes below.
            if key.split(".", 1)[0] in sections and not key.endswith((".html", ".py", "_")):
                found.add(key)
    return found


def test_the_two_catalogs_have_the_same_keys_and_placeholders():
    zh, en = _catalog("zh"), _catalog("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []
    placeholder = re.compile(r"\{(\w+)\}")
    for key in zh:
        assert set(placeholder.findall(zh[key])) == set(placeholder.findall(en[key])), key
        assert zh[key].strip() and en[key].strip(), key


def test_every_label_the_pages_use_is_in_both_catalogs():
    used = _used_keys()
    assert len(used) > 150
    for language in LANGUAGES:
        assert sorted(used - set(_catalog(language))) == [], language


def test_every_code_the_pages_label_is_in_both_catalogs():
    wanted = set()
    for name, section in VOCABULARY_SECTIONS.items():
        wanted |= {f"{section}.{member.value}" for member in getattr(vocabulary, name)}
    coded = {name for name, value in vars(vocabulary).items()
             if isinstance(value, type) and issubclass(value, vocabulary.Coded)
             and value is not vocabulary.Coded}
    assert coded == set(VOCABULARY_SECTIONS)  # a new vocabulary needs a catalog section
    wanted |= {f"command.{c}" for c in COMMANDS} | {f"done.{c}" for c in COMMANDS}
    wanted |= {f"event.{name}" for name, value in vars(Complaint).items()
               if isinstance(value, type) and issubclass(value, Complaint.Event)
               and name not in ("Event", "Created")}
    wanted |= {f"regulation.{r.id}" for r in REGULATIONS}
    wanted |= {f"clock.{c}" for c in ("acceptance", "mediation", "notice")}
    wanted |= {f"grade.{g}" for g in "ABCD"}
    wanted |= {f"rule.{r.id}" for r in load_credit_rules().rules}
    wanted |= {f"queue.show_{s}" for s in ("open", "overdue", "due_soon")}
    wanted |= {"done.void", f"escalate_reason.{vocabulary.AGREEMENT_BREACHED}"}
    for language in LANGUAGES:
        assert sorted(wanted - set(_catalog(language))) == [], language


def test_every_field_an_event_records_has_a_label_for_the_audit_page(api):
    complaint_ids = [api.complaint_in(state) for state in ("resolved", "terminated")]
    api.command(complaint_ids[1], "notice", "med01", {"note": "已告知"})
    api.command(complaint_ids[0], "satisfaction", "op01", {"score": 5, "comment": "好"})
    filed = api.file(consumer={"name": "张三", "phone": "13812345678", "address": "某路1号",
                               "id_number": "11010519491231002X"},
                     business={"name": "某公司", "uscc": "91350100M000100Y43",
                               "address": "某路2号", "platform": "天猫"})
    api.command(filed["id"], "transfer", "op01", {"to_office": "SH-HP", "note": "移送"})
    fields: set[str] = set()
    for complaint_id in [*complaint_ids, filed["id"]]:
        for item in api.wiring.desk.history(UUID(str(complaint_id))):
            fields |= set(item.data)
            for value in item.data.values():
                if isinstance(value, dict):
                    fields |= set(value)
    for language in LANGUAGES:
        assert sorted(f for f in fields if f"data.{f}" not in _catalog(language)) == []


# ----- the dashboard's kept statistics ---------------------------------------------------------

def test_the_dashboard_statistics_are_kept_fresh_then_served_stale_while_recomputed():
    import threading
    import time

    from api.pages.dashboard import Kept

    answers = iter(range(100))
    computed = threading.Event()

    def compute() -> Any:
        computed.set()
        return next(answers)

    kept = Kept(fresh=0.2, stale=30)
    assert kept.get("year", compute) == 0
    assert kept.get("year", compute) == 0  # fresh: not recomputed
    time.sleep(0.25)
    computed.clear()
    assert kept.get("year", compute) == 0  # stale: served at once...
    assert computed.wait(5)  # ...while a thread recomputes it
    for _ in range(100):
        if kept.get("year", compute) == 1:
            break
        time.sleep(0.01)
    assert kept.get("year", compute) == 1
    assert kept.get("another range", compute) == 2  # a different question is asked anew
    kept.clear()
    assert kept.get("another range", compute) == 3


def test_the_case_page_names_the_governing_text_and_works_a_recusal_and_a_notice(api, desk):
    complaint_id = api.complaint_in("mediated")
    case = f"/cases/{complaint_id}"
    operator, supervisor = desk["op01"], desk["sup01"]
    page = operator.get(case).text
    assert "总局令第121号" in page and "第二十三条第（五）项、第四十五条" in page
    assert "尚未告知投诉人受理决定" in page
    # 检定 and 检验 are 2019 grounds: a case under Order 121 is never offered them.
    mediator_page = desk["med01"].get(case).text
    assert 'value="testing"' in mediator_page and 'value="inspection"' not in mediator_page

    told = operator.post(f"{case}/notify", {"version": "3", "channel": "sms"},
                         token_from=case, follow_redirects=False)
    assert told.status_code == 303 and api.view(complaint_id)["decision_notified"] is True

    asked = operator.post(f"{case}/recusal-request",
                          {"version": "4", "by": "business", "reason": "调解员系投诉人亲属"},
                          token_from=case, follow_redirects=False)
    assert asked.status_code == 303
    assert "回避申请待决定，调解中止" in supervisor.get(case).text
    assert shown_actions(desk["med01"].get(case).text) == ["notes", "withdraw"]

    missing = supervisor.post(f"{case}/recusal-decision", {"version": "5", "upheld": "yes"},
                              token_from=case)
    assert missing.status_code == 422 and set(field_errors(missing.text)) == {"mediator"}
    decided = supervisor.post(f"{case}/recusal-decision",
                              {"version": "5", "upheld": "yes", "mediator": "med02"},
                              token_from=case, follow_redirects=False)
    assert decided.status_code == 303
    assert api.view(complaint_id)["mediator"] == "med02"

    settled = operator.post(f"{case}/withdraw",
                            {"version": "6", "kind": "settled_privately", "note": "双方和解"},
                            token_from=case, follow_redirects=False)
    assert settled.status_code == 303
    after = operator.get(case).text
    assert "双方自行和解" in after and 'id="action-notice"' in after


def test_staff_appear_by_the_names_they_go_by(api, desk):
    made = api.http.post("/api/v1/accounts", json={
        "username": "med07", "role": "mediator", "office": "SH-PD",
        "password": "a-long-secret-7", "display_name": "李娜"}, headers=api.auth("adm01"))
    assert made.status_code == 201 and made.json()["display_name"] == "李娜"
    complaint_id = api.complaint_in("accepted")
    api.command(complaint_id, "assign", "op01", {"mediator": "med07"})
    case = desk["sup01"].get(f"/cases/{complaint_id}").text
    assert re.search(r'<b id="case-mediator" title="med07">李娜</b>', case)
    assert api.listed("sup01").status_code == 200
    listing = desk["sup01"].get("/cases").text
    assert '<td title="med07">李娜</td>' in listing
    # Someone without a display name still shows as their username.
    assert re.search(r'title="op01">op01 \(', case) or "op01 (" in case
    refused = api.http.post("/api/v1/accounts", json={
        "username": "med08", "role": "mediator", "password": "a-long-secret-8",
        "display_name": "李\n娜"}, headers=api.auth("adm01"))
    assert refused.status_code == 422 and refused.json()["field"] == "display_name"


def test_the_dashboards_overdue_list_goes_page_by_page(api, desk):
    for _ in range(26):  # received in March: every acceptance clock is long overdue
        api.file(received_at="2026-03-02T10:00:00+08:00")
    api.listed("sup01")
    first = desk["sup01"].get("/dashboard").text
    assert first.count('<tr class="overdue">') >= 25 and 'href="/dashboard?page=2"' in first
    second = desk["sup01"].get("/dashboard?page=2").text
    assert 'rel="prev"' in second and 'href="/dashboard?page=3"' not in second
    assert desk["sup01"].get("/dashboard?page=99").status_code == 200
