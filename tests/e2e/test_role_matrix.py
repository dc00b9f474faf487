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

import adapters

DEFAULT_RULES = (Path(adapters.__file__).parent / "data" / "credit_rules.toml").read_text()
PEOPLE = ("anonymous", "op01", "med01", "med02", "sup01", "adm01", "biz01", "biz02")
# med01 is the mediator assigned to every mediated case below; med02 is another mediator.
# biz01 is the business every case below is against; biz02 is another business, for
# which those cases are not there at all (404 where it could otherwise look).
USCC = "91350100M000100Y43"
OTHER_USCC = "91110000600037341L"


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
    cell("GET", "/api/v1/auth/me", None, "op01 med01 med02 sup01 adm01 biz01 biz02"),
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
    # Businesses at the desk (SPEC §14).
    cell("POST", ID + "/forward", "filed", "op01", {"consent": True}),
    cell("POST", ID + "/business-reply", "negotiating", "biz01",
         {"settled": True, "terms": "退款", "amount": "10"}, hidden="biz02"),
    cell("POST", ID + "/confirm-settlement", "negotiating (settled)", "op01", {"note": "已确认"}),
    cell("POST", ID + "/return", "negotiating", "op01 sup01", {"note": "未和解"}),
    cell("GET", "/api/v1/business/complaints", None, "biz01 biz02"),
    cell("GET", "/api/v1/odr/businesses", None, "op01 med01 med02 sup01 adm01 biz01 biz02"),
    cell("POST", "/api/v1/odr/businesses", None, "sup01 biz01",
         {"credit_code": USCC, "name": "上海优选", "start": "2026-01-01"}),
    cell("POST", f"/api/v1/odr/businesses/{USCC}/leave", None, "sup01 biz01",
         {"last_day": "2026-12-31"}),
    cell("GET", f"/api/v1/businesses/{USCC}/pledges", None,
         "op01 med01 med02 sup01 adm01 biz01 biz02"),
    cell("POST", f"/api/v1/businesses/{USCC}/pledges", None, "sup01 biz01",
         {"kind": "odr", "start": "2026-01-01", "end": "2026-12-31"}),
    cell("POST", f"/api/v1/businesses/{USCC}/disclosure", None, "sup01",
         {"withheld": False, "reason": "依法公示"}),
    cell("POST", "/api/v1/accounts/business", None, "adm01",
         {"credit_code": OTHER_USCC}),  # a new username per call
]
OPEN = ("/api/v1/auth/token", "/api/v1/auth/activate", "/api/v1/public/")


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
        # The matrix calls the route with a real credit code.
        ("POST", "/api/v1/odr/businesses/{credit_code}/leave"),
        ("GET", "/api/v1/businesses/{key}/pledges"),
        ("POST", "/api/v1/businesses/{key}/pledges"),
        ("POST", "/api/v1/businesses/{key}/disclosure"),
        # Needs a model candidate; tests/e2e/test_businesses.py walks its roles.
        ("POST", "/api/v1/businesses/{key}/model"),
        # Needs a business account not yet activated; tests/e2e/test_businesses.py
        # walks its roles.
        ("POST", "/api/v1/accounts/{username}/activation"),
    }
    assert len([r for r in routes if r[1].startswith(C)]) == 36
    assert routes <= covered, sorted(routes - covered)
