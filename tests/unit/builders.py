"""Small builders for domain tests: an intake, a complaint driven to a state, the cast.

Complaints reach their state through the real commands, never by setting attributes,
so every builder is also a walk through the lifecycle the SPEC describes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.complaint import Complaint
from domain.intake import Intake
from domain.offices import Office, Offices
from domain.permissions import Actor
from domain.vocabulary import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
# "Now" for every unit test: a Monday morning in Shanghai, after SAMR Order No. 121.
NOW = datetime(2026, 5, 11, 9, 30, tzinfo=SHANGHAI)
OFFICE = "SH-HP"
OTHER_OFFICE = "SH-PD"
INTAKE_CENTRE = "SH-12315"
# The directory the unit tests decide against: one intake centre, two handling offices.
OFFICES = Offices([
    Office(INTAKE_CENTRE, "上海市市场监督管理局投诉举报中心", intake=True),
    Office(OFFICE, "黄浦区市场监督管理局", parent=INTAKE_CENTRE),
    Office(OTHER_OFFICE, "浦东新区市场监督管理局", parent=INTAKE_CENTRE),
])

operator = Actor("op1", Role.OPERATOR)
mediator = Actor("med1", Role.MEDIATOR)  # the one builders assign
other_mediator = Actor("med2", Role.MEDIATOR)
supervisor = Actor("sup1", Role.SUPERVISOR)
admin = Actor("adm1", Role.ADMIN)
business = Actor("biz1", Role.BUSINESS)  # the respondent's own account

# Credit codes as printed on real licences (both pass GB 32100 and GB 11714).
VALID_USCC = "91350100M000100Y43"
ANOTHER_VALID_USCC = "91110000600037341L"


def intake_data(**overrides: Any) -> dict[str, Any]:
    """A request body as the API would receive it; `consumer=`/`business=` merge in."""
    data: dict[str, Any] = {
        "channel": "phone",
        "received_at": NOW - timedelta(days=3),
        "consumer": {"name": "张三", "phone": "13812345678", "address": "上海市黄浦区南京东路1号"},
        "business": {"name": "上海某某超市有限公司", "uscc": VALID_USCC},
        "category": "goods",
        "industry": "food",
        "incident_date": "2026-05-01",
        "amount": "128.50",
        "description": "买到过期牛奶，商家拒绝退货。",
        "request": "退货退款",
        "office": OFFICE,
    }
    for key in ("consumer", "business"):
        if isinstance(overrides.get(key), dict):
            data[key] = {**data[key], **overrides.pop(key)}
    data.update(overrides)
    return data


def an_intake(
    *, now: datetime = NOW, default_office: str | None = None, **overrides: Any
) -> Intake:
    return Intake.parse(intake_data(**overrides), now=now, default_office=default_office)


# How each state is reached from the one before it, through the real commands.
STATES = (
    "filed",
    "filed (at the intake centre)",
    "accepted",
    "rejected",
    "mediated",
    "mediated (suspended)",
    "mediated (recusal pending)",
    "resolved",
    "terminated",
    "terminated (notice recorded)",
    "escalated",
    "withdrawn",
    "withdrawn (after acceptance)",
    "negotiating",
    "negotiating (settled)",
    "negotiating (not settled)",
)


def a_complaint(
    state: str = "filed",
    *,
    mediator: str = "med1",
    received_at: datetime | None = None,
    accepted_at: datetime | None = None,
    collected: bool = False,
    **intake_overrides: Any,
) -> Complaint:
    """A complaint driven to `state` (one of STATES). `collected=True` leaves no pending events."""
    if received_at is not None:
        intake_overrides["received_at"] = received_at
    if state == "filed (at the intake centre)":
        intake_overrides.setdefault("office", INTAKE_CENTRE)
    complaint = Complaint.file(an_intake(**intake_overrides), actor=operator, at=NOW, tz=SHANGHAI)
    complaint.locate(OFFICES)
    handler = Actor(mediator, Role.MEDIATOR)
    steps: list[Any] = []
    if state == "rejected":
        steps = [lambda c: c.reject(actor=operator, at=NOW, reason="outside_remit")]
    elif state == "withdrawn":
        steps = [lambda c: c.withdraw(actor=operator, at=NOW, note="consumer settled privately")]
    elif state == "withdrawn (after acceptance)":
        steps = [lambda c: c.accept(actor=operator, at=accepted_at or NOW, tz=SHANGHAI),
                 lambda c: c.withdraw(actor=operator, at=NOW, kind="settled_privately")]
    elif state.startswith("negotiating"):
        steps = [lambda c: c.forward(actor=operator, at=NOW, consent=True, note="消费者同意")]
        if state != "negotiating":
            settled = state == "negotiating (settled)"
            steps.append(lambda c: c.business_reply(actor=business, at=NOW, settled=settled,
                                                    terms="七日内全额退款", amount="128.50"))
    elif state not in STATES:
        raise ValueError(f"no builder for state {state!r}")
    elif not state.startswith("filed"):
        steps.append(lambda c: c.accept(actor=operator, at=accepted_at or NOW, tz=SHANGHAI))
        if state != "accepted":
            steps.append(lambda c: c.assign(actor=operator, at=NOW, mediator=mediator))
        if state == "mediated (suspended)":
            steps.append(lambda c: c.suspend(actor=handler, at=NOW, reason="testing"))
        elif state == "mediated (recusal pending)":
            steps.append(lambda c: c.request_recusal(actor=handler, at=NOW, by="business",
                                                     reason="调解员系消费者亲属"))
        elif state == "resolved":
            steps.append(lambda c: c.resolve(actor=handler, at=NOW, outcome="refund",
                                             amount_recovered="128.50", terms="全额退款"))
        elif state.startswith("terminated"):
            steps.append(lambda c: c.terminate(actor=handler, at=NOW, reason="business_refused"))
            if state == "terminated (notice recorded)":
                steps.append(lambda c: c.record_notice(actor=handler, at=NOW, note="双方已告知"))
        elif state == "escalated":
            steps.append(lambda c: c.escalate(actor=handler, at=NOW, forum="court",
                                              reason="consumer chose to sue"))
        elif state not in ("accepted", "mediated", "mediated (recusal pending)"):
            raise ValueError(f"no builder for state {state!r}")
    for step in steps:
        step(complaint)
    if collected:
        complaint.collect_events()
    return complaint


# Valid arguments for every command of the lifecycle table.
def run(complaint: Complaint, command: str, actor: Actor, **overrides: Any) -> None:
    """Run one lifecycle command by its SPEC name with valid arguments (overridable)."""
    at = overrides.pop("at", NOW)
    defaults: dict[str, tuple[str, dict[str, Any]]] = {
        "transfer": ("transfer", {"to_office": OTHER_OFFICE, "note": "属浦东分局管辖",
                                  "offices": OFFICES}),
        "return-to-intake": ("return_to_intake", {"reason": "不属本局管辖", "offices": OFFICES}),
        "notify": ("notify", {"channel": "phone"}),
        "recusal-request": ("request_recusal", {"by": "business", "reason": "调解员系消费者亲属"}),
        "recusal-decision": ("decide_recusal", {"upheld": False, "note": "申请理由不成立"}),
        "accept": ("accept", {"tz": SHANGHAI}),
        "reject": ("reject", {"reason": "outside_remit"}),
        "assign": ("assign", {"mediator": "med1"}),
        "reassign": ("reassign", {"mediator": "med2"}),
        "notes": ("add_note", {"kind": "session", "text": "双方到场调解，商家同意退款。"}),
        "suspend": ("suspend", {"reason": "testing"}),
        "resume": ("resume", {}),
        "resolve": ("resolve", {"outcome": "refund", "amount_recovered": "128.50",
                                "terms": "商家七日内全额退款"}),
        "terminate": ("terminate", {"reason": "business_refused"}),
        "notice": ("record_notice", {"note": "电话告知双方"}),
        "escalate": ("escalate", {"forum": "court", "reason": "agreement_breached"}),
        "withdraw": ("withdraw", {"note": "消费者撤回"}),
        "satisfaction": ("record_satisfaction", {"score": 4}),
        "request-identity": ("request_identity", {
            "tz": SHANGHAI, "due": at.astimezone(SHANGHAI).date() + timedelta(days=3)}),
        "identity-verified": ("verify_identity", {"note": "核验身份证原件"}),
        "consent": ("record_consent", {"consumer": 1, "matter": "settle"}),
        "change-request": ("change_request", {"request": "更换同型号新品"}),
        "entrust": ("entrust", {"organisation": "SH-XB", "consumer_consent": True,
                                "business_consent": True}),
        "forward": ("forward", {"consent": True, "note": "消费者同意由商家先行和解"}),
        "business-reply": ("business_reply", {"settled": True, "terms": "全额退款",
                                              "amount": "128.50"}),
        "confirm-settlement": ("confirm_settlement", {"note": "消费者确认已收到退款"}),
        "return": ("return_from_negotiation", {"note": "消费者不接受"}),
    }
    method, args = defaults[command]
    getattr(complaint, method)(actor=actor, at=at, **{**args, **overrides})


def last_event(complaint: Complaint) -> Any:
    return complaint.pending_events[-1]


def event_names(events: Any) -> list[str]:
    return [type(event).__name__ for event in events]


def replay(events: Any) -> Complaint:
    """Rebuild an aggregate from its events alone, as the repository does on load."""
    first, *rest = events
    complaint = first.mutate(None)
    for event in rest:
        complaint = event.mutate(complaint)
    return complaint


def recorded_state(complaint: Complaint) -> dict[str, Any]:
    """Everything a complaint remembers, minus eventsourcing's outbox and where the office
    directory says it sits (asked of the directory, never of the history)."""
    return {k: v for k, v in vars(complaint).items() if k not in ("_pending_events", "at_intake")}


# GB 32100-2015 and GB 11714-1997 written out from the standards, independent of
# domain/identifiers.py, so generated codes do not borrow the code under test.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb11714_check(body8: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body8]
    remainder = 11 - sum(v * w for v, w in zip(values, weights)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def gb32100_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(prefix8: str, org_body8: str) -> str:
    first17 = prefix8 + org_body8 + gb11714_check(org_body8)
    return first17 + gb32100_check(first17)
