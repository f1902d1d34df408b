"""The contract validator itself: it must load valid specs, and it must catch what breaks them.

A validator that accepts everything would make every sandbox test a false contract test, so most
tests here take a real sandbox exchange, break one thing, and expect a complaint.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from openapi_spec_validator import validate as validate_spec
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from devtools.sandbox import RequestRecord, SandboxServer, seed
from devtools.sandbox.contract import (
    KNOWN_DEVIATIONS,
    OUTSIDE_CONTRACT,
    SPEC_FILES,
    ContractValidator,
    Exchange,
    contract_validator,
)
from tests.fixtures.sandbox import SandboxHttp, contract_problems


@pytest.mark.parametrize("spec_file", sorted({file for _, file in SPEC_FILES}))
def test_every_patched_spec_is_still_valid_openapi(spec_file: str) -> None:
    validate_spec(contract_validator().spec(spec_file))


def test_every_deviation_names_a_loaded_file_and_a_reason() -> None:
    files = {file for _, file in SPEC_FILES} | {"*"}
    assert all(d.spec_file in files and len(d.reason) > 40 for d in KNOWN_DEVIATIONS)
    assert len({d.name for d in KNOWN_DEVIATIONS}) == len(KNOWN_DEVIATIONS)


def test_only_operations_no_spec_describes_are_outside_the_contract_each_with_a_reason() -> None:
    validator = contract_validator()
    for operation in OUTSIDE_CONTRACT:
        assert validator.spec_file_for(operation.api_path) is None
        assert len(operation.reason) > 40


def test_the_catalog_is_unchecked_but_its_neighbours_are_still_reported() -> None:
    # Given exchanges with the catalog products list and with catalog paths we do not call
    def problems(method: str, path: str) -> list[str]:
        url = f"https://api.bigcommerce.com/stores/abc{path}"
        return contract_validator().check(Exchange(method=method, url=url, status=200))

    # Then only the listed operation escapes; any other path without a spec is still a problem
    assert problems("GET", "/v3/catalog/products") == []
    assert problems("POST", "/v3/catalog/products")
    assert problems("GET", "/v3/catalog/categories")
    assert problems("GET", "/v3/catalog/products/102/images")


def test_customer_groups_are_unchecked_but_their_neighbours_are_still_reported() -> None:
    def problems(method: str, path: str) -> list[str]:
        url = f"https://api.bigcommerce.com/stores/abc{path}"
        return contract_validator().check(Exchange(method=method, url=url, status=200))

    assert problems("GET", "/v2/customer_groups") == []
    assert problems("POST", "/v2/customer_groups")
    assert problems("GET", "/v2/customer_groups/2")


def test_the_geography_file_is_valid_openapi_only_with_its_deviation() -> None:
    # The published file fails strict validation ('maximum' is a dependency of 'exclusiveMaximum')
    with pytest.raises(OpenAPIValidationError, match="exclusiveM"):
        validate_spec(ContractValidator(deviations=()).spec("geography.v2.yml"))
    validate_spec(contract_validator().spec("geography.v2.yml"))


def test_the_unpatched_specs_disagree_with_the_sandbox(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given a validator without the deviations, and an empty v2 list (204) from the sandbox
    strict = ContractValidator(deviations=())
    bc_http.get("/v2/orders", params={"email": "nobody@example.com"})
    record = bc_sandbox.requests[0]
    # Then the published file alone rejects it: the deviation is what makes it pass
    assert strict.check_record(record)
    assert contract_validator().check_record(record) == []


def _broken(record: RequestRecord, change: Callable[[Any], Any]) -> RequestRecord:
    body = json.loads(record.response_body)
    return dataclasses.replace(record, response_body=json.dumps(change(body)).encode())


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], Any]:
    def change(body: Any) -> Any:
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return body

    return change


BREAKAGES = [
    ("/v2/orders/100", {}, (("status_id",), "eleven")),
    ("/v2/orders/100/products", {}, ((0, "unexpected_field"), 1)),
    ("/v2/orders/100/shipments", {}, ((0, "items"), "none")),
    ("/v3/customers", {"email:in": seed.MARTHA_EMAIL}, (("data", 0, "id"), "one")),
    (
        "/v3/customers",
        {"email:in": seed.MARTHA_EMAIL, "include": "addresses"},
        (("data", 0, "addresses", 0, "country_code"), "USA"),
    ),
    ("/v3/orders/102/payment_actions/refunds", {}, (("data", 0, "payments"), [])),
    ("/v3/promotions", {}, (("meta",), {})),
    ("/v2/store", {}, (("decimal_places",), "two")),
    ("/v3/channels", {}, (("data", 0, "id"), "one")),
    ("/v3/sites", {}, (("data", 0, "channel_id"), "two")),
    ("/v3/customers/settings/channels/2", {}, (("data", "allow_global_logins"), "no")),
    ("/v2/countries", {}, ((0, "country_iso2"), 13)),
    ("/v2/countries/226/states", {}, ((0, "id"), "one")),
]


@pytest.mark.parametrize(
    ("path", "params", "breakage"), BREAKAGES, ids=[f"{p}:{b[0][-1]}" for p, _, b in BREAKAGES]
)
def test_a_broken_answer_is_caught(
    bc_sandbox: SandboxServer,
    bc_http: SandboxHttp,
    path: str,
    params: dict[str, str],
    breakage: tuple[Any, Any],
) -> None:
    # Given a real answer that conforms
    assert bc_http.get(path, params=params).status_code == 200
    record = bc_sandbox.requests[0]
    assert contract_problems([record]) == []
    # When one value is broken, Then the validator complains about the answer
    problems = contract_problems([_broken(record, _set(*breakage))])
    assert problems and all("response" in problem for problem in problems)


def test_an_error_in_another_apis_shape_is_caught(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    bc_http.get("/v2/orders/999999/products")
    record = bc_sandbox.requests[0]
    v3_shaped = {"status": 404, "title": "Not found", "type": "about:blank"}
    assert contract_problems([record]) == []
    assert contract_problems([_broken(record, lambda _: v3_shaped)])


def test_an_undocumented_status_is_caught(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    bc_http.get("/v3/customers", params={"email:in": "nobody@example.com"})
    record = dataclasses.replace(bc_sandbox.requests[0], status=204, response_body=b"")
    assert contract_problems([record])


def test_a_request_outside_the_contract_is_caught_unless_marked(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given a request with a sort the spec does not know, and the same marked off-contract
    bc_http.get("/v2/orders", params={"sort": "price:desc", "email": seed.GUEST_EMAIL})
    with bc_sandbox.off_contract():
        bc_http.get("/v2/orders", params={"sort": "price:desc", "email": seed.GUEST_EMAIL})
    unmarked, marked = bc_sandbox.requests
    # Then only the unmarked one is reported, on its request side
    assert any("request" in problem for problem in contract_problems([unmarked]))
    assert contract_problems([marked]) == []
    bc_sandbox.requests.clear()  # both were deliberate; keep the fixture's own check green


def test_a_sandbox_crash_is_reported(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    bc_http.get("/v2/order_statuses")
    crashed = dataclasses.replace(bc_sandbox.requests[0], error="Traceback: boom")
    assert any("crashed" in problem for problem in contract_problems([crashed]))


def test_refund_items_of_every_kind_pass_the_request_side() -> None:
    body = {
        "items": [
            {"item_type": "PRODUCT", "item_id": 1, "quantity": 1},
            {"item_type": "SHIPPING", "item_id": 1, "amount": 9.95},
            {"item_type": "ORDER", "item_id": 100, "amount": 1},
        ],
        "payments": [{"provider_id": "custom", "amount": 11, "offline": True}],
    }
    exchange = Exchange(
        method="POST",
        url="https://api.bigcommerce.com/stores/abc/v3/orders/100/payment_actions/refunds",
        status=201,
        request_headers={
            "X-Auth-Token": "t",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        request_body=json.dumps(body).encode(),
        response_headers={"Content-Type": "application/json"},
        response_body=json.dumps(
            {"data": {"id": 1, "order_id": 100, "payments": [{"id": 1, "amount": 11}]}}
        ).encode(),
    )
    assert contract_validator().check(exchange) == []
