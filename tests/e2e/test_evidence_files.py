"""Evidence files over HTTP: uploaded, listed, downloaded as a file and never shown
inline; typed from their bytes; limited per file and per case; encrypted at rest."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import text

from domain.evidence import MAX_FILE_BYTES

# The first bytes are what tells the type; the rest is the receipt's picture.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64 + "小票：耳机 299元".encode() * 50
PDF = b"%PDF-1.4\n" + "合同条款".encode() * 200 + b"\n%%EOF"
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def upload(api, complaint_id: str, data: bytes, name: str = "receipt.png", as_: str = "op01"):
    return api.http.post(f"/api/v1/complaints/{complaint_id}/attachments",
                         files={"file": (name, data, "application/octet-stream")},
                         headers=api.auth(as_))


def test_an_uploaded_receipt_is_listed_and_downloaded_as_a_file_with_its_hash(api):
    complaint_id = api.file()["id"]

    added = upload(api, complaint_id, PNG, "小票 (1).png")
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["media_type"], body["size"]) == ("image/png", len(PNG))
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert body["filename"] == "小票 (1).png"

    listed = api.http.get(f"/api/v1/complaints/{complaint_id}/attachments",
                          headers=api.auth("sup01")).json()
    assert [a["id"] for a in listed] == [body["id"]]
    got = api.http.get(added.headers["location"], headers=api.auth("sup01"))
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"

    history = api.history(complaint_id)
    assert history[-1]["type"] == "AttachmentAdded"
    assert history[-1]["data"]["sha256"] == body["sha256"]


def test_a_file_is_typed_by_its_bytes_not_its_name(api):
    complaint_id = api.file()["id"]
    before = len(api.history(complaint_id))

    disguised = upload(api, complaint_id, HTML, "receipt.png")
    assert disguised.status_code == 415
    assert disguised.json()["field"] == "file"
    named_wrongly = upload(api, complaint_id, PDF, "photo.jpg")
    assert named_wrongly.status_code == 201
    assert named_wrongly.json()["media_type"] == "application/pdf"
    assert named_wrongly.json()["filename"] == "photo.pdf"
    assert len(api.history(complaint_id)) == before + 1


def test_limits_per_file_and_per_case_answer_413_naming_the_limit(api):
    complaint_id = api.file()["id"]
    too_big = upload(api, complaint_id, PNG + b"\x00" * MAX_FILE_BYTES)
    assert too_big.status_code == 413
    assert "10 MiB" in too_big.json()["detail"] and too_big.json()["field"] == "file"

    nine = b"\x00" * (9 * 1024 * 1024)
    answers = [upload(api, complaint_id, PNG + nine + bytes([i])).status_code for i in range(5)]
    assert answers == [201, 201, 201, 201, 413]
    assert len(api.http.get(f"/api/v1/complaints/{complaint_id}/attachments",
                            headers=api.auth("op01")).json()) == 4


def test_only_staff_who_may_read_the_case_add_or_read_its_files(api):
    complaint_id = api.complaint_in("mediated")
    assert upload(api, complaint_id, PNG, as_="med02").status_code == 403
    assert upload(api, complaint_id, PNG, as_="med01").status_code == 201
    listed = api.http.get(f"/api/v1/complaints/{complaint_id}/attachments",
                          headers=api.auth("med02"))
    assert listed.status_code == 403
    assert upload(api, "not-a-uuid", PNG).status_code == 422


def test_the_bytes_at_rest_are_encrypted(api):
    complaint_id = api.file()["id"]
    digest = upload(api, complaint_id, PDF).json()["sha256"]

    settings = api.wiring.settings
    if settings.is_postgres:
        with api.wiring.engine.connect() as db:
            stored = bytes(db.scalar(text("SELECT data FROM attachment_blobs WHERE sha256 = :d"),
                                     {"d": digest}))
    else:
        root = Path(str(settings.sqlite_path) + ".files")
        stored = (root / digest[:2] / digest).read_bytes()
    assert stored and "合同条款".encode() not in stored and b"%PDF" not in stored


def test_a_download_answers_each_role_as_reading_the_case_does(api):
    complaint_id = api.complaint_in("mediated")
    location = upload(api, complaint_id, PNG).headers["location"]

    answers = {who: api.http.get(location, headers=api.auth(who)).status_code
               for who in ("op01", "med01", "med02", "sup01", "adm01")}
    assert answers == {"op01": 200, "med01": 200, "med02": 403, "sup01": 200, "adm01": 403}
    assert api.http.get(location).status_code == 401
    missing = api.http.get(location.rsplit("/", 1)[0] + "/0123abcd", headers=api.auth("sup01"))
    assert missing.status_code == 404


def test_the_audit_page_has_a_label_for_every_field_an_upload_records(api):
    import tomllib

    complaint_id = api.file()["id"]
    upload(api, complaint_id, PNG)
    [added] = [h for h in api.history(complaint_id) if h["type"] == "AttachmentAdded"]
    root = Path(__file__).resolve().parents[2] / "api" / "i18n"
    for language in ("zh", "en"):
        catalog = tomllib.loads((root / f"{language}.toml").read_text())
        assert "AttachmentAdded" in catalog["event"]
        assert sorted(set(added["data"]) - set(catalog["data"])) == []
