"""Refusals the application adds to the domain's own."""

from __future__ import annotations

from uuid import UUID

from domain.errors import DomainError


class ComplaintNotFound(DomainError):
    def __init__(self, complaint_id: UUID | str) -> None:
        super().__init__(f"no complaint {complaint_id}")
        self.complaint_id = complaint_id


class ConcurrentUpdate(DomainError):
    """Another writer saved this complaint first; reload and decide again."""

    def __init__(self, complaint_id: UUID) -> None:
        super().__init__(f"complaint {complaint_id} was changed by someone else; reload and retry")
        self.complaint_id = complaint_id


class VersionMismatch(DomainError):
    """The caller's expected version (If-Match) is not the current one."""

    def __init__(self, complaint_id: UUID, expected: int, current: int) -> None:
        super().__init__(
            f"complaint {complaint_id} is at version {current}, not the expected {expected}"
        )
        self.expected = expected
        self.current = current


class IdempotencyKeyReused(DomainError):
    """A retry's key names an earlier filing with different content."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key {key!r} was already used for a different complaint; "
            "use a new key for a new complaint"
        )
        self.key = key


class ReportNotFound(ComplaintNotFound):
    """No report with this id (a 404 like an unknown complaint)."""

    def __init__(self, report_id: UUID | str) -> None:
        DomainError.__init__(self, f"no report {report_id}")
        self.complaint_id = report_id
class NotOnOdrRegister(DomainError):
    """Only a business on the ODR register settles complaints before the decision."""

    def __init__(self, credit_code: str | None) -> None:
        super().__init__("the business is not on the ODR register today"
                         if credit_code else "a business without a credit code cannot be "
                                             "on the ODR register")
        self.credit_code = credit_code
