"""Demo data for businesses at the desk: one business account on the ODR register, and a
few of its filed complaints taken through pre-settlement (settled, returned, still open)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from uuid import UUID

from sqlalchemy import func, select

from adapters.views.complaint_list import complaint_list
from api.bootstrap import Wiring
from domain.identifiers import uscc_problem
from domain.permissions import Actor
from domain.vocabulary import Role

DEMO_BUSINESS = "shop01"
OPERATOR = Actor("op-demo", Role.OPERATOR)


def _busiest_coded_business(wiring: Wiring) -> tuple[str, str] | None:
    """The credit-coded business with the most complaints still filed."""
    c = complaint_list.c
    query = (select(c.business_key, c.business_name, func.count()).where(c.state == "filed")
             .group_by(c.business_key, c.business_name).order_by(func.count().desc()))
    with wiring.engine.connect() as db:
        for key, name, _ in db.execute(query):
            if len(key) == 18 and not uscc_problem(key):
                return key, name
    return None


def seed_demo_business(wiring: Wiring) -> tuple[str, str, str] | None:
    """(username, credit code, password) of a new demo business account, or None."""
    if wiring.accounts.get(DEMO_BUSINESS) is not None:
        return None
    wiring.projections.catch_up()
    found = _busiest_coded_business(wiring)
    if found is None:
        return None
    code, name = found
    account = wiring.accounts.add_business(DEMO_BUSINESS, credit_code=code, display_name=name)
    password = secrets.token_urlsafe(9)
    wiring.accounts.activate(DEMO_BUSINESS, token_version=account.token_version,
                             password=password)
    today = wiring.desk.clock().astimezone(wiring.desk.tz).date()
    wiring.odr.register.join(code, name=name, start=today - timedelta(days=30),
                             actor="demo")
    c = complaint_list.c
    with wiring.engine.connect() as db:
        filed = list(db.scalars(select(c.id).where(c.business_key == code, c.state == "filed")
                                .order_by(c.received_at).limit(3)))
    business = Actor(DEMO_BUSINESS, Role.BUSINESS)
    for n, key in enumerate(UUID(k) for k in filed):
        wiring.odr.forward(key, actor=OPERATOR, consent=True, note="消费者同意由经营者先行和解")
        if n == 0:
            wiring.desk.business_reply(key, actor=business, credit_code=code, settled=True,
                                       terms="同意全额退款并承担运费", amount="199.00")
            wiring.desk.confirm_settlement(key, actor=OPERATOR, note="消费者电话确认已收到退款")
        elif n == 1:
            wiring.desk.business_reply(key, actor=business, credit_code=code, settled=False,
                                       terms="商品已使用，不同意退货", amount="0")
            wiring.desk.return_from_negotiation(key, actor=OPERATOR, note="未能和解，转受理审查")
    wiring.businesses.record_pledge(actor=Actor("demo", Role.SUPERVISOR), own_code=None,
                                    key=code, kind="compensation_first",
                                    start=today - timedelta(days=30),
                                    end=today + timedelta(days=335))
    wiring.projections.catch_up()
    return DEMO_BUSINESS, code, password
