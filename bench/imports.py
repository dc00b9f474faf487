"""Import of national 12315 platform exports: rows per minute (goal: 10,000 on SQLite).

    .venv/bin/python -m bench.imports                        # 5,000 rows, both backends
    .venv/bin/python -m bench.imports --rows 20000 --backend sqlite

A CSV in the platform's layout (Chinese headers) is written once: a quarter of the
rows only filed, a quarter rejected, a quarter accepted and in mediation, a quarter
resolved (2 to 4 events each). Each backend gets an empty store, then:
- `import`: read, check every row through the domain, store a batch at a time
  (sealed, encrypted, chained), as `complaints import` does, views not included;
- `views`: the views catching up on what was imported (the command does this after);
- `again`: the same file once more, every row found already imported.
Compare within one run; the goal is the first line's rows/min on SQLite.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import backends, fresh_store, machine, settings_for, table

HEADERS = ["投诉编号", "登记时间", "登记人", "投诉渠道", "处理单位", "投诉人姓名", "投诉人电话",
           "被投诉人名称", "被投诉人统一社会信用代码", "投诉类别", "行业", "涉及金额", "投诉内容",
           "投诉诉求", "受理决定", "受理决定时间", "受理人", "不予受理原因", "调解员", "分派时间",
           "办结方式", "办结时间", "调解结果", "挽回经济损失", "调解协议内容"]


def write_export(path: Path, rows: int, seed: int = 40) -> None:
    from adapters.demo_data import valid_uscc

    rng = random.Random(seed)
    businesses = [(f"申城{i}号商贸有限公司", valid_uscc(rng)) for i in range(300)]
    start = datetime(2026, 6, 1, 9, 0)
    fmt = "%Y-%m-%d %H:%M:%S"
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.DictWriter(out, HEADERS)
        writer.writeheader()
        for i in range(rows):
            received = start + timedelta(minutes=7 * i % (60 * 24 * 120))
            name, uscc = rng.choice(businesses)
            row: dict[str, Any] = {
                "投诉编号": f"B{seed}-{i:08d}", "登记时间": received.strftime(fmt), "登记人": "op01",
                "投诉渠道": rng.choice(("电话", "全国12315平台", "微信")),
                "处理单位": rng.choice(("SH-PD", "SH-HP", "SH-XH")),
                "投诉人姓名": "王小明", "投诉人电话": f"139{rng.randrange(10**8):08d}",
                "被投诉人名称": name, "被投诉人统一社会信用代码": uscc, "投诉类别": "商品",
                "行业": "网络购物", "涉及金额": f"{rng.randrange(50, 5000)}.00",
                "投诉内容": "网购的商品与宣传不符，商家拒绝退货退款。", "投诉诉求": "退货退款"}
            kind = i % 4
            if kind:
                decided = received + timedelta(days=1)
                row.update({"受理决定": "不予受理" if kind == 1 else "受理",
                            "受理决定时间": decided.strftime(fmt), "受理人": "op02",
                            "不予受理原因": "材料不全" if kind == 1 else ""})
            if kind >= 2:
                row.update({"调解员": "med01",
                            "分派时间": (received + timedelta(days=2)).strftime(fmt)})
            if kind == 3:
                row.update({"办结方式": "调解成功",
                            "办结时间": (received + timedelta(days=9)).strftime(fmt),
                            "调解结果": "退货退款", "挽回经济损失": row["涉及金额"],
                            "调解协议内容": "商家退货退款"})
            writer.writerow(row)


def measure(url: str, path: Path) -> dict[str, float]:
    from adapters.national_import import ColumnMap, read_rows
    from api.bootstrap import wire
    from application.imports import NationalImport

    wiring = wire(settings_for(url), clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))
    try:
        found: dict[str, float] = {}
        for label in ("import", "again"):
            _, rows = read_rows(path, ColumnMap.load())
            started = time.perf_counter()
            summary = NationalImport(wiring.desk).run(rows)
            found[label] = time.perf_counter() - started
            assert not summary.errors, summary.errors[:3]
            if label == "import":
                found["events"] = summary.events
                started = time.perf_counter()
                wiring.projections.catch_up()
                found["views"] = time.perf_counter() - started
        return found
    finally:
        wiring.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench_import_") as folder:
        path = Path(folder) / "export.csv"
        write_export(path, args.rows)
        rows: list[tuple[Any, ...]] = []
        for backend in backends(args.backend):
            with fresh_store(backend, f"import_{backend}") as url:
                found = measure(url, path)
            for step in ("import", "views", "again"):
                seconds = found[step]
                rows.append((f"{step} {backend}", f"{seconds:,.1f}",
                             f"{args.rows / seconds * 60:,.0f}",
                             f"{found['events'] / seconds:,.0f}" if step != "again" else ""))
            print(f"  {backend} done", flush=True)
    print(f"\n{args.rows:,} rows, {found['events']:,.0f} events")
    print(table(("step", "seconds", "rows/min", "events/s"), rows))


if __name__ == "__main__":
    main()
