"""What a logged report holds (SPEC §13, Order 121 Art. 28), validated once at the edge.

A report may be anonymous; a real-name reporter gives a name and a phone, which are
personal data like a consumer's (sealed with the report's data key, masked in lists).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from domain.errors import InvalidValue, InvalidValues
from domain.identifiers import CreditCode, PhoneNumber, business_key
from domain.intake import (
    Business, _code, _id_number, _mapping, _moment, _optional_text, _text, business_name,
    office_code, person_name,
)
from domain.parties import Person
from domain.report_lifecycle import ReportSource
from domain.vocabulary import Industry

T = TypeVar("T")
FACTS_LIMIT = 5000


# A real-name reporter is a person like any party to a complaint.
Reporter = Person


@dataclass(frozen=True)
class ReportIntake:
    source: ReportSource
    received_at: datetime
    reporter: Reporter | None  # None: anonymous
    business: Business
    industry: Industry
    facts: str
    office: str

    @property
    def business_key(self) -> str:
        return business_key(self.business.name, self.business.uscc)

    @classmethod
    def parse(cls, data: Mapping[str, Any], *, now: datetime, default_office: str | None,
              sources: frozenset[ReportSource] | None = None) -> ReportIntake:
        """Trusted values, or `InvalidValues` naming every bad field at once."""
        problems: list[InvalidValue] = []

        def checked(check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
            try:
                return check(*args, **kwargs)
            except InvalidValue as problem:
                problems.append(problem)
                return None  # type: ignore[return-value]

        anonymous = data.get("anonymous", False)
        if not isinstance(anonymous, bool):
            problems.append(InvalidValue("anonymous", "must be true or false"))
            anonymous = False
        raw_reporter = data.get("reporter")
        reporter = None
        if anonymous:
            if raw_reporter:
                problems.append(InvalidValue("reporter", "an anonymous report names no reporter"))
        else:
            person = checked(_mapping, data, "reporter") or {}
            if person:
                phone = checked(_text, person, "phone", "reporter.phone", 40)
                reporter = Reporter(
                    name=checked(person_name, person.get("name"), "reporter.name", 50),
                    phone=checked(lambda: PhoneNumber.parse(phone, "reporter.phone").value)
                    if phone else None,
                    address=checked(_optional_text, person, "address", "reporter.address", 500),
                    id_number=checked(_reporter_id, person.get("id_number")),
                )
        business = checked(_mapping, data, "business") or {}
        uscc = checked(_optional_text, business, "uscc", "business.uscc", 18 * 4)
        source = checked(_code, ReportSource, data.get("source"), "source")
        if source is not None and sources is not None and source not in sources:
            problems.append(InvalidValue("source", "must be one of: " + ", ".join(
                sorted(s.value for s in sources))))
        values = {
            "source": source,
            "received_at": checked(_moment, data.get("received_at"), "received_at", now=now),
            "reporter": reporter,
            "business": Business(
                name=checked(business_name, business.get("name")),
                uscc=checked(lambda: CreditCode.parse(uscc).value) if uscc else None,
                address=checked(_optional_text, business, "address", "business.address", 500),
            ) if business else None,
            "industry": checked(_code, Industry, data.get("industry", "other"), "industry"),
            "facts": checked(_text, data, "facts", "facts", FACTS_LIMIT),
            "office": checked(office_code, data.get("office") or default_office, "office"),
        }
        if problems:
            raise InvalidValues(problems)
        return cls(**values)


def _reporter_id(raw: object) -> str | None:
    try:
        return _id_number(raw)
    except InvalidValue as problem:
        raise InvalidValue("reporter.id_number", problem.message) from None
