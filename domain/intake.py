"""What a filed complaint holds, validated once at the edge (SPEC §2).

`Intake.parse` turns loosely typed input (an API body, a CSV row, demo data)
into trusted values, or raises `InvalidValues` naming every bad field (and, like a
single `InvalidValue`, the first of them in `.field`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

from domain.errors import InvalidValue, InvalidValues
from domain.identifiers import CreditCode, PhoneNumber, business_key, halfwidth
from domain.regulation import REGULATIONS
from domain.parties import Joint, Proxy, parse_joint, parse_proxy
from domain.vocabulary import Category, Channel, Industry

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

_OFFICE = re.compile(r"[A-Za-z0-9_\-]{1,32}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_FEN = Decimal("0.01")
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_LEGACY_RESIDENT_ID = re.compile(r"\d{15}")  # issued before 1999, no check digit
_LOOKS_RESIDENT = re.compile(r"\d{6,}X?")
# Passports, Hong Kong/Macau/Taiwan travel permits and the like start with a letter.
_OTHER_ID = re.compile(r"[A-Z][A-Z0-9\-]{4,29}")
_EXTERNAL_REF = re.compile(r"[A-Za-z0-9\-]{1,40}")
# Plain decimal digits only: no exponent ("1E+2"), no "_" separators, no other scripts.
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,13}(?:\.[0-9]{1,12})?")
# No complaint is older than the earliest governing text (SPEC §2).
EARLIEST_RECEIPT = min(text.effective for text in REGULATIONS)


@dataclass(frozen=True)
class Consumer:
    name: str
    phone: str
    address: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class Business:
    name: str
    uscc: str | None = None
    address: str | None = None
    platform: str | None = None


@dataclass(frozen=True)
class Intake:
    channel: Channel
    received_at: datetime
    consumer: Consumer
    business: Business
    category: Category
    industry: Industry
    incident_date: date | None
    amount: Decimal
    description: str
    request: str
    office: str
    external_ref: str | None = None
    # Order 121 Art. 11 and 12 (domain/parties.py).
    proxy: Proxy | None = None
    joint: Joint | None = None

    @classmethod
    def parse(cls, data: Mapping[str, Any], *, now: datetime, default_office: str | None) -> Intake:
        """Trusted values, or `InvalidValues` naming every bad field at once."""
        problems: list[InvalidValue] = []

        def checked(check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
            try:
                return check(*args, **kwargs)
            except InvalidValue as problem:
                problems.append(problem)
                return None  # type: ignore[return-value]

        consumer = checked(_mapping, data, "consumer") or {}
        business = checked(_mapping, data, "business") or {}
        incident = data.get("incident_date")
        uscc_raw = checked(_optional_text, business, "uscc", "business.uscc", 18 * 4)
        phone_raw = checked(_text, consumer, "phone", "consumer.phone", 40) if consumer else None
        values = {
            "channel": checked(_code, Channel, data.get("channel"), "channel"),
            "received_at": checked(_moment, data.get("received_at"), "received_at", now=now),
            "consumer": Consumer(
                name=checked(person_name, consumer.get("name"), "consumer.name", 50),
                phone=checked(lambda: PhoneNumber.parse(phone_raw).value) if phone_raw else None,
                address=checked(_optional_text, consumer, "address", "consumer.address", 500),
                id_number=checked(_id_number, consumer.get("id_number")),
            ) if consumer else None,
            "business": Business(
                name=checked(business_name, business.get("name")),
                uscc=checked(lambda: CreditCode.parse(uscc_raw).value) if uscc_raw else None,
                address=checked(_optional_text, business, "address", "business.address", 500),
                platform=checked(_optional_text, business, "platform", "business.platform", 100),
            ) if business else None,
            "category": checked(_code, Category, data.get("category"), "category"),
            "industry": checked(_code, Industry, data.get("industry"), "industry"),
            "incident_date": None if incident in (None, "")
            else checked(_day, incident, "incident_date", now=now),
            "amount": checked(money, data.get("amount", "0"), "amount"),
            "description": checked(_text, data, "description", "description", 5000),
            "request": checked(_text, data, "request", "request", 1000),
            "office": checked(office_code, data.get("office") or default_office, "office"),
            "external_ref": checked(_external_ref, data.get("external_ref")),
            "proxy": checked(parse_proxy, data.get("proxy")),
            "joint": checked(parse_joint, data.get("joint")),
        }
        if problems:
            raise InvalidValues(problems)
        return cls(**values)


BUSINESS_NAME_LIMIT = 200


def business_name(raw: object, field: str = "business.name") -> str:
    """The respondent's name, whose normalised form (the business key) must fit too:
    NFKC can lengthen a name (㍿ becomes 株式会社), so the limit is checked after it."""
    name = person_name(raw, field, BUSINESS_NAME_LIMIT)
    if len(halfwidth(name)) > BUSINESS_NAME_LIMIT or \
            len(business_key(name, None)) > BUSINESS_NAME_LIMIT:
        raise InvalidValue(field, f"at most {BUSINESS_NAME_LIMIT} characters once normalised "
                                  "(full-width and compatibility forms expanded)")
    return name


def person_name(raw: object, field: str, limit: int) -> str:
    """A name on one line: invisible format characters (zero-width spaces) are dropped,
    and a name that is nothing but them, or that breaks the line, is refused."""
    name = bounded_text(raw, field, limit)
    if any(c in name for c in "\n\r\t\u2028\u2029\x85"):
        raise InvalidValue(field, "must be on one line")
    visible = "".join(c for c in name if unicodedata.category(c) != "Cf").strip()
    if not visible:
        raise InvalidValue(field, "is required")
    return visible


def office_code(raw: object, field: str) -> str:
    if not isinstance(raw, str) or not _OFFICE.fullmatch(raw):
        raise InvalidValue(field, "a handling office code (letters, digits, - or _) is required")
    return raw


def money(raw: object, field: str) -> Decimal:
    """A non-negative amount in CNY with at most two decimals; floats are refused."""
    if isinstance(raw, float | bool) or raw is None:
        raise InvalidValue(field, "must be a decimal string such as \"128.50\"")
    # Full-width digits, as a Chinese input method types them, are the same digits.
    typed = halfwidth(str(raw)).strip()
    if not _PLAIN_AMOUNT.fullmatch(typed):
        if typed.startswith("-"):
            raise InvalidValue(field, "must be a finite amount >= 0")
        raise InvalidValue(field, "must be a decimal string such as \"128.50\": "
                                  "digits 0-9 and one decimal point")
    try:
        value = Decimal(typed)
    except InvalidOperation:
        raise InvalidValue(field, "must be a decimal string such as \"128.50\"") from None
    if not value.is_finite() or value < 0:
        raise InvalidValue(field, "must be a finite amount >= 0")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        if value != value.quantize(_FEN):
            raise InvalidValue(field, "at most two decimal places (fen)")
        value = value.quantize(_FEN)  # "128.500" is 128.50
    if value == 0:
        value = abs(value)  # never store "-0"
    if value >= Decimal("1e12"):
        raise InvalidValue(field, "is implausibly large")
    return value


def code(enum: type[E], raw: object, field: str) -> E:
    return _code(enum, raw, field)


def bounded_text(raw: object, field: str, limit: int, *, required: bool = True) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise InvalidValue(field, "is required")
        return ""
    if not isinstance(raw, str):
        raise InvalidValue(field, "must be text")
    text = raw.strip()
    if len(text) > limit:
        raise InvalidValue(field, f"at most {limit} characters")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise InvalidValue(field, "contains control characters")
    return text


def _code(enum: type[E], raw: object, field: str) -> E:
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum)  # type: ignore[attr-defined]
        raise InvalidValue(field, f"must be one of: {allowed}") from None


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise InvalidValue(key, "is required")
    return value


def _text(data: Mapping[str, Any], key: str, field: str, limit: int) -> str:
    return bounded_text(data.get(key), field, limit)


def _optional_text(data: Mapping[str, Any], key: str, field: str, limit: int) -> str | None:
    return bounded_text(data.get(key), field, limit, required=False) or None


def _moment(raw: object, field: str, *, now: datetime) -> datetime:
    if raw is None or raw == "":
        return now
    if isinstance(raw, str):
        try:
            raw = datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidValue(field, "must be an ISO 8601 date-time") from None
    if not isinstance(raw, datetime) or raw.tzinfo is None:
        raise InvalidValue(field, "must be a date-time with a UTC offset")
    # Checked on the moment's own date first: year 1 or 9999 with an offset has no UTC.
    if raw.date() < EARLIEST_RECEIPT:
        raise InvalidValue(field, f"must not be before {EARLIEST_RECEIPT.isoformat()}, "
                                  "when the earliest governing text took effect")
    if raw.date() > now.date() + timedelta(days=1) or raw > now:
        raise InvalidValue(field, "must not be in the future")
    return raw


def _day(raw: object, field: str, *, now: datetime) -> date:
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw)
        except ValueError:
            raise InvalidValue(field, "must be an ISO 8601 date (YYYY-MM-DD)") from None
    if not isinstance(raw, date) or isinstance(raw, datetime):
        raise InvalidValue(field, "must be a date")
    # A day ahead of UTC is allowed: China is eight hours ahead of the server clock.
    if raw > now.date() and (raw - now.date()).days > 1:
        raise InvalidValue(field, "must not be in the future")
    return raw


def _external_ref(raw: object) -> str | None:
    """The case number a complaint carries from the national 12315 platform, if any."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _EXTERNAL_REF.fullmatch(raw.strip()):
        raise InvalidValue("external_ref", "letters, digits and - only, at most 40")
    return raw.strip()


def _id_number(raw: object) -> str | None:
    return _id_number_of(raw, "consumer.id_number")


def _id_number_of(raw: object, field: str) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise InvalidValue(field, "must be text")
    value = halfwidth(raw).strip().upper()
    if _RESIDENT_ID.fullmatch(value):
        total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != value[17]:
            raise InvalidValue(field, "resident ID check digit does not match")
        return value
    if _LEGACY_RESIDENT_ID.fullmatch(value):
        return value
    if _LOOKS_RESIDENT.fullmatch(value):
        raise InvalidValue(field, "a resident ID has 18 characters (or 15 digits)")
    if not _OTHER_ID.fullmatch(value):
        raise InvalidValue(field, "not a recognisable identity document number")
    return value
