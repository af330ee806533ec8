"""Schemathesis against the running local stack's own /v1/openapi.json, as admin, agent and customer.

Given the demo tenant of `tandem dev`, when schemathesis generates requests for every operation of the served
document (valid and invalid by the schema), then no answer is a server error, every status is documented, and
every response body matches its documented schema.
"""

from __future__ import annotations

import json
import os
import urllib.request

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-password-1"
ROLES = {"admin": "admin@demo.example", "agent": "agent@demo.example", "customer": "alice@customer-a.example"}
EXAMPLES = int(os.environ.get("TANDEM_SCHEMATHESIS_EXAMPLES", "10"))
# Every role gets valid requests; the admin, who reaches deepest, also gets schema-violating ones.
MODES = {
    "admin": (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    "agent": (GenerationMode.POSITIVE,),
    "customer": (GenerationMode.POSITIVE,),
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
COUNTS: dict[str, int] = {}


@pytest.fixture(scope="module")
def tokens(stack):
    out = {}
    for role, email in ROLES.items():
        body = json.dumps({"tenant": "demo", "email": email, "password": DEMO_PASSWORD}).encode()
        req = urllib.request.Request(f"{stack.base}/v1/auth/login", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            out[role] = json.loads(r.read())["token"]
    return out


@pytest.fixture(scope="module")
def operations(stack):
    schema = schemathesis.openapi.from_url(f"{stack.base}/v1/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def _exercise(operation, mode, role: str, token: str, base: str, failures: list[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        COUNTS[role] = COUNTS.get(role, 0) + 1
        case.call_and_validate(base_url=base, headers=headers, checks=CHECKS, timeout=30)

    try:
        run()
    except Unsatisfiable:
        pass  # nothing in this operation can be made invalid (no body, no parameters): no negative case exists
    except Exception as exc:  # collect every operation's failure, not only the first
        failures.append(f"{role} {mode.value} {operation.method.upper()} {operation.path}: {str(exc)[:1500]}")


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_operation_answers_generated_requests_as_documented(role, operations, tokens, stack):
    failures: list[str] = []
    for operation in operations:
        for mode in MODES[role]:
            _exercise(operation, mode, role, tokens[role], stack.base, failures)
    print(f"schemathesis: {COUNTS.get(role, 0)} cases as {role} over {len(operations)} operations")
    assert not failures, "\n\n".join(failures)
