"""How personal data looks in lists: enough to recognise a case, not a person."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; landlines keep the area code and last four digits."""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***, John Smith → J*********."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
