"""Cases from the national 12315 platform, imported with their history (Order 121 Art. 40)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from adapters.national_import import ColumnMap, ImportFileError, read_rows
from adapters.settings import Settings
from api.bootstrap import wire
from api.cli import app
from application.imports import NationalImport, imported_complaint_id

HEADERS = ["投诉编号", "登记时间", "登记人", "投诉渠道", "处理单位", "投诉人姓名", "投诉人电话",
           "被投诉人名称", "被投诉人统一社会信用代码", "投诉类别", "行业", "涉及金额", "投诉内容",
           "投诉诉求", "受理决定", "受理决定时间", "受理人", "不予受理原因", "调解员", "分派时间",
           "办结方式", "办结时间", "调解结果", "挽回经济损失", "调解协议内容", "终止调解原因"]


def a_row(ref: str, **cells: str) -> dict[str, str]:
    row = {"投诉编号": ref, "登记时间": "2026-11-02 09:15:00", "登记人": "wang", "投诉渠道": "电话",
           "处理单位": "SH-PD", "投诉人姓名": "张三", "投诉人电话": "13812345678",
           "被投诉人名称": "上海优选电子商务有限公司", "被投诉人统一社会信用代码": "91350100M000100Y43",
           "投诉类别": "商品", "行业": "网络购物", "涉及金额": "1280.00",
           "投诉内容": "手机屏幕有坏点，商家拒绝退货。", "投诉诉求": "退货退款"}
    row.update(cells)
    return row


RESOLVED = a_row("N20261100001", 受理决定="受理", 受理决定时间="2026-11-03 10:00", 受理人="li",
                 调解员="zhao", 分派时间="2026-11-04 10:00", 办结方式="调解成功",
                 办结时间="2026-11-10 16:00", 调解结果="退货退款", 挽回经济损失="1280.00",
                 调解协议内容="商家退货退款")
REJECTED = a_row("N20261100002", 处理单位="浦东新区市场监督管理局", 投诉渠道="全国12315平台",
                 受理决定="不予受理", 受理决定时间="2026-11-03 11:00", 受理人="li",
                 不予受理原因="材料不全")
# Received under the 2019 text, accepted on the day Order 121 took effect.
ACROSS_TEXTS = a_row("N20260400003", 登记时间="2026-04-10 15:00", 受理决定="受理",
                     受理决定时间="2026-04-15 09:00", 调解员="zhao", 分派时间="2026-04-16 09:00")
# Still in mediation: the SPEC's own example, accepted 2026-09-01, due 2026-11-02.
MEDIATING = a_row("N20260800004", 登记时间="2026-08-28 10:00", 受理决定="受理",
                  受理决定时间="2026-09-01 10:00", 调解员="zhao", 分派时间="2026-09-02 10:00")


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as out:
        writer = csv.DictWriter(out, HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def wiring(database_url, clock):
    clock.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    wired = wire(Settings(database_url=database_url), clock=clock)
    yield wired
    wired.close()


def run_import(wiring, path: Path, **options):
    total, rows = read_rows(path, ColumnMap.load())
    return NationalImport(wiring.desk, **options).run(rows)


def test_a_platform_case_arrives_with_its_number_receipt_time_and_decisions_as_recorded(
        wiring, tmp_path):
    summary = run_import(wiring, write_csv(tmp_path / "cases.csv", [RESOLVED, REJECTED]))

    assert (summary.imported, summary.errors) == (2, [])
    resolved = wiring.desk.get_complaint(imported_complaint_id("N20261100001"))
    assert resolved.external_ref == "N20261100001"
    assert resolved.state == "resolved" and resolved.mediator == "zhao"
    assert resolved.received_at == datetime(2026, 11, 2, 1, 15, tzinfo=UTC)
    assert resolved.outcome["amount_recovered"] == Decimal("1280.00")
    assert resolved.number.startswith("SH-PD-2026-")
    history = wiring.desk.history(resolved.id)
    assert [(h.type, h.at.isoformat(), h.actor["username"], h.actor["role"]) for h in history] == [
        ("Filed", "2026-11-02T01:15:00+00:00", "wang", "operator"),
        ("Accepted", "2026-11-03T02:00:00+00:00", "li", "operator"),
        ("MediatorAssigned", "2026-11-04T02:00:00+00:00", "li", "operator"),
        ("Resolved", "2026-11-10T08:00:00+00:00", "zhao", "mediator"),
    ]
    rejected = wiring.desk.get_complaint(imported_complaint_id("N20261100002"))
    assert (rejected.state, rejected.closing_reason, rejected.office, rejected.channel) == (
        "rejected", "incomplete", "SH-PD", "web")


def test_imported_history_follows_the_text_in_force_on_its_own_dates(wiring, tmp_path):
    run_import(wiring, write_csv(tmp_path / "cases.csv", [ACROSS_TEXTS, MEDIATING]))

    across = wiring.desk.get_complaint(imported_complaint_id("N20260400003"))
    assert (across.regulation, across.mediation_regulation) == ("samr-2019", "samr-121")
    assert across.mediation_due == date(2026, 6, 15)
    mediating = wiring.desk.get_complaint(imported_complaint_id("N20260800004"))
    assert mediating.state == "mediated"
    assert mediating.mediation_due == date(2026, 11, 2)


def test_a_second_import_of_the_same_file_changes_nothing(wiring, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [RESOLVED, REJECTED, MEDIATING])
    run_import(wiring, path)
    head = wiring.projections.head()

    again = run_import(wiring, path)

    assert (again.rows, again.imported, again.already_imported) == (3, 0, 3)
    assert wiring.projections.head() == head


def test_bad_rows_are_reported_by_row_and_column_and_the_rest_are_imported(wiring, tmp_path):
    rows = [
        RESOLVED,
        a_row("N20261100010", 投诉渠道="飞鸽传书", 投诉人电话="123"),
        a_row("N20261100011", 受理决定="受理", 受理决定时间="2026-11-01 08:00"),  # before receipt
        a_row("", 投诉人姓名="赵六"),
        a_row("N20261100001"),  # the same platform case twice in one file
        # No agreement in time while the Order 121 period still runs (until 2026-11-02).
        {**MEDIATING, "投诉编号": "N20260800012", "办结方式": "终止调解",
         "办结时间": "2026-10-20 10:00", "终止调解原因": "调解期限内未达成协议"},
        a_row("N20261100013", 受理决定="不予受理", 受理决定时间="2026-11-03 10:00",
              不予受理原因="天气不好"),
        a_row("N20261100014", 受理决定="受理", 受理决定时间="2026-11-03 10:00",
              办结方式="调解成功", 办结时间="2026-11-04", 调解结果="退货退款", 挽回经济损失="-5",
              调解协议内容="退款"),
        a_row("N20261100015", 处理单位="火星区市场监督管理局"),
        REJECTED,
    ]

    summary = run_import(wiring, write_csv(tmp_path / "cases.csv", rows))

    found = {(e.row, e.column) for e in summary.errors}
    assert found == {(3, "投诉渠道"), (3, "投诉人电话"), (4, "受理决定时间"), (5, "投诉编号"),
                     (6, "投诉编号"), (7, "办结方式"), (8, "不予受理原因"), (9, "挽回经济损失"),
                     (10, "处理单位")}
    assert "first in row 2" in next(e.message for e in summary.errors if e.row == 6)
    # The period runs to the end of 2026-11-02, local time.
    assert "runs until 2026-11-03T00:00" in next(e.message for e in summary.errors if e.row == 7)
    assert summary.imported == 2
    for ref in ("N20261100010", "N20261100011", "N20260800012", "N20261100013"):
        assert not wiring.desk.recorder.select_events(imported_complaint_id(ref), limit=1)
    # No case number was spent on a refused row: the two imported are 1 and 2.
    numbers = sorted(wiring.desk.get_complaint(imported_complaint_id(ref)).number
                     for ref in ("N20261100001", "N20261100002"))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2]


def test_an_xlsx_export_with_date_cells_and_numeric_cells_imports_like_the_csv(wiring, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    row = {**RESOLVED, "登记时间": datetime(2026, 11, 2, 9, 15), "投诉人电话": 13812345678,
           "挽回经济损失": 1280.5, "受理决定时间": datetime(2026, 11, 3, 10, 0),
           "分派时间": datetime(2026, 11, 4, 10, 0), "办结时间": datetime(2026, 11, 10, 16, 0)}
    sheet.append([row.get(h) for h in HEADERS])
    sheet.append([None] * len(HEADERS))  # a trailing blank line, as exports have
    path = tmp_path / "cases.xlsx"
    book.save(path)

    summary = run_import(wiring, path)

    assert (summary.rows, summary.imported, summary.errors) == (1, 1, [])
    complaint = wiring.desk.get_complaint(imported_complaint_id("N20261100001"))
    assert complaint.received_at == datetime(2026, 11, 2, 1, 15, tzinfo=UTC)
    assert complaint.consumer["phone"] == "13812345678"
    assert complaint.outcome["amount_recovered"] == Decimal("1280.5")


def test_a_gb18030_csv_from_excel_on_chinese_windows_is_read(wiring, tmp_path):
    summary = run_import(wiring, write_csv(tmp_path / "gbk.csv", [REJECTED], encoding="gb18030"))

    assert (summary.imported, summary.errors) == (1, [])
    assert wiring.desk.get_complaint(imported_complaint_id("N20261100002")).consumer["name"] == "张三"


def test_a_file_without_a_required_column_is_refused_whole(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("投诉编号,登记时间\nN1,2026-11-02 09:00\n", encoding="utf-8")

    with pytest.raises(ImportFileError, match="channel"):
        read_rows(path, ColumnMap.load())
    with pytest.raises(ImportFileError, match=r"\.csv and \.xlsx"):
        read_rows(tmp_path / "cases.json", ColumnMap.load())


def test_the_import_command_shows_a_summary_lists_errors_and_updates_the_views(
        database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINTS_DATABASE_URL", database_url)
    path = write_csv(tmp_path / "cases.csv",
                     [RESOLVED, REJECTED, a_row("N20261100010", 投诉渠道="飞鸽传书")])
    errors = tmp_path / "errors.csv"
    runner = CliRunner()

    first = runner.invoke(app, ["import", str(path), "--errors", str(errors)])
    second = runner.invoke(app, ["import", str(path)])
    bad = tmp_path / "bad.csv"
    bad.write_text("投诉编号\nN1\n", encoding="utf-8")
    refused = runner.invoke(app, ["import", str(bad)])

    assert first.exit_code == 1, first.output
    assert "rows not imported" in first.output and "投诉渠道" in first.output
    assert list(csv.reader(errors.open(encoding="utf-8-sig")))[1][:2] == ["4", "投诉渠道"]
    assert second.exit_code == 1 and "already imported" in second.output
    assert refused.exit_code == 2 and "no column for" in refused.output
    wiring = wire(Settings(database_url=database_url))
    try:
        assert wiring.complaint_list.count_by_state() == {"resolved": 1, "rejected": 1}
    finally:
        wiring.close()
