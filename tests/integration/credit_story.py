"""Builders for the credit and statistics tests: complaints told as stories through the desk.

Each step happens one day after the one before (at 10:00 in Shanghai); "+N" waits N
more days. A story returns the complaint id; the clock is left on its last day. A
complaint to be transferred is filed at the intake centre (`office="SH-12315"`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.intake import Intake
from domain.permissions import Actor
from domain.vocabulary import Role
from tests.integration.helpers import a_body

SHANGHAI = ZoneInfo("Asia/Shanghai")
operator = Actor("op01", Role.OPERATOR)
mediator = Actor("med01", Role.MEDIATOR)
supervisor = Actor("sup01", Role.SUPERVISOR)

ACME = {"name": "上海优选电子商务有限公司", "uscc": "91350100M000100Y43"}
BETA = {"name": "申城 好物网络科技有限公司"}  # no credit code: known by its normalised name
GAMMA = {"name": "老弄堂餐饮管理有限公司", "uscc": "91110000600037341L"}


class WeekendsOnly:
    """A working-day calendar with no holidays: Monday to Friday are worked."""

    def working_days_between(self, start: date, end: date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1)
                   if (start + timedelta(days=n)).weekday() < 5)


def ten_am(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def story(wiring: Any, clock: Any, start: date, *steps: str,
          business: dict[str, Any] | None = None, **body: Any) -> UUID:
    desk = wiring.desk
    day = start
    clock.now = ten_am(day)
    intake = Intake.parse(a_body(business=dict(business or ACME), incident_date=None, **body),
                          now=clock.now, default_office=None)
    complaint_id = desk.file(intake, actor=operator)
    assigned = False
    for step in steps:
        if step.startswith("+"):
            day += timedelta(days=int(step[1:]))
            continue
        day += timedelta(days=1)
        clock.now = ten_am(day)
        command, _, arg = step.partition(":")
        if command == "accept":  # the complainant is told with the decision
            desk.accept(complaint_id, actor=operator, notified_via=arg or "phone")
        elif command == "reject":
            desk.reject(complaint_id, actor=operator, reason=arg or "outside_remit")
        elif command == "transfer":
            desk.transfer(complaint_id, actor=operator, to_office=arg)
        elif command == "assign":
            desk.assign(complaint_id, actor=operator, mediator=mediator.username)
            assigned = True
        elif command == "suspend":
            desk.suspend(complaint_id, actor=mediator, reason="testing")
        elif command == "resume":
            desk.resume(complaint_id, actor=mediator)
        elif command == "resolve":
            desk.resolve(complaint_id, actor=mediator if assigned else operator,
                         outcome="refund", amount_recovered=arg or "100.00", terms="退款")
        elif command == "terminate":
            desk.terminate(complaint_id, actor=mediator, reason=arg)
        elif command == "escalate":
            forum, _, reason = arg.partition(":")
            desk.escalate(complaint_id, actor=mediator, forum=forum,
                          reason=reason or "consumer goes on")
        elif command == "withdraw":  # "withdraw:settled_privately"
            desk.withdraw(complaint_id, actor=operator, kind=arg or None)
        elif command == "rate":  # "rate:4" on the 1-5 scale, or "rate:basically_satisfied"
            if arg.isdigit():
                desk.record_satisfaction(complaint_id, actor=operator, score=int(arg))
            else:
                desk.record_satisfaction(complaint_id, actor=operator, level=arg)
        else:
            raise ValueError(f"unknown step {step!r}")
    return complaint_id
