"""Property-based requests generated from the app's own OpenAPI document (schemathesis).

Every documented operation gets a bounded number of generated requests, valid and
invalid, signed in as each kind of staff, half of them aimed at complaints that exist
(in several states). No answer may be a server error, and every answer must match
what the document promises: status codes, media types, headers and body schemas.
"""

from __future__ import annotations

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
from domain.vocabulary import Role

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 12}
PEOPLE = {"op01": Role.OPERATOR, "med01": Role.MEDIATOR, "sup01": Role.SUPERVISOR,
          "adm01": Role.ADMIN}


def likely_people(path: str) -> list[str]:
    """Mostly someone whose role may run the command, so requests get past the role check."""
    command = "file" if path.endswith("/complaints") else path.rsplit("/", 1)[-1]
    may = [who for who, role in PEOPLE.items() if role_may_ever(command, role)]
    return may * 3 + list(PEOPLE) if may else list(PEOPLE)


def test_generated_requests_find_no_server_error_and_no_answer_off_the_schema(api):
    complaints = [api.complaint_in(state) for state in ("filed", "accepted", "mediated",
                                                        "terminated", "resolved")]
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.http.app)
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
