"""What every benchmark shares: fresh stores, a realistic filing, actors, medians, tables.

Each measured run gets a store of its own: a new SQLite file in a temporary
directory, or a new PostgreSQL schema named `bench_<random>_<label>`. Every schema
made here is dropped when the run ends (also on Ctrl-C, through `atexit`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/lifecycle.py` as well as `python -m bench`
    sys.path.insert(0, str(ROOT))

POSTGRES_URL = os.environ.get(
    "COMPLAINTS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgres")

_RUN = uuid.uuid4().hex[:8]
_TMP: list[Path] = []  # made on first use, so runs without SQLite leave nothing behind
_SCHEMAS: list[str] = []


_CIPHER_KEY: list[str] = []


def settings_for(url: str, *, cipher: bool = True) -> Any:
    """Settings for a benchmark store: one cipher key per run, as production would have.

    PostgreSQL refuses to start without a key (adapters.keys), and on SQLite a given
    key keeps the desk from writing a key file beside the database. The audit keys
    (chain and checkpoint signing) are made once per run too, and put in the
    environment so that child processes measuring the same store are handed them.
    """
    from adapters.settings import Settings

    audit = _audit_keys()
    if not cipher:
        return Settings(database_url=url, cipher_key=None, **audit)
    if not _CIPHER_KEY:
        from eventsourcing.cryptography import AESCipher

        # A child process measuring a store its parent seeded is handed the same key.
        _CIPHER_KEY.append(os.environ.get("BENCH_CIPHER_KEY")
                           or AESCipher.create_key(num_bytes=32))
        # The index keys, like the cipher key: one per run (PostgreSQL requires them).
        _CIPHER_KEY.append(os.environ.get("BENCH_BLIND_INDEX_KEY")
                           or AESCipher.create_key(num_bytes=32))
        _CIPHER_KEY.append(os.environ.get("BENCH_SEARCH_TOKEN_KEY")
                           or AESCipher.create_key(num_bytes=32))
    return Settings(database_url=url, cipher_key=_CIPHER_KEY[0], blind_index_key=_CIPHER_KEY[1],
                    search_token_key=_CIPHER_KEY[2], **audit)


def _audit_keys() -> dict[str, str]:
    from adapters.keys import new_chain_key, new_signing_key

    os.environ.setdefault("BENCH_CHAIN_KEY", new_chain_key())
    os.environ.setdefault("BENCH_SIGNING_KEY", new_signing_key())
    return {"chain_key": os.environ["BENCH_CHAIN_KEY"],
            "signing_key": os.environ["BENCH_SIGNING_KEY"]}


def backends(choice: str) -> list[str]:
    return list(BACKENDS) if choice == "both" else [choice]


@contextmanager
def fresh_store(backend: str, label: str) -> Iterator[str]:
    """A `database_url` for Settings naming an empty store, removed afterwards."""
    if backend == "sqlite":
        if not _TMP:
            _TMP.append(Path(tempfile.mkdtemp(prefix=f"bench_{_RUN}_")))
        folder = _TMP[0] / label
        folder.mkdir(parents=True, exist_ok=False)
        try:
            yield f"sqlite:///{folder}/complaints.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    schema = f"bench_{_RUN}_{label}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
        db.execute(f'CREATE SCHEMA "{schema}"')
    _SCHEMAS.append(schema)
    try:
        yield f"{POSTGRES_URL}?schema={schema}"
    finally:
        drop_schema(schema)


def drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
        db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    if schema in _SCHEMAS:
        _SCHEMAS.remove(schema)


@atexit.register
def _clean_up() -> None:
    for schema in list(_SCHEMAS):
        try:
            drop_schema(schema)
        except Exception as error:  # report, never hide, a schema left behind
            print(f"warning: could not drop schema {schema}: {error}", file=sys.stderr)
    for folder in _TMP:
        shutil.rmtree(folder, ignore_errors=True)


# ----- a realistic filing ---------------------------------------------------

_PEOPLE = [
    ("张三", "13812345678", "福州市鼓楼区五四路88号华城国际北楼1203室"),
    ("李四", "13959112345", "福州市台江区工业路233号"),
    ("王小明", "0591-87654321", "福州市仓山区首山路12号"),
    ("欧阳娜娜", "15005912345", "厦门市思明区湖滨南路100号"),
]
_BUSINESSES = [
    {"name": "福州某某电器有限公司", "uscc": "91350100M000100Y43",
     "address": "福州市晋安区福新中路1号", "platform": "某东商城"},
    {"name": "鼓楼区好味道餐饮店", "uscc": None, "address": "福州市鼓楼区东街口", "platform": None},
    {"name": "ＡＢＣ旅行社（福州）", "uscc": None, "address": None, "platform": "某程旅行"},
]
_DESCRIPTION = (
    "2026年5月1日在该商家网店购买滚筒洗衣机一台，价款1299元。送货安装后第二天即无法启动，"
    "显示错误代码E21。多次联系商家客服要求退货，商家以已安装、影响二次销售为由拒绝，"
    "只同意上门维修。维修两次后仍然无法正常使用。"
)


# Offices from the offices file the desk ships with (filings name a known office).
DISTRICTS = ("SH-HP", "SH-PD", "SH-XH")


def filing_body(i: int = 0) -> dict[str, Any]:
    """An API body as an operator would submit it; `Intake.parse` turns it into values."""
    name, phone, address = _PEOPLE[i % len(_PEOPLE)]
    business = dict(_BUSINESSES[i % len(_BUSINESSES)])
    return {
        "channel": ("phone", "web", "wechat", "app")[i % 4],
        "consumer": {"name": name, "phone": phone, "address": address},
        "business": {k: v for k, v in business.items() if v is not None},
        "category": "goods" if i % 3 else "services",
        "industry": ("online_shopping", "catering", "tourism")[i % 3],
        "incident_date": "2026-05-01",
        "amount": f"{1299 + i % 100}.00",
        "description": _DESCRIPTION,
        "request": "要求退货并全额退款1299元，赔偿往返误工损失。",
        "office": DISTRICTS[i % len(DISTRICTS)],
    }


NOTE_TEXT = "组织双方现场调解。商家同意退货退款，消费者同意不再追究误工损失。"
TERMS = "商家于三个工作日内退还货款1299元，并上门取回洗衣机。"


def actors() -> tuple[Any, Any]:
    from domain.permissions import Actor
    from domain.vocabulary import Role

    return Actor("op1", Role.OPERATOR), Actor("med1", Role.MEDIATOR)


# ----- numbers ----------------------------------------------------------------

@dataclass
class Samples:
    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def spread(self) -> str:
        return " / ".join(f"{v:,.0f}" for v in self.values)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def load() -> str:
    """The 1-minute load average against the cores: above ~1 per core, figures are noisy."""
    one, _, _ = os.getloadavg()
    return f"{one:.1f}/{os.cpu_count()}"


def machine() -> str:
    import platform

    import eventsourcing  # noqa: F401
    import sqlalchemy
    from importlib.metadata import version

    return (f"python {platform.python_version()}, eventsourcing {version('eventsourcing')}, "
            f"SQLAlchemy {sqlalchemy.__version__}, {os.cpu_count()} CPUs, load {load()}")
