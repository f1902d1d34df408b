"""The adaptor's settings as `make run`, `make replay`, `make smoke` and the agent preview read them.

The one place these development tools import from `gladly_bigcommerce.config`: when the settings move
inside the adaptor's package, this module is the one edit.
"""

from __future__ import annotations

from gladly_bigcommerce.config import (
    DEFAULT_API_BASE,
    ENVIRONMENT_VARIABLES,
    AdaptorSecret,
    AdaptorSettings,
    ConfigError,
    enabled_actions,
    load_secret,
    read_parameters_file,
)

__all__ = [
    "DEFAULT_API_BASE",
    "ENVIRONMENT_VARIABLES",
    "AdaptorSecret",
    "AdaptorSettings",
    "ConfigError",
    "enabled_actions",
    "load_secret",
    "read_parameters_file",
]
