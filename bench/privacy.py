"""What keeping personal data unreadable costs: data keys on writes, keyed searches.

Side by side in one run:

1. Writes: complaint lifecycles (file, accept, assign, note, resolve; one save per
   command) through the desk with per-complaint data keys (personal fields and free
   text sealed inside each event, the key wrapped under the cipher key) against the
   desk as it was (the whole event under the cipher key only). Interleaved rounds,
   medians, ratio (goal >= 0.85).
2. Searches over the complaint list at --complaints rows (the view filled through its
   own `apply`, in pages, from in-memory filings):
   - a caller's full phone through the blind index, as `q=` runs it (count and first
     page; the words of the query are looked up in the keyed pairs too) and alone in
     the anchor's shape, against the anchor: the same two queries over a plain indexed
     phone column (what a clear-text lookup would cost);
   - a two-character word and longer phrases of the descriptions through the keyed
     character pairs, against what they replaced: a LIKE over the words in clear.
   p50 and p99 in milliseconds over --queries searches each.

    .venv/bin/python -m bench.privacy                                  # modest: 20,000 complaints
    .venv/bin/python -m bench.privacy --complaints 200000 --skip-writes  # the big search run
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import (
    NOTE_TEXT, TERMS, Samples, actors, backends, filing_body, fresh_store, machine,
    settings_for, table,
)

PRODUCTS = ["手机", "耳机", "洗衣机", "空调", "电动车", "运动鞋", "羽绒服", "冰箱", "笔记本电脑",
            "奶粉", "机票", "健身卡", "课程", "家具", "热水器", "眼镜", "床垫", "扫地机器人"]
PROBLEMS = ["屏幕有坏点", "无法开机", "左耳没有声音", "漏水", "开胶", "掉色", "不制冷", "电池鼓包",
            "退款不到账", "虚假宣传", "拒绝七天无理由退货", "质量问题", "延迟发货", "收费不明"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


# ----- 1. writes ----------------------------------------------------------------

SLICE = 10
VARIANTS = ("cipher only (before)", "data keys (now)")


class Lifecycles:
    """A desk on a fresh store of its own, running lifecycles when told."""

    def __init__(self, url: str, *, data_keys: bool) -> None:
        from adapters.data_keys import DataKeys
        from adapters.database import ensure_postgres_schema, make_engine
        from adapters.keyring import Keyring
        from application.desk import ComplaintDesk

        settings = settings_for(url)
        ensure_postgres_schema(settings)
        self.engine = make_engine(settings)
        keys = None
        if data_keys:
            keys = DataKeys(self.engine, Keyring.of(settings.cipher_key or ""))
            keys.setup()
        self.desk = ComplaintDesk(settings.to_eventsourcing_env(), tz=settings.tz,
                                  data_keys=keys)

    def run(self, intakes: list[Any]) -> None:
        operator, mediator = actors()
        desk = self.desk
        for intake in intakes:
            cid = desk.file(intake, actor=operator)
            desk.accept(cid, actor=operator)
            desk.assign(cid, actor=operator, mediator=mediator.username)
            desk.add_note(cid, actor=mediator, kind="session", text=NOTE_TEXT)
            desk.resolve(cid, actor=mediator, outcome="refund", amount_recovered="1299.00",
                         terms=TERMS)

    def close(self) -> None:
        self.desk.close()
        self.engine.dispose()


def write_round(backend: str, n: int, round_: int) -> dict[str, tuple[float, float]]:
    """Both variants open at once on stores of their own, taking turns in slices of
    SLICE lifecycles (order rotating), so each samples the same moments of a busy
    machine. Returns (events/s, client CPU µs per event) per variant."""
    from domain.intake import Intake

    elapsed = dict.fromkeys(VARIANTS, 0.0)
    cpu = dict.fromkeys(VARIANTS, 0.0)
    with fresh_store(backend, f"privacy_w{round_}_before") as before_url, \
            fresh_store(backend, f"privacy_w{round_}_now") as now_url:
        runners = {VARIANTS[0]: Lifecycles(before_url, data_keys=False),
                   VARIANTS[1]: Lifecycles(now_url, data_keys=True)}
        try:
            intakes = [Intake.parse(filing_body(i), now=runners[VARIANTS[0]].desk.clock(),
                                    default_office=None) for i in range(n + SLICE)]
            for runner in runners.values():  # untimed warm-up
                runner.run(intakes[n:])
            for turn, start in enumerate(range(0, n, SLICE)):
                order = VARIANTS if turn % 2 == 0 else tuple(reversed(VARIANTS))
                for name in order:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    runners[name].run(intakes[start:start + SLICE])
                    elapsed[name] += time.perf_counter() - started
                    cpu[name] += time.process_time() - cpu_started
        finally:
            for runner in runners.values():
                runner.close()
    events = 5 * n
    return {name: (events / elapsed[name], cpu[name] / events * 1e6) for name in VARIANTS}


def writes(backend: str, complaints: int, rounds: int) -> None:
    results = [write_round(backend, complaints, r) for r in range(rounds)]
    rates = {name: [r[name][0] for r in results] for name in VARIANTS}
    cpus = {name: [r[name][1] for r in results] for name in VARIANTS}
    before = Samples(rates[VARIANTS[0]]).median
    per_round = [r[VARIANTS[1]][0] / r[VARIANTS[0]][0] for r in results]
    rows = [(name, f"{Samples(rates[name]).median:,.0f}", Samples(rates[name]).spread(),
             f"{Samples(rates[name]).median / before:.2f}",
             f"{statistics.median(cpus[name]):,.0f}") for name in VARIANTS]
    print(f"\n{backend}: lifecycle events written/s, {complaints} complaints x 5 events, "
          f"{rounds} rounds, slices of {SLICE}")
    print(table(("variant", "median ev/s", "rounds", "ratio to before", "client CPU µs/ev"),
                rows))
    print(f"  per-round ratios: {' / '.join(f'{r:.2f}' for r in per_round)} "
          f"(median {statistics.median(per_round):.2f}; goal >= 0.85)")


# ----- 2. searches ----------------------------------------------------------------

def _filings(n: int, rng: random.Random) -> list[dict[str, Any]]:
    bodies = []
    for i in range(n):
        body = filing_body(i)
        body["consumer"] = {
            "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            "phone": f"1{rng.choice('3589')}{i:09d}",
            "address": body["consumer"]["address"],
        }
        product, problem = rng.choice(PRODUCTS), rng.choice(PROBLEMS)
        body["description"] = f"在网店购买的{product}{problem}，联系商家多次未果，要求处理。"
        body["request"] = rng.choice(["退货退款", "维修", "赔偿损失", "更换新品"])
        bodies.append(body)
    return bodies


def _old_search_text(event: Any) -> str:
    from domain.identifiers import halfwidth

    business = event.business
    words = [business["name"], business.get("platform"), business.get("uscc"),
             event.description, event.request]
    return halfwidth(" ".join(w for w in words if w)).casefold()


def fill(wiring: Any, n: int, page: int = 2000) -> list[str]:
    """The list view filled through its own apply, from filings made in memory."""
    from sqlalchemy import Column, Index, MetaData, String, Table, bindparam

    from adapters.views.complaint_list import complaint_list

    from domain.complaint import Complaint
    from domain.intake import Intake

    operator, _ = actors()
    rng = random.Random(12315)
    view = wiring.complaint_list
    plain = Table("bench_plain_phone", MetaData(), Column("phone", String(20)),
                  Column("complaint_id", String(36)), Index("ix_bench_plain_phone", "phone"))
    plain.create(wiring.engine)
    phones: list[str] = []
    start = datetime(2026, 5, 2, tzinfo=UTC)
    bodies = _filings(n, rng)
    for first in range(0, n, page):
        events = []
        for i, body in enumerate(bodies[first:first + page], start=first):
            at = start + timedelta(minutes=i)
            intake = Intake.parse(body, now=at, default_office=None)
            complaint = Complaint.file(intake, actor=operator, at=at, tz=wiring.settings.tz)
            events.append((complaint.collect_events()[0], i + 1))
            phones.append(body["consumer"]["phone"])
        with wiring.engine.begin() as db:
            view.apply(db, events)
            db.execute(plain.insert(), [{"phone": e.consumer["phone"],
                                         "complaint_id": str(e.originator_id)} for e, _ in events])
            # The column as it was before keyed tokens, in this throw-away store only: the
            # clear words a LIKE scanned, for the second anchor.
            db.execute(complaint_list.update().where(complaint_list.c.id == bindparam("_id"))
                       .values(search_text=bindparam("text")),
                       [{"_id": str(e.originator_id), "text": _old_search_text(e)}
                        for e, _ in events])
    return phones


def _count_and_page(wiring: Any, ids: Any, params: dict[str, Any]) -> int:
    from sqlalchemy import func, select

    from adapters.views.complaint_list import complaint_list

    where = complaint_list.c.id.in_(ids)
    with wiring.engine.connect() as db:
        total = db.scalar(select(func.count()).select_from(complaint_list).where(where), params)
        db.execute(select(complaint_list).where(where)
                   .order_by(complaint_list.c.received_at.desc(), complaint_list.c.id)
                   .limit(50), params).all()
    return int(total or 0)


def _plain_search(wiring: Any, phone: str) -> int:
    """The anchor: a clear-text indexed column, the same count and first page."""
    from sqlalchemy import select, text

    ids = select(text("complaint_id")).select_from(text("bench_plain_phone")).where(
        text("phone = :p"))
    return _count_and_page(wiring, ids, {"p": phone})


def _blind_search(wiring: Any, phone: str) -> int:
    """The blind index alone, in the anchor's shape: the HMAC, then one indexed lookup."""
    from sqlalchemy import select

    from adapters.views.search_index import consumer_lookup

    tokens = wiring.complaint_list.index.lookup_tokens(phone)
    ids = select(consumer_lookup.c.complaint_id).where(consumer_lookup.c.token.in_(tokens))
    return _count_and_page(wiring, ids, {})


def _clear_text_search(wiring: Any, word: str) -> int:
    """The second anchor: the search as it was, a LIKE over words stored in clear."""
    from sqlalchemy import func, select

    from adapters.views.complaint_list import complaint_list

    where = complaint_list.c.search_text.contains(word, autoescape=True)
    with wiring.engine.connect() as db:
        total = db.scalar(select(func.count()).select_from(complaint_list).where(where))
        db.execute(select(complaint_list).where(where)
                   .order_by(complaint_list.c.received_at.desc(), complaint_list.c.id)
                   .limit(50)).all()
    return int(total or 0)


def _timed(call: Any, queries: list[Any]) -> tuple[float, float, int]:
    spent = []
    found = 0
    for q in queries:
        started = time.perf_counter()
        found += call(q)
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    return statistics.median(spent), spent[min(len(spent) - 1, int(len(spent) * 0.99))], found


def searches(backend: str, complaints: int, queries: int) -> None:
    from api.bootstrap import wire
    from application.listing import ListFilter

    with fresh_store(backend, "privacy_search") as url:
        wiring = wire(settings_for(url))
        try:
            started = time.perf_counter()
            phones = fill(wiring, complaints)
            filled = time.perf_counter() - started
            if backend == "postgres":
                with wiring.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                    db.exec_driver_sql("ANALYZE")
            else:
                with wiring.engine.begin() as db:
                    db.exec_driver_sql("ANALYZE")
            view = wiring.complaint_list
            with wiring.engine.connect() as db:
                term_rows = db.exec_driver_sql("SELECT count(*) FROM complaint_terms").scalar()
            rng = random.Random(7)
            wanted = [rng.choice(phones) for _ in range(queries)]
            ours = _timed(lambda q: view.search(ListFilter(q=q)).total, wanted)
            anchor = _timed(lambda q: _plain_search(wiring, q), wanted)
            blind = _timed(lambda q: _blind_search(wiring, q), wanted)
            two_words = [rng.choice(PRODUCTS[:2]) for _ in range(queries)]
            phrases = [rng.choice(["屏幕有坏点", "电池鼓包", "虚假宣传", "拒绝七天无理由退货"])
                       for _ in range(queries)]
            two = _timed(lambda q: view.search(ListFilter(q=q)).total, two_words)
            four = _timed(lambda q: view.search(ListFilter(q=q)).total, phrases)
            two_clear = _timed(lambda q: _clear_text_search(wiring, q), two_words)
            four_clear = _timed(lambda q: _clear_text_search(wiring, q), phrases)
        finally:
            wiring.close()
    assert ours[2] == anchor[2] == blind[2] == queries, (ours[2], anchor[2], blind[2])
    print(f"\n{backend}: {complaints:,} complaints ({term_rows:,} keyed pair rows), filled "
          f"through the view in {filled:.0f} s; {queries} searches each")
    rows = [
        ("full phone, blind index (q=)", f"{ours[0]:.2f}", f"{ours[1]:.2f}",
         f"{ours[0] / anchor[0]:.2f}"),
        ("full phone, blind index alone", f"{blind[0]:.2f}", f"{blind[1]:.2f}",
         f"{blind[0] / anchor[0]:.2f}"),
        ("anchor: plain indexed phone column", f"{anchor[0]:.2f}", f"{anchor[1]:.2f}", "1.00"),
    ]
    print(table(("search", "p50 ms", "p99 ms", "p50 ratio to anchor"), rows))
    rows = [
        ("two-character word, keyed pairs", f"{two[0]:.2f}", f"{two[1]:.2f}",
         f"{two[0] / two_clear[0]:.2f}"),
        ("  before: LIKE over clear text", f"{two_clear[0]:.2f}", f"{two_clear[1]:.2f}", "1.00"),
        ("longer phrase, keyed pairs", f"{four[0]:.2f}", f"{four[1]:.2f}",
         f"{four[0] / four_clear[0]:.2f}"),
        ("  before: LIKE over clear text", f"{four_clear[0]:.2f}", f"{four_clear[1]:.2f}",
         "1.00"),
    ]
    print(table(("words of descriptions", "p50 ms", "p99 ms", "p50 ratio to before"), rows))
    print(f"  matches per word search: {two[2] / queries:,.0f} (two characters), "
          f"{four[2] / queries:,.0f} (phrase); LIKE found {two_clear[2] / queries:,.0f} and "
          f"{four_clear[2] / queries:,.0f} (pairs may also meet apart)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=20_000, help="rows for the searches")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--write-complaints", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-writes", action="store_true")
    parser.add_argument("--skip-searches", action="store_true")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    print(machine())
    for backend in backends(args.backend):
        if not args.skip_writes:
            writes(backend, args.write_complaints, args.rounds)
        if not args.skip_searches:
            searches(backend, args.complaints, args.queries)


if __name__ == "__main__":
    main()
