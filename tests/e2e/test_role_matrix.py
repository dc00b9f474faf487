"""Every role against every complaint endpoint (SPEC §2, column "who"; reading rules in
api/access.py). Each cell runs on a fresh case in a state where the move itself is
allowed, so the only thing that can refuse it is who is asking: allowed cells answer
2xx, the others 403 (401 without a token), and a refused cell records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import adapters

DEFAULT_RULES = (Path(adapters.__file__).parent / "data" / "credit_rules.toml").read_text()
PEOPLE = ("anonymous", "op01", "med01", "med02", "sup01", "adm01", "biz01", "biz02",
          "insp01")
# med01 is the mediator assigned to every mediated case below; med02 is another mediator.
# biz01 is the business every case below is against; biz02 is another business, for
# which those cases are not there at all (404 where it could otherwise look).
USCC = "91350100M000100Y43"
OTHER_USCC = "91110000600037341L"
# insp01 is an inspector: reports are theirs (tests/e2e/test_report_confidentiality.py),
# complaints never.


@dataclass(frozen=True)
class Cell:
    method: str
    path: str  # the route template
    state: str | None  # the case the call is made on; None for calls without one
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    files: dict[str, Any] | None = None  # a multipart upload instead of a JSON body
    hidden: frozenset[str] = frozenset()  # who is answered 404: the case is not theirs


def cell(method: str, path: str, state: str | None, allowed: str, body: Any = None,
         params: Any = None, files: Any = None, hidden: str = "") -> Cell:
    return Cell(method, path, state, frozenset(allowed.split()), body, params, files,
                frozenset(hidden.split()))


RECEIPT = {"file": ("receipt.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32,
                    "image/png")}


C = "/api/v1/complaints"
ID = C + "/{complaint_id}"
FILING = None  # filled in per call
MATRIX = [
    cell("POST", C, None, "op01", FILING),
    cell("GET", C, None, "op01 med01 med02 sup01"),
    cell("GET", ID, "mediated", "op01 med01 sup01 biz01", hidden="biz02"),
    cell("GET", ID, "mediated", "sup01", params={"as_of": 1}),
    cell("GET", ID + "/history", "filed", "sup01"),
    cell("POST", ID + "/accept", "filed", "op01"),
    cell("POST", ID + "/reject", "filed", "op01", {"reason": "outside_remit"}),
    cell("POST", ID + "/transfer", "at intake", "op01 sup01", {"to_office": "SH-JA"}),
    cell("POST", ID + "/return-to-intake", "filed", "op01", {"reason": "不属本局管辖"}),
    cell("POST", ID + "/notify", "accepted", "op01", {"channel": "sms", "note": "短信告知"}),
    cell("POST", ID + "/notify", "rejected", "op01", {"channel": "letter"}),
    cell("POST", ID + "/withdraw", "filed", "op01", {"note": "撤回"}),
    cell("POST", ID + "/assign", "accepted", "op01 sup01", {"mediator": "med01"}),
    cell("POST", ID + "/notes", "accepted", "op01", {"kind": "note", "text": "记录"}),
    cell("POST", ID + "/resolve", "accepted", "op01",
         {"outcome": "refund", "amount_recovered": "10", "terms": "退款"}),
    cell("POST", ID + "/withdraw", "accepted", "op01"),
    cell("POST", ID + "/reassign", "mediated", "sup01", {"mediator": "med02"}),
    cell("POST", ID + "/notes", "mediated", "med01", {"kind": "session", "text": "调解"}),
    cell("POST", ID + "/suspend", "mediated", "med01", {"reason": "appraisal"}),
    cell("POST", ID + "/resume", "suspended", "med01"),
    cell("POST", ID + "/recusal-request", "mediated", "op01 med01 sup01",
         {"by": "consumer", "reason": "调解员与经营者有利害关系"}),
    cell("POST", ID + "/recusal-decision", "recusal pending", "sup01",
         {"upheld": True, "mediator": "med02", "note": "回避成立"}),
    cell("POST", ID + "/resolve", "mediated", "med01",
         {"outcome": "repair", "amount_recovered": "0", "terms": "维修"}),
    cell("POST", ID + "/terminate", "mediated", "med01", {"reason": "business_unreachable"}),
    cell("POST", ID + "/escalate", "mediated", "med01 sup01",
         {"forum": "arbitration", "reason": "仲裁"}),
    cell("POST", ID + "/withdraw", "mediated", "op01 med01"),
    cell("POST", ID + "/notice", "terminated", "op01 med01", {"note": "已告知"}),
    cell("POST", ID + "/notice", "withdrawn after acceptance", "op01", {"note": "已告知双方"}),
    cell("POST", ID + "/escalate", "terminated", "med01 sup01",
         {"forum": "court", "reason": "起诉"}),
    cell("POST", ID + "/escalate", "resolved", "med01 sup01",
         {"forum": "court", "reason": "agreement_breached"}),
    cell("POST", ID + "/satisfaction", "resolved", "op01", {"score": 4}),
    cell("POST", ID + "/satisfaction", "rejected", "op01", {"score": 2, "comment": "不满意"}),
    cell("GET", "/api/v1/auth/me", None, "op01 med01 med02 sup01 adm01 biz01 biz02 insp01"),
    cell("GET", ID + "/verify", "mediated", "sup01"),
    cell("GET", "/api/v1/audit/verify", None, "sup01"),
    cell("GET", "/api/v1/timeliness", None, "op01 med01 med02 sup01"),
    cell("GET", "/api/v1/businesses/91350100M000100Y43/credit", "accepted", "sup01"),
    cell("GET", "/api/v1/credit", None, "sup01"),
    cell("GET", "/api/v1/credit/watch-list", None, "sup01"),
    cell("GET", "/api/v1/credit/model-candidates", None, "sup01"),
    cell("POST", "/api/v1/credit/what-if", None, "sup01", {"rules": DEFAULT_RULES}),
    cell("GET", "/api/v1/stats", None, "sup01", params={"from": "2026-01-01", "to": "2026-12-31"}),
    cell("POST", ID + "/legal-hold", "resolved", "sup01", {"reference": "监管调查"}),
    cell("POST", ID + "/legal-hold/release", "held", "sup01", {"reference": "调查结束"}),
    cell("POST", ID + "/erase", "resolved", "sup01", {"basis": "request"}),
    cell("GET", ID + "/attachments", "mediated", "op01 med01 sup01", hidden="biz02"),
    cell("POST", ID + "/attachments", "mediated", "op01 med01 sup01", files=RECEIPT),
    cell("GET", "/api/v1/exports/complaints", None, "op01 med01 med02 sup01"),
    cell("GET", "/api/v1/accounts", None, "adm01"),
    cell("GET", "/api/v1/audit/accounts", None, "sup01 adm01"),
    cell("POST", "/api/v1/accounts", None, "adm01",
         {"role": "operator", "password": "a-long-secret-1"}),  # a new username per call
    cell("POST", ID + "/documents", "mediated", "op01 med01 sup01", {"kind": "acceptance_notice"}),
    cell("POST", ID + "/documents", "rejected", "op01 sup01", {"kind": "rejection_notice"}),
    cell("GET", ID + "/documents", "mediated", "op01 med01 sup01", hidden="biz02"),
    cell("POST", ID + "/request-identity", "filed", "op01", {"due": "2026-05-15"}),
    cell("POST", ID + "/identity-verified", "identity requested", "op01", {"note": "已核验"}),
    cell("POST", ID + "/consent", "joint mediated", "op01 med01 sup01",
         {"consumer": 1, "matter": "settle"}),
    cell("POST", ID + "/change-request", "mediated", "op01 med01", {"request": "只要求退款"}),
    cell("POST", ID + "/entrust", "accepted", "op01 sup01",
         {"organisation": "SH-XB", "consumer_consent": True, "business_consent": True}),
    cell("GET", "/api/v1/organisations", None, "op01 sup01 adm01"),
    cell("POST", "/api/v1/organisations", None, "adm01", {"name": "某调解委员会"}),
    # Businesses at the desk (SPEC §14).
    cell("POST", ID + "/forward", "filed", "op01", {"consent": True}),
    cell("POST", ID + "/business-reply", "negotiating", "biz01",
         {"settled": True, "terms": "退款", "amount": "10"}, hidden="biz02"),
    cell("POST", ID + "/confirm-settlement", "negotiating (settled)", "op01", {"note": "已确认"}),
    cell("POST", ID + "/return", "negotiating", "op01 sup01", {"note": "未和解"}),
    cell("GET", "/api/v1/business/complaints", None, "biz01 biz02"),
    cell("GET", "/api/v1/odr/businesses", None, "op01 med01 med02 sup01 adm01 biz01 biz02 insp01"),
    cell("POST", "/api/v1/odr/businesses", None, "sup01 biz01",
         {"credit_code": USCC, "name": "上海优选", "start": "2026-01-01"}),
    cell("POST", f"/api/v1/odr/businesses/{USCC}/leave", None, "sup01 biz01",
         {"last_day": "2026-12-31"}),
    cell("GET", f"/api/v1/businesses/{USCC}/pledges", None,
         "op01 med01 med02 sup01 adm01 biz01 biz02 insp01"),
    cell("POST", f"/api/v1/businesses/{USCC}/pledges", None, "sup01 biz01",
         {"kind": "odr", "start": "2026-01-01", "end": "2026-12-31"}),
    cell("POST", f"/api/v1/businesses/{USCC}/disclosure", None, "sup01",
         {"withheld": False, "reason": "依法公示"}),
    cell("GET", "/api/v1/public-cases/objections", None, "sup01 biz01 biz02"),
    cell("POST", "/api/v1/accounts/business", None, "adm01",
         {"credit_code": OTHER_USCC}),  # a new username per call
    cell("GET", "/api/v1/outbox", None, "sup01"),
    cell("GET", "/api/v1/outbox/dead-letters", None, "sup01"),
    cell("GET", "/api/v1/warnings/flags", None, "sup01"),
    cell("POST", "/api/v1/warnings/detect", None, "sup01", {}),
    cell("GET", "/api/v1/warnings", None, "sup01"),
    cell("POST", "/api/v1/warnings", None, "sup01",
         {"title": "预付式消费风险提示", "message": "办卡前请核实经营者资质。", "scope": "industry",
          "key": "beauty", "label": "beauty", "valid_from": "2026-05-11",
          "valid_until": "2026-06-10"}),
]
OPEN = ("/api/v1/auth/token", "/api/v1/auth/activate", "/api/v1/public/")
REPORT_ROUTES = {
    ("POST", "/api/v1/reports"), ("GET", "/api/v1/reports"),
    ("GET", "/api/v1/reports/timeliness"), ("GET", "/api/v1/reports/stats"),
    ("GET", "/api/v1/reports/{report_id}"), ("GET", "/api/v1/reports/{report_id}/history"),
    ("GET", "/api/v1/reports/{report_id}/verify"), ("POST", "/api/v1/submissions"),
    ("POST", "/api/v1/complaints/{complaint_id}/clue"),
    *(("POST", f"/api/v1/reports/{{report_id}}/{command}") for command in (
        "verify", "extend", "open-case", "decline", "refer", "notify-reporter", "close")),
}


def _call(api: Any, c: Cell, who: str, complaint_id: str | None) -> Any:
    from tests.e2e.conftest import a_filing

    path = c.path.replace("{complaint_id}", complaint_id or "")
    headers = api.auth(None if who == "anonymous" else who)
    if c.method == "GET":
        return api.http.get(path, params=c.params, headers=headers)
    if c.files:
        return api.http.post(path, files=c.files, headers=headers)
    body = a_filing() if c.path == C else c.body
    if c.path in ("/api/v1/accounts", "/api/v1/accounts/business") and c.method == "POST":
        body = {**c.body, "username": f"new-{who}{'-b' if 'business' in c.path else ''}"}
    if c.path == "/api/v1/organisations" and c.method == "POST":
        body = {**c.body, "code": f"org-{who}"}
    return api.http.post(path, json=body, headers=headers)


def with_businesses(api: Any) -> Any:
    """biz01 and biz02 activated and signed in; biz01's business on the ODR register."""
    accounts = api.wiring.accounts
    for username, code in (("biz01", USCC), ("biz02", OTHER_USCC)):
        account = accounts.add_business(username, credit_code=code)
        accounts.activate(username, token_version=account.token_version,
                          password=f"{username}-correct-horse")
        api.tokens[username] = api.sign_in(username).json()["access_token"]
    api.wiring.odr.register.join(USCC, name="上海优选", start=date(2026, 1, 1), actor="sup01")
    return api


@pytest.fixture
def api(api):
    from domain.vocabulary import Role
    from tests.e2e.conftest import password_of

    api.wiring.accounts.add("insp01", role=Role.INSPECTOR, password=password_of("insp01"),
                            office="SH-PD")
    api.tokens["insp01"] = api.sign_in("insp01").json()["access_token"]
    return api


def test_every_role_meets_every_endpoint_as_the_spec_says(api):
    with_businesses(api)
    outcomes = {}
    for c in MATRIX:
        for who in PEOPLE:
            complaint_id = api.complaint_in(c.state) if c.state else None
            before = api.view(complaint_id)["version"] if complaint_id else None
            response = _call(api, c, who, complaint_id)
            outcomes[(c.method, c.path, c.state, str(c.params), who)] = response.status_code
            if who == "anonymous":
                expected = {401}
            elif who in c.allowed:
                expected = {200, 201, 204}
            elif who in c.hidden:
                expected = {404}
            else:
                expected = {403}
            assert response.status_code in expected, (c.method, c.path, c.state, who,
                                                      response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
                if complaint_id:
                    assert api.view(complaint_id)["version"] == before  # nothing recorded

    assert len(outcomes) == len(MATRIX) * len(PEOPLE)


def test_the_matrix_covers_every_route_that_needs_a_token(api):
    paths = api.http.get("/openapi.json").json()["paths"]
    routes = {(method.upper(), path) for path, operations in paths.items()
              if path.startswith("/api/v1") and not path.startswith(OPEN)
              for method in operations}
    covered = {(c.method, c.path) for c in MATRIX} | {
        # Voiding needs a ledger entry of its own; tests/e2e/test_credit_api.py walks
        # its roles (operator 403, supervisor 204).
        ("POST", "/api/v1/credit/entries/{entry_id}/void"),
        # The matrix calls the route with a real business key.
        ("GET", "/api/v1/businesses/{key}/credit"),
        # A download needs an attachment of its own; tests/e2e/test_evidence_files.py
        # walks its roles.
        ("GET", "/api/v1/complaints/{complaint_id}/attachments/{attachment_id}"),
        # These end tokens or sessions, which would pull the rug from the matrix's own;
        # tests/e2e/test_accounts.py walks their roles.
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/accounts/{username}/disable"),
        ("POST", "/api/v1/accounts/{username}/enable"),
        ("POST", "/api/v1/accounts/{username}/password"),
        ("POST", "/api/v1/accounts/{username}/role"),
        # A download needs a document of its own; tests/e2e/test_documents_api.py walks
        # its roles.
        ("GET", "/api/v1/complaints/{complaint_id}/documents/{document_id}"),
        # Reports (SPEC §13) have their own matrices: tests/e2e/test_report_confidentiality.py
        # walks every route that returns a report and every command against every role,
        # tests/e2e/test_reports_api.py the clue, the split and the figures.
        *REPORT_ROUTES,
        # The matrix calls the route with a real credit code.
        ("POST", "/api/v1/odr/businesses/{credit_code}/leave"),
        ("GET", "/api/v1/businesses/{key}/pledges"),
        ("POST", "/api/v1/businesses/{key}/pledges"),
        ("POST", "/api/v1/businesses/{key}/disclosure"),
        # Need a closed case in the public list (and a pending objection);
        # tests/e2e/test_disclosed_cases.py walks their roles.
        ("POST", "/api/v1/public-cases/{case_id}/disclosure"),
        ("POST", "/api/v1/public-cases/{case_id}/objection"),
        ("POST", "/api/v1/public-cases/{case_id}/objection/decision"),
        # Needs a model candidate; tests/e2e/test_businesses.py walks its roles.
        ("POST", "/api/v1/businesses/{key}/model"),
        # Needs a business account not yet activated; tests/e2e/test_businesses.py
        # walks its roles.
        ("POST", "/api/v1/accounts/{username}/activation"),
        # A replay needs a dead letter of its own; tests/e2e/test_outbox_api.py walks
        # its roles.
        ("POST", "/api/v1/outbox/dead-letters/{endpoint}/{position}/replay"),
    }
    assert len([r for r in routes if r[1].startswith(C)]) == 42  # with the clue, identity,
    # consent, change-request, entrust, and the four pre-settlement commands
    assert routes <= covered, sorted(routes - covered)


# Entrusted mediators (Order 121 Art. 19): emed01 of SH-XB, emed02 of PD-TJ; the
# "entrusted" case went to SH-XB and emed01.
ENTRUSTED_MATRIX = [
    # (method, path, state, who, status)
    ("GET", ID, "entrusted", "emed01", 200),
    ("GET", ID, "entrusted", "emed02", 404),  # another organisation's case: not even there
    ("GET", ID, "mediated", "emed01", 404),  # the office's own case
    ("GET", ID, "filed", "emed01", 404),
    ("GET", ID + "/history", "entrusted", "emed01", 403),
    ("POST", ID + "/notes", "entrusted", "emed01", 200),
    ("POST", ID + "/notes", "entrusted", "emed02", 403),
    ("POST", ID + "/notes", "entrusted", "med01", 403),  # the office's mediator
    ("POST", ID + "/resolve", "entrusted", "emed01", 200),
    ("POST", ID + "/entrust", "accepted", "emed01", 403),  # may not pass a case on
    ("POST", "/api/v1/organisations", None, "emed01", 403),
]
BODIES = {"/notes": {"kind": "session", "text": "调解"},
          "/resolve": {"outcome": "refund", "amount_recovered": "10", "terms": "退款"},
          "/entrust": {"organisation": "PD-TJ", "consumer_consent": True,
                       "business_consent": True},
          "/api/v1/organisations": {"code": "X1", "name": "某组织"}}


def test_an_entrusted_mediator_sees_and_works_only_the_organisations_cases(api):
    for method, path, state, who, status in ENTRUSTED_MATRIX:
        complaint_id = api.complaint_in(state) if state else None
        before = api.view(complaint_id)["version"] if complaint_id else None
        url = path.replace("{complaint_id}", complaint_id or "")
        body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
        response = (api.http.get(url, headers=api.auth(who)) if method == "GET"
                    else api.http.post(url, json=body, headers=api.auth(who)))
        assert response.status_code == status, (method, path, state, who, response.text)
        if status >= 400 and complaint_id:
            assert api.view(complaint_id)["version"] == before

    listed = api.listed("emed01").json()
    assert listed["items"]
    assert {item["mediator"] for item in listed["items"]} == {"emed01"}
