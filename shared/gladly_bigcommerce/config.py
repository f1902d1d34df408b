"""Deployment settings and credentials: models, loading, validation, and the ``validate-config`` CLI.

The settings of Gladly's "Add New BigCommerce App" page are SAM template parameters that reach every
function as environment variables (``ENVIRONMENT_VARIABLES`` below is the one list of them). The
credentials are one JSON secret in Secrets Manager, read through the Powertools cache. Both are
validated as a whole: a ``ConfigError`` names every offending field at once with its fix, and never
quotes a secret value.

    python -m gladly_bigcommerce.config [--parameters FILE] [--secret FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

import phonenumbers
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError
from botocore.exceptions import ClientError
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from gladly_bigcommerce.bigcommerce.errors import Unauthorized as BigCommerceUnauthorized
from gladly_bigcommerce.bigcommerce.store_hash import InvalidStoreHash, normalize_store_hash
from gladly_bigcommerce.observability import register_secret

T = TypeVar("T")

ContactField = Literal["email", "phone"]
ActionName = Literal["refund", "cancel", "discount"]
ALL_ACTIONS: tuple[ActionName, ...] = ("refund", "cancel", "discount")
SUPPORTED_RESULTS_ATTRIBUTES = frozenset({"name", "email", "phone", "externalCustomerId"})
DEFAULT_API_BASE = "https://api.bigcommerce.com"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


# --- The environment variables: the one list ---------------------------------------------------------


@dataclass(frozen=True)
class EnvironmentVariable:
    """One deployment setting as it reaches a function.

    ``default`` is None for a required setting. ``parameter`` is the SAM template parameter that sets
    it (None when the template fills it from a resource).
    """

    field: str
    description: str
    default: str | None
    fix: str
    parameter: str | None


ENVIRONMENT_VARIABLES: dict[str, EnvironmentVariable] = {
    "DEPLOYMENT_NAME": EnvironmentVariable(
        "name",
        "A label for this deployment, shown in logs and metrics (the Name on Gladly's app page).",
        None,
        "Set DEPLOYMENT_NAME to a short label such as 'acme-store' (1 to 64 characters).",
        "DeploymentName",
    ),
    "STORE_HASH": EnvironmentVariable(
        "store_hash",
        "The BigCommerce store hash (the id in api.bigcommerce.com/stores/{hash}).",
        None,
        "Set STORE_HASH to the store hash, e.g. 'abc123xyz0' from https://store-abc123xyz0.mybigcommerce.com.",
        "StoreHash",
    ),
    "SECRET_NAME": EnvironmentVariable(
        "secret_name",
        "ARN of the Secrets Manager secret holding the credentials JSON (a name works only locally).",
        None,
        "Set SECRET_NAME to the ARN of the credentials secret, as `aws secretsmanager describe-secret "
        "--secret-id NAME --query ARN` prints it (see README, Deploying).",
        "CredentialsSecretArn",
    ),
    "SEARCH_QUERY_ATTRIBUTES": EnvironmentVariable(
        "search_query_attributes",
        "Comma-separated attribute:Label pairs Gladly searches by (attributes email, phone).",
        "email:Email,phone:Phone",
        "Set SEARCH_QUERY_ATTRIBUTES to one or both of email and phone, e.g. 'email:Email,phone:Phone'.",
        "SearchQueryAttributes",
    ),
    "SEARCH_RESULTS_ATTRIBUTES": EnvironmentVariable(
        "search_results_attributes",
        "Comma-separated attribute:Label pairs shown as columns of the search results.",
        "name:Name,email:Email",
        "Set SEARCH_RESULTS_ATTRIBUTES to attribute:Label pairs, e.g. 'name:Name,email:Email,phone:Phone'.",
        "SearchResultsAttributes",
    ),
    "AUTO_LINK_FIELDS": EnvironmentVariable(
        "auto_link_fields",
        "Comma-separated fields that may auto-link a profile (email, phone); empty disables auto-linking.",
        "email,phone",
        "Set AUTO_LINK_FIELDS to 'email', 'phone', 'email,phone' or '' (no auto-linking).",
        "AutoLinkFields",
    ),
    "ACTIONS_ENABLED": EnvironmentVariable(
        "actions_enabled",
        "Comma-separated actions offered to agents (refund, cancel, discount); 'true': all; empty: none.",
        "",
        "Set ACTIONS_ENABLED to a comma-separated subset of refund,cancel,discount, 'true' or ''.",
        "ActionsEnabled",
    ),
    "RECENT_ORDERS": EnvironmentVariable(
        "recent_orders",
        "How many of the newest orders a detailed lookup returns (1 to 50).",
        "10",
        "Set RECENT_ORDERS to a whole number from 1 to 50.",
        "RecentOrders",
    ),
    "STOREFRONT_URL": EnvironmentVariable(
        "storefront_url",
        "Base https URL of the storefront, for links shoppers follow; empty reads it from the store.",
        "",
        "Set STOREFRONT_URL to the storefront's https base URL (e.g. 'https://shop.example.com') or ''.",
        "StorefrontUrl",
    ),
    "ADMIN_URL": EnvironmentVariable(
        "admin_url",
        "Base https URL of the control panel, for order links agents follow; empty: derived from the store.",
        "",
        "Set ADMIN_URL to the control panel's https base URL, e.g. "
        "'https://store-abc123xyz0.mybigcommerce.com/manage', or leave it empty.",
        "AdminUrl",
    ),
    "PUBLIC_BASE_URL": EnvironmentVariable(
        "public_base_url",
        "Base URL Gladly reaches this API at (custom domain or proxy), on which action form URLs are built; "
        "empty: the host and stage or base path of each request.",
        "",
        "Set PUBLIC_BASE_URL to the absolute http(s) URL the Lookup URL starts with, without '/lookup', "
        "query or fragment (e.g. 'https://support-api.example.com/gladly'), or leave it empty.",
        "PublicBaseUrl",
    ),
    "DEFAULT_PHONE_REGION": EnvironmentVariable(
        "default_phone_region",
        "Last-fallback ISO 3166 alpha-2 region for phones written without a country code whose record "
        "names no country and whose store's country cannot be read.",
        "US",
        "Set DEFAULT_PHONE_REGION to a two-letter region code such as 'US', 'GB' or 'DE'.",
        "DefaultPhoneRegion",
    ),
    "BIGCOMMERCE_API_BASE": EnvironmentVariable(
        "api_base",
        "Base URL of the BigCommerce API; change it only for a test double on this machine.",
        DEFAULT_API_BASE,
        f"Set BIGCOMMERCE_API_BASE to {DEFAULT_API_BASE} (or an http://127.0.0.1:<port> sandbox locally).",
        "BigCommerceApiBase",
    ),
    "SECRET_MAX_AGE_SECONDS": EnvironmentVariable(
        "secret_max_age_seconds",
        "How long a function reuses the credentials it read before reading the secret again.",
        "300",
        "Set SECRET_MAX_AGE_SECONDS to a whole number of seconds from 0 to 86400.",
        "SecretMaxAgeSeconds",
    ),
    "DISCOUNT_MAX_PERCENT": EnvironmentVariable(
        "discount_max_percent",
        "The largest percentage discount an agent may grant.",
        "20",
        "Set DISCOUNT_MAX_PERCENT to a number greater than 0 and at most 100.",
        "DiscountMaxPercent",
    ),
    "DISCOUNT_MAX_AMOUNT": EnvironmentVariable(
        "discount_max_amount",
        "The largest fixed-amount discount an agent may grant, in the store's currency.",
        "50",
        "Set DISCOUNT_MAX_AMOUNT to a positive decimal amount such as '50' or '49.99'.",
        "DiscountMaxAmount",
    ),
    "DISCOUNT_DEFAULT_EXPIRY_DAYS": EnvironmentVariable(
        "discount_default_expiry_days",
        "Days a discount code stays valid unless the agent chooses otherwise.",
        "30",
        "Set DISCOUNT_DEFAULT_EXPIRY_DAYS to a whole number of days, at most DISCOUNT_MAX_EXPIRY_DAYS.",
        "DiscountDefaultExpiryDays",
    ),
    "DISCOUNT_MAX_EXPIRY_DAYS": EnvironmentVariable(
        "discount_max_expiry_days",
        "The longest validity, in days, an agent may give a discount code.",
        "365",
        "Set DISCOUNT_MAX_EXPIRY_DAYS to a whole number of days from 1 to 3650.",
        "DiscountMaxExpiryDays",
    ),
    "LOOKUP_DEADLINE_SECONDS": EnvironmentVariable(
        "lookup_deadline_seconds",
        "Seconds a lookup may spend on BigCommerce calls (Gladly wants an answer within 5).",
        "4.5",
        "Set LOOKUP_DEADLINE_SECONDS to a number of seconds greater than 0 and at most 8 "
        "(the functions time out at 10 s).",
        "LookupDeadlineSeconds",
    ),
    "BASIC_AUTH_USER": EnvironmentVariable(
        "basic_auth_user",
        "The basic auth user Gladly sends, when basic auth is configured in Gladly (password in the secret).",
        "",
        "Set BASIC_AUTH_USER to the user configured in Gladly, or '' when Gladly sends no basic auth.",
        "BasicAuthUser",
    ),
    "IDEMPOTENCY_TABLE_NAME": EnvironmentVariable(
        "idempotency_table_name",
        "DynamoDB table of action idempotency records (filled in by the template).",
        "",
        "Deploy with template.yaml, which sets IDEMPOTENCY_TABLE_NAME from its IdempotencyTable.",
        None,
    ),
    "ORDER_LOCKS_TABLE_NAME": EnvironmentVariable(
        "order_locks_table_name",
        "DynamoDB table of order locks (filled in by the template).",
        "",
        "Deploy with template.yaml, which sets ORDER_LOCKS_TABLE_NAME from its OrderLocksTable.",
        None,
    ),
}

_VARIABLE_OF_FIELD = {variable.field: name for name, variable in ENVIRONMENT_VARIABLES.items()}
_VARIABLE_OF_PARAMETER = {
    variable.parameter: name for name, variable in ENVIRONMENT_VARIABLES.items() if variable.parameter
}
# Settings that were once the adaptor's and now live elsewhere: a parameters file that still has one
# is told where the setting went, not just that the key is unknown.
_MOVED_SETTINGS: dict[str, tuple[str, str]] = dict.fromkeys(
    ("OVERWRITE_EXISTING_VALUES", "OverwriteExistingValues"),
    (
        "moved to Gladly: Gladly applies Overwrite Existing Values itself, and the adaptor always sends "
        "name, address and company",
        "Remove the key from the parameters file and set the 'Overwrite Existing Values' checkbox on "
        "Gladly's app settings page instead.",
    ),
)


# --- Errors ------------------------------------------------------------------------------------------


class ConfigProblem(BaseModel):
    """One offending setting: ``field`` is the environment variable or secret key, ``fix`` how to mend it."""

    model_config = ConfigDict(frozen=True)

    field: str
    problem: str
    fix: str


class ConfigError(Exception):
    """The deployment is misconfigured; ``problems`` lists every offending field (never a secret value)."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("a ConfigError needs at least one problem")
        super().__init__("; ".join(f"{item.field}: {item.problem}" for item in self.problems))


class SecretUnavailable(Exception):
    """The secret could not be read for a passing reason (throttling, network), not a misconfiguration."""


# --- Settings ----------------------------------------------------------------------------------------


def _split_list(value: Any) -> Any:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``; lists pass through."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _attribute_pairs(value: Any) -> Any:
    """``"email:Email,phone"`` -> attribute/label dicts; a missing label defaults to the attribute."""
    items = _split_list(value)
    if not isinstance(items, list):
        return items
    pairs: list[Any] = []
    for item in items:
        if isinstance(item, str):
            attribute, _, label = item.partition(":")
            pairs.append(
                {"attribute": attribute.strip(), "label": label.strip() or _default_label(attribute)}
            )
        else:
            pairs.append(item)
    return pairs


def _default_label(attribute: str) -> str:
    text = attribute.strip()
    return text[:1].upper() + text[1:]


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def enabled_actions(value: str) -> tuple[ActionName, ...]:
    """The actions an ACTIONS_ENABLED value turns on, in ALL_ACTIONS order ('true'/'all': every one)."""
    text = value.strip().lower()
    if text in {"true", "all"}:
        return ALL_ACTIONS
    named = {item.lower() for item in _split_list(text)}
    return tuple(action for action in ALL_ACTIONS if action in named)


def _https_base_url(value: str | None, *, allow_loopback_http: bool) -> str | None:
    """A base URL without trailing slash, query or fragment; https (http only for a loopback sandbox)."""
    if value is None:
        return None
    url = urlsplit(value.strip())
    loopback = url.hostname in _LOOPBACK_HOSTS
    if url.scheme != "https" and not (allow_loopback_http and loopback and url.scheme == "http"):
        raise PydanticCustomError("invalid_url", "must be an https:// URL")
    if not url.hostname or url.query or url.fragment:
        raise PydanticCustomError("invalid_url", "must be a base URL with a host and no query or fragment")
    return value.strip().rstrip("/")


class SearchQueryAttribute(BaseModel):
    model_config = ConfigDict(frozen=True)

    attribute: ContactField
    label: str = Field(min_length=1)


class SearchResultsAttribute(BaseModel):
    model_config = ConfigDict(frozen=True)

    attribute: str = Field(min_length=1)
    label: str = Field(min_length=1)

    @property
    def supported(self) -> bool:
        """Whether we fill this column (others are accepted and left empty)."""
        return self.attribute in SUPPORTED_RESULTS_ATTRIBUTES


AttributePairs = BeforeValidator(_attribute_pairs)
CommaList = BeforeValidator(_split_list)
Blank = BeforeValidator(_blank_to_none)


class AdaptorSettings(BaseModel):
    """The non-secret settings of one deployment (one BigCommerce store, one Gladly app)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    store_hash: str
    secret_name: str = Field(min_length=1)
    search_query_attributes: Annotated[tuple[SearchQueryAttribute, ...], AttributePairs] = Field(min_length=1)
    search_results_attributes: Annotated[tuple[SearchResultsAttribute, ...], AttributePairs] = Field(
        min_length=1
    )
    auto_link_fields: Annotated[frozenset[ContactField], CommaList] = frozenset({"email", "phone"})
    actions_enabled: frozenset[ActionName] = frozenset()
    recent_orders: int = Field(default=10, ge=1, le=50)
    storefront_url: Annotated[str | None, Blank] = None
    admin_url: Annotated[str | None, Blank] = None
    public_base_url: Annotated[str | None, Blank] = None
    default_phone_region: str = "US"
    api_base: str = DEFAULT_API_BASE
    secret_max_age_seconds: int = Field(default=300, ge=0, le=86400)
    discount_max_percent: Decimal = Field(default=Decimal(20), gt=0, le=100, allow_inf_nan=False)
    discount_max_amount: Decimal = Field(default=Decimal(50), gt=0, allow_inf_nan=False)
    discount_default_expiry_days: int = Field(default=30, ge=1, le=3650)
    discount_max_expiry_days: int = Field(default=365, ge=1, le=3650)
    lookup_deadline_seconds: float = Field(default=4.5, gt=0, le=8)
    basic_auth_user: Annotated[str | None, Blank] = None
    idempotency_table_name: Annotated[str | None, Blank] = None
    order_locks_table_name: Annotated[str | None, Blank] = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> AdaptorSettings:
        """Read every setting from ``environ`` (unset: its default); ``ConfigError`` names each bad one."""
        data: dict[str, Any] = {}
        for name, variable in ENVIRONMENT_VARIABLES.items():
            value = environ.get(name, variable.default)
            if value is not None:
                data[variable.field] = value
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise ConfigError(_settings_problems(error)) from None

    @field_validator("store_hash", mode="before")
    @classmethod
    def _normalise_store_hash(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("invalid_store_hash", "must be a string")
        try:
            return normalize_store_hash(value)
        except InvalidStoreHash as error:
            raise PydanticCustomError("invalid_store_hash", str(error)) from None

    @field_validator("search_query_attributes", "search_results_attributes")
    @classmethod
    def _no_duplicate_attributes(
        cls, value: tuple[SearchQueryAttribute | SearchResultsAttribute, ...]
    ) -> tuple[SearchQueryAttribute | SearchResultsAttribute, ...]:
        attributes = [item.attribute for item in value]
        duplicates = sorted({attribute for attribute in attributes if attributes.count(attribute) > 1})
        if duplicates:
            raise PydanticCustomError(
                "duplicate_attribute",
                "lists {duplicates} more than once",
                {"duplicates": ", ".join(duplicates)},
            )
        return value

    @field_validator("actions_enabled", mode="before")
    @classmethod
    def _parse_actions(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in {"true", "all"}:
            return frozenset(ALL_ACTIONS)
        if isinstance(value, str) and value.strip().lower() in {"false", "none"}:
            return frozenset()
        return _split_list(value)

    @field_validator("storefront_url", "admin_url")
    @classmethod
    def _public_base_url(cls, value: str | None) -> str | None:
        return _https_base_url(value, allow_loopback_http=False)

    @field_validator("public_base_url")
    @classmethod
    def _absolute_base_url(cls, value: str | None) -> str | None:
        """Gladly follows action URLs built on it: http(s), a host, no query or fragment, no trailing /."""
        if value is None:
            return None
        url = urlsplit(value.strip())
        if url.scheme not in ("http", "https") or not url.hostname:
            raise PydanticCustomError("invalid_url", "must be an absolute http:// or https:// URL")
        if url.query or url.fragment or value.strip().endswith(("?", "#")):
            raise PydanticCustomError("invalid_url", "must be a base URL without query or fragment")
        return value.strip().rstrip("/")

    @field_validator("api_base")
    @classmethod
    def _api_base_url(cls, value: str) -> str:
        return _https_base_url(value, allow_loopback_http=True) or DEFAULT_API_BASE

    @field_validator("default_phone_region", mode="before")
    @classmethod
    def _supported_region(cls, value: Any) -> str:
        region = value.strip().upper() if isinstance(value, str) else ""
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise PydanticCustomError("invalid_region", "is not a region phonenumbers knows")
        return region

    @model_validator(mode="after")
    def _expiry_within_maximum(self) -> AdaptorSettings:
        if self.discount_default_expiry_days > self.discount_max_expiry_days:
            raise ValidationError.from_exception_data(
                "AdaptorSettings",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("invalid_expiry", "is longer than DISCOUNT_MAX_EXPIRY_DAYS"),
                        loc=("discount_default_expiry_days",),
                        input=self.discount_default_expiry_days,
                    )
                ],
            )
        return self

    def configuration_warnings(self) -> list[ConfigProblem]:
        """Accepted but worth telling the admin: Search Results Attributes we leave empty."""
        unsupported = [item.attribute for item in self.search_results_attributes if not item.supported]
        if not unsupported:
            return []
        return [
            ConfigProblem(
                field="SEARCH_RESULTS_ATTRIBUTES",
                problem=f"{', '.join(unsupported)} will show as empty columns",
                fix=f"Use only {', '.join(sorted(SUPPORTED_RESULTS_ATTRIBUTES))} to fill every column.",
            )
        ]

    def to_env(self) -> dict[str, str]:
        """Every setting as the environment variable that would produce it (there are no secrets here)."""
        return {
            name: _environment_value(getattr(self, variable.field))
            for name, variable in ENVIRONMENT_VARIABLES.items()
        }


def _environment_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset):
        return ",".join(sorted(value))
    if isinstance(value, tuple):
        return ",".join(f"{item.attribute}:{item.label}" for item in value)
    return str(value)


# Clearer words for an admin than pydantic's generic messages.
_SETTING_PROBLEMS = {
    "missing": "is required",
    "string_too_short": "is empty",
    "too_short": "needs at least one item",
}


def _settings_problems(error: ValidationError) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for detail in error.errors(include_url=False, include_input=False):
        location = detail["loc"]
        name = _VARIABLE_OF_FIELD.get(str(location[0]), str(location[0])) if location else "settings"
        where = _describe_item(location[1:])
        variable = ENVIRONMENT_VARIABLES.get(name)
        problem = _SETTING_PROBLEMS.get(detail["type"], detail["msg"])
        problems.append(
            ConfigProblem(
                field=name,
                problem=f"{where}{problem}",
                fix=variable.fix if variable else "Remove this setting.",
            )
        )
    return problems


def _describe_item(location: Sequence[int | str]) -> str:
    """``(1, "attribute")`` -> ``"item 2 attribute: "`` (items counted from 1, as an admin reads them)."""
    parts = [f"item {part + 1}" if isinstance(part, int) else str(part) for part in location]
    return f"{' '.join(parts)}: " if parts else ""


# --- The secret --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretKey:
    description: str
    required: bool


SECRET_KEYS: dict[str, SecretKey] = {
    "client_id": SecretKey("the Client ID of the BigCommerce API account", True),
    "access_token": SecretKey("the Access Token of the BigCommerce API account", True),
    "gladly_signing_key": SecretKey("the signing key Gladly shows for this app (used as text)", True),
    "basic_auth_password": SecretKey(
        "the basic auth password configured in Gladly, with BASIC_AUTH_USER", False
    ),
    "static_headers": SecretKey("an object of custom header name -> value that Gladly sends", False),
}


def _strip_text(value: Any) -> Any:
    # Pasted tokens often carry a trailing newline; no real key starts or ends with whitespace.
    return value.strip() if isinstance(value, str) else value


Credential = Annotated[SecretStr, BeforeValidator(_strip_text), Field(min_length=1)]


class AdaptorSecret(BaseModel):
    """The credentials JSON in Secrets Manager. Values are ``SecretStr``: they never print."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    client_id: Credential
    access_token: Credential
    gladly_signing_key: Credential
    basic_auth_password: Credential | None = None
    static_headers: dict[str, Credential] = Field(default_factory=dict)

    @classmethod
    def from_mapping(cls, value: Any) -> AdaptorSecret:
        """Validate the secret's JSON; raise ``ConfigError`` naming each bad key (never its value)."""
        try:
            secret = cls.model_validate(value)
        except ValidationError as error:
            raise ConfigError(_secret_problems(error)) from None
        for credential in secret.credentials():
            register_secret(credential)
        return secret

    def credentials(self) -> list[str]:
        """Every secret value, for log redaction."""
        values = [self.client_id, self.access_token, self.gladly_signing_key, self.basic_auth_password]
        values += list(self.static_headers.values())
        return [value.get_secret_value() for value in values if value is not None]

    def static_header_values(self) -> dict[str, str]:
        return {name: value.get_secret_value() for name, value in self.static_headers.items()}

    def summary(self) -> dict[str, str]:
        """Which keys are set, never their values."""
        present = {
            "client_id": True,
            "access_token": True,
            "gladly_signing_key": True,
            "basic_auth_password": self.basic_auth_password is not None,
            "static_headers": bool(self.static_headers),
        }
        return {key: "set" if is_set else "not set" for key, is_set in present.items()}


def _secret_problems(error: ValidationError) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for detail in error.errors(include_url=False, include_input=False):
        location = detail["loc"]
        if not location:
            problems.append(
                ConfigProblem(
                    field="SECRET_NAME",
                    problem="the secret is not a JSON object",
                    fix=f"Store a JSON object with the keys {', '.join(SECRET_KEYS)} in the secret.",
                )
            )
            continue
        key = str(location[0])
        if detail["type"] == "missing":
            problem = "is missing from the secret"
        elif detail["type"] in {"string_too_short", "too_short"}:
            problem = "is empty"
        else:
            problem = f"{_describe_item(location[1:])}has the wrong type (expected text)"
        description = SECRET_KEYS[key].description if key in SECRET_KEYS else key
        problems.append(
            ConfigProblem(
                field=key,
                problem=problem,
                fix=f'Set "{key}" in the credentials secret to {description}.',
            )
        )
    return problems


def check_deployment(settings: AdaptorSettings, secret: AdaptorSecret) -> None:
    """Checks that need both settings and secret: basic auth has a user and a password, or neither."""
    problems = _basic_auth_problems(settings.basic_auth_user, secret.basic_auth_password is not None)
    if problems:
        raise ConfigError(problems)


def _basic_auth_problems(user: str | None, has_password: bool) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    if user and not has_password:
        problems.append(
            ConfigProblem(
                field="basic_auth_password",
                problem="is missing from the secret although BASIC_AUTH_USER is set",
                fix='Add "basic_auth_password" to the secret, or empty BASIC_AUTH_USER (no basic auth).',
            )
        )
    if has_password and not user:
        problems.append(
            ConfigProblem(
                field="BASIC_AUTH_USER",
                problem="is empty although the secret holds basic_auth_password",
                fix="Set BASIC_AUTH_USER to the user configured in Gladly, or remove basic_auth_password.",
            )
        )
    return problems


# Secrets Manager answers these when the secret's name, policy or key is wrong: an admin must act.
_MISCONFIGURED_SECRET_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "AccessDeniedException",
        "DecryptionFailure",
        "InvalidRequestException",
        "InvalidParameterException",
        "ValidationException",
    }
)


def load_secret(settings: AdaptorSettings, force_fetch: bool = False) -> AdaptorSecret:
    """Read and validate the credentials secret through the Powertools cache (``SECRET_MAX_AGE_SECONDS``).

    Raises ``ConfigError`` when the secret is missing, unreadable for lack of permissions, not JSON or
    incomplete; ``SecretUnavailable`` when Secrets Manager could not answer.
    """
    fix = f"Make SECRET_NAME name an existing secret holding a JSON object with {', '.join(SECRET_KEYS)}."
    try:
        value = parameters.get_secret(
            settings.secret_name,
            transform="json",
            max_age=settings.secret_max_age_seconds,
            force_fetch=force_fetch,
        )
    except TransformParameterError:
        raise ConfigError(
            [ConfigProblem(field="SECRET_NAME", problem="the secret is not valid JSON", fix=fix)]
        ) from None
    except GetParameterError as error:
        cause = error.__context__
        code = cause.response.get("Error", {}).get("Code", "") if isinstance(cause, ClientError) else ""
        if code in _MISCONFIGURED_SECRET_CODES:
            raise ConfigError(
                [ConfigProblem(field="SECRET_NAME", problem=f"the secret cannot be read ({code})", fix=fix)]
            ) from None
        raise SecretUnavailable(f"Secrets Manager did not answer ({code or type(cause).__name__})") from None
    return AdaptorSecret.from_mapping(value)


SecretLoader = Callable[[AdaptorSettings, bool], AdaptorSecret]


class Credentials:
    """Hands out the current credentials; re-reads the secret once when BigCommerce refuses the token.

    The Powertools cache keeps reads cheap; ``refresh()`` bypasses it, for a token rotated since.
    """

    def __init__(self, settings: AdaptorSettings, loader: SecretLoader = load_secret) -> None:
        self._settings = settings
        self._loader = loader

    def current(self) -> AdaptorSecret:
        secret = self._loader(self._settings, False)
        check_deployment(self._settings, secret)
        return secret

    def refresh(self) -> AdaptorSecret:
        secret = self._loader(self._settings, True)
        check_deployment(self._settings, secret)
        return secret

    def call_with_refresh(self, call: Callable[[AdaptorSecret], T]) -> T:
        """``call(secret)``; on a BigCommerce 401 re-read the secret and, if the token changed, call again.

        Safe for writes: a 401 means BigCommerce did nothing with the request.
        """
        secret = self.current()
        try:
            return call(secret)
        except BigCommerceUnauthorized:
            fresh = self.refresh()
            if (fresh.access_token, fresh.client_id) == (secret.access_token, secret.client_id):
                raise
            return call(fresh)


# --- The CLI -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParametersFile:
    """A parameters file as read: what it sets, and every problem of its keys and value types."""

    settings: dict[str, str]
    """Settings of the functions, by environment variable (``STORE_HASH``)."""
    template_only: dict[str, str]
    """Template parameters that are no setting of the functions (``LogLevel``), by parameter name."""
    problems: list[ConfigProblem]

    def parameter_overrides(self) -> dict[str, str]:
        """Every value by SAM parameter name, as ``sam deploy --parameter-overrides`` takes them."""
        overrides = {
            parameter: value
            for name, value in self.settings.items()
            if (parameter := ENVIRONMENT_VARIABLES[name].parameter) is not None
        }
        return {**overrides, **self.template_only}


def read_parameters(
    path: Path, template_parameters: Mapping[str, Mapping[str, Any]] | None = None
) -> ParametersFile:
    """A JSON object keyed by environment variable (``STORE_HASH``) or SAM parameter (``StoreHash``).

    Parameters of ``template_parameters`` that are no function setting (``LogLevel``) are accepted too.
    Unknown keys and values that are not text or numbers are problems; the other keys are still read,
    so that their own problems are found in the same run.
    """
    data = _read_json_object(path, field="--parameters")
    template_parameters = template_parameters or {}
    settings: dict[str, str] = {}
    template_only: dict[str, str] = {}
    problems: list[ConfigProblem] = []
    for key, value in data.items():
        name = key if key in ENVIRONMENT_VARIABLES else _VARIABLE_OF_PARAMETER.get(key)
        if key in _MOVED_SETTINGS:
            problem, fix = _MOVED_SETTINGS[key]
            problems.append(ConfigProblem(field=key, problem=problem, fix=fix))
        elif name is None and key not in template_parameters:
            known = [
                *ENVIRONMENT_VARIABLES,
                *(p for p in template_parameters if p not in _VARIABLE_OF_PARAMETER),
            ]
            problems.append(
                ConfigProblem(
                    field=key,
                    problem="is not a setting of this adaptor",
                    fix=f"Use one of {', '.join(known)} (or its SAM parameter name).",
                )
            )
        elif not isinstance(value, str | int | float):
            fix = ENVIRONMENT_VARIABLES[name].fix if name else f"Give {key} as text or a number."
            problems.append(ConfigProblem(field=name or key, problem="must be a string or a number", fix=fix))
        else:
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            if name is not None:
                settings[name] = text
            else:
                template_only[key] = text
    return ParametersFile(settings, template_only, problems)


def read_parameters_file(path: Path) -> dict[str, str]:
    """The settings of a parameters file by environment variable; ``ConfigError`` lists its key problems."""
    parameters = read_parameters(path)
    if parameters.problems:
        raise ConfigError(parameters.problems)
    return parameters.settings


def _read_json_object(path: Path, *, field: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise ConfigError(
            [ConfigProblem(field=field, problem=f"{path} is not a readable JSON object", fix="Fix the file.")]
        )
    return data


# --- template.yaml's own constraints -------------------------------------------------------------
# CloudFormation refuses a stack whose parameter breaks its AllowedPattern, AllowedValues, Min/MaxLength
# or Min/MaxValue; validate-config reads them from template.yaml so an admin hears it before deploying.


def load_template_parameters(path: Path) -> dict[str, dict[str, Any]]:
    """The ``Parameters`` section of a SAM/CloudFormation template (its short tags are not needed here)."""
    import yaml  # a deployment tool's need: the functions never read the template

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda _loader, _suffix, _node: None)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader
    except (OSError, yaml.YAMLError):
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("Parameters"), dict):
        raise ConfigError(
            [
                ConfigProblem(
                    field="--template", problem=f"{path} has no Parameters section", fix="Give template.yaml."
                )
            ]
        )
    return {str(name): dict(spec or {}) for name, spec in document["Parameters"].items()}


def template_problems(
    values: Mapping[str, str], template_parameters: Mapping[str, Mapping[str, Any]]
) -> list[ConfigProblem]:
    """What CloudFormation would refuse of these values (by parameter name), each named by its setting."""
    problems: list[ConfigProblem] = []
    for parameter, value in values.items():
        spec = template_parameters.get(parameter)
        if spec is None:
            continue
        name = _VARIABLE_OF_PARAMETER.get(parameter, parameter)
        variable = ENVIRONMENT_VARIABLES.get(name)
        description = " ".join(str(spec.get("Description", "")).split())
        fix = (
            variable.fix if variable else f"Set {parameter} to a value template.yaml allows ({description})."
        )
        for problem in _constraint_problems(value, spec):
            problems.append(
                ConfigProblem(
                    field=name, problem=f"{problem} (template.yaml, parameter {parameter})", fix=fix
                )
            )
    return problems


def _constraint_problems(value: str, spec: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    allowed = spec.get("AllowedValues")
    if allowed is not None and value not in [str(item) for item in allowed]:
        problems.append(f"must be one of {', '.join(str(item) for item in allowed)}")
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        problems.append(f"must be at least {spec['MinLength']} characters long")
    if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
        problems.append(f"must be at most {spec['MaxLength']} characters long")
    pattern = spec.get("AllowedPattern")
    if pattern is not None and re.fullmatch(str(pattern), value) is None:
        said = spec.get("ConstraintDescription")
        problems.append(f"must match {pattern}" + (f": it {said}" if said else ""))
    if spec.get("Type") == "Number":
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            return [*problems, "must be a number"]
        if not number.is_finite():
            return [*problems, "must be a number"]
        if "MinValue" in spec and number < Decimal(str(spec["MinValue"])):
            problems.append(f"must be at least {spec['MinValue']}")
        if "MaxValue" in spec and number > Decimal(str(spec["MaxValue"])):
            problems.append(f"must be at most {spec['MaxValue']}")
    return problems


def validate_files(
    parameters_path: Path | None,
    secret_path: Path | None,
    environ: Mapping[str, str],
    template_path: Path | None = None,
) -> str:
    """Validate settings (from a file or ``environ``), optionally a secret file and the template's limits.

    Every stage runs whatever the others found, so ``ConfigError`` lists every problem at once: unknown
    keys, each bad setting, what template.yaml would refuse, the secret's keys, basic auth across both.
    """
    problems: list[ConfigProblem] = []
    template = load_template_parameters(template_path) if template_path else {}
    if parameters_path is not None:
        parameters = read_parameters(parameters_path, template)
        problems += parameters.problems
        source: Mapping[str, str] = parameters.settings
        template_values = parameters.parameter_overrides()
        template_only = parameters.template_only
    else:
        source, template_only = environ, {}
        template_values = {
            variable.parameter: environ[name]
            for name, variable in ENVIRONMENT_VARIABLES.items()
            if variable.parameter and name in environ
        }
    settings: AdaptorSettings | None = None
    try:
        settings = AdaptorSettings.from_env(source)
    except ConfigError as error:
        problems += error.problems
    found = {item.field for item in problems}
    # One problem per setting is enough: the template's word only for what the settings check let pass.
    problems += [item for item in template_problems(template_values, template) if item.field not in found]
    secret: AdaptorSecret | None = None
    if secret_path is not None:
        raw_secret: dict[str, Any] | None = None
        try:
            raw_secret = _read_json_object(secret_path, field="--secret")
            secret = AdaptorSecret.from_mapping(raw_secret)
        except ConfigError as error:
            problems += error.problems
        if raw_secret is not None:
            password = raw_secret.get("basic_auth_password")
            has_password = isinstance(password, str) and bool(password.strip())
            problems += _basic_auth_problems(
                (source.get("BASIC_AUTH_USER") or "").strip() or None, has_password
            )
    if problems:
        raise ConfigError(problems)
    assert settings is not None
    lines = ["OK: the configuration is valid.", "", "Settings:"]
    lines += [f"  {name}={value}" for name, value in settings.to_env().items()]
    lines += [f"  {name}={value}" for name, value in template_only.items()]
    if secret is not None:
        lines += ["", "Secret:"]
        lines += [f"  {key}: {state}" for key, state in secret.summary().items()]
    for warning in settings.configuration_warnings():
        lines += ["", f"Warning: {warning.field}: {warning.problem}. {warning.fix}"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Check a deployment's configuration before deploying; exit status 1 lists every problem."""
    parser = argparse.ArgumentParser(
        prog="python -m gladly_bigcommerce.config",
        description="Validate the adaptor's settings (and optionally its secret) before deploying.",
    )
    parser.add_argument(
        "--parameters", type=Path, help="JSON object of settings; without it, the process environment is read"
    )
    parser.add_argument("--secret", type=Path, help="JSON file with the secret's content, to check it too")
    parser.add_argument(
        "--template", type=Path, help="template.yaml: also refuse what its parameter constraints refuse"
    )
    arguments = parser.parse_args(argv)
    try:
        report = validate_files(
            arguments.parameters,
            arguments.secret,
            os.environ if environ is None else environ,
            arguments.template,
        )
    except ConfigError as error:
        lines = [f"The configuration has {len(error.problems)} problem(s):"]
        lines += [f"  {item.field}: {item.problem}. Fix: {item.fix}" for item in error.problems]
        sys.stderr.write("\n".join(lines) + "\n")
        return 1
    sys.stdout.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
