"""The fuzzer in `make test`: schemathesis cases for every operation of `openapi/adaptor.yaml`, each
signed as Gladly signs and sent to the local stack (real handlers through the gateway, the sandbox over
HTTP, moto), a bounded number per operation so the suite stays fast. `make fuzz` runs the same campaign
with thousands of cases (`devtools/fuzz.py`).

What must hold for every case: no 5xx but the documented upstream ones, no signed request refused,
every answer as the OpenAPI file describes it (errors in Gladly's shape with `attr`, `code`, `detail`,
`message`) and passing schemathesis' own response checks. Hypothesis is derandomized and keeps no
database, so a run sends the same cases every time.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from devtools.adaptor_contract import adaptor_contract
from devtools.aws import LocalResources
from devtools.fuzz import FUZZ_QUOTA, Fuzzer, FuzzReport
from devtools.gateway import LocalGateway
from devtools.sandbox import SandboxServer
from tests.fixtures.sandbox import contract_problems

# One worker runs the module: its campaign is module-scoped and would run once per worker otherwise.
pytestmark = pytest.mark.xdist_group("fuzz")

EXAMPLES_PER_OPERATION_AND_MODE = 10
"""About 250 signed requests, a few seconds on two cores; `make fuzz` sends thousands."""


@dataclass(frozen=True)
class Campaign:
    report: FuzzReport
    bigcommerce_problems: list[str]
    """BigCommerce contract problems of the calls the campaign caused (as `bc_sandbox` checks them)."""


@pytest.fixture(scope="module")
def campaign(gateway: LocalGateway, bc_sandbox_server: SandboxServer, local_aws: LocalResources) -> Campaign:
    """One bounded campaign against a freshly seeded store, shared by the module's tests."""
    local_aws.check()
    bc_sandbox_server.reset()
    # The quota of a store is BigCommerce's, tested elsewhere: here every case must reach the handlers.
    bc_sandbox_server.rate_limit.configure(quota=FUZZ_QUOTA)
    try:
        report = Fuzzer(gateway.url).run(EXAMPLES_PER_OPERATION_AND_MODE)
        return Campaign(report, contract_problems(bc_sandbox_server.requests.snapshot()))
    finally:
        bc_sandbox_server.reset()


def test_every_fuzzed_answer_is_documented_and_in_gladly_shape(campaign: Campaign) -> None:
    # Given schemathesis' examples, positive and negative cases for every operation, signed as Gladly
    # When each is sent to the local stack (the campaign)
    report = campaign.report
    # Then no check failed: no undocumented 5xx, no signed request refused, every answer conforms
    assert report.failures == {}, report.summary()
    assert report.undocumented_5xx == 0, report.summary()


def test_every_bigcommerce_call_the_fuzzer_caused_conforms_to_bigcommerce(campaign: Campaign) -> None:
    # Given the campaign's hostile input
    # Then whatever reached BigCommerce is still a request its OpenAPI files allow, answered as they say
    assert campaign.bigcommerce_problems == []


def test_the_campaign_reaches_every_operation_and_past_the_door(campaign: Campaign) -> None:
    # Given the campaign
    report = campaign.report
    # Then every operation of the file got cases
    operations = {f"{method} {route}" for method, route in adaptor_contract().operations()}
    assert set(report.cases) == operations, report.summary()
    assert all(report.cases[operation] >= EXAMPLES_PER_OPERATION_AND_MODE for operation in operations)
    # And the cases got past signature and parsing: every route did its work for some (200) and refused
    # others, as its kind refuses (a form that cannot be served is a 406; anything else a 400)
    for operation in operations:
        statuses = {status for (label, status), _ in report.statuses.items() if label == operation}
        refusal = 406 if operation.startswith("GET ") else 400
        assert {200, refusal} <= statuses, f"{operation}: {sorted(statuses)}\n{report.summary()}"
