"""Signs that a complaint may not be an ordinary consumer dispute (Order 121 Art. 17),
as data. They are shown to the operator before the decision and counted in the
statistics; the desk never decides on them by itself.

- `shared_phone`, `shared_address`: one phone number or address used by several
  complainants (Art. 17(四)).
- `repeat_business`: one complainant filing many complaints against one business in a
  short time (Art. 17(二)).
- `repeat_kind`: one complainant filing many complaints on one kind of goods or
  services (the same category and industry) in a short time (Art. 17(二)).

Art. 17 leaves "many" and "a short time" to the offices (a city-level administration
may set its own factors), so the numbers are settings, not rules of the law.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import Coded


class Sign(Coded):
    SHARED_PHONE = "shared_phone"
    SHARED_ADDRESS = "shared_address"
    REPEAT_BUSINESS = "repeat_business"
    REPEAT_KIND = "repeat_kind"


@dataclass(frozen=True)
class Thresholds:
    # Complainants sharing one phone or one address before it is a sign (the filer too).
    shared_contact: int = 2
    # Complaints by one complainant against one business within the window.
    same_business: int = 3
    # Complaints by one complainant on one kind of goods or services within the window.
    same_kind: int = 5
    window_days: int = 30


DEFAULT_THRESHOLDS = Thresholds()
