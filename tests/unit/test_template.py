"""template.yaml: routes, least-privilege IAM, tables, and parity with the settings the code reads."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.template import REPOSITORY_ROOT, Route, SamTemplate, resolve
from gladly_bigcommerce.config import ENVIRONMENT_VARIABLES

ACTION_FUNCTIONS = {"RefundFunction", "CancelFunction", "DiscountFunction"}
LOOKUP_FUNCTIONS = {"LookupFunction", "AutoLinkFunction"}
# Variables for the Powertools library itself, not settings of the adaptor.
POWERTOOLS_VARIABLES = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"}
GLADLY_ABANDONS_AFTER_SECONDS = 15
TABLE_VARIABLES = {"IdempotencyTable": "IDEMPOTENCY_TABLE_NAME", "OrderLocksTable": "ORDER_LOCKS_TABLE_NAME"}


@pytest.fixture(scope="module")
def template() -> SamTemplate:
    return SamTemplate()


def _properties(template: SamTemplate, logical_id: str) -> dict[str, Any]:
    properties: dict[str, Any] = template.resources[logical_id]["Properties"]
    return properties


def _global_environment(template: SamTemplate) -> dict[str, Any]:
    variables: dict[str, Any] = template.document["Globals"]["Function"]["Environment"]["Variables"]
    return variables


def _policy_statements(template: SamTemplate, logical_id: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in _properties(template, logical_id).get("Policies", [])
        if isinstance(policy, dict) and "Statement" in policy
        for statement in policy["Statement"]
    ]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_route_of_the_product_goes_to_its_function(template: SamTemplate) -> None:
    # Given the routes Gladly calls
    expected = {
        Route("POST", "/lookup", "LookupFunction"),
        Route("POST", "/auto-link", "AutoLinkFunction"),
        Route("GET", "/actions/refund", "RefundFunction"),
        Route("POST", "/actions/refund", "RefundFunction"),
        Route("GET", "/actions/cancel", "CancelFunction"),
        Route("POST", "/actions/cancel", "CancelFunction"),
        Route("GET", "/actions/discount", "DiscountFunction"),
        Route("POST", "/actions/discount", "DiscountFunction"),
    }
    # When the template's API events are read
    routes = template.routes()
    # Then they are exactly those, each once
    assert sorted(routes, key=repr) == sorted(expected, key=repr)


def test_every_api_event_belongs_to_the_one_rest_api(template: SamTemplate) -> None:
    for body in template.resources_of_type("AWS::Serverless::Function").values():
        for event in body["Properties"]["Events"].values():
            assert event["Type"] == "Api"
            assert event["Properties"]["RestApiId"] == {"Ref": "GladlyApi"}


def test_every_handler_file_exists_with_its_code_uri(template: SamTemplate) -> None:
    for function in template.functions():
        assert function.code_uri.is_dir(), function.logical_id
        assert function.module_file.is_file(), f"{function.logical_id}: {function.module_file} is missing"
        assert function.module_file.parent.parent == REPOSITORY_ROOT / "functions"


def test_functions_share_the_layer_runtime_and_tracing(template: SamTemplate) -> None:
    function_globals = template.document["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.12"
    assert function_globals["Architectures"] == ["arm64"]
    assert function_globals["Tracing"] == "Active"
    assert function_globals["Layers"] == [{"Ref": "SharedLayer"}]
    layer = template.resources["SharedLayer"]
    assert layer["Properties"]["ContentUri"] == "shared/"
    assert layer["Metadata"]["BuildMethod"] == "python3.12"
    assert (REPOSITORY_ROOT / "shared" / "requirements.txt").is_file()


def test_no_function_outlives_gladlys_patience(template: SamTemplate) -> None:
    # Gladly abandons a request at 15 s: a function still running then works for nobody.
    for function in template.functions():
        assert function.timeout_seconds < GLADLY_ABANDONS_AFTER_SECONDS, function.logical_id


def test_lookup_deadline_leaves_room_within_the_lookup_timeout(template: SamTemplate) -> None:
    deadline_limit = float(template.document["Parameters"]["LookupDeadlineSeconds"]["MaxValue"])
    for function in template.functions():
        if function.logical_id in LOOKUP_FUNCTIONS:
            assert deadline_limit < function.timeout_seconds


def test_no_policy_statement_grants_a_wildcard(template: SamTemplate) -> None:
    for logical_id in template.resources_of_type("AWS::Serverless::Function"):
        for statement in _policy_statements(template, logical_id):
            resources = (
                statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            )
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert "*" not in resources, logical_id
            assert all(isinstance(resource, dict) for resource in resources), "resources must be references"
            assert not any(action.endswith("*") for action in actions), logical_id


def test_every_function_may_read_only_the_credentials_secret(template: SamTemplate) -> None:
    for logical_id in template.resources_of_type("AWS::Serverless::Function"):
        policy_templates = [
            policy
            for policy in _properties(template, logical_id)["Policies"]
            if isinstance(policy, dict) and "Statement" not in policy
        ]
        assert policy_templates == [
            {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "CredentialsSecretArn"}}}
        ], logical_id
    assert _global_environment(template)["SECRET_NAME"] == {"Ref": "CredentialsSecretArn"}


def test_only_the_action_functions_touch_the_tables(template: SamTemplate) -> None:
    tables = [{"Fn::GetAtt": ["IdempotencyTable", "Arn"]}, {"Fn::GetAtt": ["OrderLocksTable", "Arn"]}]
    for logical_id in LOOKUP_FUNCTIONS:
        assert _policy_statements(template, logical_id) == []
    for logical_id in ACTION_FUNCTIONS:
        (statement,) = _policy_statements(template, logical_id)
        assert statement["Effect"] == "Allow"
        assert sorted(statement["Action"]) == [
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        ]
        assert statement["Resource"] == tables


def test_tables_have_the_keys_and_ttl_the_code_uses(template: SamTemplate) -> None:
    # Powertools' DynamoDBPersistenceLayer defaults (key "id", expiry "expiration"), and the key "pk"
    # and expiry "expires_at" of actions/locks.py.
    tables = {
        table.logical_id: (
            [(key.name, key.attribute_type, key.key_type) for key in table.key_schema],
            table.ttl_attribute,
        )
        for table in template.tables()
    }
    assert tables == {
        "IdempotencyTable": ([("id", "S", "HASH")], "expiration"),
        "OrderLocksTable": ([("pk", "S", "HASH")], "expires_at"),
    }


@pytest.mark.parametrize("logical_id", ["IdempotencyTable", "OrderLocksTable"])
def test_tables_are_on_demand_encrypted_recoverable_and_retained(
    template: SamTemplate, logical_id: str
) -> None:
    table = template.resources[logical_id]
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert _global_environment(template)[TABLE_VARIABLES[logical_id]] == {"Ref": logical_id}


def test_every_setting_the_code_reads_is_set_by_the_template(template: SamTemplate) -> None:
    # Given the one list of environment variables in gladly_bigcommerce.config
    environment = _global_environment(template)
    parameters = template.document["Parameters"]
    for name, variable in ENVIRONMENT_VARIABLES.items():
        # Then the template sets each one, from the parameter config names, with the same default
        assert name in environment, f"template.yaml does not set {name}"
        if variable.parameter is None:
            assert set(environment[name]) == {"Ref"} and environment[name]["Ref"] in template.resources, name
            continue
        assert environment[name] == {"Ref": variable.parameter}, name
        parameter = parameters[variable.parameter]
        if variable.default is None:
            assert "Default" not in parameter, f"{variable.parameter} is required by the code"
        else:
            assert str(parameter.get("Default")) == variable.default, variable.parameter


def test_the_template_sets_no_variable_the_code_does_not_know(template: SamTemplate) -> None:
    unknown = set(_global_environment(template)) - set(ENVIRONMENT_VARIABLES) - POWERTOOLS_VARIABLES
    assert unknown == set()
    for function in template.functions():
        assert set(function.environment) == set(_global_environment(template)), function.logical_id


def test_the_outputs_give_the_urls_to_paste_into_gladly(template: SamTemplate) -> None:
    values = {"GladlyApi": "abc123", "AWS::Region": "eu-west-1", "AWS::URLSuffix": "amazonaws.com"}
    values |= template.parameter_values()
    outputs = template.document["Outputs"]
    assert resolve(outputs["LookupUrl"]["Value"], values) == (
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/lookup"
    )
    assert resolve(outputs["AutoLinkUrl"]["Value"], values) == (
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/auto-link"
    )


def test_the_api_is_throttled_and_traced(template: SamTemplate) -> None:
    api = _properties(template, "GladlyApi")
    assert api["TracingEnabled"] is True
    (method_settings,) = api["MethodSettings"]
    assert method_settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottlingRateLimit"}
    assert method_settings["ThrottlingBurstLimit"] == {"Ref": "ApiThrottlingBurstLimit"}
    assert template.stage_name() == "prod"
