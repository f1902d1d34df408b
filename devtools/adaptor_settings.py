"""The adaptor's settings as `make run`, `make replay`, `make smoke` and the agent preview read them.

The one place these development tools import the adaptor's settings from (``gladly_bigcommerce.settings``)
and the parameters-file reading of ``make validate-config`` (``devtools/validate_config.py``).
"""

from __future__ import annotations

from devtools.validate_config import read_parameters_file
from gladly_bigcommerce.bigcommerce.http import DEFAULT_API_BASE
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from gladly_bigcommerce.settings.model import AdaptorSettings, enabled_actions
from gladly_bigcommerce.settings.problems import ConfigError
from gladly_bigcommerce.settings.secret import AdaptorSecret, load_secret

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
