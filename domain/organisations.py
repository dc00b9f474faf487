"""Mediation organisations an office may entrust a case to (Order 121 Art. 19):
consumer associations and other mediation bodies set up under the law.

The entrusted organisation mediates in the name of the office that entrusted it and
may not pass the case on; its mediators see and work only the cases entrusted to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidValue
from domain.vocabulary import Coded

_CODE = re.compile(r"[A-Za-z0-9_\-]{1,32}")


class OrganisationKind(Coded):
    CONSUMER_ASSOCIATION = "consumer_association"  # 消费者协会
    MEDIATION_BODY = "mediation_body"  # 依法成立的其他调解组织


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    kind: OrganisationKind = OrganisationKind.CONSUMER_ASSOCIATION

    def __post_init__(self) -> None:
        if not _CODE.fullmatch(self.code):
            raise InvalidValue("code", "an organisation code: letters, digits, - or _")
        if not self.name.strip() or len(self.name) > 100:
            raise InvalidValue("name", "the organisation's name, at most 100 characters")


def organisation_code(raw: object, field: str = "organisation") -> str:
    if not isinstance(raw, str) or not _CODE.fullmatch(raw):
        raise InvalidValue(field, "an organisation code: letters, digits, - or _")
    return raw
