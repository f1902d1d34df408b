"""The credentials: one JSON secret in Secrets Manager, read through the Powertools cache.

Validated as a whole: a ``ConfigError`` names every offending key with its fix, and never quotes a
secret value; every value read is registered for redaction from the logs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

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
)

from gladly_bigcommerce.bigcommerce.errors import Unauthorized as BigCommerceUnauthorized
from gladly_bigcommerce.observability import register_secret
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem, describe_item

T = TypeVar("T")


class SecretUnavailable(Exception):
    """The secret could not be read for a passing reason (throttling, network), not a misconfiguration."""


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
            problem = f"{describe_item(location[1:])}has the wrong type (expected text)"
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
    problems = basic_auth_problems(settings.basic_auth_user, secret.basic_auth_password is not None)
    if problems:
        raise ConfigError(problems)


# What is missing when basic auth is half configured, by whether the user is set.
_BASIC_AUTH_HALF_MISSING: dict[bool, ConfigProblem] = {
    True: ConfigProblem(
        field="basic_auth_password",
        problem="is missing from the secret although BASIC_AUTH_USER is set",
        fix='Add "basic_auth_password" to the secret, or empty BASIC_AUTH_USER (no basic auth).',
    ),
    False: ConfigProblem(
        field="BASIC_AUTH_USER",
        problem="is empty although the secret holds basic_auth_password",
        fix="Set BASIC_AUTH_USER to the user configured in Gladly, or remove basic_auth_password.",
    ),
}


def basic_auth_problems(user: str | None, has_password: bool) -> list[ConfigProblem]:
    """Basic auth needs a user (a setting) and a password (in the secret), or neither."""
    if bool(user) == has_password:
        return []
    return [_BASIC_AUTH_HALF_MISSING[bool(user)]]


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
