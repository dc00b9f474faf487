"""Property-based requests generated from the app's own OpenAPI document (schemathesis).

Every documented operation gets a bounded number of generated requests, valid and
invalid, signed in as each kind of staff, half of them aimed at complaints that exist
(in several states). No answer may be a server error, and every answer must match
what the document promises: status codes, media types, headers and body schemas.
"""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance,
    status_code_conformance,
)

from domain.permissions import role_may_ever
from tests.e2e.conftest import a_filing
from domain.vocabulary import Role

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 16}
PEOPLE = {"op01": Role.OPERATOR, "med01": Role.MEDIATOR, "sup01": Role.SUPERVISOR,
          "adm01": Role.ADMIN}


def likely_people(path: str) -> list[str]:
    """Mostly someone whose role may run the command, so requests get past the role check."""
    command = "file" if path.endswith("/complaints") else path.rsplit("/", 1)[-1]
    may = [who for who, role in PEOPLE.items() if role_may_ever(command, role)]
    return may * 3 + list(PEOPLE) if may else list(PEOPLE)


def without_token_enders(schema):
    """Changes to accounts and signing out end the callers' own tokens, which would
    leave the rest of a run answering 401; tests/e2e/test_accounts.py covers them."""
    return schema.exclude(path_regex=r"^/api/v1/(accounts/|auth/logout)").exclude(
        method="POST", path="/api/v1/accounts")


def test_generated_requests_find_no_server_error_and_no_answer_off_the_schema(api):
    complaints = [api.complaint_in(state) for state in ("filed", "accepted", "mediated",
                                                        "terminated", "resolved")]
    schema = without_token_enders(schemathesis.openapi.from_asgi("/openapi.json", api.http.app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:
        has_id = "{complaint_id}" in operation.path
        for mode, examples in EXAMPLES.items():
            strategy = st.tuples(
                operation.as_strategy(generation_mode=mode),
                st.sampled_from(likely_people(operation.path)),
                st.sampled_from([*complaints, None]) if has_id else st.none(),
            )

            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(strategy)
            def run(drawn: tuple) -> None:
                case, who, complaint_id = drawn
                if complaint_id is not None:
                    case.path_parameters = {**(case.path_parameters or {}),
                                            "complaint_id": complaint_id}
                case.call_and_validate(headers=api.auth(who), checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # Nothing to make invalid (no parameters, no body): positive cases cover it.
                assert mode is GenerationMode.NEGATIVE, operation.label


STATEFUL_SCENARIOS = 40  # each a chain of up to 6 linked calls


def test_chains_of_linked_calls_find_no_server_error_and_no_answer_off_the_schema(api):
    """Stateful: an answer feeds the next call (a filing's id into the commands and reads
    that take one), as the links schemathesis infers from the document allow. Changes
    to accounts and signing out are left out: they would end the callers' own tokens
    (tests/e2e/test_accounts.py covers them)."""
    # The chains follow a filing into the reads of its complaint. The other routes would
    # add hundreds of links (the audit report's ids, say), and generated command bodies
    # are refused before they reach a complaint, so a run of this size would seldom get
    # past them; the commands are sent by the stateless test above.
    schema = without_token_enders(schemathesis.openapi.from_asgi(
        "/openapi.json", api.http.app)).include(path_regex=r"^/api/v1/complaints").exclude(
        method="POST", path_regex=r"^/api/v1/complaints/.+")
    steps: list[tuple[str, int]] = []

    class Desk(schema.as_state_machine()):  # type: ignore[misc]
        # Choices depend only on the scenario's own steps, so that the same draws meet
        # the same answers (Hypothesis checks that they do).
        def setup(self):
            self.step_no = 0

        def before_call(self, case):
            self.step_no += 1
            # Generated filings almost never carry a valid credit code and phone number
            # (the stateless test above sends those); here a filing is a real one, so that
            # the chains have a complaint to follow.
            if case.operation.label == "POST /api/v1/complaints":
                case.body = a_filing()

        def get_call_kwargs(self, case):
            # Mostly someone who may make the call, so that chains go deep; now and then
            # anyone, so that refusals along a chain are checked too.
            people = likely_people(case.operation.path)
            may = people[:len(people) - len(PEOPLE)] or ["sup01"]
            chosen = people if self.step_no % 4 == 0 else may
            return {"headers": api.auth(chosen[self.step_no % len(chosen)])}

        def after_call(self, response, case):
            steps.append((case.operation.label, response.status_code))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as failure:  # noqa: BLE001 - gathered, asserted below
                failures.append(f"{case.operation.label} -> {response.status_code}: "
                                f"{str(failure)[:600]}")

    failures: list[str] = []
    # Generation only, failures gathered rather than raised: the desk keeps what earlier
    # scenarios did, so replaying or shrinking one would not meet the same state again.
    Desk.run(settings=settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=6,
                               deadline=None, database=None, phases=[Phase.generate], derandomize=True,
                               suppress_health_check=list(HealthCheck)))
    assert failures == []
    linked = {label for label, status in steps if "{complaint_id}" in label and status < 300}
    assert any(label == "POST /api/v1/complaints" and status == 201 for label, status in steps), \
        sorted({(l, s) for l, s in steps})[:60]
    assert linked, sorted(Counter(steps).items())
    print(f"\n{len(steps)} calls in {STATEFUL_SCENARIOS} scenarios; linked calls answered 2xx: "
          f"{sorted(linked)}")
