"""`make validate-config` (devtools/validate_config.py): every problem of settings, secret and template
at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.validate_config import main
from gladly_bigcommerce.settings.model import AdaptorSettings
from tests.unit.test_settings import REQUIRED

REPOSITORY = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


@pytest.mark.parametrize("parameters_file", ["parameters.example.json", "parameters.local.json"])
def test_the_shipped_parameter_files_are_valid(
    parameters_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = REPOSITORY / "config"
    exit_code = main(
        ["--parameters", str(config / parameters_file), "--secret", str(config / "secret.example.json")]
    )
    output = capsys.readouterr().out
    assert exit_code == 0
    assert output.startswith("OK")
    assert "gladly_signing_key: set" in output


def test_the_local_parameters_point_at_the_sandbox() -> None:
    local = json.loads((REPOSITORY / "config" / "parameters.local.json").read_text(encoding="utf-8"))
    settings = AdaptorSettings.from_env(local)
    assert (settings.store_hash, settings.api_base) == ("sandbox", "http://127.0.0.1:3001")


def test_the_cli_lists_every_problem_of_parameters_and_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given parameters with a mistake, and a secret lacking a key
    parameters_file = _write(tmp_path, "parameters.json", {**REQUIRED, "RECENT_ORDERS": 0, "Typo": "x"})
    secret_file = _write(
        tmp_path, "secret.json", {"client_id": "client-id-123456", "access_token": "access-token-abcdef"}
    )
    # When the CLI checks them
    exit_code = main(["--parameters", str(parameters_file), "--secret", str(secret_file)])
    # Then it fails, naming each problem, and prints no secret value
    captured = capsys.readouterr()
    assert exit_code == 1
    assert "Typo: is not a setting of this adaptor" in captured.err
    assert "gladly_signing_key: is missing from the secret" in captured.err
    assert "access-token-abcdef" not in captured.err + captured.out


def test_the_cli_accepts_sam_parameter_names_and_json_scalars(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parameters_file = _write(
        tmp_path,
        "parameters.json",
        {
            "DeploymentName": "acme",
            "StoreHash": "store-abc123xyz0",
            "CredentialsSecretArn": "gladly/acme",
            "RecentOrders": 5,
            "ActionsEnabled": True,
        },
    )
    assert main(["--parameters", str(parameters_file)]) == 0
    output = capsys.readouterr().out
    assert "RECENT_ORDERS=5" in output
    assert "ACTIONS_ENABLED=cancel,discount,refund" in output


@pytest.mark.parametrize("key", ["OVERWRITE_EXISTING_VALUES", "OverwriteExistingValues"])
def test_a_parameters_file_with_overwrite_existing_values_is_told_the_setting_moved_to_gladly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    # Given an old parameters file that still sets the adaptor's former copy of the setting
    parameters_file = _write(tmp_path, "parameters.json", {**REQUIRED, key: "true"})
    # When the CLI checks it
    exit_code = main(["--parameters", str(parameters_file)])
    # Then it fails and says where the setting lives now, not just that the key is unknown
    error = capsys.readouterr().err
    assert exit_code == 1
    assert f"{key}: moved to Gladly" in error
    assert "'Overwrite Existing Values' checkbox on Gladly's app settings page" in error
    assert "is not a setting of this adaptor" not in error


def test_without_a_file_the_cli_reads_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([], environ=REQUIRED) == 0
    assert main([], environ={}) == 1
    assert "DEPLOYMENT_NAME: is required" in capsys.readouterr().err


def test_an_unreadable_parameters_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert main(["--parameters", str(tmp_path / "broken.json")]) == 1
    assert "--parameters" in capsys.readouterr().err


def test_the_cli_lists_every_problem_of_every_stage_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a file with an unknown key, bad settings, values template.yaml refuses and basic auth on,
    # and a secret without the signing key or the basic auth password
    parameters_file = _write(
        tmp_path,
        "parameters.json",
        {
            "DeploymentName": "acme",
            "StoreHash": "abc123xyz0",
            "SECRET_NAME": "gladly/acme",  # a name: the template takes only an ARN
            "Colour": "blue",  # unknown key
            "RECENT_ORDERS": "99",  # settings: at most 50
            "ACTIONS_ENABLED": "refund,teleport",  # settings: no such action
            "DEFAULT_PHONE_REGION": "us",  # template: ^[A-Z]{2}$
            "LogLevel": "LOUD",  # template-only parameter: AllowedValues
            "StageName": "prod-1",  # template-only parameter: AllowedPattern
            "LogRetentionInDays": "8",  # template-only parameter: AllowedValues
            "BASIC_AUTH_USER": "gladly",
        },
    )
    secret_file = _write(
        tmp_path, "secret.json", {"client_id": "client-id-1", "access_token": "access-token-1"}
    )
    # When validate-config checks them against template.yaml
    exit_code = main(
        [
            "--parameters",
            str(parameters_file),
            "--secret",
            str(secret_file),
            "--template",
            str(REPOSITORY / "template.yaml"),
        ]
    )
    # Then every problem of every stage is listed in the one run
    error = capsys.readouterr().err
    assert exit_code == 1
    assert error.startswith("The configuration has 10 problem(s):")
    for expected in (
        "Colour: is not a setting of this adaptor",
        "RECENT_ORDERS: Input should be less than or equal to 50",
        "ACTIONS_ENABLED: item 2: Input should be 'refund', 'cancel', 'discount', 'staff_note', "
        "'store_credit' or 'shipping_address'",
        "SECRET_NAME: must match ^arn:aws",
        "DEFAULT_PHONE_REGION: must match ^[A-Z]{2}$",
        "LogLevel: must be one of DEBUG, INFO, WARNING, ERROR",
        "StageName: must match ^[A-Za-z0-9_]+$",
        "LogRetentionInDays: must be one of 1, 3, 5",
        "gladly_signing_key: is missing from the secret",
        "basic_auth_password: is missing from the secret although BASIC_AUTH_USER is set",
    ):
        assert expected in error, expected
    assert "access-token-1" not in error


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("DeploymentName", "x" * 65, "DEPLOYMENT_NAME: String should have at most 64 characters"),
        # the name is written into the dashboard's JSON body: a quote would break it
        ("DeploymentName", 'Acme "Store"', "DEPLOYMENT_NAME: must match"),
        ("LookupDeadlineSeconds", "0.05", "LOOKUP_DEADLINE_SECONDS: must be at least 0.1"),
        ("DiscountMaxAmount", "1e3", "DISCOUNT_MAX_AMOUNT: must match"),
        ("ApiThrottlingRateLimit", "0", "ApiThrottlingRateLimit: must be at least 1"),
        ("ApiThrottlingBurstLimit", "many", "ApiThrottlingBurstLimit: must be a number"),
    ],
)
def test_what_the_template_refuses_is_refused_before_deploying(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, problem: str
) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gladly/acme-AbCdEf"
    parameters_file = _write(tmp_path, "parameters.json", {**REQUIRED, "SECRET_NAME": arn, key: value})
    template = str(REPOSITORY / "template.yaml")
    assert main(["--parameters", str(parameters_file), "--template", template]) == 1
    assert problem in capsys.readouterr().err


def test_the_example_parameters_pass_the_templates_constraints(capsys: pytest.CaptureFixture[str]) -> None:
    example = REPOSITORY / "config" / "parameters.example.json"
    assert main(["--parameters", str(example), "--template", str(REPOSITORY / "template.yaml")]) == 0
    assert capsys.readouterr().out.startswith("OK")


def test_a_problem_between_settings_is_reported_beside_the_problems_of_single_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a file with a bad setting, and a default expiry longer than the maximum (both readable)
    parameters_file = _write(
        tmp_path,
        "parameters.json",
        {
            **REQUIRED,
            "RECENT_ORDERS": "0",
            "DISCOUNT_DEFAULT_EXPIRY_DAYS": "400",
            "DISCOUNT_MAX_EXPIRY_DAYS": "365",
        },
    )
    # When validate-config checks it
    exit_code = main(["--parameters", str(parameters_file)])
    # Then one run names both: the bad setting and the two that disagree
    errors = capsys.readouterr().err
    assert exit_code == 1
    assert "The configuration has 2 problem(s):" in errors
    assert "RECENT_ORDERS:" in errors
    assert "DISCOUNT_DEFAULT_EXPIRY_DAYS: is longer than DISCOUNT_MAX_EXPIRY_DAYS" in errors
