"""The fuzzer in `make test`: schemathesis cases for every operation of `openapi/adaptor.yaml`, each
signed as Gladly signs and sent to the local stack (real handlers through the gateway, the sandbox over
HTTP, moto), a bounded number per operation so the suite stays fast. `make fuzz` runs the same campaign
with thousands of cases (`devtools/fuzz.py`).

What must hold for every case: no 5xx but the documented upstream ones, no signed request refused (but
one whose body is not UTF-8, which cannot be verified),
every answer as the OpenAPI file describes it (errors in Gladly's shape with `attr`, `code`, `detail`,
`message`) and passing schemathesis' own response checks. Hypothesis is derandomized and keeps no
database, so a run sends the same cases every time.
"""

from __future__ import annotations

from devtools.adaptor_contract import adaptor_contract
from devtools.aws import LocalResources
from devtools.fuzz import FUZZ_QUOTA, Fuzzer
from devtools.gateway import LocalGateway
from devtools.sandbox import SandboxServer

EXAMPLES_PER_OPERATION_AND_MODE = 10
"""About 250 signed requests, a few seconds on two cores; `make fuzz` sends thousands."""


def test_a_signed_fuzzing_campaign_gets_only_documented_answers(
    gateway: LocalGateway, bc_sandbox: SandboxServer, local_aws: LocalResources
) -> None:
    """One test, so that one campaign runs whatever the workers (the `bc_sandbox` fixture checks what
    reached BigCommerce against BigCommerce's OpenAPI files at teardown, as for every test)."""
    # Given the local stack on a freshly seeded store, with a quota no campaign reaches (the quota is
    # BigCommerce's, tested elsewhere: here every case must reach the handlers)
    local_aws.check()
    bc_sandbox.rate_limit.configure(quota=FUZZ_QUOTA)
    # When schemathesis' examples, positive and negative cases for every operation are sent, signed
    report = Fuzzer(gateway.url).run(EXAMPLES_PER_OPERATION_AND_MODE)
    # Then no check failed: no undocumented 5xx, no signed request refused, every answer as documented
    assert report.failures == {}, report.summary()
    assert report.undocumented_5xx == 0, report.summary()
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
