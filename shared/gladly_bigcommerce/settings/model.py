"""The deployment's settings as one validated model (``AdaptorSettings``), read from its environment.

Validated as a whole: a ``ConfigError`` names every offending setting at once with its fix, the
problems between settings (``CROSS_FIELD_RULES``) included even when other settings are wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

import phonenumbers
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from gladly_bigcommerce.bigcommerce.http import DEFAULT_API_BASE
from gladly_bigcommerce.bigcommerce.store_hash import InvalidStoreHash, normalize_store_hash
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES, VARIABLE_OF_FIELD
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem, describe_item

ContactField = Literal["email", "phone"]
SearchField = Literal["email", "phone", "orderNumber"]
"""What agents may search by: a contact value, or an order's number (``lookup/order_search.py``)."""
ActionName = Literal["refund", "cancel", "discount", "staff_note", "store_credit", "shipping_address"]
ALL_ACTIONS: tuple[ActionName, ...] = get_args(ActionName)
SUPPORTED_RESULTS_ATTRIBUTES = frozenset(
    {"name", "email", "phone", "externalCustomerId", "orderNumber", "orderStatus", "storefronts"}
)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


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

    attribute: SearchField
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
    store_credit_max: Decimal = Field(default=Decimal(50), gt=0, allow_inf_nan=False)
    lookup_deadline_seconds: float = Field(default=4.5, gt=0, le=8)
    basic_auth_user: Annotated[str | None, Blank] = None
    idempotency_table_name: Annotated[str | None, Blank] = None
    order_locks_table_name: Annotated[str | None, Blank] = None
    lookup_cache_table_name: Annotated[str | None, Blank] = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> AdaptorSettings:
        """Read every setting from ``environ`` (unset: its default); ``ConfigError`` names each bad one,
        and what the settings that could be read say about each other (``CROSS_FIELD_RULES``)."""
        data: dict[str, Any] = {}
        for name, variable in ENVIRONMENT_VARIABLES.items():
            value = environ.get(name, variable.default)
            if value is not None:
                data[variable.field] = value
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            problems = _settings_problems(error)
        problems += [item for item in cross_field_problems(data) if item not in problems]
        raise ConfigError(problems)

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
    def _related_settings_agree(self) -> AdaptorSettings:
        broken = [
            InitErrorDetails(
                type=PydanticCustomError("cross_field", problem), loc=(field,), input=getattr(self, field)
            )
            for rule in CROSS_FIELD_RULES
            if (found := rule.check(*(getattr(self, name) for name in rule.fields))) is not None
            for field, problem in [found]
        ]
        if broken:
            raise ValidationError.from_exception_data("AdaptorSettings", broken)
        return self

    def configuration_warnings(self) -> list[ConfigProblem]:
        """Accepted but worth telling the admin: Search Results Attributes we leave empty."""
        unsupported = [item.attribute for item in self.search_results_attributes if not item.supported]
        if not unsupported:
            return []
        return [
            ConfigProblem(
                field="SEARCH_RESULTS_ATTRIBUTES",
                problem=f"lists {', '.join(unsupported)}, which the adaptor does not fill: Gladly shows "
                "empty columns for them",
                fix=f"Use only {', '.join(sorted(SUPPORTED_RESULTS_ATTRIBUTES))} to fill every column.",
            )
        ]

    def to_env(self) -> dict[str, str]:
        """Every setting as the environment variable that would produce it (there are no secrets here)."""
        return {
            name: _environment_value(getattr(self, variable.field))
            for name, variable in ENVIRONMENT_VARIABLES.items()
        }


@dataclass(frozen=True)
class CrossFieldRule:
    """A rule between settings: ``check`` gets the ``fields``' values and answers the field at fault and
    its problem, or None when they agree."""

    fields: tuple[str, ...]
    check: Callable[..., tuple[str, str] | None]


def _expiry_within_maximum(default_days: int, max_days: int) -> tuple[str, str] | None:
    if default_days > max_days:
        return "discount_default_expiry_days", "is longer than DISCOUNT_MAX_EXPIRY_DAYS"
    return None


CROSS_FIELD_RULES: tuple[CrossFieldRule, ...] = (
    CrossFieldRule(("discount_default_expiry_days", "discount_max_expiry_days"), _expiry_within_maximum),
)
"""Checked by the model once every setting reads, and by ``cross_field_problems`` when some do not, so
that one run names every problem (``make validate-config``)."""


def cross_field_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """The problems of ``CROSS_FIELD_RULES`` among the settings of ``data`` (by field) that read on their
    own; a rule with an unreadable setting is left to that setting's own problem."""
    problems: list[ConfigProblem] = []
    for rule in CROSS_FIELD_RULES:
        values = _readable_alone(rule.fields, data)
        found = rule.check(*(values[name] for name in rule.fields)) if values is not None else None
        if found is not None:
            field, problem = found
            name = VARIABLE_OF_FIELD[field]
            problems.append(ConfigProblem(field=name, problem=problem, fix=ENVIRONMENT_VARIABLES[name].fix))
    return problems


def _readable_alone(fields: tuple[str, ...], data: Mapping[str, Any]) -> dict[str, Any] | None:
    """``fields`` read with their own types and constraints (defaults for those unset), or None."""
    definitions: dict[str, Any] = {
        name: (AdaptorSettings.model_fields[name].annotation, AdaptorSettings.model_fields[name])
        for name in fields
    }
    alone = create_model("SettingsAlone", **definitions)
    try:
        return alone.model_validate({name: data[name] for name in fields if name in data}).model_dump()
    except ValidationError:
        return None


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


# What pydantic found, said after the setting's name (``RECENT_ORDERS must be at most 50``): an admin
# reads these, not pydantic's "Input should be less than or equal to 50". The adaptor's own errors
# (``PydanticCustomError``) are written that way already; anything else says pydantic's words in brackets.
_SETTING_PROBLEMS: dict[str, str] = {
    "missing": "is required",
    "too_short": "needs at least one item",
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "decimal_parsing": "must be a number",
    "decimal_type": "must be a number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "decimal_max_places": "has too many decimals",
    "frozen_set_type": "must be a comma-separated list",
    "tuple_type": "must be a comma-separated list",
    "invalid_store_hash": "is not a store hash, nor a URL that holds one",
}
_BOUNDS = {
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "literal_error": "must be {expected}",
    "string_too_long": "must be at most {max_length} characters long",
}


def setting_problem(detail: Mapping[str, Any]) -> str:
    """One pydantic error of a setting as a predicate that follows the setting's name."""
    kind = str(detail["type"])
    context = {name: _plain(value) for name, value in (detail.get("ctx") or {}).items()}
    if kind == "string_too_short":
        return "is empty" if context.get("min_length") == "1" else "is too short"
    if kind in _SETTING_PROBLEMS:
        return _SETTING_PROBLEMS[kind]
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(**context)
    message = str(detail["msg"])
    if kind.startswith(("value_error", "assertion_error")) or message[:1].isupper():
        return f"is not valid ({message.rstrip('.')})"
    return message


def _plain(value: Any) -> str:
    """A bound as an admin writes it: ``8`` for 8.0, ``0`` for Decimal('0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _settings_problems(error: ValidationError) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for detail in error.errors(include_url=False, include_input=False):
        location = detail["loc"]
        name = VARIABLE_OF_FIELD.get(str(location[0]), str(location[0])) if location else "settings"
        variable = ENVIRONMENT_VARIABLES.get(name)
        problems.append(
            ConfigProblem(
                field=name,
                problem=f"{setting_problem(detail)}{describe_item(location[1:])}",
                fix=variable.fix if variable else f"Remove {name}: it is not a setting of this adaptor.",
            )
        )
    return problems
