"""Entrusted mediation (Order 121 Art. 19) through HTTP: with both parties' consent an
office entrusts an accepted case to an organisation, whose mediator works it in the
office's name; clocks and the office stay as they were."""

from __future__ import annotations

from tests.e2e.conftest import ENTRUST


def _refused(api, case, response, status):
    before = api.view(case)["version"]
    assert response.status_code == status, response.text
    assert api.view(case)["version"] == before


def test_entrusting_needs_both_parties_consent_a_known_organisation_and_an_accepted_case(api):
    case = api.complaint_in("accepted")
    _refused(api, case, api.command(case, "entrust", "op01",
                                    {**ENTRUST, "business_consent": False}), 422)
    _refused(api, case, api.command(case, "entrust", "op01",
                                    {**ENTRUST, "organisation": "NOPE"}), 422)
    filed = api.complaint_in("filed")
    _refused(api, filed, api.command(filed, "entrust", "op01", ENTRUST), 409)

    done = api.command(case, "entrust", "op01", ENTRUST)
    assert done.status_code == 200, done.text
    assert done.json()["organisation"] == "SH-XB"
    assert "entrust" not in done.json()["allowed_actions"]
    _refused(api, case, api.command(case, "entrust", "sup01",
                                    {**ENTRUST, "organisation": "PD-TJ"}), 409)


def test_an_entrusted_case_goes_only_to_the_organisations_mediators_and_back_never(api):
    case = api.complaint_in("accepted")
    api.command(case, "entrust", "op01", ENTRUST)
    _refused(api, case, api.command(case, "assign", "op01", {"mediator": "med01"}), 422)
    _refused(api, case, api.command(case, "assign", "op01", {"mediator": "emed02"}), 422)
    ordinary = api.complaint_in("accepted")
    _refused(api, ordinary, api.command(ordinary, "assign", "op01", {"mediator": "emed01"}), 422)

    assigned = api.command(case, "assign", "op01", {"mediator": "emed01"})
    assert assigned.status_code == 200, assigned.text
    office, due = assigned.json()["office"], assigned.json()["mediation_due"]

    worked = api.command(case, "resolve", "emed01",
                         {"outcome": "refund", "amount_recovered": "100", "terms": "退款"})
    assert worked.status_code == 200, worked.text
    # In the office's name: same office, same clock as any mediation.
    assert worked.json()["office"] == office
    assert api.view(case)["mediation_due"] == due
    entrusted = [e for e in api.history(case) if e["type"] == "Entrusted"]
    assert entrusted[0]["data"]["organisation"] == "SH-XB"
    assert entrusted[0]["data"]["consumer_consent"] is True


def test_timeliness_groups_the_entrusted_cases_by_organisation(api):
    for _ in range(2):
        api.complaint_in("entrusted")
    api.complaint_in("mediated")
    api.wiring.projections.catch_up()
    page = api.http.get("/api/v1/timeliness", headers=api.auth("sup01")).json()
    groups = {g["key"]: g for g in page["organisations"]}
    assert set(groups) == {"SH-XB"}
    assert groups["SH-XB"]["open"] == 2
    mediation = {t["clock"]: t for t in groups["SH-XB"]["clocks"]}["mediation"]
    assert mediation["open"] == 2


def test_an_admin_adds_an_organisation_and_a_duplicate_is_refused(api):
    added = api.http.post("/api/v1/organisations", json={"code": "JA-XH", "name": "静安区消协",
                                                         "kind": "consumer_association"},
                          headers=api.auth("adm01"))
    assert added.status_code == 201, added.text
    again = api.http.post("/api/v1/organisations", json={"code": "JA-XH", "name": "重复"},
                          headers=api.auth("adm01"))
    assert again.status_code == 422
    listed = api.http.get("/api/v1/organisations", headers=api.auth("op01")).json()
    assert [o["code"] for o in listed] == ["JA-XH", "PD-TJ", "SH-XB"]


def test_an_upheld_recusal_on_an_entrusted_case_stays_within_the_organisation(api):
    case = api.complaint_in("entrusted")
    api.command(case, "recusal-request", "op01", {"by": "business", "reason": "利害关系"})
    _refused(api, case, api.command(case, "recusal-decision", "sup01",
                                    {"upheld": True, "mediator": "med01", "note": "回避"}), 422)


def test_an_admin_creates_an_entrusted_mediator_only_for_a_known_organisation(api):
    def create(**extra):
        return api.http.post("/api/v1/accounts", json={
            "username": "emed09", "role": "mediator", "password": "a-long-secret-1", **extra},
            headers=api.auth("adm01"))

    assert create(organisation="NOPE").status_code == 422
    assert create(role="operator", organisation="SH-XB").status_code == 422
    made = create(organisation="SH-XB")
    assert made.status_code == 201, made.text
    assert made.json()["organisation"] == "SH-XB"
