"""Statutory documents on the case page: issued with a button, downloaded or opened to
print, and shown on the timeline with their numbers."""

from __future__ import annotations

import hashlib
import re

from tests.e2e.test_pages import desk, strict_catalogs  # noqa: F401 (fixtures)


def test_the_case_page_issues_a_document_and_serves_it_to_download_and_print(api, desk):  # noqa: F811
    complaint_id = api.complaint_in("rejected")
    operator = desk["op01"]
    page = operator.get(f"/cases/{complaint_id}")
    assert 'name="kind" value="rejection_notice"' in page.text
    assert 'value="acceptance_notice"' not in page.text  # only what the case calls for

    done = operator.post(f"/cases/{complaint_id}/documents/issue", {"kind": "rejection_notice"},
                         token_from=f"/cases/{complaint_id}", follow_redirects=False)
    assert done.status_code == 303
    after = operator.get(done.headers["location"]).text
    document = api.http.get(f"/api/v1/complaints/{complaint_id}/documents",
                            headers=api.auth("op01")).json()[0]

    assert document["number"] == "沪浦市监诉不受〔2026〕1号"
    assert after.count(document["number"]) == 2  # the list of documents and the timeline
    assert 'name="kind" value="rejection_notice"' not in after  # issued: no second button
    link = f"/cases/{complaint_id}/documents/{document['id']}"
    download, printed = operator.get(link), operator.get(link + "?print=true")
    assert download.headers["content-disposition"].startswith("attachment")
    assert printed.headers["content-disposition"].startswith("inline")
    assert hashlib.sha256(printed.content).hexdigest() == document["sha256"]
    assert printed.content == download.content


def test_a_kind_the_case_does_not_call_for_stays_on_the_page_with_a_409(api, desk):  # noqa: F811
    complaint_id = api.complaint_in("accepted")
    before = api.view(complaint_id)["version"]

    page = desk["op01"].post(f"/cases/{complaint_id}/documents/issue",
                             {"kind": "mediation_agreement"}, token_from=f"/cases/{complaint_id}")

    assert page.status_code == 409
    assert re.search(r'class="banner error"', page.text)
    assert api.view(complaint_id)["version"] == before


def test_an_english_page_labels_the_documents_too(api, desk):  # noqa: F811
    complaint_id = api.complaint_in("accepted")
    browser = desk["sup01"]
    assert browser.get("/lang/en?next=/public").status_code == 200

    page = browser.get(f"/cases/{complaint_id}").text

    assert "Statutory documents" in page and "Acceptance notice" in page
