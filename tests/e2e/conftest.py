"""HTTP fixtures: a wired desk on each backend, staff accounts, signed-in clients.

Everything a test does goes through HTTP; the wiring is reached only to wait for the
list view to catch up, or to start a real server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from adapters.settings import Settings
from api.app import create_app
from api.bootstrap import Wiring, wire
from domain.vocabulary import Role

SECRET = "e2e-signing-key-0123456789abcdef0123456789abcdef"
METRICS_TOKEN = "e2e-scraper-token-0123456789"
STAFF: tuple[tuple[str, Role, str | None], ...] = (
    ("op01", Role.OPERATOR, "SH-PD"),
    ("op02", Role.OPERATOR, "SH-HP"),
    ("med01", Role.MEDIATOR, "SH-PD"),
    ("med02", Role.MEDIATOR, "SH-PD"),
    ("sup01", Role.SUPERVISOR, None),
    ("adm01", Role.ADMIN, None),
)


# Two mediation organisations (Order 121 Art. 19), each with one entrusted mediator.
ORGANISATIONS = (("SH-XB", "上海市消费者权益保护委员会"), ("PD-TJ", "浦东新区人民调解委员会"))
ENTRUSTED = (("emed01", "SH-XB"), ("emed02", "PD-TJ"))


def password_of(username: str) -> str:
    return f"{username}-correct-horse"


def a_filing(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "phone",
        "consumer": {"name": "张三丰", "phone": "13812345678",
                     "address": "上海市黄浦区南京东路1号"},
        "business": {"name": "上海优选电子商务有限公司", "uscc": "91350100M000100Y43",
                     "platform": "天猫"},
        "category": "goods",
        "industry": "online_shopping",
        "incident_date": "2026-05-01",
        "amount": "1280.00",
        "description": "网购的手机屏幕有坏点，商家拒绝七天无理由退货。",
        "request": "退货退款",
    }
    body.update(overrides)
    return body


# The steps that bring a new complaint to each state; every step is an HTTP command.
STEPS: dict[str, list[tuple[str, str, dict[str, Any] | None]]] = {
    "filed": [],
    "accepted": [("accept", "op01", None)],
    "rejected": [("reject", "op01", {"reason": "outside_remit", "note": "不属于本部门职责"})],
    "withdrawn": [("withdraw", "op01", {"note": "消费者撤回"})],
    "mediated": [("accept", "op01", None), ("assign", "op01", {"mediator": "med01"})],
}
STEPS["suspended"] = [*STEPS["mediated"], ("suspend", "med01", {
    "reason": "testing", "note": "送检"})]
STEPS["resolved"] = [*STEPS["mediated"], ("resolve", "med01", {
    "outcome": "refund", "amount_recovered": "1280.00", "terms": "商家退款"})]
STEPS["terminated"] = [*STEPS["mediated"], ("terminate", "med01", {
    "reason": "business_refused", "note": "商家拒绝调解"})]
STEPS["escalated"] = [*STEPS["mediated"], ("escalate", "med01", {
    "forum": "court", "reason": "涉嫌欺诈"})]
STEPS["recusal pending"] = [*STEPS["mediated"], ("recusal-request", "op01", {
    "by": "business", "reason": "调解员系投诉人近亲属"})]
STEPS["withdrawn after acceptance"] = [*STEPS["accepted"], ("withdraw", "op01", {
    "kind": "settled_privately", "note": "双方自行和解"})]
# Filed at the intake centre, which dispatches complaints (Order 121 Art. 41).
STEPS["at intake"] = []
INTAKE_CENTRE = "SH-12315"
# Online pre-settlement (SPEC §14): the business must be on the ODR register, and the
# business's own account (biz01) answers.
STEPS["negotiating"] = [("forward", "op01", {"consent": True, "note": "消费者同意"})]
STEPS["negotiating (settled)"] = [*STEPS["negotiating"], ("business-reply", "biz01", {
    "settled": True, "terms": "全额退款", "amount": "1280.00"})]
STEPS["held"] = [*STEPS["resolved"], ("legal-hold", "sup01", {"reference": "监管调查"})]
STEPS["identity requested"] = [("request-identity", "op01", {"due": "2026-05-15"})]
# A joint complaint of three consumers, consumer 0 their representative (Order 121 Art. 12).
JOINT = {"consumers": [{"name": "王五", "phone": "13700001111"},
                       {"name": "赵六", "phone": "13600002222"}],
         "representatives": [0], "consent": True}
STEPS["joint mediated"] = STEPS["mediated"]
ENTRUST = {"organisation": "SH-XB", "consumer_consent": True, "business_consent": True}
STEPS["entrusted"] = [*STEPS["accepted"], ("entrust", "op01", ENTRUST),
                      ("assign", "op01", {"mediator": "emed01"})]
FILED_AS = {"at intake": {"office": "SH-12315"}, "joint mediated": {"joint": JOINT}}


@dataclass
class Api:
    """A client that knows the staff's tokens and how to walk a case."""

    http: TestClient | httpx.Client
    wiring: Wiring
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, username: str | None, **headers: str) -> dict[str, str]:
        found = {k.replace("_", "-"): v for k, v in headers.items()}
        if username is not None:
            found["Authorization"] = f"Bearer {self.tokens[username]}"
        return found

    def sign_in(self, username: str, password: str | None = None) -> httpx.Response:
        return self.http.post("/api/v1/auth/token", data={
            "username": username, "password": password or password_of(username)})

    def file(self, as_: str = "op01", **overrides: Any) -> dict[str, Any]:
        response = self.http.post("/api/v1/complaints", json=a_filing(**overrides),
                                  headers=self.auth(as_))
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def command(self, complaint_id: str, command: str, as_: str | None,
                body: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
        return self.http.post(f"/api/v1/complaints/{complaint_id}/{command}", json=body,
                              headers=self.auth(as_, **headers))

    def complaint_in(self, state: str) -> str:
        complaint_id = self.file(**FILED_AS.get(state, {}))["id"]
        for command, who, body in STEPS[state]:
            response = self.command(complaint_id, command, who, body)
            assert response.status_code == 200, response.text
        return complaint_id  # type: ignore[no-any-return]

    def view(self, complaint_id: str, as_: str = "sup01") -> dict[str, Any]:
        response = self.http.get(f"/api/v1/complaints/{complaint_id}", headers=self.auth(as_))
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def history(self, complaint_id: str) -> list[dict[str, Any]]:
        response = self.http.get(f"/api/v1/complaints/{complaint_id}/history",
                                 headers=self.auth("sup01"))
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def listed(self, as_: str = "op01", **params: Any) -> httpx.Response:
        """The list, once the view has caught up with every write so far (it is eventually
        consistent by design)."""
        projections = self.wiring.projections
        assert projections.wait_until(projections.head(), timeout=10)
        return self.http.get("/api/v1/complaints", params=params, headers=self.auth(as_))


def cheap_hashing(wiring: Wiring) -> None:
    """Tests sign in often; production keeps argon2's default cost."""
    wiring.accounts.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def wiring(database_url: str, clock: Any) -> Iterator[Wiring]:
    wiring = wire(Settings(database_url=database_url, secret_key=SECRET,
                           metrics_token=METRICS_TOKEN), clock=clock, follow=True)
    add_people(wiring)
    yield wiring
    wiring.close()


def add_people(wiring: Wiring) -> None:
    """The staff, the organisations and their entrusted mediators every test signs in."""
    cheap_hashing(wiring)
    for username, role, office in STAFF:
        wiring.accounts.add(username, role=role, password=password_of(username), office=office)
    for code, name in ORGANISATIONS:
        wiring.organisations.add(code, name=name)
    for username, organisation in ENTRUSTED:
        wiring.accounts.add(username, role=Role.MEDIATOR, password=password_of(username),
                            organisation=organisation)


def _signed_in(api: Api) -> Api:
    for username in [u for u, _, _ in STAFF] + [u for u, _ in ENTRUSTED]:
        response = api.sign_in(username)
        assert response.status_code == 200, response.text
        api.tokens[username] = response.json()["access_token"]
    return api


@pytest.fixture
def api(wiring: Wiring) -> Iterator[Api]:
    with TestClient(create_app(wiring)) as client:
        yield _signed_in(Api(client, wiring))


class LiveServer:
    """The app under a real uvicorn server on a loopback port, in a thread."""

    def __init__(self, wiring: Wiring) -> None:
        config = uvicorn.Config(create_app(wiring), host="127.0.0.1", port=0,
                                log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            threading.Event().wait(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_api(wiring: Wiring) -> Iterator[Api]:
    with LiveServer(wiring) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield _signed_in(Api(client, wiring))
