"""Builders shared by the integration tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.intake import Intake
from domain.permissions import Actor
from domain.vocabulary import Role

operator = Actor("op01", Role.OPERATOR)
mediator = Actor("med01", Role.MEDIATOR)
supervisor = Actor("sup01", Role.SUPERVISOR)


def a_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "phone",
        "consumer": {"name": "张三丰", "phone": "13812345678", "address": "上海市黄浦区南京东路1号"},
        "business": {"name": "上海优选电子商务有限公司", "uscc": "91350100M000100Y43",
                     "platform": "天猫"},
        "category": "goods",
        "industry": "online_shopping",
        "incident_date": "2026-05-01",
        "amount": "1280.00",
        "description": "网购的手机屏幕有坏点，商家拒绝七天无理由退货。",
        "request": "退货退款",
        "office": "SH-PD",
    }
    body.update(overrides)
    return body


def an_intake(now: datetime, **overrides: Any) -> Intake:
    return Intake.parse(a_body(**overrides), now=now, default_office=None)
