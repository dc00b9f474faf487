"""The coded vocabulary of a complaint, spelled as SPEC §2 spells it."""

from __future__ import annotations

from enum import Enum


class Coded(str, Enum):
    """A code stored in events by its value, so renaming a member never breaks history."""

    def __str__(self) -> str:
        return self.value


class State(Coded):
    FILED = "filed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MEDIATED = "mediated"
    RESOLVED = "resolved"
    TERMINATED = "terminated"
    ESCALATED = "escalated"
    WITHDRAWN = "withdrawn"
    # Before the decision, an ODR business is trying to settle it (SPEC §14).
    NEGOTIATING = "negotiating"


TERMINAL_STATES = frozenset(
    {State.REJECTED, State.RESOLVED, State.TERMINATED, State.ESCALATED, State.WITHDRAWN}
)


class Role(Coded):
    OPERATOR = "operator"
    MEDIATOR = "mediator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    INSPECTOR = "inspector"  # 执法人员: works reports and violation clues (SPEC §13)
    # A respondent's own account, bound to its credit code (SPEC §14).
    BUSINESS = "business"


class Channel(Coded):
    PHONE = "phone"
    WEB = "web"
    APP = "app"
    WECHAT = "wechat"
    LETTER = "letter"
    VISIT = "visit"


class Category(Coded):
    GOODS = "goods"
    SERVICES = "services"


class Industry(Coded):
    ONLINE_SHOPPING = "online_shopping"
    CATERING = "catering"
    TOURISM = "tourism"
    TRANSPORT = "transport"
    EDUCATION = "education"
    MEDICAL = "medical"
    BEAUTY = "beauty"
    FOOD = "food"
    AGRICULTURAL = "agricultural"
    TELECOM = "telecom"
    HOUSING = "housing"
    FINANCE = "finance"
    OTHER = "other"


class RejectReason(Coded):
    OUTSIDE_REMIT = "outside_remit"
    HANDLED_ELSEWHERE = "handled_elsewhere"
    NOT_CONSUMER_DISPUTE = "not_consumer_dispute"
    TIME_BARRED = "time_barred"
    INCOMPLETE = "incomplete"
    FALSE_MATERIALS = "false_materials"
    IDENTITY_UNVERIFIED = "identity_unverified"
    OTHER_LAW = "other_law"


class TerminateReason(Coded):
    TESTING_DISAGREEMENT = "testing_disagreement"
    BUSINESS_REFUSED = "business_refused"
    BUSINESS_UNREACHABLE = "business_unreachable"
    CONSUMER_REFUSED_OR_ABSENT = "consumer_refused_or_absent"
    NO_AGREEMENT_POSSIBLE = "no_agreement_possible"
    NO_AGREEMENT_IN_TIME = "no_agreement_in_time"
    INADMISSIBLE_FOUND = "inadmissible_found"
    TESTING_FEE_DISAGREEMENT = "testing_fee_disagreement"
    FRAUD_SUSPECTED = "fraud_suspected"
    PARTY_CEASED = "party_ceased"
    OTHER = "other"


class SuspendReason(Coded):
    CALIBRATION = "calibration"
    INSPECTION = "inspection"
    TESTING = "testing"
    APPRAISAL = "appraisal"
    # Stored history only: recusal has its own commands since Order 121 (Art. 21).
    RECUSAL = "recusal"


class Forum(Coded):
    COURT = "court"
    ARBITRATION = "arbitration"
    JUDICIAL_TRANSFER = "judicial_transfer"
    # Order 121 Art. 42: the complainant is suspected of fraud or extortion.
    POLICE = "police"


AGREEMENT_BREACHED = "agreement_breached"


class Outcome(Coded):
    REFUND = "refund"
    REPLACEMENT = "replacement"
    REPAIR = "repair"
    COMPENSATION = "compensation"
    APOLOGY = "apology"
    OTHER = "other"


class NoteKind(Coded):
    NOTE = "note"
    SESSION = "session"
    BUSINESS_RESPONSE = "business_response"
    CONSUMER_CONTACT = "consumer_contact"


class WithdrawKind(Coded):
    WITHDRAWN = "withdrawn"
    SETTLED_PRIVATELY = "settled_privately"


class NotifyChannel(Coded):
    PHONE = "phone"
    SMS = "sms"
    LETTER = "letter"
    PLATFORM = "platform"
    IN_PERSON = "in_person"


class MediationMode(Coded):
    ON_SITE = "on_site"
    REMOTE = "remote"


class AgreementRecord(Coded):
    """What became of an agreement (Order 121 Art. 24): a 调解书, or a mediation record."""

    AGREEMENT_DOCUMENT = "agreement_document"
    PERFORMED_IMMEDIATELY = "performed_immediately"
    PARTIES_DECLINED = "parties_declined"


class SatisfactionLevel(Coded):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


def level_of_score(score: int) -> SatisfactionLevel:
    """The 12315 scale for a 1-5 score: 4-5 satisfied, 3 basically, 1-2 dissatisfied."""
    if score >= 4:
        return SatisfactionLevel.SATISFIED
    if score == 3:
        return SatisfactionLevel.BASICALLY_SATISFIED
    return SatisfactionLevel.DISSATISFIED


class RecusalBy(Coded):
    CONSUMER = "consumer"
    BUSINESS = "business"


class ErasureBasis(Coded):
    """Why a complaint's personal data was erased (PIPL Art. 47)."""

    RETENTION = "retention"   # the retention period after closure ran out
    REQUEST = "request"       # the person asked, and the law gives them the right
