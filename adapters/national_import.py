"""Case files exported from the national 12315 platform: CSV or XLSX rows as desk fields.

Which header means which field, and the platform's words for coded values, are data
(adapters/data/national_columns.toml). This module only reads: it never decides
whether a row makes a valid complaint (application/imports.py asks the domain).
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

from application.imports import SourceRow

DEFAULT_COLUMNS = files("adapters") / "data" / "national_columns.toml"


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass(frozen=True)
class ColumnMap:
    aliases: dict[str, str]  # folded header -> field
    required: tuple[str, ...]
    values: dict[str, dict[str, str]]  # field -> platform word -> desk code

    @classmethod
    def load(cls, path: Path | None = None) -> ColumnMap:
        raw = tomllib.loads(path.read_text("utf-8") if path else DEFAULT_COLUMNS.read_text("utf-8"))
        aliases = {_fold(header): field
                   for field, headers in raw["columns"].items() for header in headers}
        values = {field: {_fold(word): desk for word, desk in words.items()}
                  for field, words in raw.get("values", {}).items()}
        return cls(aliases=aliases, required=tuple(raw.get("required", ())), values=values)

    def fields_of(self, headers: list[str]) -> dict[int, str]:
        """Column index -> field, refusing a file that lacks a required column."""
        found = {i: self.aliases[_fold(h)] for i, h in enumerate(headers)
                 if h is not None and _fold(h) in self.aliases}
        missing = [f for f in self.required if f not in found.values()]
        if missing:
            raise ImportFileError("no column for " + ", ".join(missing)
                                  + " (the headers it may have are in the column map)")
        return found

    def code(self, field: str, value: str) -> str:
        """The desk's code for a platform word; anything else goes to the domain as it is."""
        return self.values.get(field, {}).get(_fold(value), value)


def read_rows(path: Path, columns: ColumnMap) -> tuple[int, Iterator[SourceRow]]:
    """How many data rows there are (for the progress bar), and the rows one by one."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(path, columns)
    if suffix == ".csv":
        return _csv_rows(path, columns)
    raise ImportFileError(f"{path.name}: only .csv and .xlsx files can be imported")


def _csv_rows(path: Path, columns: ColumnMap) -> tuple[int, Iterator[SourceRow]]:
    data = path.read_bytes()
    # Exports saved by Excel on Chinese Windows are GB18030; the platform's own are UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ImportFileError(f"{path.name}: neither UTF-8 nor GB18030 text")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise ImportFileError(f"{path.name}: the file is empty")
    header, body = rows[0], rows[1:]
    fields = columns.fields_of(header)
    return len(body), _source_rows(header, fields, enumerate(body, start=2), columns)


def _xlsx_rows(path: Path, columns: ColumnMap) -> tuple[int, Iterator[SourceRow]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise ImportFileError(f"{path.name}: not a readable XLSX workbook ({error})") from None
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, None)
    if header is None:
        raise ImportFileError(f"{path.name}: the first sheet is empty")
    header_text = [str(h).strip() if h is not None else None for h in header]
    fields = columns.fields_of(header_text)  # type: ignore[arg-type]
    total = max((sheet.max_row or 1) - 1, 0)

    def rows() -> Iterator[SourceRow]:
        try:
            yield from _source_rows(header_text, fields, enumerate(cells, start=2), columns)
        finally:
            book.close()

    return total, rows()


def _source_rows(header: list[Any], fields: dict[int, str], numbered: Any,
                 columns: ColumnMap) -> Iterator[SourceRow]:
    headers = {field: str(header[i]) for i, field in fields.items()}
    for number, cells in numbered:
        values = {field: _cell(cells[i]) for i, field in fields.items() if i < len(cells)}
        if all(v in (None, "") for v in values.values()):
            continue  # blank lines at the end of an export
        coded = {f: columns.code(f, v) if isinstance(v, str) and v else v
                 for f, v in values.items()}
        yield SourceRow(number=number, fields=coded, headers=headers)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        # Excel stores every number as a float; money is read back as its shortest decimal.
        return str(Decimal(repr(value)))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # phone numbers and amounts typed as numbers
    if isinstance(value, (datetime, date)) or value is None:
        return value
    return str(value)


def _fold(header: str) -> str:
    return "".join(str(header).split()).casefold()
