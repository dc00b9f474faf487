"""Consumer warnings (Order 121 Art. 38): find the surges, list them, publish a warning.

Detection counts each business's, industry's and kind of problem's complaints per
week (local Monday to Sunday) from the statistics view, tests the last complete week
against the weeks before it (domain/surge_test.py, thresholds from data) and records
a flag for each surge, once per subject and week. A supervisor reads the flags with
the complaints behind them and may publish a warning on the public page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Protocol
from uuid import UUID

from domain.errors import InvalidValue
from domain.permissions import Actor
from domain.surge_test import SurgeRule, assess
from domain.warnings import ConsumerWarning, RiskFlag, flag_id_for


class WarningsReadModel(Protocol):
    def received(self, since: date, until: date) -> list[tuple[str, str, str, str, str, date]]: ...
    def flags(self, *, since: date | None = None) -> list[dict[str, Any]]: ...
    def flag(self, flag_id: str) -> dict[str, Any] | None: ...
    def warnings(self, *, in_force_on: date | None = None) -> list[dict[str, Any]]: ...


class FlagNotFound(Exception):
    def __init__(self, flag_id: str) -> None:
        super().__init__(f"no flag {flag_id}")


@dataclass(frozen=True)
class Detected:
    week_start: date
    tested: int  # subjects with complaints in the week
    raised: list[UUID]  # new flags; a surge flagged before is not raised again


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Warnings:
    def __init__(self, desk: Any, view: WarningsReadModel, rules: dict[str, SurgeRule], *,
                 tz: tzinfo, clock: Callable[[], datetime]) -> None:
        self.desk = desk
        self.view = view
        self.rules = rules
        self.tz = tz
        self.clock = clock

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    def detect(self, *, actor: Actor, week_start: date | None = None) -> Detected:
        """Test one week (default: the last complete one) for every subject."""
        week = week_start_of(week_start) if week_start else week_start_of(self.today()) - timedelta(days=7)
        if week + timedelta(days=6) >= self.today():
            raise InvalidValue("week", "only a complete week can be tested")
        longest = max(rule.baseline_weeks for rule in self.rules.values())
        rows = self.view.received(week - timedelta(weeks=longest), week + timedelta(days=6))
        subjects: dict[tuple[str, str], dict[str, Any]] = {}
        for cid, business_key, business_name, industry, category, received in rows:
            for kind, key, label in (("business", business_key, business_name),
                                     ("industry", industry, industry),
                                     ("problem", f"{category}:{industry}", f"{category}:{industry}")):
                subject = subjects.setdefault((kind, key), {
                    "label": label, "weeks": defaultdict(int), "ids": []})
                subject["weeks"][week_start_of(received)] += 1
                if received >= week:
                    subject["ids"].append(cid)
        flags, tested = [], 0
        at = self.clock()
        for (kind, key), subject in sorted(subjects.items()):
            if not subject["ids"]:
                continue
            tested += 1
            rule = self.rules[kind]
            counts = [subject["weeks"].get(week - timedelta(weeks=n), 0)
                      for n in range(rule.baseline_weeks, -1, -1)]
            surge = assess(counts, rule)
            if surge is None or self._exists(flag_id_for(kind, key, week)):
                continue
            flags.append(RiskFlag.raise_flag(
                actor=actor, at=at, kind=kind, key=key, label=subject["label"], week_start=week,
                observed=surge.observed, baseline=surge.baseline, p_value=surge.p_value,
                complaint_ids=sorted(subject["ids"]), rule=rule.as_data()))
        if flags:
            self.desk.record(*flags)
        return Detected(week_start=week, tested=tested, raised=[f.id for f in flags])

    def flags(self, *, since: date | None = None) -> list[dict[str, Any]]:
        return self.view.flags(since=since)

    def publish(self, *, actor: Actor, title: str, message: str, scope: str | None = None,
                key: str | None = None, label: str | None = None, valid_from: date,
                valid_until: date, flag_ids: list[str]) -> UUID:
        """Publish a warning; on flags, its scope is theirs unless given."""
        flags = []
        for flag_id in flag_ids:
            found = self.view.flag(flag_id)
            if found is None:
                raise FlagNotFound(flag_id)
            flags.append(found)
        if flags and scope is None:
            scope, key, label = flags[0]["kind"], flags[0]["key"], flags[0]["label"]
        if valid_from < self.today() - timedelta(days=1):
            raise InvalidValue("valid_from", "a warning cannot start in the past")
        warning = ConsumerWarning.publish(
            actor=actor, at=self.clock(), title=title, message=message, scope=scope, key=key,
            label=label, valid_from=valid_from, valid_until=valid_until,
            flag_ids=[str(f["id"]) for f in flags])
        self.desk.record(warning)
        return warning.id

    def in_force(self) -> list[dict[str, Any]]:
        return self.view.warnings(in_force_on=self.today())

    def all_warnings(self) -> list[dict[str, Any]]:
        return self.view.warnings()

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.desk.recorder.select_events(aggregate_id, limit=1))
