"""The adaptor's own OpenAPI file (`openapi/adaptor.yaml`) and the check every answer in the suite goes
through (`devtools.adaptor_contract`, hooked into the `gladly_client` and `configured_gateway` clients).

The file must be valid OpenAPI 3.1, describe exactly the routes of template.yaml, and say what the code
says where both say it (the 5xx codes of `edge/errors.py`, the limits of `gladly/limits.py`). The checker must
accept the answers the file allows and refuse the rest: an undocumented status, an error item without
one of its four keys, a result without its id, a missing `Cache-Control`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from openapi_spec_validator import validate

from devtools.adaptor_contract import (
    SPEC_PATH,
    AdaptorContract,
    Answer,
    adaptor_contract,
    gladly_error_shape_problems,
)
from devtools.template import DEFAULT_TEMPLATE_PATH, SamTemplate
from gladly_bigcommerce.bigcommerce.errors import CallBudgetExceeded
from gladly_bigcommerce.edge import errors as edge_errors
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.settings.model import ALL_ACTIONS
from tests.fixtures.gateway import AnswerChecker

JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}
ACTION_ROUTES = [f"/actions/{action}" for action in ALL_ACTIONS]


def answer(method: str, route: str, status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    return Answer(
        method=method,
        route=route,
        query="",
        status=status,
        headers=JSON_HEADERS if headers is None else headers,
        body=json.dumps(body).encode(),
    )


def error(code: str = "invalid", attr: str = "", detail: str = "Something is wrong.") -> dict[str, str]:
    return {"attr": attr, "code": code, "detail": detail, "message": detail}


@pytest.fixture(scope="module")
def contract() -> AdaptorContract:
    return adaptor_contract()


# --- The file --------------------------------------------------------------------------------------------


def test_the_file_is_valid_openapi() -> None:
    # Given the file as committed
    # When the official validator reads it
    # Then it raises nothing
    validate(AdaptorContract(SPEC_PATH).spec)


def test_the_file_describes_exactly_the_routes_of_the_template(contract: AdaptorContract) -> None:
    routes = {(route.method.upper(), route.path) for route in SamTemplate(DEFAULT_TEMPLATE_PATH).routes()}
    assert set(contract.operations()) == routes


def test_every_operation_requires_the_gladly_signature(contract: AdaptorContract) -> None:
    spec = contract.spec
    assert spec["security"] == [{"gladlySignature": []}]
    assert spec["components"]["securitySchemes"]["gladlySignature"]["name"] == "Gladly-Authorization"
    for route, item in spec["paths"].items():
        for method, operation in item.items():
            names = {parameter["$ref"].rsplit("/", 1)[1] for parameter in operation.get("parameters", [])}
            assert "GladlyTime" in names, f"{method} {route}"
            assert "security" not in operation, f"{method} {route} overrides the signature"


def test_lookups_and_actions_document_their_statuses(contract: AdaptorContract) -> None:
    # Lookups: 200/400/401/413 and the 5xx of protocol section 6. Actions: only 200/400/401/406 for a
    # submit; a form has no field to flag, so it never answers 400.
    expected = {
        "/lookup": {"post": {"200", "400", "401", "413", "500", "502", "503"}},
        "/auto-link": {"post": {"200", "400", "401", "413", "500", "502", "503"}},
        **{
            route: {"get": {"200", "401", "406"}, "post": {"200", "400", "401", "406"}}
            for route in ACTION_ROUTES
        },
    }
    documented = {
        route: {method: set(operation["responses"]) for method, operation in item.items()}
        for route, item in contract.spec["paths"].items()
    }
    assert documented == expected


def test_the_5xx_codes_are_the_codes_api_py_answers(contract: AdaptorContract) -> None:
    schemas = contract.spec["components"]["schemas"]
    codes_502 = {rule.code for rule in edge_errors._UPSTREAM_RULES if rule.status == 502}
    codes_503 = {rule.code for rule in edge_errors._UPSTREAM_RULES if rule.status == 503}
    codes_503 |= {"configuration_error", "secret_unavailable", CallBudgetExceeded.code}
    assert set(schemas["UpstreamCode502"]["enum"]) == codes_502
    assert set(schemas["UpstreamCode503"]["enum"]) == codes_503


def test_the_limits_in_the_file_are_the_limits_the_code_applies(contract: AdaptorContract) -> None:
    schemas = contract.spec["components"]["schemas"]
    parameters = contract.spec["components"]["parameters"]
    emails, phones = schemas["EmailValues"]["oneOf"], schemas["PhoneValues"]["oneOf"]
    assert emails[0]["maxLength"] == emails[1]["items"]["maxLength"] == limits.MAX_EMAIL_LENGTH
    assert phones[0]["maxLength"] == phones[1]["items"]["maxLength"] == limits.MAX_PHONE_LENGTH
    # Any number of emails and phones is answered (the first few are searched): no maxItems
    assert "maxItems" not in emails[1] and "maxItems" not in phones[1]
    assert f"first {limits.MAX_EMAILS} distinct emails" in schemas["EmailValues"]["description"]
    assert f"first {limits.MAX_PHONES} distinct phone numbers" in schemas["PhoneValues"]["description"]
    query = schemas["LookupQuery"]["properties"]
    assert query["id"]["maxLength"] == limits.MAX_PROFILE_ID_LENGTH
    assert query["name"]["maxLength"] == limits.MAX_NAME_LENGTH
    assert schemas["ExternalCustomerId"]["maxLength"] == limits.MAX_EXTERNAL_CUSTOMER_ID_LENGTH
    assert parameters["OrderId"]["schema"]["pattern"] == f"^[0-9]{{1,{limits.MAX_ID_DIGITS}}}$"
    assert parameters["FormToken"]["schema"]["maxLength"] == limits.MAX_QUERY_VALUE_LENGTH


# --- The checker -----------------------------------------------------------------------------------------

A_RESULT = {"externalCustomerId": "1", "name": "Martha Williams", "email": "m@example.com"}
A_FORM = {
    "title": "Refund order 100",
    "submitButton": "Refund",
    "closeButton": "Close",
    "actionUrl": "http://127.0.0.1:3000/prod/actions/refund?orderId=100&customer=1&token=t",
    "sections": [
        {"type": "input", "label": "Reason", "attr": "reason", "input": {"type": "text"}},
    ],
}


@pytest.mark.parametrize(
    "good",
    [
        answer("POST", "/lookup", 200, {"results": []}),
        answer("POST", "/lookup", 200, {"results": [A_RESULT]}),
        answer("POST", "/lookup", 400, {"errors": [error(attr="query.emails")]}),
        answer("POST", "/lookup", 503, {"errors": [error(code="upstream_timeout")]}),
        answer("GET", "/actions/refund", 200, A_FORM),
        answer("GET", "/actions/refund", 406, {"errors": [error(code="order_not_found")]}),
        answer("POST", "/actions/discount", 200, {"message": "Code GLADLY-AAAA-BBBB created"}),
    ],
    ids=["no-match", "a-result", "400", "503-upstream", "form", "form-406", "submit-200"],
)
def test_the_checker_accepts_what_the_file_allows(contract: AdaptorContract, good: Answer) -> None:
    assert contract.check(good) == []


@pytest.mark.parametrize(
    "bad",
    [
        answer("POST", "/lookup", 400, {"errors": [{"code": "invalid", "detail": "x", "message": "x"}]}),
        answer("POST", "/lookup", 400, {"errors": []}),
        answer("POST", "/lookup", 200, {"results": [{"name": "No id"}]}),
        answer("POST", "/lookup", 503, {"errors": [error(code="internal_error")]}),
        answer("POST", "/lookup", 409, {"errors": [error()]}),
        answer("POST", "/actions/refund", 500, {"errors": [error(code="internal_error")]}),
        answer("GET", "/actions/cancel", 400, {"errors": [error()]}),
        answer("POST", "/lookup", 200, {"results": []}, headers={"Content-Type": "application/json"}),
        answer("POST", "/auto-link", 502, {"message": "Internal server error"}),
    ],
    ids=[
        "error-without-attr",
        "no-error-item",
        "result-without-id",
        "503-with-a-non-upstream-code",
        "undocumented-status",
        "action-500",
        "form-400",
        "no-cache-control",
        "api-gateway-502",
    ],
)
def test_the_checker_refuses_what_the_file_does_not_allow(contract: AdaptorContract, bad: Answer) -> None:
    assert contract.check(bad) != []


def order_with(total: str, unit_price: str) -> Answer:
    transaction = {
        "type": "ORDER",
        "orderTotal": total,
        "products": [{"id": "1", "name": "Mug", "unitPrice": unit_price}],
        "fulfillments": [],
    }
    return answer("POST", "/lookup", 200, {"results": [{**A_RESULT, "transactions": [transaction]}]})


@pytest.mark.parametrize(
    ("total", "unit_price", "readable"),
    [
        ("$2400.00", "$240.00", True),
        ("¥31650", "¥12000", True),
        ("-€5.00", "KWD12.500", True),
        ("$2,400.00", "$240.00", False),  # Gladly's App Platform bridge reads it as 2
        ("$2400.00", "¥12,000", False),
        ("2400.00", "$240.00", False),  # no currency
        ("$ 2400", "$240.00", False),
    ],
)
def test_the_checker_refuses_money_a_machine_would_misread(
    contract: AdaptorContract, total: str, unit_price: str, readable: bool
) -> None:
    assert (contract.check(order_with(total, unit_price)) == []) is readable


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"errors": [{"attr": "", "code": "x", "detail": "y"}]}, "errors[0] lacks one of"),
        ({"errors": [{"attr": None, "code": "x", "detail": "y", "message": "y"}]}, "errors[0] lacks one of"),
        ({"errors": []}, "without a non-empty `errors` list"),
        ({"message": "Internal server error"}, "without a non-empty `errors` list"),
    ],
    ids=["no-message", "null-attr", "empty", "api-gateway-shape"],
)
def test_the_gladly_error_shape_is_checked_apart_from_the_file(body: Any, problem: str) -> None:
    # Whatever the file says, an error answer in another shape is reported by the shape check itself
    assert any(problem in line for line in gladly_error_shape_problems(answer("POST", "/lookup", 400, body)))


def test_answers_of_routes_the_api_does_not_have_are_not_checked(contract: AdaptorContract) -> None:
    gateway_403 = answer("GET", "/nowhere", 403, {"message": "Missing Authentication Token"})
    assert contract.check(gateway_403) == []


def test_the_clients_response_hook_records_every_problem() -> None:
    # Given the checker the test clients use, for the API at a stage URL
    checker = AnswerChecker("http://127.0.0.1:3000/prod")
    session = checker.session()
    # When its session receives an answer that breaks the file
    response = requests.Response()
    response.status_code = 400
    response.url = "http://127.0.0.1:3000/prod/lookup"
    response.headers.update(JSON_HEADERS)
    response._content = json.dumps({"errors": [{"code": "invalid", "detail": "x"}]}).encode()
    response.request = requests.Request("POST", response.url).prepare()
    for hook in session.hooks["response"]:
        hook(response)
    # Then it is recorded, and fails the test that made the request
    assert checker.problems and all("POST /lookup -> 400" in problem for problem in checker.problems)
    with pytest.raises(pytest.fail.Exception, match=r"openapi/adaptor\.yaml"):
        checker.fail_on_problems()
