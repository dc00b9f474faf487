"""One demo complaint's history, step by step, as the desk would have recorded it.

The moves follow the text in force: Order 121's grounds, the decision notice, recusal,
a withdrawal or private settlement after acceptance with the notice to both parties,
police referral of a complainant suspected of fraud, agreements on site or remote, the
12315 satisfaction scale; the 2019 text's own grounds and 1-5 scores before it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from domain.complaint import Complaint
from domain.permissions import Actor
from domain.vocabulary import Industry, Role

if TYPE_CHECKING:
    from adapters.demo_data import DemoFactory

OPERATORS = ("op01", "op02", "op03")
INTAKE_CENTRE = "SH-12315"
INTAKE_OPERATORS = ("op04",)  # at the intake centre: receive and dispatch
MEDIATORS = ("med01", "med02", "med03", "med04", "med05")
SUPERVISOR = "sup01"
NOTIFY = ("phone", "phone", "sms", "sms", "platform", "letter", "in_person")
TESTING_BODIES = ("上海市质量监督检验技术研究院", "上海市计量测试技术研究院", "华测检测认证集团",
                  "上海市司法鉴定中心")
ORDER_121 = "samr-121"
# Grounds with weights like a hotline's yearly report; each case draws from those its
# text offers.
REJECTIONS = (("outside_remit", 5), ("handled_elsewhere", 3), ("incomplete", 4),
              ("time_barred", 1), ("not_consumer_dispute", 3), ("false_materials", 1),
              ("identity_unverified", 1), ("other_law", 1))
TERMINATIONS = (("business_refused", 4), ("business_unreachable", 3),
                ("no_agreement_possible", 5), ("no_agreement_in_time", 3),
                ("consumer_refused_or_absent", 3), ("testing_disagreement", 1),
                ("testing_fee_disagreement", 1), ("inadmissible_found", 1),
                ("fraud_suspected", 1), ("party_ceased", 1), ("other", 1))



class DemoCase:
    """One demo history, step by step at moments that move forward, never past `now`."""

    def __init__(self, factory: DemoFactory, ending: str, at: datetime) -> None:
        self.f = factory
        self.rng = factory.rng
        self.ending = ending
        self.at = at
        self.operator = Actor(self.rng.choice(OPERATORS), Role.OPERATOR)
        self.intake_operator = Actor(self.rng.choice(INTAKE_OPERATORS), Role.OPERATOR)
        self.complaint: Complaint

    def later(self, hours: float) -> datetime:
        self.at = min(self.at + timedelta(hours=hours * self.rng.uniform(0.5, 1.5)), self.f.now)
        return self.at

    def recent(self) -> bool:
        """Within the last ten days, and so perhaps still to be done: some notices are."""
        return self.at > self.f.now - timedelta(days=10) and self.rng.random() < 0.5

    @property
    def order_121(self) -> bool:
        return self.complaint.mediation_text.id == ORDER_121

    def file(self, industry: Industry) -> None:
        rng, f = self.rng, self.f
        at_centre = f.centre is not None and rng.random() < 0.35
        office = f.centre if at_centre else None
        intake = f.intake(self.at, industry, office)
        number = f.numbers(intake.office, self.at) if f.numbers else None
        self.complaint = Complaint.file(intake,
                                        actor=self.intake_operator if at_centre else self.operator,
                                        at=self.at, tz=f.tz, number=number)
        if self.ending == "filed" and rng.random() < 0.3:
            return  # still waiting at the office that received it
        if at_centre:
            self._dispatch()
        elif f.centre is not None and rng.random() < 0.06:
            # This office has no power over it: back to the centre, which sends it on.
            self.complaint.return_to_intake(actor=self.operator, at=self.later(20),
                                            reason="被投诉人住所地不在本辖区，退回分派",
                                            offices=f.offices)
            self._dispatch()

    def _dispatch(self) -> None:
        here = self.complaint.office
        to = self.rng.choice([code for code in self.f.districts if code != here])
        self.complaint.transfer(actor=self.intake_operator, at=self.later(6), to_office=to,
                                offices=self.f.offices, note="按属地分派")

    def decide(self) -> None:
        rng, c, ending = self.rng, self.complaint, self.ending
        # Most decisions take a day or two; some miss the seven working days.
        hours = 24 * rng.uniform(10, 16) if rng.random() < 0.08 else 40
        if ending == "rejected":
            told = rng.random() < 0.6
            reason = self._reject_reason()
            if reason == "identity_unverified" and self.at + timedelta(days=14) > self.f.now:
                reason = "incomplete"  # too recent for a request to have run out
            if reason == "identity_unverified":
                # A ground only once a request for proof of identity ran out (Art. 16(六)).
                asked = self.later(4)
                c.request_identity(actor=self.operator, at=asked, tz=self.f.tz,
                                   due=asked.astimezone(self.f.tz).date() + timedelta(days=2),
                                   note="请提供身份证明材料")
                hours = 24 * 8  # at least four days later: the request has run out
            c.reject(actor=self.operator, at=self.later(hours), reason=reason,
                     note="经审查不予受理", notified_via=rng.choice(NOTIFY) if told else None)
            if not told and not self.recent():
                c.notify(actor=self.operator, at=self.later(20), channel=rng.choice(("sms", "letter")),
                         note="已告知不予受理的理由及其他解决途径")
            self.call_back()
            return
        if ending == "withdrawn" and rng.random() < 0.4:
            c.withdraw(actor=self.operator, at=self.later(20), note="消费者申请撤回投诉",
                       kind="settled_privately" if rng.random() < 0.5 else "withdrawn")
            self.call_back()
            return
        # Most complainants hear of the acceptance on the same call; the others are told
        # afterwards (Order 121 Art. 15), and the latest few not yet.
        told = rng.random() < 0.7
        c.accept(actor=self.operator, at=self.later(hours), tz=self.f.tz,
                 notified_via=rng.choice(NOTIFY) if told else None)
        self.accepted_at = self.at
        if not told and not self.recent():
            c.notify(actor=self.operator, at=self.later(10), channel=rng.choice(NOTIFY),
                     note="已告知受理决定")
        if ending == "accepted":
            return
        if ending == "resolved" and rng.random() < 0.2:
            c.resolve(actor=self.operator, at=self.later(30), outcome="refund",
                      amount_recovered=c.amount, terms="商家同意直接退款", mode="remote")
            self.call_back()
            return
        self.mediate()

    def mediate(self) -> None:
        rng, c = self.rng, self.complaint
        mediator = Actor(rng.choice(MEDIATORS), Role.MEDIATOR)
        c.assign(actor=self.operator, at=self.later(24), mediator=mediator.username)
        c.add_note(actor=mediator, at=self.later(48), kind="consumer_contact", text="已电话联系消费者核实诉求")
        c.add_note(actor=mediator, at=self.later(72), kind="business_response",
                   text="商家回复：同意协商，愿意部分退款")
        if rng.random() < 0.15:
            reason = rng.choice(sorted(r.value for r in c.mediation_text.suspend_reasons))
            c.suspend(actor=mediator, at=self.later(24), reason=reason, note="送检质量鉴定",
                      body=rng.choice(TESTING_BODIES),
                      designated=(rng.random() < 0.3) if self.order_121 else None)
            c.resume(actor=mediator, at=self.later(24 * 8))
        if self.order_121 and rng.random() < 0.06:
            mediator = self._recusal(mediator)
            if mediator is None:
                return  # the request still waits for a supervisor
        if self.ending == "mediated":
            return
        if self.ending == "withdrawn":
            c.withdraw(actor=mediator, at=self.later(48), note="消费者与商家私下和解，申请撤回",
                       kind="settled_privately" if rng.random() < 0.6 else "withdrawn")
            if not self.recent():  # a withdrawal after acceptance ends mediation: both told
                c.record_notice(actor=mediator, at=self.later(24), note="已告知双方终止调解")
            self.call_back()
            return
        c.add_note(actor=mediator, at=self.later(48), kind="session", text="组织双方进行调解")
        if self.ending == "resolved":
            self._resolve(mediator)
        elif self.ending == "terminated":
            self._terminate(mediator)
        else:
            forums = ["court", "arbitration", "judicial_transfer"] + (["police"] if self.order_121 else [])
            forum = rng.choice(forums)
            c.escalate(actor=mediator, at=self.later(24), forum=forum,
                       reason="投诉人涉嫌敲诈勒索，移送公安机关" if forum == "police" else "消费者选择另行起诉或仲裁"
                       if forum in ("court", "arbitration") else "涉嫌欺诈，建议移送")
        self.call_back()

    def _recusal(self, mediator: Actor) -> Actor | None:
        rng, c = self.rng, self.complaint
        c.request_recusal(actor=self.operator, at=self.later(24), by=rng.choice(("consumer", "business")),
                          reason="当事人认为调解员与对方存在利害关系，申请回避")
        if self.ending == "mediated" and rng.random() < 0.3:
            return None
        supervisor = Actor(SUPERVISOR, Role.SUPERVISOR)
        if rng.random() < 0.5:
            successor = Actor(rng.choice([m for m in MEDIATORS if m != mediator.username]),
                              Role.MEDIATOR)
            c.decide_recusal(actor=supervisor, at=self.later(48), upheld=True,
                             mediator=successor.username, note="回避申请成立，更换调解员")
            return successor
        c.decide_recusal(actor=supervisor, at=self.later(48), upheld=False, note="回避理由不成立")
        return mediator

    def _resolve(self, mediator: Actor) -> None:
        rng, c = self.rng, self.complaint
        if rng.random() < 0.1:  # agreed only after the mediation period ran out
            self.later(24 * rng.uniform(65, 85))
        outcome = rng.choice(("refund", "replacement", "repair", "compensation", "apology"))
        recovered = "0" if outcome == "apology" else str(c.amount)
        on_site = self.order_121 and rng.random() < 0.3
        record = (rng.choice(("agreement_document", "performed_immediately", "parties_declined"))
                  if on_site else ("agreement_document" if rng.random() < 0.15 else None))
        c.resolve(actor=mediator, at=self.later(24), outcome=outcome, amount_recovered=recovered,
                  terms="经调解，双方自愿达成协议", mode="on_site" if on_site else "remote",
                  record=record)
        if rng.random() < 0.05:
            c.escalate(actor=mediator, at=self.later(24 * 10), forum="court",
                       reason="agreement_breached")

    def _terminate(self, mediator: Actor) -> None:
        rng, c = self.rng, self.complaint
        offered = {r.value for r in c.mediation_text.terminate_reasons}
        # Long enough after acceptance that any text's mediation period is over.
        period_over = self.accepted_at + timedelta(days=80) <= self.f.now
        weighted = [(r, w) for r, w in TERMINATIONS if r in offered
                    and (r != "no_agreement_in_time" or period_over)]
        reason = rng.choices([r for r, _ in weighted], [w for _, w in weighted])[0]
        if reason == "no_agreement_in_time":
            self.at = max(self.at, self.accepted_at + timedelta(days=80))
        c.terminate(actor=mediator, at=self.later(24), reason=reason, note="调解未能达成一致",
                    period_over=reason == "no_agreement_in_time")
        if reason == "fraud_suspected" and rng.random() < 0.7:
            c.escalate(actor=mediator, at=self.later(24), forum="police",
                       reason="投诉人涉嫌编造事实、敲诈勒索，移送公安机关")
        elif not self.recent():
            c.record_notice(actor=mediator, at=self.later(24), note="已告知双方终止调解")

    def call_back(self) -> None:
        """A call-back for most closed cases; how pleased the consumer was follows the ending."""
        rng, c = self.rng, self.complaint
        if rng.random() >= 0.6:
            return
        happy = {"resolved": 0.85, "withdrawn": 0.7, "rejected": 0.35}.get(c.state.value, 0.15)
        roll = rng.random()
        level = ("satisfied" if roll < happy else
                 "basically_satisfied" if roll < happy + (1 - happy) / 2 else "dissatisfied")
        at = self.later(24)
        if c.receipt_text.id == ORDER_121:
            c.record_satisfaction(actor=self.operator, at=at, level=level, comment="回访记录")
        else:  # the desk asked for a 1-5 score before the 12315 scale
            score = {"satisfied": rng.choice((4, 5, 5)), "basically_satisfied": 3,
                     "dissatisfied": rng.choice((1, 2))}[level]
            c.record_satisfaction(actor=self.operator, at=at, score=score, comment="回访记录")

    def _reject_reason(self) -> str:
        offered = {r.value for r in self.complaint.receipt_text.reject_reasons}
        weighted = [(r, w) for r, w in REJECTIONS if r in offered]
        return self.rng.choices([r for r, _ in weighted], [w for _, w in weighted])[0]
