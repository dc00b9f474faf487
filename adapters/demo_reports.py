"""Demo reports (举报): a handful in every state, built with the Report's own commands at
past moments, like the demo complaints, so the inspector's queue, the report page and
the figures have something to show (one penalised report also shows in the credit
views as `violation_confirmed`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from adapters.demo_data import DemoFactory
from domain.permissions import Actor
from domain.report import Report
from domain.report_intake import ReportIntake
from domain.vocabulary import Industry, Role

INSPECTORS = ("insp01", "insp02")

# (source, days ago, how far it got, industry, the facts reported)
STORIES: tuple[tuple[str, float, str, Industry, str], ...] = (
    ("phone", 1.5, "received", Industry.FOOD, "超市冷柜内销售的鲜奶已超过保质期，货架上仍有多盒。"),
    ("web", 3, "received", Industry.CATERING, "餐馆后厨卫生脏乱，从业人员未持健康证上岗。"),
    ("phone", 9, "verifying", Industry.ONLINE_SHOPPING, "网店宣传“全网最低价”，先提价后打折，涉嫌虚假宣传。"),
    ("letter", 24, "verifying", Industry.BEAUTY, "美容院未取得医疗美容资质，擅自开展注射类项目。"),
    ("visit", 26, "case_opened", Industry.EDUCATION, "培训机构以“保过”为名收费，合同含霸王条款。"),
    ("wechat", 31, "not_opened", Industry.TELECOM, "营业厅未经同意为用户开通增值业务。"),
    ("phone", 35, "referred", Industry.FINANCE, "某网络借贷平台暴力催收。"),
    ("web", 60, "penalised", Industry.FOOD, "食品商行销售无中文标签的进口食品。"),
)


def record_demo_reports(desk: Any, factory: DemoFactory) -> int:
    """Store the demo reports through the desk (hash chain, cipher, data keys)."""
    operator = Actor("op01", Role.OPERATOR)
    made = []
    for n, (source, days, reached, industry, facts) in enumerate(STORIES):
        inspector = Actor(INSPECTORS[n % len(INSPECTORS)], Role.INSPECTOR)
        received = factory.now - timedelta(days=days)
        name, _, uscc = factory.businesses[industry][n % 3]
        person = factory.consumer()
        body = {"source": source, "received_at": received,
                "reporter": None if n % 3 == 1 else person, "anonymous": n % 3 == 1,
                "business": {"name": name, "uscc": uscc}, "industry": industry.value,
                "facts": facts, "office": factory.districts[n % len(factory.districts)]}
        intake = ReportIntake.parse(body, now=factory.now, default_office=None)
        report = Report.receive(intake, actor=operator, at=received, tz=factory.tz)
        _walk(report, reached, inspector, received)
        made.append(report)
    desk.store(*made)
    return len(made)


def _walk(report: Report, reached: str, inspector: Actor, received: datetime) -> None:
    if reached == "received":
        return
    if reached == "referred":
        report.refer(actor=inspector, at=received + timedelta(days=2),
                     to="上海市地方金融管理局", note="不属于市场监管部门职责")
        return
    report.verify(actor=inspector, at=received + timedelta(hours=20))
    if reached == "verifying":
        return
    decided = received + timedelta(days=8)
    if reached == "not_opened":
        report.decline(actor=inspector, at=decided, reason="经现场核查，未发现违法事实")
    else:
        number = f"沪市监立〔{decided.year}〕{int(decided.timestamp()) % 900 + 100}号"
        report.open_case(actor=inspector, at=decided, case_number=number)
    if report.real_name:
        report.notify_reporter(actor=inspector, at=decided + timedelta(days=2), channel="sms")
    if reached == "penalised":
        report.close(actor=inspector, at=decided + timedelta(days=30), outcome="penalised",
                     note="作出罚款并没收违法所得的行政处罚决定")
