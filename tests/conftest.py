"""Shared fixtures live in tests/fixtures as pytest plugins, one module per concern."""

pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.aws",
    "tests.fixtures.gateway",
]
