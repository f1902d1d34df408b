"""Shared fixtures live in tests/fixtures as pytest plugins, one module per concern."""

import pytest

pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.aws",
    "tests.fixtures.gateway",
    "tests.fixtures.logs",
]

# Helper modules whose asserts pytest explains like a test module's.
pytest.register_assert_rewrite("tests.integration.actions_support")
