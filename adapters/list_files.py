"""The case list as a file: CSV (UTF-8 with a byte-order mark, so spreadsheet programs
read the Chinese) or XLSX (openpyxl, written row by row)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A cell a spreadsheet would run as a formula (a business name typed as "=HYPERLINK(...)").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def list_file(format: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
              *, title: str = "complaints") -> bytes:
    return to_xlsx(header, rows, title=title) if format == "xlsx" else to_csv(header, rows)
