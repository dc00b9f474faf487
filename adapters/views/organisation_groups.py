"""The timeliness summary per entrusted organisation (Order 121 Art. 19): the sum of its
mediators' figures. An organisation's mediators work only the cases entrusted to it, so
their clocks are exactly the organisation's."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.views.timeliness import ClockTally, GroupSummary


def by_organisation(mediators: list[GroupSummary],
                    organisation_of: Mapping[str, str]) -> list[GroupSummary]:
    grouped: dict[str, list[GroupSummary]] = {}
    for group in mediators:
        organisation = organisation_of.get(group.key)
        if organisation:
            grouped.setdefault(organisation, []).append(group)
    return [_summed(code, groups) for code, groups in sorted(grouped.items())]


def _summed(key: str, groups: list[GroupSummary]) -> GroupSummary:
    closed, met = sum(g.closed for g in groups), sum(g.met for g in groups)
    tallies: dict[str, list[ClockTally]] = {}
    for group in groups:
        for tally in group.clocks:
            tallies.setdefault(tally.clock, []).append(tally)
    return GroupSummary(
        key=key, open=sum(g.open for g in groups), overdue=sum(g.overdue for g in groups),
        due_soon=sum(g.due_soon for g in groups), closed=closed, met=met,
        on_time_rate=met / closed if closed else None,
        clocks=tuple(_tally(clock, ts) for clock, ts in tallies.items()))


def _tally(clock: str, tallies: list[ClockTally]) -> ClockTally:
    closed, met = sum(t.closed for t in tallies), sum(t.met for t in tallies)
    return ClockTally(clock=clock, open=sum(t.open for t in tallies),
                      overdue=sum(t.overdue for t in tallies),
                      due_soon=sum(t.due_soon for t in tallies), closed=closed, met=met,
                      on_time_rate=met / closed if closed else None)
