"""Shared fixtures live in tests/fixtures as pytest plugins, one module per concern."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis in `make test`: the same examples on every run (derandomized), no example database, its
# caches kept out of the repository, and no deadline: a deadline is an assertion on wall-clock time,
# which fails on a busy machine (an example of test_untidy_answers took 289 ms of a 200 ms deadline).
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "gladly-bigcommerce-hypothesis")
settings.register_profile("make-test", derandomize=True, database=None, deadline=None)
settings.load_profile("make-test")

pytest_plugins = [
    "tests.fixtures.aws",
    "tests.fixtures.sandbox",
    "tests.fixtures.gateway",
    "tests.fixtures.logs",
]

# Helper modules whose asserts pytest explains like a test module's.
pytest.register_assert_rewrite("tests.integration.actions_support")
