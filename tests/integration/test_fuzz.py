"""The fuzzer in `make test`: schemathesis cases for every operation of `openapi/adaptor.yaml`, each
signed as Gladly signs and sent to the local stack (real handlers through the gateway, the sandbox over
HTTP, moto), then hostile submits to every action's real forms (`devtools/fuzz_submits.py`: oversized
field names, other JSON types in every field, other names for a field, other scripts' digits, respelled
options, unsafe text), a bounded number of each so the suite stays fast. `make fuzz` runs the same
campaign with thousands of cases (`devtools/fuzz.py`).

What must hold for every case: no 5xx but the documented upstream ones, no `internal_error` whatever
the status (an action answers a crash with a 406), no stack trace in the handlers' output (their logs,
and the gateway's report of a handler that raised), no signed request refused (but one whose body is
not UTF-8, which cannot be verified), every answer as the OpenAPI file describes it (errors in
Gladly's shape with `attr`, `code`, `detail`, `message`) and passing schemathesis' own response checks,
and no hostile submit done. Hypothesis is derandomized and keeps no database, so a run sends the same
cases every time.
"""

from __future__ import annotations

import io
import json

from devtools.adaptor_contract import adaptor_contract
from devtools.aws import LocalResources
from devtools.fuzz import FUZZ_QUOTA, Fuzzer, count_tracebacks, handler_output_to
from devtools.gateway import LocalGateway
from devtools.sandbox import SandboxServer
from gladly_bigcommerce.settings.model import ALL_ACTIONS
from tests.fixtures.sandbox import contract_problems

EXAMPLES_PER_OPERATION_AND_MODE = 10
"""About 250 signed requests, a few seconds on two cores; `make fuzz` sends thousands."""
HOSTILE_PER_ACTION = 25
"""About 150 more requests (each hostile submit opens its form first)."""
STRICT_READING_CODES = {"unknown_field", "invalid_type", "invalid_choice", "invalid_text"}
"""Refusals only the strict reading of a submit gives: hostile submits got past the token to it."""
TEXT_ONLY_FORMS = {"/actions/staff_note", "/actions/store_credit"}
"""Forms whose fields are all text: no option to choose wrongly (a shipping address has its country)."""
ACTION_ROUTES = [f"/actions/{action}" for action in ALL_ACTIONS]


def test_a_signed_fuzzing_campaign_gets_only_documented_answers(
    gateway: LocalGateway, bc_sandbox: SandboxServer, local_aws: LocalResources
) -> None:
    """One test, so that one campaign runs whatever the workers (the `bc_sandbox` fixture checks what
    reached BigCommerce against BigCommerce's OpenAPI files at teardown, as for every test; what reached
    it before a reset is checked here)."""
    # Given the local stack on a freshly seeded store, with a quota no campaign reaches (the quota is
    # BigCommerce's, tested elsewhere: here every case must reach the handlers), the store reset when the
    # campaign has used up a seeded form's order, and the handlers' whole output kept
    local_aws.check()
    bc_sandbox.rate_limit.configure(quota=FUZZ_QUOTA)
    upstream_problems: list[str] = []

    def reset() -> None:
        upstream_problems.extend(contract_problems(bc_sandbox.requests.snapshot()))
        bc_sandbox.reset()
        bc_sandbox.rate_limit.configure(quota=FUZZ_QUOTA)

    fuzzer = Fuzzer(gateway.url, reset=reset)
    fuzzer.report.keep_answers = True
    output = io.StringIO()
    # When schemathesis' examples, positive and negative cases for every operation are sent, signed,
    # then hostile submits to every action's forms
    with handler_output_to(output):
        report = fuzzer.run(EXAMPLES_PER_OPERATION_AND_MODE, hostile=HOSTILE_PER_ACTION)
    # Then no check failed: no undocumented 5xx, no internal_error, no signed request refused, every
    # answer as documented, no hostile submit done
    assert report.failures == {}, report.summary()
    assert report.undocumented_5xx == 0 and report.crashes == 0, report.summary()
    # And the handlers printed and logged no stack trace
    traces = count_tracebacks(output.getvalue())
    assert traces == 0, _around(output.getvalue(), "Traceback")
    assert upstream_problems == [], "\n".join(upstream_problems)
    # And every operation of the file got its cases
    operations = {f"{method} {route}" for method, route in adaptor_contract().operations()}
    assert set(report.cases) == operations, report.summary()
    assert all(report.cases[operation] >= EXAMPLES_PER_OPERATION_AND_MODE for operation in operations)
    # And the cases got past signature and parsing: every route did its work for some (200) and refused
    # others, as its kind refuses (a form that cannot be served is a 406; anything else a 400)
    for operation in operations:
        statuses = {status for (label, status), _ in report.statuses.items() if label == operation}
        refusal = 406 if operation.startswith("GET ") else 400
        assert {200, refusal} <= statuses, f"{operation}: {sorted(statuses)}\n{report.summary()}"
    # And the hostile submits reached the strict reading of every action's submit
    for route in ACTION_ROUTES:
        # a staff note's and a store credit's fields are text: they have no option to choose wrongly
        expected = STRICT_READING_CODES - ({"invalid_choice"} if route in TEXT_ONLY_FORMS else set())
        codes = {
            item["code"]
            for answer in report.answers
            if answer.request.method == "POST" and f"/prod{route}?" in str(answer.request.url)
            for item in _errors(answer.content)
        }
        assert codes >= expected, f"{route}: {sorted(codes)}"


def _errors(body: bytes) -> list[dict[str, str]]:
    try:
        errors = json.loads(body).get("errors")
    except (ValueError, AttributeError):
        return []
    return [item for item in errors or [] if isinstance(item, dict)]


def _around(text: str, marker: str, width: int = 3_000) -> str:
    index = text.find(marker)
    return text[max(0, index - 500) : index + width] if index >= 0 else ""
