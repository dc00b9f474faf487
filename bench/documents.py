"""Statutory documents: PDFs per second per kind against writing the same HTML to a
file, the size of each PDF, and (with --engines) WeasyPrint against Typst.

Side by side in one run, the variants interleaved document by document:
  - html: the template filled in and written to a file (no PDF step: the anchor),
  - pdf: the same HTML printed to PDF by WeasyPrint with the CJK font subset, as
    `POST .../documents` and every download do.
Each kind is rendered from a case in the state that calls for it, on an in-memory
store (rendering reads the folded case, never the database). p50 and p99 are per
document; docs/s is 1/p50.

--engines renders the rejection notice with WeasyPrint and with Typst (the `typst`
package, the same text set by hand in Typst markup, same font files), and says
whether each gives the same bytes twice.

    .venv/bin/python -m bench.documents --docs 30
    .venv/bin/python -m bench.documents --docs 15 --engines
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import actors, filing_body, machine, table  # noqa: E402


def cases() -> tuple[Any, dict[str, Any]]:
    from adapters.documents.pdf import PdfDocuments
    from adapters.offices_file import load_offices
    from application.desk import ComplaintDesk
    from domain.intake import Intake

    offices = load_offices()
    desk = ComplaintDesk({"PERSISTENCE_MODULE": "eventsourcing.popo"}, offices=offices)
    operator, mediator = actors()

    def filed() -> Any:
        body = {**filing_body(0), "office": "SH-PD"}
        return desk.file(Intake.parse(body, now=desk.clock(), default_office=None),
                         actor=operator)

    def mediated() -> Any:
        case = filed()
        desk.accept(case, actor=operator)
        desk.assign(case, actor=operator, mediator=mediator.username)
        desk.add_note(case, actor=mediator, kind="session", text="现场调解")
        return case

    ids: dict[str, Any] = {}
    ids["acceptance_notice"] = filed()
    desk.accept(ids["acceptance_notice"], actor=operator)
    ids["rejection_notice"] = filed()
    desk.reject(ids["rejection_notice"], actor=operator, reason="outside_remit")
    ids["termination_notice"] = mediated()
    desk.terminate(ids["termination_notice"], actor=mediator, reason="business_refused")
    for kind, record in (("mediation_agreement", "agreement_document"),
                         ("mediation_record", "performed_immediately")):
        ids[kind] = mediated()
        desk.resolve(ids[kind], actor=mediator, outcome="refund", amount_recovered="1280.00",
                     terms="被投诉人退还货款人民币1280元，投诉人退回商品。", mode="on_site",
                     record=record)
    renderer = PdfDocuments(offices, tz=desk.tz)
    return renderer, {kind: desk._load(case) for kind, case in ids.items()}


def _args(kind: str, renderer: Any) -> dict[str, Any]:
    from datetime import UTC, datetime

    return {"kind": kind, "number": f"沪浦市监〔2026〕{len(kind)}号",
            "issued_at": datetime(2026, 5, 11, 9, 30, tzinfo=UTC),
            "template": renderer.template_version(kind)}


def per_kind(docs: int) -> None:
    renderer, complaints = cases()
    timings: dict[tuple[str, str], list[float]] = {}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind, complaint in complaints.items():  # warm: fonts, templates, imports
            renderer.render(complaint, **_args(kind, renderer))
        for i in range(docs):
            for kind, complaint in complaints.items():
                args = _args(kind, renderer)
                started = time.perf_counter()
                (Path(folder) / f"{kind}{i}.html").write_text(renderer.html(complaint, **args),
                                                              encoding="utf-8")
                timings.setdefault((kind, "html"), []).append(time.perf_counter() - started)
                started = time.perf_counter()
                pdf = renderer.render(complaint, **args)
                (Path(folder) / f"{kind}{i}.pdf").write_bytes(pdf)
                timings.setdefault((kind, "pdf"), []).append(time.perf_counter() - started)
                sizes[kind] = len(pdf)
    rows = []
    for kind in complaints:
        html, pdf = timings[(kind, "html")], timings[(kind, "pdf")]
        rows.append([kind, *_figures(html), *_figures(pdf),
                     f"{statistics.median(pdf) / statistics.median(html):,.0f}x",
                     f"{sizes[kind] / 1024:,.0f} KiB"])
    print(table(["kind", "html p50 ms", "html p99 ms", "html docs/s", "pdf p50 ms",
                 "pdf p99 ms", "pdf docs/s", "pdf/html", "pdf size"], rows))


def _figures(samples: list[float]) -> list[str]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    p50 = statistics.median(samples)
    return [f"{p50 * 1000:,.2f}", f"{p99 * 1000:,.2f}", f"{1 / p50:,.1f}"]


TYPST_SOURCE = """#set document(title: "不予受理告知书", author: "{office}", date: datetime(year: 2026, month: 5, day: 11))
#set page(paper: "a4", margin: (top: 28mm, bottom: 25mm, left: 28mm, right: 26mm))
#set text(font: "Noto Serif CJK SC", size: 12pt, lang: "zh")
#set par(first-line-indent: 2em, justify: true, leading: 0.9em)
#align(center)[#text(size: 15pt)[{office}]]
#align(center)[#text(size: 21pt, weight: "bold")[不予受理告知书]]
#align(right)[{number}]
{text}
"""


def engines(docs: int) -> None:
    import typst

    from adapters.documents.pdf import FONT_FAMILY  # noqa: F401 (the same family)

    renderer, complaints = cases()
    complaint = complaints["rejection_notice"]
    args = _args("rejection_notice", renderer)
    facts = renderer.facts(complaint, "rejection_notice", args["number"], args["issued_at"])
    body = "\n\n".join([
        f"{facts['consumer']['name']}：",
        f"你于2026年5月11日提出的投诉（投诉编号：{facts['case_number']}，被投诉人："
        f"{facts['business']['name']}），经审查，属于“{facts['ground']}”的情形。依照《{facts['law']}》"
        f"{facts['article']}的规定，本部门决定不予受理。",
        "依照《中华人民共和国消费者权益保护法》第三十九条的规定，你可以通过下列途径解决与经营者之间的消费者权益争议：",
        "+ 与经营者协商和解；\n+ 请求消费者协会或者依法成立的其他调解组织调解；\n+ 向有关行政部门投诉；\n"
        "+ 根据与经营者达成的仲裁协议提请仲裁机构仲裁；\n+ 向人民法院提起诉讼。",
        "特此告知。",
        f"#align(right)[{facts['office']}（印章） \\ 2026年5月11日]"])
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "rejection.typ"
        source.write_text(TYPST_SOURCE.format(office=facts["office"], number=args["number"],
                                              text=body), encoding="utf-8")
        fonts = ["/usr/share/fonts/opentype/noto"]

        def with_typst() -> bytes:
            return typst.compile(str(source), font_paths=fonts, ignore_system_fonts=True)

        def with_weasyprint() -> bytes:
            return renderer.render(complaint, **args)

        variants = {"weasyprint": with_weasyprint, "typst": with_typst}
        timings: dict[str, list[float]] = {name: [] for name in variants}
        hashes: dict[str, set[str]] = {name: set() for name in variants}
        sizes: dict[str, int] = {}
        for render in variants.values():
            render()
        for _ in range(docs):
            for name, render in variants.items():
                started = time.perf_counter()
                pdf = render()
                timings[name].append(time.perf_counter() - started)
                hashes[name].add(hashlib.sha256(pdf).hexdigest())
                sizes[name] = len(pdf)
    base = statistics.median(timings["weasyprint"])
    print(table(["engine", "p50 ms", "p99 ms", "docs/s", "vs weasyprint", "size",
                 "same bytes every time"],
                [[name, *_figures(timings[name]),
                  f"{statistics.median(timings[name]) / base:.2f}x",
                  f"{sizes[name] / 1024:,.0f} KiB", "yes" if len(hashes[name]) == 1 else "no"]
                 for name in variants]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.documents", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=30, help="documents per kind and variant")
    parser.add_argument("--engines", action="store_true",
                        help="also WeasyPrint against Typst on the rejection notice")
    args = parser.parse_args(argv)
    print(machine())
    per_kind(args.docs)
    if args.engines:
        print()
        engines(args.docs)


if __name__ == "__main__":
    main()
