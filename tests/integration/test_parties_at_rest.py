"""A proxy's and a joint case's personal data are sealed at rest like the consumer's,
and read back whole by the desk (Order 121 Art. 11, 12; PIPL)."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from domain.intake import Intake
from tests.integration.helpers import operator
from tests.integration.test_no_clear_text_at_rest import raw_bytes

PROXY = {"name": "司马相如", "phone": "13955556666", "id_number": "11010519491231002X",
         "address": "上海市长宁区延安西路2299号",
         "authorisation": {"matters": "代为投诉司马家的手机纠纷", "powers": "代为调解",
                           "term": date(2026, 12, 31), "signed": True}}
JOINT = {"consumers": [{"name": "诸葛孔明", "phone": "13744443333",
                        "address": "上海市杨浦区国权路525号"}],
         "representatives": [0], "consent": True}
SECRETS = ["司马相如", "13955556666", "延安西路2299", "诸葛孔明", "13744443333", "国权路525"]


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def test_proxies_and_joint_consumers_are_unreadable_without_the_keys(wiring, clock):
    body = {"channel": "visit", "consumer": {"name": "张三", "phone": "13812345678"},
            "business": {"name": "上海优选电子商务有限公司"}, "category": "goods",
            "industry": "online_shopping", "amount": "10", "description": "屏幕坏点",
            "request": "退货", "office": "SH-PD", "proxy": PROXY, "joint": JOINT}
    complaint_id = wiring.desk.file(Intake.parse(body, now=clock(), default_office=None),
                                    actor=operator)
    wiring.projections.catch_up()

    details = wiring.desk.get_complaint(complaint_id)
    assert details.proxy["phone"] == "13955556666"
    assert details.proxy["authorisation"]["term"] == "2026-12-31"
    assert details.joint["consumers"][0]["name"] == "诸葛孔明"
    assert details.materials_complete

    dumped = raw_bytes(wiring)
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "gb18030"):
            assert secret.encode(encoding) not in dumped, (secret, encoding)


def test_erasure_makes_the_proxy_and_the_joint_consumers_unreadable_too(wiring, clock):
    from tests.integration.helpers import supervisor

    body = {"channel": "visit", "consumer": {"name": "张三", "phone": "13812345678"},
            "business": {"name": "上海优选电子商务有限公司"}, "category": "goods",
            "industry": "online_shopping", "amount": "10", "description": "屏幕坏点",
            "request": "退货", "office": "SH-PD", "proxy": PROXY, "joint": JOINT}
    desk = wiring.desk
    case = desk.file(Intake.parse(body, now=clock(), default_office=None), actor=operator)
    desk.record_consent(case, actor=operator, consumer=1, matter="waive")
    desk.withdraw(case, actor=operator, note="撤回")
    desk.erase_personal_data(case, actor=supervisor, basis="request", reference="申请删除")

    details = wiring.desk.get_complaint(case)
    assert details.proxy["name"] == "已删除" and details.proxy["phone"] == "已删除"
    assert details.joint["consumers"][0]["name"] == "已删除"
    assert details.joint["representatives"] == [0]  # the shape of the case stays
