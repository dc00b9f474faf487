"""A copy of the database without its keys shows nobody's personal data (issue: the
list view's search column held descriptions in clear). The raw files are read as bytes:
SQLite's main file and its write-ahead log, every PostgreSQL table through COPY."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from adapters.settings import Settings
from api.bootstrap import wire
from application.listing import ListFilter
from tests.conftest import POSTGRES_URL
from tests.integration.helpers import an_intake, mediator, operator

PERSONAL = {
    "name": "欧阳小明",
    "phone": "13987654321",
    "address": "上海市徐汇区漕溪北路88号",
    "id_number": "11010519491231002X",
}
DESCRIPTION = "我叫欧阳小明，身份证11010519491231002X，住漕溪北路88号，蓝牙耳机左耳无声"
NOTE = "回访欧阳小明，手机13987654321"
# Every value, and pieces of them long enough to identify someone.
SECRETS = [*PERSONAL.values(), DESCRIPTION, NOTE, "欧阳小明", "漕溪北路", "蓝牙耳机左耳",
           "0519491231"]


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def raw_bytes(wiring) -> bytes:
    settings = wiring.settings
    if not settings.is_postgres:
        files = [settings.sqlite_path, Path(f"{settings.sqlite_path}-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    schema = settings.postgres_schema
    dumped = b""
    with psycopg.connect(POSTGRES_URL) as db:
        tables = [r[0] for r in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))]
        for table in tables:
            with db.cursor().copy(f'COPY "{schema}"."{table}" TO STDOUT') as copy:
                for chunk in copy:
                    dumped += bytes(chunk)
    assert tables, "no tables found to read"
    return dumped


def test_no_personal_data_can_be_read_from_the_raw_database(wiring, clock):
    desk = wiring.desk
    complaint_id = desk.file(an_intake(clock(), consumer=PERSONAL, description=DESCRIPTION,
                                       request="退款并赔偿，联系13987654321"), actor=operator)
    desk.accept(complaint_id, actor=operator)
    desk.assign(complaint_id, actor=operator, mediator="med01")
    desk.add_note(complaint_id, actor=mediator, kind="session", text=NOTE)
    desk.resolve(complaint_id, actor=mediator, outcome="refund", amount_recovered="99",
                 terms="商家退款给欧阳小明")
    desk.record_satisfaction(complaint_id, actor=operator, score=2, comment="欧阳小明不满意")
    rejected = desk.file(an_intake(clock(), consumer=PERSONAL), actor=operator)
    desk.reject(rejected, actor=operator, reason="outside_remit", note="已电话告知欧阳小明")
    withdrawn = desk.file(an_intake(clock(), consumer=PERSONAL, office="SH-12315"),
                          actor=operator)
    desk.transfer(withdrawn, actor=operator, to_office="SH-JA", note="欧阳小明要求移送")
    desk.return_to_intake(withdrawn, actor=operator, reason="欧阳小明住所不在本区")
    desk.withdraw(withdrawn, actor=operator, note="欧阳小明撤回")
    wiring.projections.catch_up()
    # The desk still finds the caller and the words, through keyed tokens.
    assert wiring.complaint_list.search(ListFilter(q="13987654321")).total == 3
    assert wiring.complaint_list.search(ListFilter(q="耳机")).total == 1

    dumped = raw_bytes(wiring)

    assert len(dumped) > 10_000
    assert "上海优选电子商务有限公司".encode() in dumped  # the business is not personal: readable
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "gb18030"):
            assert secret.encode(encoding) not in dumped, (secret, encoding)
