"""Realistic demo complaints: Chinese names, real-looking businesses, every state and industry.

Histories are built with the domain's own commands at past moments, so the demo
store is indistinguishable from one filled by hand at the desk; how one history
unfolds is adapters/demo_cases.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from adapters.demo_cases import (  # noqa: F401  (the demo staff, for the demo users)
    INTAKE_CENTRE, INTAKE_OPERATORS, MEDIATORS, OPERATORS, SUPERVISOR, DemoCase,
)
from adapters.offices_file import load_offices
from domain.complaint import Complaint
from domain.identifiers import org_code_check_character, uscc_check_character
from domain.intake import Intake
from domain.offices import Offices
from domain.vocabulary import Industry

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建国建华志强文斌晓东丹丹雪梅海燕欣怡子涵浩然梓萱宇轩一诺思远佳琪"
OFFICES = ("SH-PD", "SH-HP", "SH-XH", "SH-JA", "SH-MH")

BUSINESSES: dict[Industry, tuple[tuple[str, str | None], ...]] = {
    Industry.ONLINE_SHOPPING: (("上海优选电子商务有限公司", "天猫"), ("申城好物网络科技有限公司", "京东"),
                               ("拼拼乐贸易有限公司", "拼多多")),
    Industry.CATERING: (("老弄堂餐饮管理有限公司", None), ("外滩小笼包餐饮店", "美团")),
    Industry.TOURISM: (("浦江国际旅行社有限公司", "携程"), ("东方假日旅游有限公司", None)),
    Industry.TRANSPORT: (("申通快运物流有限公司", None), ("沪行网约车服务有限公司", "滴滴出行")),
    Industry.EDUCATION: (("启明星教育培训有限公司", None), ("学而思远文化传播有限公司", None)),
    Industry.MEDICAL: (("仁心口腔门诊部有限公司", None), ("康健医疗美容诊所", "新氧")),
    Industry.BEAUTY: (("丽人坊美容美发有限公司", "大众点评"), ("悦颜美甲工作室", None)),
    Industry.FOOD: (("鲜味坊食品有限公司", None), ("农家乐超市连锁有限公司", None)),
    Industry.AGRICULTURAL: (("丰收农资经营部", None), ("绿野种业有限公司", None)),
    Industry.TELECOM: (("沪联通信服务有限公司", None), ("快捷宽带网络有限公司", None)),
    Industry.HOUSING: (("安居房产经纪有限公司", None), ("美家装饰工程有限公司", None)),
    Industry.FINANCE: (("惠民消费金融服务有限公司", None), ("诚信预付卡管理有限公司", None)),
    Industry.OTHER: (("万象健身管理有限公司", None), ("欢乐时光婚庆服务有限公司", None)),
}

PROBLEMS: dict[Industry, tuple[tuple[str, str, str], ...]] = {
    # (category, description, request)
    Industry.ONLINE_SHOPPING: (
        ("goods", "网购的手机收到后屏幕有坏点，商家以影响二次销售为由拒绝七天无理由退货。", "退货退款"),
        ("goods", "购买的羽绒服充绒量与商品详情页宣传不符，吊牌标注含绒量低于宣传。", "退一赔三"),
    ),
    Industry.CATERING: (
        ("services", "在店内用餐时发现菜品中有异物，店家只同意免单不愿赔偿就医费用。", "赔偿医药费"),
        ("services", "预付储值卡后门店突然停业，余额无法使用。", "退还储值卡余额"),
    ),
    Industry.TOURISM: (
        ("services", "跟团游行程中导游强制购物，未按合同安排景点。", "退还部分团费"),
        ("services", "因航班取消申请退订酒店，平台扣除全部房费。", "全额退款"),
    ),
    Industry.TRANSPORT: (
        ("services", "快递包裹丢失，快递公司只按运费三倍赔偿。", "按实际价值赔偿"),
        ("services", "网约车司机绕路多收车费，平台客服不予处理。", "退还多收车费"),
    ),
    Industry.EDUCATION: (
        ("services", "报名课外培训后机构更换授课老师，要求退费被拒绝。", "退还剩余课时费"),
    ),
    Industry.MEDICAL: (
        ("services", "种植牙术后出现松动，诊所要求另行付费修复。", "免费修复或退款"),
    ),
    Industry.BEAUTY: (
        ("services", "办理美容卡时承诺随时可退，现以卡已激活为由拒绝退款。", "退还卡内余额"),
    ),
    Industry.FOOD: (
        ("goods", "超市购买的酸奶已过保质期，饮用后肠胃不适。", "十倍赔偿"),
    ),
    Industry.AGRICULTURAL: (
        ("goods", "购买的玉米种子出苗率极低，疑似假劣种子。", "赔偿损失"),
    ),
    Industry.TELECOM: (
        ("services", "宽带合约未到期被擅自变更套餐，多扣月租费用。", "恢复原套餐并退费"),
    ),
    Industry.HOUSING: (
        ("services", "装修工程使用的板材与合同约定品牌不一致，甲醛超标。", "更换材料并赔偿"),
    ),
    Industry.FINANCE: (
        ("services", "分期付款购买课程后退课，分期贷款仍在扣款。", "解除分期合同"),
    ),
    Industry.OTHER: (
        ("services", "健身房办卡后私教课频繁取消，转卡收取高额手续费。", "退还剩余费用"),
    ),
}

PLACES = ("浦东", "徐汇", "静安", "黄浦", "闵行", "长宁", "普陀", "杨浦", "宝山", "嘉定",
          "松江", "青浦", "奉贤", "金山", "虹口", "申城", "沪上", "东方", "金桥", "陆家嘴")
TRADE_NAMES = ("鑫源", "恒通", "佳美", "福满", "兴旺", "瑞丰", "嘉禾", "华盛", "润泽", "惠民",
               "安康", "永盛", "博雅", "天和", "顺达", "乐享", "万家", "益友", "明德", "新光")
SHOP_KINDS: dict[Industry, str] = {
    Industry.ONLINE_SHOPPING: "网络科技有限公司", Industry.CATERING: "餐饮店",
    Industry.TOURISM: "旅行社有限公司", Industry.TRANSPORT: "物流有限公司",
    Industry.EDUCATION: "培训中心", Industry.MEDICAL: "诊所", Industry.BEAUTY: "美容院",
    Industry.FOOD: "食品商行", Industry.AGRICULTURAL: "农资店",
    Industry.TELECOM: "通信器材店", Industry.HOUSING: "装饰工程有限公司",
    Industry.FINANCE: "信息咨询有限公司", Industry.OTHER: "文化服务有限公司",
}
STREETS = ("浦东新区张杨路", "黄浦区南京东路", "徐汇区漕溪北路", "静安区延安中路", "闵行区莘庄路")
CHANNELS = ("phone", "phone", "phone", "web", "app", "wechat", "letter", "visit")
def valid_uscc(rng: random.Random) -> str:
    """A code that passes both GB 32100 and GB 11714 checks, like one on a real licence."""
    org_body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "913101" + rng.choice("0123456789") + rng.choice("0123456789") + org_body
    first17 += org_code_check_character(org_body)
    return first17 + uscc_check_character(first17)


@dataclass(frozen=True)
class DemoCast:
    operators: tuple[str, ...] = OPERATORS
    mediators: tuple[str, ...] = MEDIATORS
    supervisor: str = SUPERVISOR


class DemoFactory:
    """Builds complaint histories ending in a realistic spread of states.

    Complaints received before 2026-04-15 follow the 2019 text, later ones Order 121:
    its grounds, the decision notice, recusal, withdrawal or private settlement after
    acceptance with the notice to both parties, police referral of a complainant
    suspected of fraud, agreements made on site or remotely, the 12315 satisfaction
    scale. About a third are received at the intake centre and dispatched by its
    operators; a few reach a district office that has no power and go back to intake.
    Some decisions and mediations are late, and some open cases overdue, as at any desk.
    """

    # Where a demo case ends, with weights roughly like a hotline's yearly report.
    ENDINGS = (
        ("filed", 8), ("accepted", 6), ("rejected", 8), ("mediated", 12),
        ("resolved", 45), ("terminated", 10), ("escalated", 4), ("withdrawn", 7),
    )

    def __init__(self, *, seed: int = 12315, now: datetime | None = None,
                 tz: ZoneInfo = ZoneInfo("Asia/Shanghai"), offices: Offices | None = None) -> None:
        self.rng = random.Random(seed)
        self.now = now or datetime.now(UTC)
        self.tz = tz
        self.offices = offices or load_offices()
        self.centre = next((o.code for o in self.offices if o.intake), None)
        self.districts = tuple(o.code for o in self.offices if not o.intake) or OFFICES
        # Case numbers, when the complaints are to be stored (`record_demo` sets it).
        self.numbers: Callable[[str, datetime], str] | None = None
        # The well-known names of each industry, then a long tail of smaller shops: a
        # few businesses draw many complaints and most draw a handful, so the credit
        # views show every grade rather than a wall of D.
        self.use_businesses({
            industry: [(name, platform, valid_uscc(self.rng) if self.rng.random() < 0.8 else None)
                       for name, platform in (*names, *self._small_shops(industry))]
            for industry, names in BUSINESSES.items()
        })

    def use_businesses(self, businesses: dict[Industry, list[tuple[str, str | None, str | None]]],
                       ) -> None:
        """Who the complaints are against, per industry: (name, platform, credit code).
        The busiest come first; the weights follow the list, one per business."""
        self.businesses = businesses
        self.weights = {
            industry: [1 / (rank + 1) for rank in range(len(found))]
            for industry, found in businesses.items()
        }

    def _small_shops(self, industry: Industry, n: int = 24) -> list[tuple[str, str | None]]:
        rng = self.rng
        kind = SHOP_KINDS[industry]
        names = {f"{rng.choice(PLACES)}{rng.choice(TRADE_NAMES)}{kind}" for _ in range(n * 2)}
        return [(name, None) for name in sorted(names)[:n]]

    def consumer(self) -> dict[str, str]:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = rng.choice(("138", "139", "186", "135", "159", "177", "188")) + f"{rng.randrange(10**8):08d}"
        person = {"name": name, "phone": phone}
        if rng.random() < 0.6:
            person["address"] = f"上海市{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
        return person

    def intake(self, received_at: datetime, industry: Industry, office: str | None = None) -> Intake:
        rng = self.rng
        name, platform, uscc = rng.choices(self.businesses[industry],
                                           self.weights[industry])[0]
        category, description, request = rng.choice(PROBLEMS[industry])
        amount = f"{rng.choice((59, 128, 299, 499, 1280, 3600, 8999))}.{rng.choice(('00', '50', '90'))}"
        body = {
            "channel": rng.choice(CHANNELS),
            "received_at": received_at,
            "consumer": self.consumer(),
            "business": {"name": name, "uscc": uscc, "platform": platform},
            "category": category,
            "industry": industry.value,
            "incident_date": (received_at - timedelta(days=rng.randrange(1, 30))).date().isoformat(),
            "amount": amount,
            "description": description,
            "request": request,
            "office": office or rng.choice(self.districts),
        }
        return Intake.parse(body, now=self.now, default_office=None)

    def complaint(self) -> Complaint:
        rng = self.rng
        industry = rng.choice(list(Industry))
        ending = rng.choices([e for e, _ in self.ENDINGS], [w for _, w in self.ENDINGS])[0]
        # Open cases are recent (a few beyond their time limit); closed ones spread over
        # the last fourteen months.
        age_days = rng.uniform(0.2, 14) if ending == "filed" else (
            rng.uniform(2, 75) if ending in ("accepted", "mediated") else rng.uniform(20, 420))
        case = DemoCase(self, ending, self.now - timedelta(days=age_days))
        case.file(industry)
        if ending != "filed":
            case.decide()
        return case.complaint

    def complaints(self, n: int) -> Iterator[Complaint]:
        for _ in range(n):
            yield self.complaint()


def record_demo(desk: Any, factory: DemoFactory, n: int, *, batch: int = 100,
                progress: Callable[[int], None] | None = None) -> None:
    """Store n demo complaints through the desk (hash chain, cipher), a batch per save."""
    pending: list[Complaint] = []
    factory.numbers = desk.numbering()
    for complaint in factory.complaints(n):
        pending.append(complaint)
        if len(pending) == batch:
            desk.record(*pending)
            if progress:
                progress(len(pending))
            pending = []
    if pending:
        desk.record(*pending)
        if progress:
            progress(len(pending))
