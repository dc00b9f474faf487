"""The column map of platform exports: headers and the platform's words are data."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.national_import import ColumnMap, ImportFileError
from application.imports import _local_moment, imported_complaint_id

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_chinese_headers_and_the_desks_own_names_both_find_their_fields():
    columns = ColumnMap.load()
    headers = [" 投诉编号 ", "登记时间", "Channel", "投诉人姓名", "被投诉人", "投诉类别", "行业",
               "投诉内容", "request", "备注"]

    found = columns.fields_of(headers)

    assert found[0] == "external_ref" and found[2] == "channel" and found[8] == "request"
    assert 9 not in found  # a column the desk does not know is ignored


def test_a_file_missing_a_required_column_is_refused_naming_it():
    with pytest.raises(ImportFileError, match="industry"):
        ColumnMap.load().fields_of(["投诉编号", "登记时间", "投诉渠道", "投诉人姓名", "被投诉人",
                                    "投诉类别", "投诉内容", "投诉诉求"])


def test_the_platforms_words_become_the_desks_codes_and_others_pass_through():
    columns = ColumnMap.load()
    assert columns.code("channel", "12315热线") == "phone"
    assert columns.code("industry", "网络购物") == "online_shopping"
    assert columns.code("reject_reason", "材料不全") == "incomplete"
    assert columns.code("channel", "web") == "web"
    assert columns.code("channel", "飞鸽") == "飞鸽"  # the domain refuses it, by row and column


def test_wall_clock_times_are_local_and_stored_in_utc():
    assert _local_moment("2026-11-02 09:15:00", SHANGHAI) == datetime(2026, 11, 2, 1, 15, tzinfo=UTC)
    assert _local_moment("2026/11/02 09:15", SHANGHAI) == datetime(2026, 11, 2, 1, 15, tzinfo=UTC)
    assert _local_moment("2026-11-02T09:15:00+08:00", SHANGHAI) == datetime(
        2026, 11, 2, 1, 15, tzinfo=UTC)
    assert _local_moment(datetime(2026, 11, 2, 9, 15), SHANGHAI) == datetime(
        2026, 11, 2, 1, 15, tzinfo=UTC)
    assert _local_moment("昨天下午", SHANGHAI) is None


def test_one_platform_case_is_one_complaint_id():
    assert imported_complaint_id("N1") == imported_complaint_id("N1") != imported_complaint_id("N2")
