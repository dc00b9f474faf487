"""Demo cases for Order 121 Art. 10-12, 17 and 19, filed through the desk's own
commands: a proxy with an authorisation, a joint complaint with its consents, a case
entrusted to the consumer association, a request for proof of identity, and a pattern
the abuse signals catch (one phone behind several names, one complainant filing again
and again against one shop)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.intake import Intake
from domain.permissions import Actor
from domain.vocabulary import Role

ASSOCIATION = ("SH-XB", "上海市消费者权益保护委员会")
ENTRUSTED_MEDIATOR = "emed01"


def _body(office: str, consumer: dict[str, str], business: dict[str, Any], industry: str,
          description: str, request: str, **extra: Any) -> dict[str, Any]:
    return {"channel": "web", "consumer": consumer, "business": business,
            "category": "goods", "industry": industry, "amount": "899.00",
            "description": description, "request": request, "office": office, **extra}


def seed_parties(desk: Any, *, office: str, operator: str, supervisor: str) -> None:
    now = desk.clock()
    op = Actor(operator, Role.OPERATOR)
    sup = Actor(supervisor, Role.SUPERVISOR)

    def file(**body: Any) -> Any:
        return desk.file(Intake.parse(_body(office, **body), now=now, default_office=None),
                         actor=op)

    shop = {"name": "上海某某数码科技有限公司"}
    file(consumer={"name": "钱多多", "phone": "13811223344"}, business=shop,
         industry="online_shopping", description="购买的平板电脑无法开机，商家拒绝退换。",
         request="退货退款",
         proxy={"name": "孙律师", "phone": "13600998877", "id_number": "11010519491231002X",
                "authorisation": {"matters": "就平板电脑质量纠纷投诉并参加调解",
                                  "powers": "代为提出、变更投诉请求，代为达成调解协议",
                                  "term": (now + timedelta(days=180)).date().isoformat(),
                                  "signed": True}})
    joint = file(consumer={"name": "周一", "phone": "13912340001"},
                 business={"name": "上海某某健身管理有限公司"}, industry="other",
                 description="健身房突然停业，预付卡余额无法使用。", request="退还预付卡余额",
                 joint={"consumers": [{"name": "吴二", "phone": "13912340002"},
                                      {"name": "郑三", "phone": "13912340003"}],
                        "representatives": [0], "consent": True})
    desk.accept(joint, actor=op, notified_via="sms")
    desk.record_consent(joint, actor=op, consumer=1, matter="settle", note="电话确认同意调解方案")
    entrusted = file(consumer={"name": "王小二", "phone": "13712345678"},
                     business={"name": "上海某某家具有限公司"}, industry="housing",
                     description="定制衣柜尺寸与合同不符。", request="重新制作")
    desk.accept(entrusted, actor=op, notified_via="phone")
    desk.entrust(entrusted, actor=sup, organisation=ASSOCIATION[0], consumer_consent=True,
                 business_consent=True)
    desk.assign(entrusted, actor=sup, mediator=ENTRUSTED_MEDIATOR,
                mediator_organisation=ASSOCIATION[0])
    unsure = file(consumer={"name": "冯某", "phone": "13500001111"},
                  business={"name": "上海某某超市有限公司"}, industry="food",
                  description="买到过期饼干。", request="十倍赔偿")
    desk.request_identity(unsure, actor=op, due=(now + timedelta(days=5)).date(),
                          note="请提供身份证明材料")
    # One phone behind several names, and one of them filing again and again.
    for name in ("陈甲", "陈乙", "陈丙", "陈甲", "陈甲"):
        file(consumer={"name": name, "phone": "13300002222", "address": "上海市某区某路1号"},
             business=shop, industry="food", description="购买的零食临近保质期。",
             request="十倍赔偿")
