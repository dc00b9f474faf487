"""The demo store shows every path of both texts, so the dashboard and credit pages show
realistic figures; and its businesses can be swapped for a benchmark's thousands."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from adapters.demo_data import DemoFactory
from domain.vocabulary import Industry

NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)


def demo_events(n: int = 1500) -> tuple[Counter[str], Counter[str]]:
    seen: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    for complaint in DemoFactory(seed=7, now=NOW).complaints(n):
        texts[complaint.regulation] += 1
        for event in complaint.collect_events():
            name = type(event).__name__
            seen[name] += 1
            for field in ("kind", "forum", "level", "mode", "record", "reason"):
                value = getattr(event, field, None)
                if isinstance(value, str) and name != "NoteAdded":
                    seen[f"{name}.{field}={value}"] += 1
            if getattr(event, "notified_via", None):
                seen[f"{name}.notified_via"] += 1
            if getattr(event, "body", None):
                seen[f"{name}.body"] += 1
    return seen, texts


def test_demo_cases_walk_the_order_121_paths_and_the_2019_ones():
    seen, texts = demo_events()

    assert texts["samr-2019"] > 100 and texts["samr-121"] > 300
    for path in (
        "DecisionNotified", "Rejected.notified_via", "Accepted.notified_via",
        "Withdrawn.kind=withdrawn", "Withdrawn.kind=settled_privately",
        "TerminationNoticeRecorded", "RecusalRequested", "RecusalDecided",
        "Escalated.forum=police", "Escalated.forum=court", "Escalated.forum=judicial_transfer",
        "Terminated.reason=fraud_suspected", "Terminated.reason=party_ceased",
        "Terminated.reason=testing_fee_disagreement", "Terminated.reason=testing_disagreement",
        "Terminated.reason=no_agreement_in_time", "Rejected.reason=false_materials",
        "SatisfactionRecorded.level=satisfied", "SatisfactionRecorded.level=basically_satisfied",
        "SatisfactionRecorded.level=dissatisfied", "Resolved.mode=on_site",
        "Resolved.mode=remote", "Resolved.record=agreement_document", "ClockSuspended.body",
        "Transferred", "ReturnedToIntake",
    ):
        assert seen[path] > 0, path


def test_demo_figures_are_not_uniform():
    seen, _ = demo_events(800)
    levels = [seen[f"SatisfactionRecorded.level={level}"]
              for level in ("satisfied", "basically_satisfied", "dissatisfied")]
    assert all(levels) and max(levels) < sum(levels) * 0.8
    assert seen["Terminated"] > 0 and seen["Escalated"] > 0 and seen["Rejected"] > 0


def test_a_longer_list_of_businesses_brings_its_own_weights():
    factory = DemoFactory(seed=1, now=NOW)
    many = {industry: [(f"商户{n:04d}", None, None) for n in range(400)] for industry in Industry}

    factory.use_businesses(many)

    assert all(len(factory.weights[i]) == 400 for i in Industry)
    names = {c.business["name"] for c in factory.complaints(50)}
    assert names and all(name.startswith("商户") for name in names)


def test_only_the_intake_centre_dispatches_and_a_district_office_sends_back_to_it():
    transfers, returns = [], []
    for complaint in DemoFactory(seed=3, now=NOW).complaints(600):
        for event in complaint.collect_events():
            if type(event).__name__ == "Transferred":
                transfers.append((event.from_office, event.actor["username"]))
            elif type(event).__name__ == "ReturnedToIntake":
                returns.append((event.from_office, event.to_office))

    assert transfers and all(fro == "SH-12315" and who == "op04" for fro, who in transfers)
    assert returns and all(fro != "SH-12315" and to == "SH-12315" for fro, to in returns)
