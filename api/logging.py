"""Structured (JSON lines) request logs that never carry personal data.

A request line names the route template (never the raw path or its query string,
where a search for a consumer's name would appear), the complaint id when there is
one, the staff username, status and time taken.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

requests_log = logging.getLogger("complaints.requests")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str = "INFO") -> None:
    """Send the service's logs to standard error as JSON lines (idempotent)."""
    root = logging.getLogger("complaints")
    if not any(getattr(h, "_complaints", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        handler._complaints = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(level)


def log_request(*, method: str, route: str, status: int, seconds: float, request_id: str,
                username: str | None, complaint_id: str | None) -> None:
    if not requests_log.isEnabledFor(logging.INFO):
        return
    fields = {"method": method, "route": route, "status": status,
              "ms": round(seconds * 1000, 2), "request_id": request_id, "user": username}
    if complaint_id:
        fields["complaint_id"] = complaint_id
    requests_log.info("request", extra={"fields": fields})
