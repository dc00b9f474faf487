"""The demo business `./scripts/run` creates: an account that signs in, on the ODR
register, with its complaints taken through pre-settlement."""

from __future__ import annotations

from adapters.demo_data import DemoFactory, record_demo
from adapters.settings import Settings
from api.bootstrap import wire
from api.demo_business import seed_demo_business


def test_the_demo_business_signs_in_and_has_settled_and_open_odr_cases(database_url, clock):
    wiring = wire(Settings(database_url=database_url), clock=clock)
    try:
        record_demo(wiring.desk, DemoFactory(tz=wiring.settings.tz, offices=wiring.desk.offices,
                                             now=clock()), 150)
        made = seed_demo_business(wiring)
        assert made is not None
        username, code, password = made
        account = wiring.accounts.authenticate(username, password)
        assert account is not None and account.credit_code == code
        assert wiring.odr.register.get(code) is not None
        rates = wiring.odr.cases.rates([code])
        assert rates and rates[0].forwarded >= 1 and rates[0].settled == 1
        assert seed_demo_business(wiring) is None  # once
    finally:
        wiring.close()
