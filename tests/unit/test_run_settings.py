"""What `make run` makes of its environment (devtools/run_settings.py): near misses of a setting named
with the one meant, settings it decides itself said to be ignored, and what differs from its defaults
listed with secrets masked."""

from __future__ import annotations

import pytest

from devtools import run_settings
from devtools.adaptor_settings import ENVIRONMENT_VARIABLES
from devtools.fleet import MAX_CONTAINERS, containers_setting


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("ACTION_ENABLED", "ACTIONS_ENABLED"),  # a letter short
        ("actions_enabled", "ACTIONS_ENABLED"),  # wrong case
        ("SEARCH_QUERY_ATTRIBUTE", "SEARCH_QUERY_ATTRIBUTES"),
        ("ActionsEnabled", "ACTIONS_ENABLED"),  # the SAM parameter's name
        ("CredentialsSecretArn", "SECRET_NAME"),  # a SAM parameter named unlike its variable
        ("RECENT_ORDER", "RECENT_ORDERS"),
        ("Gateway_Port", "GATEWAY_PORT"),  # make run's own knobs too
        ("SANDBOXPORT", "SANDBOX_PORT"),
        ("GLADLY_SIGNING_KEYS", "GLADLY_SIGNING_KEY"),
        ("CONTAINER", "CONTAINERS"),
    ],
)
def test_a_variable_that_looks_like_a_setting_gets_a_warning_naming_the_one_meant(
    name: str, meant: str
) -> None:
    # When make run finds the variable in its environment
    warnings = run_settings.lookalike_warnings({name: "refund"})
    # Then one warning says it is ignored and names the setting meant
    assert warnings == [f"{name} is not a setting of make run and is ignored: did you mean {meant}?"]


@pytest.mark.parametrize("name", run_settings.known_names())
def test_every_known_setting_in_lower_case_is_recognised(name: str) -> None:
    assert run_settings.meant(name.lower()) == name
    assert run_settings.meant(name) is None  # the setting itself is no mistake


def test_a_usual_environment_gets_no_warning() -> None:
    # Given what a developer's shell, make and the project's other commands put in the environment
    environ = dict.fromkeys(
        [
            *("PATH", "HOME", "USER", "SHELL", "TERM", "LANG", "PWD", "OLDPWD", "HOSTNAME", "SHLVL"),
            *("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV", "PYTHONUNBUFFERED", "AWS_REGION"),
            *("GATEWAY_URL", "SANDBOX_URL", "EVENT", "RESET", "VERBOSE", "SANDBOX_ARGS", "CONFIG", "URL"),
            *("ACTIONS_ENABLED", "RECENT_ORDERS", "GATEWAY_PORT", "SANDBOX_PORT", "GLADLY_SIGNING_KEY"),
        ],
        "1",
    )
    # Then make run warns about nothing
    assert run_settings.lookalike_warnings(environ) == []


def test_settings_make_run_decides_itself_are_said_to_be_ignored() -> None:
    environ = {"STORE_HASH": "abc123", "SECRET_NAME": "x", "BIGCOMMERCE_API_BASE": "http://127.0.0.1:9"}
    environ["IDEMPOTENCY_TABLE_NAME"] = "mine"
    warnings = run_settings.lookalike_warnings(environ)
    assert [warning.split(" ")[0] for warning in warnings] == [
        "STORE_HASH",
        "SECRET_NAME",
        "BIGCOMMERCE_API_BASE",
        "IDEMPOTENCY_TABLE_NAME",
    ]
    assert all(" is ignored: " in warning for warning in warnings)
    # But BIGCOMMERCE_API_BASE counts with a real store, so it is not said to be ignored then
    real_store = {"BIGCOMMERCE_STORE_HASH": "abc123", "BIGCOMMERCE_API_BASE": "http://127.0.0.1:9"}
    assert run_settings.lookalike_warnings(real_store) == []


def test_the_settings_listed_are_those_differing_from_make_runs_defaults_with_secrets_masked() -> None:
    environ = {
        "ACTIONS_ENABLED": "true",  # every action: make run's own default against the sandbox
        "RECENT_ORDERS": "5",
        "GATEWAY_PORT": "3000",  # the default port
        "SANDBOX_PORT": "3005",
        "GLADLY_SIGNING_KEY": "s3cret-signing-key",
        "STORE_HASH": "ignored",  # decided by make run: no setting of the deployment it makes
    }
    listed = run_settings.changed_settings(environ, sandbox=True)
    fingerprint = run_settings.fingerprint("s3cret-signing-key")
    assert listed == [
        "RECENT_ORDERS=5 (default 10)",
        "SANDBOX_PORT=3005 (default 3001)",
        f"GLADLY_SIGNING_KEY=<18 characters, fingerprint {fingerprint}> (default local-dev-signing-key)",
    ]
    assert not any("s3cret" in line for line in listed)


def test_against_a_real_store_actions_differ_from_none_and_its_credentials_are_masked() -> None:
    environ = {
        "ACTIONS_ENABLED": "refund",
        "BIGCOMMERCE_STORE_HASH": "abc123",
        "BIGCOMMERCE_ACCESS_TOKEN": "real-token-value",
        "BIGCOMMERCE_CLIENT_ID": "real-client-id",
        "BIGCOMMERCE_API_BASE": "https://api.bigcommerce.com",  # its default: not listed
    }
    listed = run_settings.changed_settings(environ, sandbox=False)
    assert listed[:2] == [
        "ACTIONS_ENABLED=refund (default empty)",
        "BIGCOMMERCE_STORE_HASH=abc123 (default empty)",
    ]
    assert [line.split("=")[0] for line in listed[2:]] == [
        "BIGCOMMERCE_ACCESS_TOKEN",
        "BIGCOMMERCE_CLIENT_ID",
    ]
    assert not any("real-token-value" in line or "real-client-id" in line for line in listed)


def test_overrides_are_the_deployment_settings_make_run_applies() -> None:
    environ = {"ACTIONS_ENABLED": "refund", "STORE_HASH": "x", "ORDER_LOCKS_TABLE_NAME": "t", "HOME": "/root"}
    assert run_settings.overrides(environ) == {"ACTIONS_ENABLED": "refund"}
    assert set(run_settings.overrides(dict.fromkeys(ENVIRONMENT_VARIABLES, "1"))) == {
        name
        for name, spec in ENVIRONMENT_VARIABLES.items()
        if spec.parameter is not None and name not in run_settings.SET_BY_RUN
    }


@pytest.mark.parametrize(("value", "containers"), [(None, 1), ("", 1), ("1", 1), (" 4 ", 4), ("16", 16)])
def test_containers_is_a_whole_number_of_worker_processes_per_function(
    value: str | None, containers: int
) -> None:
    environ = {} if value is None else {"CONTAINERS": value}
    assert containers_setting(environ) == containers


@pytest.mark.parametrize("value", ["0", "abc", "-2", "2.5", "17", "\u0663", "1e3"])
def test_a_containers_value_that_is_no_number_of_containers_is_refused_in_one_line(value: str) -> None:
    with pytest.raises(SystemExit) as refused:
        containers_setting({"CONTAINERS": value})
    message = str(refused.value.code)
    assert message.startswith(f"CONTAINERS={value} is not a number of containers: give a whole number from 1")
    assert f"to {MAX_CONTAINERS} " in message and "\n" not in message


def test_containers_is_listed_among_the_changed_settings() -> None:
    assert "CONTAINERS=4 (default 1)" in run_settings.changed_settings({"CONTAINERS": "4"}, sandbox=True)
