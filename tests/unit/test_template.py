"""template.yaml: routes, least-privilege IAM, tables, and parity with the settings the code reads."""

from __future__ import annotations

import json
import re
from typing import Any, get_args

import pytest

from devtools.template import REPOSITORY_ROOT, Route, SamTemplate, pseudo_parameters, resolve
from gladly_bigcommerce.actions.machinery import audit
from gladly_bigcommerce.lookup import entry as lookup_entry
from gladly_bigcommerce.lookup.auto_link.evidence import DecisionKind
from gladly_bigcommerce.lookup.auto_link.resolver import _camel as camel
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from gladly_bigcommerce.settings.model import ALL_ACTIONS

ACTION_FUNCTIONS = {
    "RefundFunction",
    "CancelFunction",
    "DiscountFunction",
    "StaffNoteFunction",
    "StoreCreditFunction",
    "ShippingAddressFunction",
}
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
        Route("GET", "/actions/staff_note", "StaffNoteFunction"),
        Route("POST", "/actions/staff_note", "StaffNoteFunction"),
        Route("GET", "/actions/store_credit", "StoreCreditFunction"),
        Route("POST", "/actions/store_credit", "StoreCreditFunction"),
        Route("GET", "/actions/shipping_address", "ShippingAddressFunction"),
        Route("POST", "/actions/shipping_address", "ShippingAddressFunction"),
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
    assert (REPOSITORY_ROOT / "shared" / "requirements.txt").is_file()


def test_layer_and_functions_are_built_by_the_project_makefile(template: SamTemplate) -> None:
    # Given the build.mk targets `sam build` runs (bytecode, arm64 wheels, boto3 in the layer)
    build_rules = (REPOSITORY_ROOT / "build.mk").read_text(encoding="utf-8")
    assert "include $(dir $(abspath $(lastword $(MAKEFILE_LIST))))build.mk" in (
        REPOSITORY_ROOT / "Makefile"
    ).read_text(encoding="utf-8")
    # Then the layer and every function use them, with the project Makefile as context
    for logical_id in ["SharedLayer", *template.resources_of_type("AWS::Serverless::Function")]:
        metadata = template.resources[logical_id]["Metadata"]
        assert metadata["BuildMethod"] == "makefile", logical_id
        assert metadata["ContextPath"] == ".", logical_id
        assert f"build-{logical_id}:" in build_rules, logical_id
    assert template.resources["SharedLayer"]["Metadata"]["BuildArchitecture"] == "arm64"


def test_every_function_runs_with_snapstart_through_its_published_alias(template: SamTemplate) -> None:
    # SnapStart applies to published versions only: the alias is what API Gateway must call.
    function_globals = template.document["Globals"]["Function"]
    assert function_globals["SnapStart"] == {"ApplyOn": {"Ref": "SnapStart"}}
    assert function_globals["AutoPublishAlias"] == "live"
    parameter = template.document["Parameters"]["SnapStart"]
    assert parameter["Default"] == "PublishedVersions"
    assert parameter["AllowedValues"] == ["PublishedVersions", "None"]
    for logical_id, body in template.resources_of_type("AWS::Serverless::Function").items():
        # no function opts out of the global setting, or publishes under another alias
        assert "SnapStart" not in body["Properties"], logical_id
        assert "AutoPublishAlias" not in body["Properties"], logical_id


def test_every_handler_registers_the_snapstart_hooks_at_init(template: SamTemplate) -> None:
    for function in template.functions():
        source = function.module_file.read_text(encoding="utf-8")
        assert "from gladly_bigcommerce.edge import snapstart" in source, function.logical_id


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


def test_only_the_action_functions_touch_the_action_tables_and_only_lookups_the_cache(
    template: SamTemplate,
) -> None:
    tables = [{"Fn::GetAtt": ["IdempotencyTable", "Arn"]}, {"Fn::GetAtt": ["OrderLocksTable", "Arn"]}]
    # The lookup function reads and writes the shared cache in batches, nothing else; auto-link none
    (cache,) = _policy_statements(template, "LookupFunction")
    assert cache["Effect"] == "Allow"
    assert sorted(cache["Action"]) == ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"]
    assert cache["Resource"] == {"Fn::GetAtt": ["LookupCacheTable", "Arn"]}
    for logical_id in set(LOOKUP_FUNCTIONS) - {"LookupFunction"}:
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
    # and expiry "expires_at" of actions/machinery/locks.py and bigcommerce/shared_cache.py.
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
        "LookupCacheTable": ([("pk", "S", "HASH")], "expires_at"),
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


def test_the_lookup_cache_table_is_on_demand_encrypted_and_expires_its_entries(template: SamTemplate) -> None:
    # A cache rebuilt by the next lookups: deleted with the stack, no backups (checkov's CKV_AWS_28
    # skipped with that reason), its entries expired by TTL
    table = template.resources["LookupCacheTable"]
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert "DeletionPolicy" not in table
    skipped = {skip["id"] for skip in table["Metadata"]["checkov"]["skip"]}
    assert skipped == {"CKV_AWS_119", "CKV_AWS_28"}
    assert _global_environment(template)["LOOKUP_CACHE_TABLE_NAME"] == {"Ref": "LookupCacheTable"}


def test_every_setting_the_code_reads_is_set_by_the_template(template: SamTemplate) -> None:
    # Given the one list of environment variables in gladly_bigcommerce.settings.environment
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


# --- Operations: reserved concurrency, alarms, dashboard, access logs, security-scan skips ----------

BIGCOMMERCE_QUOTA_PER_30_SECONDS = 150  # Standard and Plus plans (reference/bigcommerce/FACTS.md)
# Usual BigCommerce calls of one request (docs/operating.md, "Reserved concurrency"): a DETAILED
# lookup 3-8, an auto-link 2-5 (8 taken for both), a refund's, cancel's or discount's form or submit
# 5-10, a staff note's 1-3 (the order; its notes written and read back), a store credit's 2-4 (the
# store's currency, the customer; the balance written and read back), a shipping address's 2-6 (the
# order, its addresses, BigCommerce's countries and states once per container, the write).
CALLS_PER_LOOKUP = 8
CALLS_PER_ACTION = {
    "RefundFunction": 10,
    "CancelFunction": 10,
    "DiscountFunction": 10,
    "StaffNoteFunction": 3,
    "StoreCreditFunction": 4,
    "ShippingAddressFunction": 6,
}
ALARM_TOPIC_ACTIONS = {"Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]}
LOGS_KEY = {"Fn::If": ["HasLogsKmsKey", {"Ref": "LogsKmsKeyArn"}, {"Ref": "AWS::NoValue"}]}
# What an access log line may say: ids, route template, status, sizes and timings.
ACCESS_LOG_VARIABLES = {
    "$context.requestId",
    "$context.requestTimeEpoch",
    "$context.httpMethod",
    "$context.resourcePath",
    "$context.status",
    "$context.responseLatency",
    "$context.integration.latency",
    "$context.integration.status",
    "$context.responseLength",
    "$context.error.responseType",
    "$context.stage",
}
# The path and query string carry order and customer ids; the rest is personal or secret.
FORBIDDEN_ACCESS_LOG_VARIABLES = (
    "$context.path",
    "$context.identity",
    "$context.authorizer",
    "$context.requestOverride",
    "$input",
    "$request",
    "$method.request",
)


def _alarms(template: SamTemplate) -> dict[str, dict[str, Any]]:
    return template.resources_of_type("AWS::CloudWatch::Alarm")


def _alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        query["MetricStat"]["Metric"] for query in alarm["Properties"]["Metrics"] if "MetricStat" in query
    ]


def _dashboard_body(template: SamTemplate) -> dict[str, Any]:
    """The dashboard JSON as CloudFormation renders it with the parameters' defaults."""
    references: dict[str, str] = {**pseudo_parameters(), **template.parameter_values()}
    for name in [*template.document["Parameters"], *template.resources]:
        references.setdefault(name, f"{name}-name")
    for logical_id in template.resources:
        references[f"{logical_id}.Arn"] = f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{logical_id}"
    body = resolve(template.resources["Dashboard"]["Properties"]["DashboardBody"], references)
    parsed: dict[str, Any] = json.loads(body)
    return parsed


def _dashboard_metrics(template: SamTemplate) -> list[list[Any]]:
    return [
        metric
        for widget in _dashboard_body(template)["widgets"]
        for metric in widget["properties"].get("metrics", [])
        if isinstance(metric[0], str)
    ]


def _metrics_the_code_emits() -> set[str]:
    """Every count metric the package can emit: literal names, and the names it composes."""
    literal = re.compile(r"""\bcount\(\s*"([A-Za-z0-9]+)\"""")
    names = {
        name
        for path in (REPOSITORY_ROOT / "shared" / "gladly_bigcommerce").rglob("*.py")
        for name in literal.findall(path.read_text(encoding="utf-8"))
    }
    names |= set(lookup_entry._METRIC_BY_KIND.values())
    names |= {
        audit.metric_name(action, outcome)
        for action in ALL_ACTIONS
        for outcome in get_args(audit.AuditOutcome)
    }
    names |= {f"AutoLink{camel(kind)}" for kind in get_args(DecisionKind)}
    return names


def test_every_function_has_a_reserved_concurrency_an_admin_sets(template: SamTemplate) -> None:
    parameters = template.document["Parameters"]
    for logical_id in template.resources_of_type("AWS::Serverless::Function"):
        reserved = _properties(template, logical_id)["ReservedConcurrentExecutions"]
        (name,) = reserved.values()
        assert set(reserved) == {"Ref"}, logical_id
        # 0 would stop the function: at least one request must always be able to run
        assert parameters[name]["Type"] == "Number" and parameters[name]["MinValue"] >= 1, name


def test_default_concurrency_keeps_one_wave_of_requests_within_the_store_quota(template: SamTemplate) -> None:
    # Given the defaults of the concurrency parameters
    defaults = {
        name: int(spec["Default"])
        for name, spec in template.document["Parameters"].items()
        if name.endswith("ReservedConcurrency")
    }
    # When every function runs as many requests as it may at once
    calls = CALLS_PER_LOOKUP * (
        defaults["LookupReservedConcurrency"] + defaults["AutoLinkReservedConcurrency"]
    )
    calls += defaults["ActionReservedConcurrency"] * sum(CALLS_PER_ACTION[name] for name in ACTION_FUNCTIONS)
    # Then their BigCommerce calls fit in the store's 30-second quota (the arithmetic in the README)
    assert calls == 142
    assert calls < BIGCOMMERCE_QUOTA_PER_30_SECONDS


def test_every_alarm_notifies_the_topic_when_an_email_is_set(template: SamTemplate) -> None:
    alarms = _alarms(template)
    assert len(alarms) >= 8
    for logical_id, alarm in alarms.items():
        assert alarm["Properties"].get("AlarmActions") == ALARM_TOPIC_ACTIONS, logical_id
        assert alarm["Properties"].get("OKActions") == ALARM_TOPIC_ACTIONS, logical_id
    conditions = template.document["Conditions"]
    assert conditions["HasAlarmEmail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
    assert template.document["Parameters"]["AlarmEmail"]["Default"] == ""
    subscription = template.resources["AlarmSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"] == {
        "TopicArn": {"Ref": "AlarmTopic"},
        "Protocol": "email",
        "Endpoint": {"Ref": "AlarmEmail"},
    }


def test_the_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(template: SamTemplate) -> None:
    # alias/aws/sns would silently stop every notification: its policy does not admit CloudWatch
    topic = template.resources["AlarmTopic"]
    assert topic["Properties"]["KmsMasterKeyId"] == {"Ref": "AlarmTopicKey"}
    key = template.resources["AlarmTopicKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    (cloudwatch,) = [
        statement
        for statement in key["KeyPolicy"]["Statement"]
        if statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_alarms_watch_what_on_call_must_know(template: SamTemplate) -> None:
    watched = {
        (metric["Namespace"], metric["MetricName"])
        for alarm in _alarms(template).values()
        for metric in _alarm_metrics(alarm)
    }
    namespace = _global_environment(template)["POWERTOOLS_METRICS_NAMESPACE"]
    expected = {
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Count"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/Lambda", "Duration"),
        (namespace, "UpstreamErrors"),
        (namespace, "UpstreamCalls"),
        (namespace, "UpstreamRateLimited"),
    }
    expected |= {(namespace, audit.metric_name(action, "failed")) for action in ALL_ACTIONS}
    expected |= {(namespace, audit.metric_name(action, "outcome_unknown")) for action in ALL_ACTIONS}
    assert watched == expected


@pytest.mark.parametrize("metric_name", ["Errors", "Throttles"])
def test_function_alarms_cover_all_five_functions(template: SamTemplate, metric_name: str) -> None:
    (alarm,) = [
        alarm
        for alarm in _alarms(template).values()
        if {metric["MetricName"] for metric in _alarm_metrics(alarm)} == {metric_name}
    ]
    functions = {metric["Dimensions"][0]["Value"]["Ref"] for metric in _alarm_metrics(alarm)}
    assert functions == set(template.resources_of_type("AWS::Serverless::Function"))


def test_the_duration_alarm_measures_lookups_against_their_deadline(template: SamTemplate) -> None:
    alarm = template.resources["LookupDurationAlarm"]["Properties"]
    (expression,) = [query["Expression"] for query in alarm["Metrics"] if query.get("ReturnData")]
    assert resolve(expression, template.parameter_values()) == "100 * duration / (4.5 * 1000)"
    (metric,) = _alarm_metrics(template.resources["LookupDurationAlarm"])
    assert metric["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "LookupFunction"}}]


def test_alarms_and_dashboard_watch_only_metrics_the_code_emits(template: SamTemplate) -> None:
    # Given the metrics the package emits, in the namespace and with the dimensions Powertools gives them
    emitted = _metrics_the_code_emits()
    environment = _global_environment(template)
    namespace = environment["POWERTOOLS_METRICS_NAMESPACE"]
    dimensions = [
        {"Name": "deployment", "Value": {"Ref": "DeploymentName"}},
        {"Name": "service", "Value": environment["POWERTOOLS_SERVICE_NAME"]},
    ]
    # Then every one of our metrics an alarm watches is one of them, with those dimensions
    ours = [
        metric
        for alarm in _alarms(template).values()
        for metric in _alarm_metrics(alarm)
        if metric["Namespace"] == namespace
    ]
    assert ours
    for metric in ours:
        assert metric["MetricName"] in emitted, metric["MetricName"]
        assert metric["Dimensions"] == dimensions, metric["MetricName"]
    # and so is every one the dashboard plots
    plotted = [metric for metric in _dashboard_metrics(template) if metric[0] == namespace]
    assert plotted
    for metric in plotted:
        assert metric[1] in emitted, metric[1]
        assert metric[2:6] == [
            "deployment",
            "DeploymentName-name",
            "service",
            environment["POWERTOOLS_SERVICE_NAME"],
        ]


def test_the_dashboard_shows_lookups_latency_upstream_auto_link_actions_and_alarms(
    template: SamTemplate,
) -> None:
    body = _dashboard_body(template)
    plotted = {metric[1] for metric in _dashboard_metrics(template)}
    assert {"LookupsManualSearch", "LookupsAutoLink", "LookupsDetailed"} <= plotted
    assert {"Duration", "UpstreamCalls", "UpstreamErrors", "UpstreamRateLimited"} <= plotted
    assert {f"AutoLink{camel(kind)}" for kind in get_args(DecisionKind)} <= plotted
    assert {
        audit.metric_name(action, outcome)
        for action in ALL_ACTIONS
        for outcome in get_args(audit.AuditOutcome)
    } <= plotted
    (alarm_widget,) = [widget for widget in body["widgets"] if widget["type"] == "alarm"]
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(
        f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{logical_id}" for logical_id in _alarms(template)
    )


def test_the_access_log_format_has_no_query_string_or_personal_data(template: SamTemplate) -> None:
    # Given the API's access log setting
    setting = _properties(template, "GladlyApi")["AccessLogSetting"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    # When its format is read as the JSON line it writes
    line = json.loads(setting["Format"])
    variables = set(re.findall(r"\$[A-Za-z][A-Za-z.]*[A-Za-z]", setting["Format"]))
    # Then it names the request and its route template, and nothing else that could identify anyone
    assert set(line.values()) == variables
    assert {"$context.requestId", "$context.resourcePath", "$context.status"} <= variables
    assert variables <= ACCESS_LOG_VARIABLES
    for variable in variables:
        assert not variable.startswith(FORBIDDEN_ACCESS_LOG_VARIABLES), variable
    # and the region's logging role is in place before the stage is created
    assert template.resources["GladlyApi"]["DependsOn"] == "ApiGatewayLoggingReady"


def test_every_log_group_expires_and_uses_the_customer_key_when_given(template: SamTemplate) -> None:
    log_groups = template.resources_of_type("AWS::Logs::LogGroup")
    names = {
        resolve(
            body["Properties"]["LogGroupName"],
            {"AWS::StackName": "s", **{logical_id: logical_id for logical_id in template.resources}},
        )
        for body in log_groups.values()
    }
    functions = template.resources_of_type("AWS::Serverless::Function")
    assert names == {f"/aws/lambda/{logical_id}" for logical_id in functions} | {"/aws/apigateway/s/access"}
    for logical_id, body in log_groups.items():
        assert body["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionInDays"}, logical_id
        assert body["Properties"]["KmsKeyId"] == LOGS_KEY, logical_id
    assert template.document["Conditions"]["HasLogsKmsKey"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "LogsKmsKeyArn"}, ""]}]
    }
    assert template.document["Parameters"]["LogsKmsKeyArn"]["Default"] == ""


def test_every_checkov_skip_names_a_check_and_says_why(template: SamTemplate) -> None:
    skips = [
        (logical_id, skip)
        for logical_id, body in template.resources.items()
        for skip in ((body.get("Metadata") or {}).get("checkov") or {}).get("skip", [])
    ]
    assert skips, "template.yaml skips no checkov check: then this test must check something else"
    for logical_id, skip in skips:
        assert set(skip) == {"id", "comment"}, logical_id
        assert re.fullmatch(r"CKV_AWS_\d+", skip["id"]), logical_id
        assert len(skip["comment"].split()) >= 8, f"{logical_id} {skip['id']}: say why it does not apply"
    for logical_id, body in template.resources.items():
        ids = [skip["id"] for skip in ((body.get("Metadata") or {}).get("checkov") or {}).get("skip", [])]
        assert len(ids) == len(set(ids)), logical_id
    # Inline skips (# checkov:skip=ID:reason) would need a reason too; the template uses none.
    assert "checkov:skip" not in template.path.read_text(encoding="utf-8")
