"""Who complains: a proxy with an authorisation (Order 121 Art. 11), several consumers
handled as one joint case (Art. 12), and the consents a joint case needs.

A filing may name a proxy (委托代理人). Art. 11 asks for the proxy's identity and an
authorisation (授权委托书) that states the matters, the powers and the term and is
signed by the consumer; a filing without them is still received, but it lacks the
materials of Art. 11, so the only decision open to the office is non-acceptance on
the ground `incomplete` (Art. 16(五)).

A joint complaint: two or more consumers, the same dispute, the same business, with
their consent handled as one case, with at most two representatives chosen in
writing. What the representatives do binds everyone, except that changing or waiving
the request, or settling, needs each represented consumer's consent (Art. 12).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import InvalidValue
from domain.identifiers import PhoneNumber
from domain.vocabulary import Coded

MAX_REPRESENTATIVES = 2  # Art. 12: "两名代表人"
MAX_JOINT_CONSUMERS = 200


class ConsentMatter(Coded):
    """What a represented consumer of a joint case agrees to (Art. 12)."""

    SETTLE = "settle"  # a settlement (调解协议) reached by the representatives
    WAIVE = "waive"  # giving up the request: a withdrawal or private settlement
    CHANGE = "change"  # changing the request


# The lifecycle command that each consent unlocks.
CONSENT_FOR: dict[str, ConsentMatter] = {
    "resolve": ConsentMatter.SETTLE,
    "withdraw": ConsentMatter.WAIVE,
    "change-request": ConsentMatter.CHANGE,
}


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    address: str | None = None
    id_number: str | None = None

    def as_data(self) -> dict[str, Any]:
        return {"name": self.name, "phone": self.phone, "address": self.address,
                "id_number": self.id_number}


@dataclass(frozen=True)
class Authorisation:
    matters: str
    powers: str
    term: date  # the last day the authorisation holds
    signed: bool

    def as_data(self) -> dict[str, Any]:
        return {"matters": self.matters, "powers": self.powers, "term": self.term.isoformat(),
                "signed": self.signed}


@dataclass(frozen=True)
class Proxy:
    person: Person
    authorisation: Authorisation | None

    def as_data(self) -> dict[str, Any]:
        return {**self.person.as_data(),
                "authorisation": self.authorisation.as_data() if self.authorisation else None}


@dataclass(frozen=True)
class Joint:
    others: tuple[Person, ...]  # the consumers beside the one named in `consumer`
    representatives: tuple[int, ...]  # 0 is `consumer`, 1.. the others in order

    def as_data(self) -> dict[str, Any]:
        return {"consumers": [p.as_data() for p in self.others],
                "representatives": list(self.representatives), "consent": True}


# ----- reading what was stored --------------------------------------------------

def authorised(proxy: Mapping[str, Any] | None, on: date) -> bool:
    """Whether a proxy's authorisation meets Art. 11 on the given day: matters, powers
    and a term still running, signed by the consumer. Without a proxy, nothing is needed."""
    if proxy is None:
        return True
    paper = proxy.get("authorisation")
    if not paper or not paper.get("signed"):
        return False
    if not paper.get("matters") or not paper.get("powers") or not paper.get("term"):
        return False
    try:
        return date.fromisoformat(str(paper["term"])) >= on
    except ValueError:  # erased: the term reads 已删除 and proves nothing any more
        return False


def consumer_count(joint: Mapping[str, Any] | None) -> int:
    return 1 + len(joint["consumers"]) if joint else 1


def represented(joint: Mapping[str, Any] | None) -> list[int]:
    """The consumers who act through representatives and whose consent is needed; with
    no representatives chosen, everyone is asked."""
    if not joint:
        return []
    chosen = set(joint.get("representatives") or ())
    return [i for i in range(consumer_count(joint)) if i not in chosen]


def consents_missing(joint: Mapping[str, Any] | None,
                     consents: Mapping[str, frozenset[int]]) -> frozenset[str]:
    """The matters for which some represented consumer has not yet consented."""
    needed = represented(joint)
    if not needed:
        return frozenset()
    return frozenset(m.value for m in ConsentMatter
                     if not set(needed) <= consents.get(m.value, frozenset()))


# ----- guards of the lifecycle table --------------------------------------------

def materials_complete(complaint: Any, **_: Any) -> bool:
    # Without the authorisation of Art. 11 the complaint cannot be accepted; the office
    # rejects it as `incomplete` (Art. 16(五)).
    return complaint.materials_complete


def consented(command: str) -> Any:
    matter = CONSENT_FOR[command].value

    def guard(complaint: Any, **_: Any) -> bool:
        return matter not in complaint.consents_missing

    guard.__name__ = f"consented_to_{matter}"
    return guard


# ----- parsing what was typed ---------------------------------------------------

def parse_person(raw: object, field: str) -> Person:
    from domain.intake import _id_number_of, bounded_text, person_name

    if not isinstance(raw, Mapping):
        raise InvalidValue(field, "is required")
    phone = bounded_text(raw.get("phone"), f"{field}.phone", 40)
    return Person(
        name=person_name(raw.get("name"), f"{field}.name", 50),
        phone=PhoneNumber.parse(phone, field=f"{field}.phone").value,
        address=bounded_text(raw.get("address"), f"{field}.address", 500, required=False) or None,
        id_number=_id_number_of(raw.get("id_number"), f"{field}.id_number"),
    )


def parse_proxy(raw: object) -> Proxy | None:
    from domain.intake import bounded_text

    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InvalidValue("proxy", "must be an object")
    person = parse_person(raw, "proxy")
    if person.id_number is None:
        # Art. 11: the proxy's proof of identity (受托人身份证明) is part of the materials.
        raise InvalidValue("proxy.id_number", "the proxy's identity document number is required")
    paper = raw.get("authorisation")
    if paper is None:
        return Proxy(person, None)
    if not isinstance(paper, Mapping):
        raise InvalidValue("proxy.authorisation", "must be an object")
    term = paper.get("term")
    try:
        until = date.fromisoformat(term) if isinstance(term, str) else term
    except ValueError:
        raise InvalidValue("proxy.authorisation.term", "must be an ISO 8601 date") from None
    if not isinstance(until, date):
        raise InvalidValue("proxy.authorisation.term", "the last day of the authorisation "
                                                       "is required")
    signed = paper.get("signed", False)
    if not isinstance(signed, bool):
        raise InvalidValue("proxy.authorisation.signed", "must be true or false")
    return Proxy(person, Authorisation(
        matters=bounded_text(paper.get("matters"), "proxy.authorisation.matters", 500),
        powers=bounded_text(paper.get("powers"), "proxy.authorisation.powers", 500),
        term=until, signed=signed))


def parse_joint(raw: object) -> Joint | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InvalidValue("joint", "must be an object")
    if raw.get("consent") is not True:
        raise InvalidValue("joint.consent", "the consumers' consent to a joint complaint is "
                                            "required (Art. 12)")
    people = raw.get("consumers")
    if not isinstance(people, list) or not people:
        raise InvalidValue("joint.consumers", "a joint complaint names at least one more consumer")
    if len(people) > MAX_JOINT_CONSUMERS:
        raise InvalidValue("joint.consumers", f"at most {MAX_JOINT_CONSUMERS}")
    others = tuple(parse_person(p, f"joint.consumers[{i}]") for i, p in enumerate(people))
    chosen = raw.get("representatives", [])
    if (not isinstance(chosen, list) or len(chosen) > MAX_REPRESENTATIVES
            or any(isinstance(i, bool) or not isinstance(i, int) for i in chosen)
            or len(set(chosen)) != len(chosen)
            or any(not 0 <= i <= len(others) for i in chosen)):
        raise InvalidValue("joint.representatives",
                           f"at most {MAX_REPRESENTATIVES} different consumers, by number "
                           "(0 is the consumer named first)")
    return Joint(others=others, representatives=tuple(sorted(chosen)))
