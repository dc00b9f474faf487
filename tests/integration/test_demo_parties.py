"""The demo a first start seeds shows a proxy, a joint case, an entrusted case, an
identity request and a pattern the abuse signals catch, on SQLite and PostgreSQL."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import select

from adapters.settings import Settings
from adapters.views.abuse_signals import abuse_filings
from api.bootstrap import wire
from api.cli_serve import seed_demo


@pytest.fixture
def wiring(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    yield wiring
    wiring.close()


def test_the_demo_shows_every_party_mechanism_and_an_abuse_pattern(wiring):
    seed_demo(wiring, 20)
    wiring.projections.catch_up()
    details = [wiring.desk.get_complaint(i) for i in _all_ids(wiring)]

    assert any(d.proxy and d.materials_complete for d in details)
    assert any(d.joint and d.consents == {"settle": [1]} for d in details)
    assert any(d.organisation == "SH-XB" and d.mediator == "emed01" for d in details)
    assert any(d.identity_due and not d.identity_verified for d in details)
    signs = wiring.abuse_signals.signs_of(str(d.id) for d in details)
    assert sum("shared_phone" in s for s in signs.values()) == 5
    assert sum("repeat_business" in s for s in signs.values()) == 3
    assert wiring.accounts.get("emed01").organisation == "SH-XB"


def _all_ids(wiring):
    with wiring.engine.connect() as db:
        return [UUID(i) for i in db.scalars(select(abuse_filings.c.complaint_id))]
