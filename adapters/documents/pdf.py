"""Statutory documents as PDF: Jinja2 templates printed by WeasyPrint.

WeasyPrint was measured against Typst on our rejection notice (bench/documents.py
--engines): Typst is faster and smaller, both give the same bytes every time, and
WeasyPrint prints the same escaped Jinja2 HTML the pages use, so the browser's
print view and the PDF are one template. Bytes are deterministic because nothing in
the document comes from the moment of rendering: the creation date is the issuing
event's, the producer is fixed, and the CJK font is subset the same way each time.
"""

from __future__ import annotations

import subprocess
from functools import cache
import tomllib
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from domain.offices import Offices
from domain.regulation import by_id

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
DATA = HERE.parent / "data" / "documents.toml"
# Serif for the body as official documents are set; the family is looked up by name.
FONT_FAMILY = "Noto Serif CJK SC"
FONT_PACKAGE = "fonts-noto-cjk"


class FontMissing(RuntimeError):
    """The CJK font is not installed: refuse to start rather than print boxes."""


@cache
def check_font(family: str = FONT_FAMILY) -> None:
    try:
        found = subprocess.run(["fc-list", f":family={family}", "family"], capture_output=True,
                               text=True, check=False).stdout.strip()
    except FileNotFoundError:
        found = ""
    if not found:
        raise FontMissing(f"the font '{family}' is not installed: documents would print "
                          f"Chinese as boxes. Install Debian's {FONT_PACKAGE} "
                          f"(./scripts/run and ./scripts/test do so when they may).")


@dataclass(frozen=True)
class DocumentCatalog:
    pattern: str
    prefixes: dict[str, str]
    kinds: dict[str, dict[str, str]]
    words: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: Path = DATA) -> DocumentCatalog:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(pattern=data["pattern"], prefixes=data.get("prefix", {}),
                   kinds=data["kind"], words={k: data[k] for k in ("ground", "mode", "record")})


class PdfDocuments:
    """The renderer the application asks for numbers, template versions and bytes."""

    def __init__(self, offices: Offices | None = None, *, tz: tzinfo = ZoneInfo("Asia/Shanghai"),
                 catalog: DocumentCatalog | None = None) -> None:
        check_font()
        self.offices = offices or Offices(())
        self.tz = tz
        self.catalog = catalog or DocumentCatalog.load()
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                               autoescape=select_autoescape(["html"], default=True))
        self.env.filters["day"] = self._day

    def template_version(self, kind: str) -> str:
        return self.catalog.kinds[kind]["template"]

    def number(self, *, office: str, kind: str, year: int, sequence: int) -> str:
        return self.catalog.pattern.format(prefix=self.catalog.prefixes.get(office, office),
                                           code=self.catalog.kinds[kind]["code"], year=year,
                                           sequence=sequence)

    def html(self, complaint: Any, *, kind: str, number: str, issued_at: datetime,
             template: str) -> str:
        template_file = self.env.get_template(f"{kind}.v{template}.html")
        return template_file.render(**self.facts(complaint, kind, number, issued_at))

    def render(self, complaint: Any, *, kind: str, number: str, issued_at: datetime,
               template: str) -> bytes:
        from weasyprint import HTML  # slow to import; only those who print pay for it

        page = self.html(complaint, kind=kind, number=number, issued_at=issued_at,
                         template=template)
        return HTML(string=page, base_url=str(TEMPLATES)).write_pdf()

    def facts(self, complaint: Any, kind: str, number: str, issued_at: datetime) -> dict[str, Any]:
        receipt = by_id(complaint.regulation)
        mediation = by_id(complaint.mediation_regulation or complaint.regulation)
        ground = complaint.closing_reason
        if kind == "termination_notice" and complaint.withdraw_kind:
            ground = complaint.withdraw_kind
        text = receipt if kind == "rejection_notice" else mediation
        return {
            "kind": kind, "title": self.catalog.kinds[kind]["title"], "number": number,
            "issued_at": issued_at, "created": issued_at.astimezone(self.tz).isoformat(),
            "office": self.offices.name_of(complaint.office),
            "case_number": complaint.number, "received_at": complaint.received_at,
            "consumer": complaint.consumer, "business": complaint.business,
            "proxy": getattr(complaint, "proxy", None), "joint": getattr(complaint, "joint", None),
            "description": complaint.description, "request": complaint.request,
            "amount": complaint.amount, "outcome": complaint.outcome or {},
            "sessions": getattr(complaint, "sessions", 0),
            # The name of the measures without the order's number in brackets.
            "text": text, "law": text.title.split(" (")[0], "ground": self.catalog.words["ground"].get(ground or "", ground),
            "article": text.articles.get(ground or "", ""),
            "mode": self.catalog.words["mode"].get((complaint.outcome or {}).get("mode", ""), ""),
            "record": self.catalog.words["record"].get(
                (complaint.outcome or {}).get("record") or "", ""),
        }

    def _day(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(self.tz) if isinstance(moment, datetime) else moment
        return f"{local.year}年{local.month}月{local.day}日"
