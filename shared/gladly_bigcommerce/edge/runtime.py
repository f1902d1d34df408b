"""What a Lambda container keeps between requests: its settings (read once) and its credentials.

A misconfiguration is logged once and remembered: every request then answers 503 naming each bad
setting, and nothing runs half-configured.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from gladly_bigcommerce.observability import logger, metrics
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem
from gladly_bigcommerce.settings.secret import (
    AdaptorSecret,
    Credentials,
    SecretLoader,
    load_secret,
)


class Runtime:
    """Settings read once per container; credentials through the Powertools cache.

    A misconfiguration is logged once and remembered: every request then answers 503 naming each
    bad setting, and nothing runs half-configured.
    """

    def __init__(self, environ: Mapping[str, str], secret_loader: SecretLoader = load_secret) -> None:
        self._environ = environ
        self._secret_loader = secret_loader
        self._settings: AdaptorSettings | None = None
        self._credentials: Credentials | None = None
        self._error: ConfigError | None = None
        self._secret_problems: tuple[ConfigProblem, ...] = ()

    def settings(self) -> AdaptorSettings:
        if self._error is not None:
            raise self._error
        if self._settings is None:
            try:
                self._settings = AdaptorSettings.from_env(self._environ)
            except ConfigError as error:
                self._error = error
                logger.error("The deployment is misconfigured", extra={"problems": _problem_list(error)})
                raise
            for warning in self._settings.configuration_warnings():
                logger.warning("Configuration warning", extra={"problem": warning.model_dump()})
            metrics.set_default_dimensions(deployment=self._settings.name)
        return self._settings

    def credentials(self) -> Credentials:
        if self._credentials is None:
            self._credentials = Credentials(self.settings(), self._secret_loader)
        return self._credentials

    def secret(self) -> AdaptorSecret:
        """The current credentials; a bad secret is logged when its problems first appear, not per request."""
        try:
            secret = self.credentials().current()
        except ConfigError as error:
            if error.problems != self._secret_problems:
                self._secret_problems = error.problems
                logger.error(
                    "The credentials secret is misconfigured", extra={"problems": _problem_list(error)}
                )
            raise
        self._secret_problems = ()
        return secret


_runtime: Runtime | None = None


def current_runtime() -> Runtime:
    """The container's runtime, built from the process environment at first use."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime(os.environ)
    return _runtime


def reset_runtime() -> None:
    """Forget the container's settings and credentials (tests; Powertools' cache is cleared separately)."""
    global _runtime
    _runtime = None


def _problem_list(error: ConfigError) -> list[dict[str, str]]:
    return [item.model_dump() for item in error.problems]
