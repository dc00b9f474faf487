"""The intake form's optional parts for Order 121 Art. 11 and 12: a proxy with the
authorisation, and the other consumers of a joint complaint. Empty parts are left out
of the body, so an ordinary filing reads exactly as before."""

from __future__ import annotations

from typing import Any

PROXY_FIELDS = ("proxy.name", "proxy.phone", "proxy.id_number", "proxy.address")
AUTHORISATION_FIELDS = ("proxy.matters", "proxy.powers", "proxy.term")


def parties_body(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    proxy = {name.split(".", 1)[1]: form[name].strip() for name in PROXY_FIELDS
             if form.get(name, "").strip()}
    paper = {name.split(".", 1)[1]: form[name].strip() for name in AUTHORISATION_FIELDS
             if form.get(name, "").strip()}
    if proxy or paper:
        if paper or form.get("proxy.signed") == "on":
            # What was typed goes to the domain as it is: a missing part of the
            # authorisation is the domain's to name.
            paper.setdefault("matters", "")
            paper.setdefault("powers", "")
            paper.setdefault("term", "")
            proxy["authorisation"] = {**paper, "signed": form.get("proxy.signed") == "on"}
        body["proxy"] = proxy
    lines = [line.strip() for line in form.get("joint.others", "").splitlines() if line.strip()]
    if lines or form.get("joint.consent") == "on":
        body["joint"] = {
            "consumers": [_person(line) for line in lines],
            "representatives": [int(n) if n.strip().isdigit() else n.strip() for n in
                                form.get("joint.representatives", "").replace("，", ",").split(",")
                                if n.strip()],
            "consent": form.get("joint.consent") == "on",
        }
    return body


def _person(line: str) -> dict[str, str]:
    name, _, phone = line.replace("，", ",").partition(",")
    return {"name": name.strip(), "phone": phone.strip()}
