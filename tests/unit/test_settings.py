"""Deployment settings and the credentials secret (through Powertools and moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import base as parameters_base

from devtools.aws import LocalAws, start_local_aws
from gladly_bigcommerce.bigcommerce.errors import Unauthorized as BigCommerceUnauthorized
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError
from gladly_bigcommerce.settings.secret import (
    AdaptorSecret,
    Credentials,
    SecretUnavailable,
    check_deployment,
    load_secret,
)

REPOSITORY = Path(__file__).resolve().parents[2]
REQUIRED = {"DEPLOYMENT_NAME": "acme", "STORE_HASH": "abc123xyz0", "SECRET_NAME": "gladly/acme"}
SECRET = {
    "client_id": "client-id-123456",
    "access_token": "access-token-abcdef",
    "gladly_signing_key": "signing-key-1",
}


def _settings(**environ: str) -> AdaptorSettings:
    return AdaptorSettings.from_env({**REQUIRED, **environ})


def _problems(**environ: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        AdaptorSettings.from_env(environ)
    return {item.field: item.problem for item in caught.value.problems}


# --- Settings ----------------------------------------------------------------------------------------


def test_the_required_settings_alone_give_the_documented_defaults() -> None:
    # Given only the three required variables
    settings = _settings()
    # Then every other setting has the default ENVIRONMENT_VARIABLES documents
    documented = {name: variable.default for name, variable in ENVIRONMENT_VARIABLES.items()}
    assert settings.to_env() == {**documented, **REQUIRED}
    assert [(item.attribute, item.label) for item in settings.search_query_attributes] == [
        ("email", "Email"),
        ("phone", "Phone"),
    ]
    assert settings.auto_link_fields == {"email", "phone"}
    assert settings.actions_enabled == frozenset()
    assert settings.recent_orders == 10
    assert settings.discount_max_amount == Decimal("50")
    assert settings.lookup_deadline_seconds == 4.5
    assert settings.storefront_url is None


def test_every_field_has_exactly_one_environment_variable() -> None:
    fields = [variable.field for variable in ENVIRONMENT_VARIABLES.values()]
    assert sorted(fields) == sorted(AdaptorSettings.model_fields)


def test_settings_round_trip_through_their_environment() -> None:
    settings = _settings(
        SEARCH_RESULTS_ATTRIBUTES="name:Name,phone:Phone,loyaltyTier:Tier",
        AUTO_LINK_FIELDS="phone",
        ACTIONS_ENABLED="refund,discount",
        STOREFRONT_URL="https://shop.example.com/",
        BIGCOMMERCE_API_BASE="http://127.0.0.1:3001",
        DISCOUNT_MAX_AMOUNT="49.99",
    )
    assert AdaptorSettings.from_env(settings.to_env()) == settings


@pytest.mark.parametrize(
    "pasted",
    ["abc123xyz0", "store-abc123xyz0", "https://store-abc123xyz0.mybigcommerce.com/manage", " ABC123XYZ0 "],
)
def test_the_store_hash_is_normalised_from_whatever_the_admin_pasted(pasted: str) -> None:
    assert _settings(STORE_HASH=pasted).store_hash == "abc123xyz0"


def test_every_bad_setting_is_reported_at_once_with_its_fix() -> None:
    # Given a deployment with many mistakes and one missing required variable
    with pytest.raises(ConfigError) as caught:
        AdaptorSettings.from_env(
            {
                "STORE_HASH": "https://example.com/not-a-store",
                "SECRET_NAME": "gladly/acme",
                "SEARCH_QUERY_ATTRIBUTES": "name:Name",
                "AUTO_LINK_FIELDS": "email,fax",
                "RECENT_ORDERS": "51",
                "STOREFRONT_URL": "http://shop.example.com",
                "DEFAULT_PHONE_REGION": "ZZ",
                "BIGCOMMERCE_API_BASE": "http://api.bigcommerce.com",
                "DISCOUNT_MAX_PERCENT": "150",
                "DISCOUNT_MAX_AMOUNT": "Infinity",
                "LOOKUP_DEADLINE_SECONDS": "20",
                "ACTIONS_ENABLED": "refund,teleport",
            }
        )
    # Then each one is named by its variable, with a fix, in one error
    problems = {item.field: item for item in caught.value.problems}
    assert set(problems) == {
        "DEPLOYMENT_NAME",
        "STORE_HASH",
        "SEARCH_QUERY_ATTRIBUTES",
        "AUTO_LINK_FIELDS",
        "RECENT_ORDERS",
        "STOREFRONT_URL",
        "DEFAULT_PHONE_REGION",
        "BIGCOMMERCE_API_BASE",
        "DISCOUNT_MAX_PERCENT",
        "DISCOUNT_MAX_AMOUNT",
        "LOOKUP_DEADLINE_SECONDS",
        "ACTIONS_ENABLED",
    }
    assert problems["DEPLOYMENT_NAME"].problem == "is required"
    assert all(item.fix.startswith("Set ") for item in problems.values())
    assert problems["RECENT_ORDERS"].sentence == (
        "RECENT_ORDERS must be at most 50. Set RECENT_ORDERS to a whole number from 1 to 50."
    )
    assert str(caught.value).startswith("DEPLOYMENT_NAME is required; ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("email:Email", [("email", "Email")]),
        ("phone", [("phone", "Phone")]),
        (" phone : Mobile , email:E-mail ,", [("phone", "Mobile"), ("email", "E-mail")]),
    ],
)
def test_search_query_attributes_are_attribute_label_pairs(
    value: str, expected: list[tuple[str, str]]
) -> None:
    settings = _settings(SEARCH_QUERY_ATTRIBUTES=value)
    assert [(item.attribute, item.label) for item in settings.search_query_attributes] == expected


@pytest.mark.parametrize("value", ["", "email:Email,email:Mail", "name:Name"])
def test_search_query_attributes_need_one_distinct_supported_attribute(value: str) -> None:
    assert "SEARCH_QUERY_ATTRIBUTES" in _problems(**REQUIRED, SEARCH_QUERY_ATTRIBUTES=value)


def test_unsupported_search_results_attributes_are_accepted_with_a_warning() -> None:
    settings = _settings(SEARCH_RESULTS_ATTRIBUTES="name:Name,loyaltyTier:Tier,externalCustomerId:ID")
    assert [item.supported for item in settings.search_results_attributes] == [True, False, True]
    (warning,) = settings.configuration_warnings()
    assert warning.field == "SEARCH_RESULTS_ATTRIBUTES"
    assert "loyaltyTier" in warning.problem
    assert _settings().configuration_warnings() == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", set()), ("email", {"email"}), ("phone, email", {"email", "phone"})],
)
def test_auto_link_fields_may_be_empty(value: str, expected: set[str]) -> None:
    assert _settings(AUTO_LINK_FIELDS=value).auto_link_fields == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", set()),
        ("false", set()),
        ("true", {"refund", "cancel", "discount", "staff_note", "store_credit", "shipping_address"}),
        ("TRUE", {"refund", "cancel", "discount", "staff_note", "store_credit", "shipping_address"}),
        ("refund, cancel", {"refund", "cancel"}),
    ],
)
def test_actions_are_switched_on_all_at_once_or_one_by_one(value: str, expected: set[str]) -> None:
    actions = _settings(ACTIONS_ENABLED=value).actions_enabled
    assert actions == expected
    assert bool(actions) == bool(expected)


def test_urls_are_https_base_urls_except_a_loopback_sandbox() -> None:
    settings = _settings(
        STOREFRONT_URL="https://shop.example.com/",
        ADMIN_URL="https://store-abc123xyz0.mybigcommerce.com/manage/",
        BIGCOMMERCE_API_BASE="http://127.0.0.1:3001/",
    )
    assert settings.storefront_url == "https://shop.example.com"
    assert settings.admin_url == "https://store-abc123xyz0.mybigcommerce.com/manage"
    assert settings.api_base == "http://127.0.0.1:3001"
    problems = _problems(
        **REQUIRED, ADMIN_URL="https://example.com/manage?x=1", STOREFRONT_URL="shop.example.com"
    )
    assert set(problems) == {"ADMIN_URL", "STOREFRONT_URL"}


def test_the_phone_region_is_an_iso_code_phonenumbers_knows() -> None:
    assert _settings(DEFAULT_PHONE_REGION="gb").default_phone_region == "GB"
    assert "DEFAULT_PHONE_REGION" in _problems(**REQUIRED, DEFAULT_PHONE_REGION="United States")


def test_the_default_discount_expiry_cannot_exceed_the_maximum() -> None:
    problems = _problems(**REQUIRED, DISCOUNT_DEFAULT_EXPIRY_DAYS="90", DISCOUNT_MAX_EXPIRY_DAYS="60")
    assert problems == {"DISCOUNT_DEFAULT_EXPIRY_DAYS": "is longer than DISCOUNT_MAX_EXPIRY_DAYS"}


def test_settings_that_disagree_are_named_even_while_other_settings_are_wrong() -> None:
    # Given a bad setting, and a default expiry longer than a maximum that is itself readable
    problems = _problems(
        **REQUIRED, RECENT_ORDERS="0", DISCOUNT_DEFAULT_EXPIRY_DAYS="90", DISCOUNT_MAX_EXPIRY_DAYS="60"
    )
    # Then both are named at once
    assert problems["DISCOUNT_DEFAULT_EXPIRY_DAYS"] == "is longer than DISCOUNT_MAX_EXPIRY_DAYS"
    assert set(problems) == {"RECENT_ORDERS", "DISCOUNT_DEFAULT_EXPIRY_DAYS"}


def test_a_rule_between_settings_waits_for_an_unreadable_setting_to_be_fixed() -> None:
    # Given a maximum that cannot be read: its own problem is named, and no guess about the pair
    problems = _problems(**REQUIRED, DISCOUNT_DEFAULT_EXPIRY_DAYS="90", DISCOUNT_MAX_EXPIRY_DAYS="sixty")
    assert set(problems) == {"DISCOUNT_MAX_EXPIRY_DAYS"}


def test_settings_are_immutable() -> None:
    settings = _settings()
    with pytest.raises(ValueError):
        settings.recent_orders = 3  # type: ignore[misc]


# --- The secret --------------------------------------------------------------------------------------


def test_a_complete_secret_never_shows_its_values() -> None:
    secret = AdaptorSecret.from_mapping({**SECRET, "access_token": " access-token-abcdef\n", "unknown": "x"})
    assert secret.access_token.get_secret_value() == "access-token-abcdef"
    for shown in (repr(secret), str(secret), json.dumps(secret.summary())):
        assert all(value.strip() not in shown for value in SECRET.values())


def test_every_bad_secret_key_is_named_without_its_value() -> None:
    with pytest.raises(ConfigError) as caught:
        AdaptorSecret.from_mapping(
            {"client_id": "  ", "access_token": 12345678, "static_headers": {"x-token": 7}}
        )
    problems = {item.field: item.problem for item in caught.value.problems}
    assert problems == {
        "client_id": "is empty",
        "access_token": "has the wrong type: it must be text",
        "gladly_signing_key": "is missing from the secret",
        "static_headers": "has the wrong type (x-token): it must be text",
    }
    assert "12345678" not in str(caught.value)


def test_a_secret_that_is_not_an_object_is_blamed_on_secret_name() -> None:
    with pytest.raises(ConfigError) as caught:
        AdaptorSecret.from_mapping(["not", "an", "object"])
    assert [item.field for item in caught.value.problems] == ["SECRET_NAME"]


@pytest.mark.parametrize(
    ("user", "password", "field"),
    [("gladly", None, "basic_auth_password"), ("", "hunter2-long", "BASIC_AUTH_USER")],
)
def test_basic_auth_needs_a_user_and_a_password(user: str, password: str | None, field: str) -> None:
    secret = AdaptorSecret.from_mapping({**SECRET, **({"basic_auth_password": password} if password else {})})
    with pytest.raises(ConfigError) as caught:
        check_deployment(_settings(BASIC_AUTH_USER=user), secret)
    assert [item.field for item in caught.value.problems] == [field]
    assert "hunter2-long" not in str(caught.value)


def test_basic_auth_with_both_halves_is_consistent() -> None:
    secret = AdaptorSecret.from_mapping({**SECRET, "basic_auth_password": "hunter2-long"})
    check_deployment(_settings(BASIC_AUTH_USER="gladly"), secret)


# --- Loading the secret through Powertools from (moto) Secrets Manager ---------------------------------


@pytest.fixture(scope="module")
def moto_server() -> Iterator[LocalAws]:
    aws = start_local_aws()
    yield aws
    aws.stop()


@pytest.fixture
def secrets_manager(moto_server: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A Secrets Manager (moto server) that Powertools' default provider talks to."""
    for name, value in moto_server.environment().items():
        monkeypatch.setenv(name, value)
    _forget_powertools_state()
    yield moto_server.client("secretsmanager")
    _forget_powertools_state()


def _forget_powertools_state() -> None:
    parameters.clear_caches()
    parameters_base.DEFAULT_PROVIDERS.clear()


def _create_secret(client: Any, name: str, value: Any) -> None:
    text = value if isinstance(value, str) else json.dumps(value)
    client.create_secret(Name=name, SecretString=text)


def test_the_secret_is_read_through_the_powertools_cache(secrets_manager: Any) -> None:
    # Given a secret in Secrets Manager and settings that name it
    _create_secret(secrets_manager, "gladly/cached", SECRET)
    settings = _settings(SECRET_NAME="gladly/cached")
    # When it is loaded, then rotated
    first = load_secret(settings)
    secrets_manager.put_secret_value(
        SecretId="gladly/cached", SecretString=json.dumps({**SECRET, "access_token": "rotated-token"})
    )
    # Then the cached value is served until a forced fetch
    assert first.access_token.get_secret_value() == "access-token-abcdef"
    assert load_secret(settings).access_token.get_secret_value() == "access-token-abcdef"
    assert load_secret(settings, force_fetch=True).access_token.get_secret_value() == "rotated-token"


def test_a_missing_secret_is_a_configuration_error(secrets_manager: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        load_secret(_settings(SECRET_NAME="gladly/does-not-exist"))
    (problem,) = caught.value.problems
    assert problem.field == "SECRET_NAME"
    assert "ResourceNotFoundException" in problem.problem


def test_a_secret_that_is_not_json_is_a_configuration_error(secrets_manager: Any) -> None:
    _create_secret(secrets_manager, "gladly/not-json", "access-token-abcdef")
    with pytest.raises(ConfigError) as caught:
        load_secret(_settings(SECRET_NAME="gladly/not-json"))
    assert [item.field for item in caught.value.problems] == ["SECRET_NAME"]
    assert "access-token-abcdef" not in str(caught.value)


def test_an_incomplete_secret_names_each_missing_key(secrets_manager: Any) -> None:
    _create_secret(secrets_manager, "gladly/incomplete", {"client_id": "client-id-123456"})
    with pytest.raises(ConfigError) as caught:
        load_secret(_settings(SECRET_NAME="gladly/incomplete"))
    assert {item.field for item in caught.value.problems} == {"access_token", "gladly_signing_key"}


def test_an_unreachable_secrets_manager_is_unavailable_not_misconfigured(
    secrets_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given Secrets Manager cannot be reached (nothing listens on port 9 of this machine)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    _forget_powertools_state()
    # Then loading says so, distinctly from a configuration mistake
    with pytest.raises(SecretUnavailable):
        load_secret(_settings(SECRET_NAME="gladly/anything"))


def test_credentials_are_refreshed_once_when_bigcommerce_refuses_the_token(secrets_manager: Any) -> None:
    # Given cached credentials, and a token rotated since in Secrets Manager
    _create_secret(secrets_manager, "gladly/rotating", SECRET)
    credentials = Credentials(_settings(SECRET_NAME="gladly/rotating"))
    credentials.current()
    secrets_manager.put_secret_value(
        SecretId="gladly/rotating", SecretString=json.dumps({**SECRET, "access_token": "rotated-token"})
    )
    tokens: list[str] = []

    def call_bigcommerce(secret: AdaptorSecret) -> str:
        token = secret.access_token.get_secret_value()
        tokens.append(token)
        if token != "rotated-token":
            raise BigCommerceUnauthorized("BigCommerce refused the access token (401)", status=401)
        return "ok"

    # When a call fails with 401
    # Then the secret is re-read and the call made once more with the new token
    assert credentials.call_with_refresh(call_bigcommerce) == "ok"
    assert tokens == ["access-token-abcdef", "rotated-token"]


def test_an_unchanged_token_is_not_tried_twice(secrets_manager: Any) -> None:
    _create_secret(secrets_manager, "gladly/revoked", SECRET)
    credentials = Credentials(_settings(SECRET_NAME="gladly/revoked"))
    calls: list[str] = []

    def call_bigcommerce(secret: AdaptorSecret) -> str:
        calls.append(secret.access_token.get_secret_value())
        raise BigCommerceUnauthorized("BigCommerce refused the access token (401)", status=401)

    with pytest.raises(BigCommerceUnauthorized):
        credentials.call_with_refresh(call_bigcommerce)
    assert calls == ["access-token-abcdef"]
