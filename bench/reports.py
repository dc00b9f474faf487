"""Reports beside complaints, side by side in one run (SPEC §13):

    python -m bench.reports [--intake 400] [--reports 3000] [--backend sqlite|postgres|both]
                            [--rounds 3]

- intake: logging a new report through the application (`Reports.receive`: the
  duplicate look-up in the blind index as the followed view stands,
  the data key made and the reporter sealed, the hash chain, one save) against filing
  a complaint (`ComplaintDesk.file`: the case-number claim, data key, chain, one save),
  in alternating blocks, with the views following every write as when served; a
  repeat from the same reporter (found, loaded, merged) too.
- rebuild: the report views (`reports`) rebuilt from a log of reports walked through
  verify, open-case or decline, notify and close, against the complaint list
  (`complaint_list`) rebuilt from the same log; events read per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Samples, backends, filing_body, fresh_store, machine, settings_for, table,
)

OFFICE = "SH-PD"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)  # every event its own moment
        return self.now


def report_body(i: int) -> dict[str, Any]:
    body = filing_body(i)
    return {"source": ("phone", "web", "letter")[i % 3], "received_at": NOW,
            "reporter": {"name": body["consumer"]["name"], "phone": f"139{i:08d}"},
            "business": body["business"], "industry": body["industry"],
            "facts": "商家销售的洗衣机无3C认证标志，涉嫌销售未经认证的产品。", "office": OFFICE}


def _wire(url: str, *, follow: bool = False) -> Any:
    from api.bootstrap import wire

    return wire(settings_for(url), clock=Clock(), follow=follow)


def intake(backend: str, n: int, rounds: int) -> dict[str, Samples]:
    from domain.intake import Intake
    from domain.report_intake import ReportIntake
    from bench.common import actors

    operator, _ = actors()
    rates: dict[str, list[float]] = {"complaint filed": [], "report logged": [],
                                     "repeat merged": []}
    with fresh_store(backend, "reports_intake") as url:
        # As served: the views follow every write in a thread, for complaints and
        # reports alike (a report's duplicate look-up waits for it to catch up).
        wiring = _wire(url, follow=True)
        try:
            start = 0
            for _ in range(rounds):
                intakes = [Intake.parse({**filing_body(i), "office": OFFICE,
                                         "received_at": NOW}, now=NOW, default_office=None)
                           for i in range(start, start + n)]
                reports = [ReportIntake.parse(report_body(i), now=NOW, default_office=None)
                           for i in range(start, start + n)]
                began = time.perf_counter()
                for one in intakes:
                    wiring.desk.file(one, actor=operator)
                rates["complaint filed"].append(n / (time.perf_counter() - began))
                began = time.perf_counter()
                for one in reports:
                    wiring.reports.receive(one, actor=operator)
                rates["report logged"].append(n / (time.perf_counter() - began))
                began = time.perf_counter()
                for one in reports[: n // 4]:
                    assert wiring.reports.receive(one, actor=operator).outcome == "repeat"
                rates["repeat merged"].append((n // 4) / (time.perf_counter() - began))
                start += n
        finally:
            wiring.close()
    return {k: Samples(v) for k, v in rates.items()}


def rebuild(backend: str, n: int, rounds: int) -> dict[str, tuple[Samples, int]]:
    from domain.intake import Intake
    from domain.permissions import Actor
    from domain.report import Report
    from domain.report_intake import ReportIntake
    from domain.vocabulary import Role
    from bench.common import actors

    operator, _ = actors()
    inspector = Actor("insp1", Role.INSPECTOR)
    out: dict[str, tuple[Samples, int]] = {}
    with fresh_store(backend, "reports_rebuild") as url:
        wiring = _wire(url)
        try:
            tz = wiring.settings.tz
            batch: list[Any] = []
            for i in range(n):
                report = Report.receive(
                    ReportIntake.parse(report_body(i), now=NOW, default_office=None),
                    actor=operator, at=NOW, tz=tz)
                report.verify(actor=inspector, at=NOW + timedelta(days=1))
                if i % 3:
                    report.open_case(actor=inspector, at=NOW + timedelta(days=5),
                                     case_number=f"立案{i}号")
                else:
                    report.decline(actor=inspector, at=NOW + timedelta(days=5), reason="无违法")
                report.notify_reporter(actor=inspector, at=NOW + timedelta(days=6),
                                       channel="sms")
                report.close(actor=inspector, at=NOW + timedelta(days=40),
                             outcome="penalised" if i % 3 == 1 else "no_violation")
                batch.append(report)
                if len(batch) == 200:
                    wiring.desk.store(*batch)
                    batch = []
            if batch:
                wiring.desk.store(*batch)
            for i in range(n):  # as many complaints, filed only, for the other view
                wiring.desk.file(Intake.parse({**filing_body(i), "office": OFFICE,
                                               "received_at": NOW}, now=NOW,
                                              default_office=None), actor=operator)
            events = wiring.projections.head()
            for view in ("reports", "complaint_list"):
                rates = []
                for _ in range(rounds):
                    began = time.perf_counter()
                    wiring.projections.rebuild([view])
                    rates.append(events / (time.perf_counter() - began))
                out[view] = (Samples(rates), events)
        finally:
            wiring.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intake", type=int, default=400)
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("intake", "rebuild"), default=None)
    args = parser.parse_args(argv)
    print(machine())
    rows = []
    for backend in backends(args.backend) if args.only != "rebuild" else ():
        rates = intake(backend, args.intake, args.rounds)
        filed = rates["complaint filed"].median
        for what, samples in rates.items():
            rows.append((backend, what, f"{samples.median:,.0f}/s", samples.spread(),
                         f"{samples.median / filed:.2f}×"))
    print("\nintake through the application (median of rounds; ratio to filing a complaint)")
    print(table(("backend", "what", "rate", "rounds", "ratio"), rows))
    rows = []
    for backend in backends(args.backend) if args.only != "intake" else ():
        found = rebuild(backend, args.reports, args.rounds)
        base = found["complaint_list"][0].median
        for view, (samples, events) in found.items():
            rows.append((backend, view, f"{events:,}", f"{samples.median:,.0f} events/s",
                         samples.spread(), f"{samples.median / base:.2f}×"))
    print("\nview rebuild from the same log (reports walked to their end, complaints filed)")
    print(table(("backend", "view", "events", "rate", "rounds", "ratio"), rows))


if __name__ == "__main__":
    main()
