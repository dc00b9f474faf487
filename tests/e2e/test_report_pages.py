"""The report pages over HTTP (TestClient), on SQLite and PostgreSQL: intake, the
inspector's queue with due days, the report page with its allowed actions, the
supervisor's figures, and the split offered on the complaint intake page. Labels come
from strict catalogs, so a missing label fails the page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.vocabulary import Role
from tests.e2e.conftest import Api, password_of
from tests.e2e.test_pages import Browser, field_errors, in_language, strict_catalogs  # noqa: F401

PEOPLE = ("op01", "med01", "sup01", "insp01", "insp02")


@pytest.fixture
def people(api: Api) -> Iterator[dict[str, Browser]]:
    for username in ("insp01", "insp02"):
        api.wiring.accounts.add(username, role=Role.INSPECTOR, password=password_of(username),
                                office="SH-PD")
    app = create_app(api.wiring)
    clients = {who: TestClient(app) for who in PEOPLE}
    for client in clients.values():
        client.__enter__()
    try:
        yield {who: Browser(client).sign_in(who) for who, client in clients.items()}
    finally:
        for client in clients.values():
            client.__exit__(None, None, None)


def log_report(browser: Browser, **fields: str) -> object:
    data = {"source": "phone", "reporter.name": "李四海", "reporter.phone": "13912345678",
            "business.name": "上海某某超市有限公司", "business.uscc": "91350100M000100Y43",
            "industry": "food", "facts": "货架上销售过期牛奶。", "office": "SH-PD", **fields}
    return browser.post("/reports/new", data, token_from="/reports/new", follow_redirects=False)


def report_id_of(response: object) -> str:
    location = response.headers["location"]  # type: ignore[attr-defined]
    return re.match(r"/reports/([0-9a-f-]{36})", location).group(1)  # type: ignore[union-attr]


def test_an_operator_logs_a_report_and_an_inspector_works_it_through_the_pages(people):
    op, insp, other, sup = people["op01"], people["insp01"], people["insp02"], people["sup01"]
    form = op.get("/reports/new")
    assert form.status_code == 200 and "举报登记" in form.text
    made = log_report(op)
    assert made.status_code == 303
    rid = report_id_of(made)
    shown = op.get(made.headers["location"])
    assert "举报已登记" in shown.text
    assert "李**" in shown.text and "李四海" not in shown.text  # the operator sees it masked

    queue = insp.get("/reports")
    assert queue.status_code == 200 and rid in queue.text and "2026-06-01" in queue.text
    assert "李四海" not in queue.text and "139****5678" in queue.text

    page = insp.get(f"/reports/{rid}")
    assert 'id="action-verify"' in page.text and 'id="action-open-case"' not in page.text
    assert "李四海" not in page.text  # nobody has taken it yet
    done = insp.post(f"/reports/{rid}/verify", {"version": "1"}, token_from=f"/reports/{rid}")
    assert done.status_code == 200 and "已开始核查" in done.text
    assert "李四海" in done.text and "13912345678" in done.text  # the handling inspector
    assert 'id="action-open-case"' in done.text and 'id="action-extend"' not in done.text

    theirs = other.get(f"/reports/{rid}")
    assert "李四海" not in theirs.text and 'id="action-open-case"' not in theirs.text
    refused = other.post(f"/reports/{rid}/decline", {"reason": "x", "version": "2"},
                         token_from=f"/reports/{rid}")
    assert refused.status_code == 403

    bad = insp.post(f"/reports/{rid}/open-case", {"case_number": "", "version": "2"},
                    token_from=f"/reports/{rid}")
    assert bad.status_code == 422 and "case_number" in field_errors(bad.text)
    opened = insp.post(f"/reports/{rid}/open-case", {"case_number": "立案88号", "version": "2"},
                       token_from=f"/reports/{rid}")
    assert opened.status_code == 200 and "已立案" in opened.text
    assert 'id="action-notify-reporter"' in opened.text

    audit = sup.get(f"/reports/{rid}")
    assert 'id="history"' in audit.text and "开始核查" in audit.text and "李四海" in audit.text
    assert 'id="action-extend"' not in audit.text  # decided: nothing left to extend


def test_the_intake_form_names_every_bad_field_and_records_nothing(people, api):
    op = people["op01"]
    refused = log_report(op, **{"reporter.phone": "12", "facts": ""})
    assert refused.status_code == 422
    assert set(field_errors(refused.text)) >= {"reporter.phone", "facts"}
    api.wiring.projections.wait_until(api.wiring.projections.head())
    assert "暂无举报" in people["insp01"].get("/reports?show=all").text


def test_a_repeat_from_the_same_reporter_is_merged_and_said_so(people, api):
    first = report_id_of(log_report(people["op01"]))
    again = log_report(people["op01"], source="web")
    assert report_id_of(again) == first
    assert "不再另行处理" in people["op01"].get(again.headers["location"]).text


def test_the_supervisor_sees_figures_and_the_overdue_reports(people, api):
    log_report(people["op01"])
    api.wiring.desk.clock.advance(days=30)
    figures = people["sup01"].get("/reports/figures?since=2026-05-01&until=2026-06-30")
    assert figures.status_code == 200
    assert re.search(r'id="received">1<', figures.text)
    assert "上海某某超市有限公司" in figures.text and "李四海" not in figures.text
    assert people["insp01"].get("/reports/figures").status_code == 403
    assert people["med01"].get("/reports").status_code == 403


def test_the_complaint_intake_page_splits_a_submission_that_is_also_a_report(people, api):
    op = people["op01"]
    data = {"consumer.name": "张三丰", "consumer.phone": "13812345678",
            "business.name": "上海优选电子商务有限公司", "business.uscc": "91350100M000100Y43",
            "category": "goods", "industry": "online_shopping", "description": "手机屏幕有坏点",
            "request": "退货", "channel": "phone", "office": "SH-PD",
            "report.facts": "商家以翻新机冒充新机销售。", "idempotency_key": "k-split-1"}
    assert "同时举报" in op.get("/intake").text
    filed = op.post("/intake", data, token_from="/intake", follow_redirects=False)
    assert filed.status_code == 303, filed.text
    complaint_id = re.search(r"filed=([0-9a-f-]{36})", filed.headers["location"]).group(1)
    reports = api.view(complaint_id)["reports"]
    assert len(reports) == 1
    report = api.http.get(f"/api/v1/reports/{reports[0]}", headers=api.auth("sup01")).json()
    assert report["complaint_id"] == complaint_id
    assert report["reporter"]["name"] == "张三丰" and report["facts"] == ["商家以翻新机冒充新机销售。"]
    page = people["sup01"].get(f"/reports/{reports[0]}")
    assert f'href="/cases/{complaint_id}"' in page.text


def test_report_pages_render_in_english_too(people, api):
    rid = report_id_of(log_report(people["op01"]))
    for who, path in (("insp01", "/reports"), ("insp01", f"/reports/{rid}"),
                      ("sup01", "/reports/figures"), ("op01", "/reports/new")):
        in_language(people[who], "en")
        page = people[who].get(path)
        assert page.status_code == 200 and 'lang="en"' in page.text, (who, path)


def test_the_dashboard_counts_reports_awaiting_a_decision_and_those_overdue(people, api):
    log_report(people["op01"])
    log_report(people["op01"], **{"reporter.phone": "13700001111", "facts": "无照经营"})
    api.wiring.desk.clock.advance(days=22)  # past 1 June, the last day of both
    board = people["sup01"].get("/dashboard")
    assert board.status_code == 200
    tiles = board.text[board.text.index('id="report-tiles"'):]
    assert re.search(r"<b>2</b> 举报待决定", tiles) and re.search(r"<b>2</b> 举报核查超期", tiles)


def test_a_penalty_on_a_report_is_explained_on_the_business_page_by_the_report(people, api):
    rid = report_id_of(log_report(people["op01"]))
    insp = people["insp01"]
    for command, data in (("verify", {}), ("open-case", {"case_number": "立案9号"}),
                          ("close", {"outcome": "penalised", "note": "罚款"})):
        version = str(api.http.get(f"/api/v1/reports/{rid}",
                                   headers=api.auth("sup01")).json()["version"])
        answer = insp.post(f"/reports/{rid}/{command}", {**data, "version": version},
                           token_from=f"/reports/{rid}")
        assert answer.status_code == 200, answer.text
    page = people["sup01"].get("/businesses/91350100M000100Y43")
    assert page.status_code == 200
    assert f'href="/reports/{rid}#history"' in page.text
    assert "举报查实并作出行政处罚" in page.text


def test_the_assigned_mediator_records_a_clue_from_the_case_page(people, api):
    complaint_id = api.complaint_in("mediated")
    mediator = people["med01"]
    page = mediator.get(f"/cases/{complaint_id}")
    assert 'id="clue"' in page.text
    empty = mediator.post(f"/cases/{complaint_id}/clue", {"text": ""},
                          token_from=f"/cases/{complaint_id}")
    assert empty.status_code == 422
    done = mediator.post(f"/cases/{complaint_id}/clue", {"text": "商家销售无中文标签的奶粉"},
                         token_from=f"/cases/{complaint_id}")
    assert done.status_code == 200 and "已记录违法线索" in done.text
    (report_id,) = api.view(complaint_id)["reports"]
    assert 'id="linked-reports"' in done.text
    report = api.http.get(f"/api/v1/reports/{report_id}", headers=api.auth("sup01")).json()
    assert report["source"] == "mediation" and report["facts"] == ["商家销售无中文标签的奶粉"]
    operator_view = people["op01"].get(f"/cases/{complaint_id}")
    assert f'href="/reports/{report_id}"' in operator_view.text
    assert 'id="clue"' not in operator_view.text
